import {
  AddTagsCommand,
  CreateRuleCommand,
  CreateTargetGroupCommand,
  DeleteRuleCommand,
  DeleteTargetGroupCommand,
  DeregisterTargetsCommand,
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeRulesCommand,
  DescribeTagsCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  DuplicateTargetGroupNameException,
  ListenerNotFoundException,
  LoadBalancerNotFoundException,
  ModifyRuleCommand,
  PriorityInUseException,
  RegisterTargetsCommand,
  RemoveTagsCommand,
  ResourceInUseException,
  type RuleCondition,
  RuleNotFoundException,
  SetRulePrioritiesCommand,
  TargetGroupNotFoundException,
  TooManyRulesException,
  TooManyTargetGroupsException,
  TooManyUniqueTargetGroupsPerLoadBalancerException,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Localcloud, startLocalcloud } from '../../localcloud/index.js';
import { clients, errorOf, inspect, waitFor } from './helpers.js';

let lc: Localcloud;
let elb: ReturnType<typeof clients>['elb'];

beforeAll(async () => {
  lc = await startLocalcloud({
    port: 0,
    seed: 21,
    albs: 3,
    timing: { healthCheckMs: 300, serviceDrainMs: 300 },
  });
  elb = clients(lc).elb;
});
afterAll(() => lc.close());

const listeners = () => lc.ids.ALB_LISTENER_ARNS.split(',');

async function targetGroup(name: string, extra: Record<string, unknown> = {}) {
  const out = await elb.send(
    new CreateTargetGroupCommand({
      Name: name,
      Protocol: 'HTTP',
      Port: 18789,
      VpcId: lc.ids.VPC_ID,
      TargetType: 'ip',
      ...extra,
    }),
  );
  return out.TargetGroups![0]!.TargetGroupArn!;
}

const forward = (tg: string) => [{ Type: 'forward' as const, TargetGroupArn: tg }];
const path = (p: string) => [{ Field: 'path-pattern', PathPatternConfig: { Values: [p] } }];

describe('ELBv2 bootstrap', () => {
  it('has N internet-facing ALBs, each with an HTTP:80 listener answering a fixed 404', async () => {
    expect(listeners()).toHaveLength(3);
    const lbs = await elb.send(new DescribeLoadBalancersCommand({}));
    expect(lbs.LoadBalancers?.map((l) => l.DNSName).join(',')).toBe(lc.ids.ALB_DNS_NAMES);
    expect(lbs.LoadBalancers?.[0]?.Scheme).toBe('internet-facing');
    expect(lbs.LoadBalancers?.[0]?.State?.Code).toBe('active');
    const l = await elb.send(
      new DescribeListenersCommand({ LoadBalancerArn: lbs.LoadBalancers![0]!.LoadBalancerArn }),
    );
    expect(l.Listeners?.[0]).toMatchObject({
      Port: 80,
      Protocol: 'HTTP',
      ListenerArn: lc.ids.ALB_LISTENER_ARN,
    });
    expect(l.Listeners?.[0]?.DefaultActions?.[0]?.FixedResponseConfig?.StatusCode).toBe('404');
    const paged = await elb.send(new DescribeLoadBalancersCommand({ PageSize: 2 }));
    expect(paged.LoadBalancers).toHaveLength(2);
    const rest = await elb.send(new DescribeLoadBalancersCommand({ PageSize: 2, Marker: paged.NextMarker }));
    expect(rest.LoadBalancers).toHaveLength(1);
    expect(rest.NextMarker).toBeUndefined();
  });

  it('reports unknown load balancers and listeners', async () => {
    const lbArn = lc.ids.ALB_LISTENER_ARN.replace(':listener/', ':loadbalancer/').replace(
      /\/[0-9a-f]+$/,
      '0',
    );
    expect(
      await errorOf(() => elb.send(new DescribeLoadBalancersCommand({ LoadBalancerArns: [lbArn] }))),
    ).toBeInstanceOf(LoadBalancerNotFoundException);
    expect(
      await errorOf(() =>
        elb.send(new DescribeListenersCommand({ ListenerArns: [`${lc.ids.ALB_LISTENER_ARN}0`] })),
      ),
    ).toBeInstanceOf(ListenerNotFoundException);
  });
});

