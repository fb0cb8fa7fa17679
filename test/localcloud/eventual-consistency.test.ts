import {
  CreateRuleCommand,
  CreateTargetGroupCommand,
  DeleteTargetGroupCommand,
  DescribeTargetGroupsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, describe, expect, it } from 'vitest';
import { type Localcloud, startLocalcloud } from '../../localcloud/index.js';
import { clients, errorOf, waitFor } from './helpers.js';

const describeTg = (elb: ReturnType<typeof clients>['elb'], arn: string) =>
  elb.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [arn] }));

async function targetGroup(elb: ReturnType<typeof clients>['elb'], lc: Localcloud, name: string) {
  const out = await elb.send(
    new CreateTargetGroupCommand({
      Name: name,
      Protocol: 'HTTP',
      Port: 18789,
      VpcId: lc.ids.VPC_ID,
      TargetType: 'ip',
    }),
  );
  return out.TargetGroups![0]!.TargetGroupArn!;
}

/** localcloud's eventual-consistency setting (localcloud/consistency.ts): reads lag writes. */
describe('localcloud: eventual consistency', () => {
  const started: Localcloud[] = [];
  afterAll(async () => {
    await Promise.all(started.map((lc) => lc.close()));
  });

  it('hides a new target group from reads and from a rule that forwards to it, then shows it', async () => {
    // A window far longer than the test: "not yet visible" holds for every call below.
    const lc = await startLocalcloud({ port: 0, eventualConsistencyMs: 120_000 });
    started.push(lc);
    const { elb } = clients(lc);
    const arn = await targetGroup(elb, lc, 'ec-new');
    expect((await errorOf(() => describeTg(elb, arn))).name).toBe('TargetGroupNotFoundException');
    const rule = await errorOf(() =>
      elb.send(
        new CreateRuleCommand({
          ListenerArn: lc.ids.ALB_LISTENER_ARNS.split(',')[0],
          Priority: 7,
          Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/ec/*'] } }],
          Actions: [{ Type: 'forward', TargetGroupArn: arn }],
        }),
      ),
    );
    expect(rule.name).toBe('TargetGroupNotFoundException');
    // The state itself is exact: localcloud's own view lists it.
    const state = (await (await fetch(`${lc.url}/_localcloud/state`)).json()) as {
      targetGroups: { targetGroupArn?: string; arn?: string }[];
    };
    expect(state.targetGroups.some((t) => (t.arn ?? t.targetGroupArn) === arn)).toBe(true);
  });

  it('shows a new target group once the window has passed, and a deleted one for as long again', async () => {
    const lc = await startLocalcloud({ port: 0, eventualConsistencyMs: 1_500 });
    started.push(lc);
    const { elb } = clients(lc);
    const arn = await targetGroup(elb, lc, 'ec-later');
    await waitFor(
      () =>
        describeTg(elb, arn).then(
          () => true,
          () => false,
        ),
      {
        what: 'the new target group to become visible',
      },
    );
    await elb.send(new DeleteTargetGroupCommand({ TargetGroupArn: arn }));
    // Deleted, yet still described: the removal has not reached every read yet.
    expect((await describeTg(elb, arn)).TargetGroups?.[0]?.TargetGroupArn).toBe(arn);
    await waitFor(
      () =>
        describeTg(elb, arn).then(
          () => false,
          (err: Error) => err.name,
        ),
      {
        what: 'the deleted target group to disappear',
      },
    );
    expect((await errorOf(() => describeTg(elb, arn))).name).toBe('TargetGroupNotFoundException');
  });

  it('is off by default: a new target group is described at once', async () => {
    const lc = await startLocalcloud({ port: 0 });
    started.push(lc);
    const { elb } = clients(lc);
    const arn = await targetGroup(elb, lc, 'ec-off');
    expect((await describeTg(elb, arn)).TargetGroups?.[0]?.TargetGroupArn).toBe(arn);
  });
});
