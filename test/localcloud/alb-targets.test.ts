import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCloud } from '../../localcloud/bootstrap.js';
import type { Cloud } from '../../localcloud/cloud.js';
import { type AlbServer, startAlbServer } from '../../localcloud/dataplane/alb-server.js';
import { cloudRoutes } from '../../localcloud/dataplane/cloud-routes.js';
import { elbv2Rules } from '../../localcloud/services/elbv2-rules.js';
import { elbv2TargetGroups } from '../../localcloud/services/elbv2-target-groups.js';
import type { Target, TargetGroup, TargetState } from '../../localcloud/state.js';
import { closedPort, get, startTarget, type TestTarget } from '../support/loopback-target.js';

/**
 * Target choice on a cloud's real state, with real target servers: what the task runtime will do
 * (set each target's endpoint and follow its health) is done here by hand, since only the runtime
 * can do it through the cloud.
 */
let cloud: Cloud;
let alb: AlbServer;
let group: TargetGroup;
const servers: TestTarget[] = [];

beforeAll(async () => {
  cloud = createCloud({
    account: { region: 'us-west-2', accountId: '000000000000' },
    albs: 1,
    albAddresses: ['127.0.0.1:0'],
    seed: 3,
    // No simulated health check fires during the test: states are set by hand.
    timingConfig: { timeScale: 1, overrides: { healthCheckMs: 3_600_000 } },
    quotas: { rulesPerListener: 100, targetGroupsPerAlb: 100, targetGroupsPerRegion: 3000 },
    asg: { min: 1, max: 2 },
    // Targets are real servers set by hand: no task runtime.
    dataPlane: { taskRuntime: 'none', failingImages: [] },
  });
  const lb = [...cloud.state.loadBalancers.values()][0];
  const made = elbv2TargetGroups.CreateTargetGroup?.(cloud, {
    Name: 'oc-rr',
    Protocol: 'HTTP',
    Port: 18789,
    TargetType: 'ip',
    VpcId: cloud.network.vpcId,
  }) as { TargetGroups: { TargetGroupArn: string }[] };
  const tgArn = made.TargetGroups[0]?.TargetGroupArn ?? '';
  elbv2Rules.CreateRule?.(cloud, {
    ListenerArn: lb?.listenerArns[0],
    Priority: 1,
    Conditions: [{ Field: 'path-pattern', Values: ['/rr', '/rr/*'] }],
    Actions: [{ Type: 'forward', TargetGroupArn: tgArn }],
  });
  group = cloud.state.targetGroups.get(tgArn) as TargetGroup;
  for (const name of ['a', 'b', 'c']) servers.push(await startTarget((_req, res) => res.end(name)));
  elbv2TargetGroups.RegisterTargets?.(cloud, {
    TargetGroupArn: tgArn,
    Targets: servers.map((_, i) => ({ Id: `10.0.128.${10 + i}`, Port: 18789 })),
  });
  servers.forEach((s, i) => {
    target(i).endpoint = s.endpoint;
  });
  const route = cloudRoutes(cloud, lb?.arn ?? '');
  alb = await startAlbServer({ host: '127.0.0.1', port: 0, resolve: (path) => route(path) });
});

afterAll(async () => {
  cloud.stopLoops();
  cloud.clock.close();
  await alb.close();
  await Promise.all(servers.map((s) => s.close()));
});

const target = (i: number): Target => [...group.targets.values()][i] as Target;
const setStates = (...states: TargetState[]) =>
  states.forEach((s, i) => {
    target(i).state = s;
  });
const bodies = async (n: number): Promise<string[]> => {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = await get(alb.address, '/rr/x');
    out.push(r.status === 200 ? r.body : String(r.status));
  }
  return out;
};

describe("choosing a target of the rule's group", () => {
  it('goes round robin over the healthy targets only', async () => {
    setStates('healthy', 'initial', 'healthy');
    expect((await bodies(4)).sort()).toEqual(['a', 'a', 'c', 'c']);
    setStates('healthy', 'healthy', 'healthy');
    expect((await bodies(6)).sort()).toEqual(['a', 'a', 'b', 'b', 'c', 'c']);
  });

  it('answers 503 while no target is healthy yet (initial) or all are leaving (draining)', async () => {
    setStates('initial', 'draining', 'initial');
    expect(await bodies(2)).toEqual(['503', '503']);
  });

  it('fails open when every registered target is unhealthy, as ALB documents', async () => {
    setStates('unhealthy', 'unhealthy', 'draining');
    expect((await bodies(4)).sort()).toEqual(['a', 'a', 'b', 'b']);
  });

  it('answers 502 for a chosen target whose process is gone', async () => {
    setStates('healthy', 'draining', 'draining');
    const kept = target(0).endpoint;
    target(0).endpoint = await closedPort();
    expect(await bodies(1)).toEqual(['502']);
    target(0).endpoint = undefined;
    expect(await bodies(1)).toEqual(['502']);
    target(0).endpoint = kept;
    expect(await bodies(1)).toEqual(['a']);
  });
});
