import { afterEach, describe, expect, it } from 'vitest';
import { routedTargetGroup } from '../../test/support/localcloud-routed-target-group.js';
import { type BootstrapOptions, createCloud } from '../bootstrap.js';
import type { Cloud } from '../cloud.js';
import { ecsServices } from '../services/ecs-services.js';
import { ecsTaskDefinitions } from '../services/ecs-task-definitions.js';
import { launchInstance } from '../sim/asg.js';
import { hooksFor } from '../sim/service-scheduler.js';
import { parseWorld, restoreWorld } from './restore-state.js';
import { resumeWorld } from './resume.js';
import { snapshotWorld } from './snapshot.js';

/**
 * A world saved in motion (an instance still launching, a task draining out of its target group)
 * comes back without its timers; resumeWorld must carry each transition to its end. No task runtime:
 * simulated health, so the test is about the lifecycle, not processes.
 */
const options = (timing: Record<string, number>): BootstrapOptions => ({
  account: { region: 'us-west-2', accountId: '000000000000' },
  albs: 1,
  albAddresses: ['127.0.0.1:4580'],
  seed: 11,
  timingConfig: { timeScale: 0.001, overrides: timing },
  quotas: { rulesPerListener: 100, targetGroupsPerAlb: 100, targetGroupsPerRegion: 3000 },
  asg: { min: 1, max: 4 },
});
const fast = { taskProvisioningMs: 5, taskStartMs: 5, healthCheckMs: 10, instanceLaunchMs: 30 };

const clouds: Cloud[] = [];
afterEach(() => {
  for (const c of clouds.splice(0)) {
    c.stopLoops();
    c.clock.close();
  }
});

async function until<T>(what: string, check: () => T | undefined | false): Promise<T> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const v = check();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('a world restored in motion', () => {
  it('finishes launching, finishes draining and stopping, and keeps the service steady', async () => {
    // Draining and launching take an hour here, so the save catches both under way.
    const cloud = createCloud(options({ ...fast, serviceDrainMs: 3_600_000 }));
    clouds.push(cloud);
    ecsTaskDefinitions.RegisterTaskDefinition?.(cloud, {
      family: 'gw',
      networkMode: 'awsvpc',
      cpu: '256',
      memory: '512',
      containerDefinitions: [{ name: 'gw', image: 'gw:1', portMappings: [{ containerPort: 8080 }] }],
    });
    const tgArn = routedTargetGroup(cloud, 'gw');
    ecsServices.CreateService?.(cloud, {
      cluster: 'openclaw-cluster',
      serviceName: 'gw',
      taskDefinition: 'gw',
      desiredCount: 2,
      networkConfiguration: { awsvpcConfiguration: { subnets: cloud.network.subnets.map((s) => s.id) } },
      loadBalancers: [{ targetGroupArn: tgArn, containerName: 'gw', containerPort: 8080 }],
    });
    const group = cloud.state.targetGroups.get(tgArn);
    await until(
      'two healthy targets',
      () => [...(group?.targets.values() ?? [])].filter((t) => t.state === 'healthy').length === 2,
    );
    ecsServices.UpdateService?.(cloud, { cluster: 'openclaw-cluster', service: 'gw', desiredCount: 1 });
    const draining = [...cloud.state.tasks.values()].find((t) => t.lastStatus === 'DEACTIVATING');
    expect(draining).toBeDefined();
    cloud.timing.instanceLaunchMs = 3_600_000;
    const launching = launchInstance(cloud, hooksFor(cloud));
    expect(launching.lifecycle).toBe('Pending');

    const text = JSON.stringify(snapshotWorld(cloud));
    const back = createCloud(options({ ...fast, serviceDrainMs: 20 }), (c) =>
      restoreWorld(c, parseWorld('f', text)),
    );
    clouds.push(back);
    cloud.stopLoops();
    cloud.clock.close();
    resumeWorld(back);

    const s = back.state;
    await until(
      'the pending instance in service',
      () => s.instances.get(launching.id)?.lifecycle === 'InService',
    );
    expect(s.instances.get(launching.id)?.containerInstanceArn).toBeDefined();
    await until(
      'the draining task stopped',
      () => s.tasks.get(draining?.arn ?? '')?.lastStatus === 'STOPPED',
    );
    const backGroup = s.targetGroups.get(tgArn);
    await until('one healthy target left', () => {
      const targets = [...(backGroup?.targets.values() ?? [])];
      return targets.length === 1 && targets[0]?.state === 'healthy';
    });
    const running = [...s.tasks.values()].filter((t) => t.lastStatus === 'RUNNING');
    expect(running).toHaveLength(1);
    expect(s.services.get('gw')?.desiredCount).toBe(1);
  });
});