describe('ELBv2 target groups', () => {
  it('creates idempotently with the same settings, refuses the same name with other settings', async () => {
    const a = await targetGroup('tg-a');
    expect(a).toMatch(
      /^arn:aws:elasticloadbalancing:us-west-2:000000000000:targetgroup\/tg-a\/[0-9a-f]{16}$/,
    );
    expect(await targetGroup('tg-a')).toBe(a);
    const err = await errorOf(() => targetGroup('tg-a', { Port: 8080 }));
    expect(err).toBeInstanceOf(DuplicateTargetGroupNameException);
    const bad = await errorOf(() => targetGroup('-bad-'));
    expect(bad.name).toBe('ValidationError');
  });

  it('describes by ARN, by name, by load balancer, and pages with Marker', async () => {
    const b = await targetGroup('tg-b', { Tags: [{ Key: 'user', Value: 'b' }] });
    const byArn = await elb.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [b] }));
    expect(byArn.TargetGroups?.[0]).toMatchObject({
      TargetGroupName: 'tg-b',
      Port: 18789,
      TargetType: 'ip',
      HealthCheckPath: '/',
    });
    const byName = await elb.send(new DescribeTargetGroupsCommand({ Names: ['tg-b'] }));
    expect(byName.TargetGroups?.[0]?.TargetGroupArn).toBe(b);
    await elb.send(
      new CreateRuleCommand({
        ListenerArn: listeners()[0],
        Priority: 10,
        Conditions: path('/b/*'),
        Actions: forward(b),
      }),
    );
    const lbArn = (await elb.send(new DescribeLoadBalancersCommand({}))).LoadBalancers![0]!.LoadBalancerArn!;
    const byLb = await elb.send(new DescribeTargetGroupsCommand({ LoadBalancerArn: lbArn }));
    expect(byLb.TargetGroups?.map((t) => t.TargetGroupArn)).toEqual([b]);
    expect(byLb.TargetGroups?.[0]?.LoadBalancerArns).toEqual([lbArn]);

    const seen: string[] = [];
    let marker: string | undefined;
    do {
      const page = await elb.send(new DescribeTargetGroupsCommand({ PageSize: 1, Marker: marker }));
      seen.push(...page.TargetGroups!.map((t) => t.TargetGroupName!));
      marker = page.NextMarker;
    } while (marker);
    expect(seen).toEqual(['tg-a', 'tg-b']);
    expect(
      await errorOf(() => elb.send(new DescribeTargetGroupsCommand({ Names: ['nope'] }))),
    ).toBeInstanceOf(TargetGroupNotFoundException);
  });

  it('registers targets (initial -> healthy), deregisters them (draining -> gone)', async () => {
    const b = (await elb.send(new DescribeTargetGroupsCommand({ Names: ['tg-b'] }))).TargetGroups![0]!
      .TargetGroupArn!;
    await elb.send(
      new RegisterTargetsCommand({ TargetGroupArn: b, Targets: [{ Id: '10.0.128.99', Port: 18789 }] }),
    );
    const first = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: b }));
    expect(first.TargetHealthDescriptions?.[0]?.TargetHealth).toMatchObject({
      State: 'initial',
      Reason: 'Elb.RegistrationInProgress',
    });
    await waitFor(
      async () => {
        const h = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: b }));
        return h.TargetHealthDescriptions?.[0]?.TargetHealth?.State === 'healthy';
      },
      { what: 'healthy target' },
    );
    await elb.send(
      new DeregisterTargetsCommand({ TargetGroupArn: b, Targets: [{ Id: '10.0.128.99', Port: 18789 }] }),
    );
    const draining = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: b }));
    expect(draining.TargetHealthDescriptions?.[0]?.TargetHealth?.State).toBe('draining');
    await waitFor(
      async () => {
        const h = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: b }));
        return h.TargetHealthDescriptions?.length === 0;
      },
      { what: 'target gone' },
    );
    const unused = await elb.send(new DescribeTargetGroupsCommand({ Names: ['tg-a'] }));
    await elb.send(
      new RegisterTargetsCommand({
        TargetGroupArn: unused.TargetGroups![0]!.TargetGroupArn,
        Targets: [{ Id: '10.0.128.98' }],
      }),
    );
    const h = await elb.send(
      new DescribeTargetHealthCommand({ TargetGroupArn: unused.TargetGroups![0]!.TargetGroupArn }),
    );
    expect(h.TargetHealthDescriptions?.[0]?.TargetHealth?.State).toBe('unused');
    expect(
      await errorOf(() => elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: `${b}0` }))),
    ).toBeInstanceOf(TargetGroupNotFoundException);
  });

  it('targets follow their group into and out of use by a rule (unused <-> initial -> healthy)', async () => {
    const a = (await elb.send(new DescribeTargetGroupsCommand({ Names: ['tg-a'] }))).TargetGroups![0]!
      .TargetGroupArn!;
    const state = async () =>
      (await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: a }))).TargetHealthDescriptions?.[0]
        ?.TargetHealth?.State;
    expect(await state()).toBe('unused');
    const rule = await elb.send(
      new CreateRuleCommand({
        ListenerArn: listeners()[2],
        Priority: 900,
        Conditions: path('/a/*'),
        Actions: forward(a),
      }),
    );
    expect(await state()).toBe('initial');
    await waitFor(async () => (await state()) === 'healthy', { what: 'healthy once in use' });
    await elb.send(new DeleteRuleCommand({ RuleArn: rule.Rules![0]!.RuleArn }));
    expect(await state()).toBe('unused');
  });

  it('refuses to delete a target group a rule forwards to (ResourceInUse); deletes it once free', async () => {
    const b = (await elb.send(new DescribeTargetGroupsCommand({ Names: ['tg-b'] }))).TargetGroups![0]!
      .TargetGroupArn!;
    expect(await errorOf(() => elb.send(new DeleteTargetGroupCommand({ TargetGroupArn: b })))).toBeInstanceOf(
      ResourceInUseException,
    );
    const rules = await elb.send(new DescribeRulesCommand({ ListenerArn: listeners()[0] }));
    await elb.send(
      new DeleteRuleCommand({ RuleArn: rules.Rules!.find((r) => r.Priority === '10')!.RuleArn }),
    );
    await elb.send(new DeleteTargetGroupCommand({ TargetGroupArn: b }));
    // Deleting again succeeds, as in AWS.
    await elb.send(new DeleteTargetGroupCommand({ TargetGroupArn: b }));
    expect(
      await errorOf(() => elb.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [b] }))),
    ).toBeInstanceOf(TargetGroupNotFoundException);
  });
});

