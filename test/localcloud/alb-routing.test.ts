import {
  CreateRuleCommand,
  CreateTargetGroupCommand,
  DeleteRuleCommand,
  DescribeLoadBalancersCommand,
  DescribeTargetHealthCommand,
  RegisterTargetsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Localcloud, startLocalcloud } from '../../localcloud/index.js';
import { get } from '../support/loopback-target.js';
import { clients, waitFor } from './helpers.js';

/**
 * The load balancers' real listeners, configured through the AWS API: DNSName opens, rules route,
 * and a group without a usable target answers as ALB does. Targets here have no process behind
 * them (the task runtime sets `endpoint`); alb-targets.test.ts drives real targets.
 */
let lc: Localcloud;
let elb: ReturnType<typeof clients>['elb'];

beforeAll(async () => {
  lc = await startLocalcloud({ port: 0, seed: 5, albs: 2, timing: { healthCheckMs: 30 } });
  elb = clients(lc).elb;
});
afterAll(() => lc.close());

describe('ALB data plane through the AWS API', () => {
  it("each load balancer's DNSName is a local address that answers its listener's default 404", async () => {
    const lbs = (await elb.send(new DescribeLoadBalancersCommand({}))).LoadBalancers ?? [];
    const names = lbs.map((lb) => lb.DNSName ?? '');
    expect(names.join(',')).toBe(lc.ids.ALB_DNS_NAMES);
    expect(names[0]).toBe(lc.ids.ALB_DNS_NAME);
    expect(new Set(names).size).toBe(2);
    for (const name of names) {
      expect(name).toMatch(/^127\.0\.0\.1:\d+$/);
      const r = await get(name, '/anything/at/all?x=1');
      expect([r.status, r.body, r.headers.server]).toEqual([404, 'Not found', 'awselb/2.0']);
    }
  });

  it("routes an instance's paths by its rule: 503 without targets, 502 with a healthy target that has no process", async () => {
    const [alb] = lc.ids.ALB_DNS_NAMES.split(',');
    const tg = await elb.send(
      new CreateTargetGroupCommand({
        Name: 'oc-abc123',
        Protocol: 'HTTP',
        Port: 18789,
        TargetType: 'ip',
        VpcId: lc.ids.VPC_ID,
      }),
    );
    const tgArn = tg.TargetGroups?.[0]?.TargetGroupArn ?? '';
    const rule = await elb.send(
      new CreateRuleCommand({
        ListenerArn: lc.ids.ALB_LISTENER_ARN,
        Priority: 7,
        Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/abc123', '/abc123/*'] } }],
        Actions: [{ Type: 'forward', TargetGroupArn: tgArn }],
      }),
    );
    const at = (path: string) => get(alb ?? '', path).then((r) => r.status);
    expect(await at('/abc123/')).toBe(503);
    expect(await at('/abc123')).toBe(503);
    expect(await at('/ABC123/')).toBe(404); // case-sensitive
    expect(await at('/abc1234/')).toBe(404);
    expect(await at('/x?/abc123/')).toBe(404); // the query string is not matched

    await elb.send(
      new RegisterTargetsCommand({ TargetGroupArn: tgArn, Targets: [{ Id: '10.0.128.9', Port: 18789 }] }),
    );
    await waitFor(
      async () => {
        const h = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: tgArn }));
        return h.TargetHealthDescriptions?.[0]?.TargetHealth?.State === 'healthy';
      },
      { what: 'the registered target to become healthy' },
    );
    const bad = await get(alb ?? '', '/abc123/page');
    expect(bad.status).toBe(502);
    expect(bad.body).toContain('502 Bad Gateway');

    await elb.send(new DeleteRuleCommand({ RuleArn: rule.Rules?.[0]?.RuleArn }));
    expect(await at('/abc123/')).toBe(404);
  });

  it('keeps the same addresses after a reset, and close() frees them', async () => {
    const names = lc.ids.ALB_DNS_NAMES.split(',');
    await fetch(`${lc.url}/_localcloud/reset`, { method: 'POST' });
    expect((await (await fetch(`${lc.url}/_localcloud/ids`)).json()).ALB_DNS_NAMES).toBe(
      lc.ids.ALB_DNS_NAMES,
    );
    expect((await get(names[1] ?? '', '/')).status).toBe(404);
    const other = await startLocalcloud({ port: 0, seed: 5 });
    const name = other.ids.ALB_DNS_NAME;
    await other.close();
    await expect(get(name, '/')).rejects.toThrow(/ECONNREFUSED/);
  });
});