describe('ELBv2 rules', () => {
  it('creates, describes (listener, ARNs, paging), modifies, reprioritises and deletes rules', async () => {
    const listener = listeners()[1]!;
    const tg1 = await targetGroup('tg-r1');
    const tg2 = await targetGroup('tg-r2');
    const r1 = (
      await elb.send(
        new CreateRuleCommand({
          ListenerArn: listener,
          Priority: 1,
          Conditions: path('/1/*'),
          Actions: forward(tg1),
        }),
      )
    ).Rules![0]!;
    expect(r1.RuleArn).toMatch(
      /:listener-rule\/app\/openclaw-alb-2\/[0-9a-f]{16}\/[0-9a-f]{16}\/[0-9a-f]{16}$/,
    );
    expect(r1.Actions?.[0]?.ForwardConfig?.TargetGroups?.[0]?.TargetGroupArn).toBe(tg1);
    const r2 = (
      await elb.send(
        new CreateRuleCommand({
          ListenerArn: listener,
          Priority: 2,
          Conditions: path('/2/*'),
          Actions: forward(tg2),
        }),
      )
    ).Rules![0]!;
    const clash = await errorOf(() =>
      elb.send(
        new CreateRuleCommand({
          ListenerArn: listener,
          Priority: 2,
          Conditions: path('/3/*'),
          Actions: forward(tg2),
        }),
      ),
    );
    expect(clash).toBeInstanceOf(PriorityInUseException);
    expect(
      await errorOf(() =>
        elb.send(
          new CreateRuleCommand({
            ListenerArn: `${listener}0`,
            Priority: 3,
            Conditions: path('/x'),
            Actions: forward(tg2),
          }),
        ),
      ),
    ).toBeInstanceOf(ListenerNotFoundException);
    const badPriority = await errorOf(() =>
      elb.send(
        new CreateRuleCommand({
          ListenerArn: listener,
          Priority: 0,
          Conditions: path('/x'),
          Actions: forward(tg2),
        }),
      ),
    );
    expect(badPriority.name).toBe('ValidationError');

    const all = await elb.send(new DescribeRulesCommand({ ListenerArn: listener }));
    expect(all.Rules?.map((r) => r.Priority)).toEqual(['1', '2', 'default']);
    expect(all.Rules?.[2]?.IsDefault).toBe(true);
    const page1 = await elb.send(new DescribeRulesCommand({ ListenerArn: listener, PageSize: 2 }));
    expect(page1.Rules).toHaveLength(2);
    const page2 = await elb.send(
      new DescribeRulesCommand({ ListenerArn: listener, PageSize: 2, Marker: page1.NextMarker }),
    );
    expect(page2.Rules?.map((r) => r.Priority)).toEqual(['default']);
    const byArn = await elb.send(new DescribeRulesCommand({ RuleArns: [r2.RuleArn!] }));
    expect(byArn.Rules?.[0]?.Priority).toBe('2');

    const modified = await elb.send(
      new ModifyRuleCommand({ RuleArn: r1.RuleArn, Conditions: path('/one/*') }),
    );
    expect(modified.Rules?.[0]?.Conditions?.[0]?.PathPatternConfig?.Values).toEqual(['/one/*']);
    // Swapping two priorities in one call is allowed.
    const swapped = await elb.send(
      new SetRulePrioritiesCommand({
        RulePriorities: [
          { RuleArn: r1.RuleArn, Priority: 2 },
          { RuleArn: r2.RuleArn, Priority: 1 },
        ],
      }),
    );
    expect(swapped.Rules?.map((r) => r.Priority)).toEqual(['2', '1']);
    const taken = await elb.send(
      new CreateRuleCommand({
        ListenerArn: listener,
        Priority: 5,
        Conditions: path('/5'),
        Actions: forward(tg2),
      }),
    );
    expect(
      await errorOf(() =>
        elb.send(new SetRulePrioritiesCommand({ RulePriorities: [{ RuleArn: r1.RuleArn, Priority: 5 }] })),
      ),
    ).toBeInstanceOf(PriorityInUseException);

    await elb.send(new DeleteRuleCommand({ RuleArn: taken.Rules![0]!.RuleArn }));
    expect(
      await errorOf(() => elb.send(new DeleteRuleCommand({ RuleArn: taken.Rules![0]!.RuleArn }))),
    ).toBeInstanceOf(RuleNotFoundException);
    expect(
      await errorOf(() => elb.send(new DescribeRulesCommand({ RuleArns: [taken.Rules![0]!.RuleArn!] }))),
    ).toBeInstanceOf(RuleNotFoundException);
    expect(
      await errorOf(() =>
        elb.send(new ModifyRuleCommand({ RuleArn: taken.Rules![0]!.RuleArn, Conditions: path('/x') })),
      ),
    ).toBeInstanceOf(RuleNotFoundException);
  });

  it('adds, describes and removes tags', async () => {
    const tg = await targetGroup('tg-tags');
    await elb.send(
      new AddTagsCommand({
        ResourceArns: [tg, lc.ids.ALB_LISTENER_ARN],
        Tags: [
          { Key: 'a', Value: '1' },
          { Key: 'b', Value: '2' },
        ],
      }),
    );
    await elb.send(new RemoveTagsCommand({ ResourceArns: [tg], TagKeys: ['a'] }));
    const t = await elb.send(new DescribeTagsCommand({ ResourceArns: [tg, lc.ids.ALB_LISTENER_ARN] }));
    expect(t.TagDescriptions?.[0]?.Tags).toEqual([{ Key: 'b', Value: '2' }]);
    expect(t.TagDescriptions?.[1]?.Tags).toHaveLength(2);
    expect(
      await errorOf(() => elb.send(new DescribeTagsCommand({ ResourceArns: [`${tg}0`] }))),
    ).toBeInstanceOf(TargetGroupNotFoundException);
  });
});

describe('ELBv2 quotas', () => {
  it('the 101st rule on a listener fails with TooManyRules', async () => {
    const listener = listeners()[2]!;
    const fixed = [
      {
        Type: 'fixed-response' as const,
        FixedResponseConfig: { StatusCode: '200', ContentType: 'text/plain' },
      },
    ];
    for (let p = 1; p <= 100; p++) {
      await elb.send(
        new CreateRuleCommand({
          ListenerArn: listener,
          Priority: p,
          Conditions: path(`/q${p}/*`),
          Actions: fixed,
        }),
      );
    }
    const err = await errorOf(() =>
      elb.send(
        new CreateRuleCommand({
          ListenerArn: listener,
          Priority: 101,
          Conditions: path('/q101/*'),
          Actions: fixed,
        }),
      ),
    );
    expect(err).toBeInstanceOf(TooManyRulesException);
  });

  it('the 101st target group on one ALB fails with TooManyUniqueTargetGroupsPerLoadBalancer (AWS code for that quota)', async () => {
    const listener = listeners()[0]!;
    // Weighted forwards put two groups in each rule: 50 rules reach the 100-group quota.
    for (let i = 0; i < 50; i++) {
      const a = await targetGroup(`q-${i}-a`);
      const b = await targetGroup(`q-${i}-b`);
      await elb.send(
        new CreateRuleCommand({
          ListenerArn: listener,
          Priority: 100 + i,
          Conditions: path(`/w${i}/*`),
          Actions: [
            {
              Type: 'forward',
              ForwardConfig: {
                TargetGroups: [
                  { TargetGroupArn: a, Weight: 1 },
                  { TargetGroupArn: b, Weight: 1 },
                ],
              },
            },
          ],
        }),
      );
    }
    const extra = await targetGroup('q-101');
    const err = await errorOf(() =>
      elb.send(
        new CreateRuleCommand({
          ListenerArn: listener,
          Priority: 500,
          Conditions: path('/w101/*'),
          Actions: forward(extra),
        }),
      ),
    );
    expect(err).toBeInstanceOf(TooManyUniqueTargetGroupsPerLoadBalancerException);
    // The same group on another ALB is fine: the quota is per load balancer.
    await elb.send(
      new CreateRuleCommand({
        ListenerArn: listeners()[1]!,
        Priority: 500,
        Conditions: path('/w101/*'),
        Actions: forward(extra),
      }),
    );
  });

  it('the account-wide target group quota fails CreateTargetGroup with TooManyTargetGroups', async () => {
    const state = await inspect<{ targetGroups: unknown[] }>(lc, 'state');
    await inspect(lc, 'quotas', { targetGroupsPerRegion: state.targetGroups.length });
    const err = await errorOf(() => targetGroup('one-too-many'));
    expect(err).toBeInstanceOf(TooManyTargetGroupsException);
  });
});

describe('ELBv2 rule condition limits', () => {
  it('allows three values per condition and five per rule; more fail with ValidationError, on create and modify', async () => {
    const listener = listeners()[2]!;
    // The quota tests above filled the listeners and the account: room for this one.
    await inspect(lc, 'quotas', {
      rulesPerListener: 1000,
      targetGroupsPerAlb: 1000,
      targetGroupsPerRegion: 3000,
    });
    const tg = await targetGroup('limits-tg');
    const pathsOf = (...values: string[]) => ({
      Field: 'path-pattern',
      PathPatternConfig: { Values: values },
    });
    const hosts = (...values: string[]) => ({ Field: 'host-header', HostHeaderConfig: { Values: values } });
    const create = (priority: number, Conditions: RuleCondition[]) =>
      elb.send(
        new CreateRuleCommand({
          ListenerArn: listener,
          Priority: priority,
          Conditions,
          Actions: forward(tg),
        }),
      );

    // At the limits: three in one condition, five in the rule. The worker's own rule uses two values.
    const atLimit = await create(40_000, [pathsOf('/a', '/b', '/c'), hosts('x.example', 'y.example')]);
    const four = await errorOf(() => create(40_001, [pathsOf('/a', '/b', '/c', '/d')]));
    expect(four.name).toBe('ValidationError');
    expect(four.message).toMatch(/3/);
    const six = await errorOf(() =>
      create(40_002, [pathsOf('/a', '/b', '/c'), hosts('x.example', 'y.example', 'z.example')]),
    );
    expect(six.name).toBe('ValidationError');
    expect(six.message).toBe("A rule can only have '5' condition values");
    const modified = await errorOf(() =>
      elb.send(
        new ModifyRuleCommand({
          RuleArn: atLimit.Rules![0]!.RuleArn,
          Conditions: [pathsOf('/a', '/b', '/c'), hosts('1.example', '2.example', '3.example')],
        }),
      ),
    );
    expect(modified.name).toBe('ValidationError');
    // Nothing changed: the refused rules do not exist, the modified one kept its conditions.
    const { Rules } = await elb.send(new DescribeRulesCommand({ ListenerArn: listener }));
    expect(Rules?.filter((r) => ['40001', '40002'].includes(r.Priority ?? ''))).toEqual([]);
    const kept = Rules?.find((r) => r.RuleArn === atLimit.Rules![0]!.RuleArn);
    expect(kept?.Conditions?.find((c) => c.Field === 'host-header')?.HostHeaderConfig?.Values).toEqual([
      'x.example',
      'y.example',
    ]);
  });
});
