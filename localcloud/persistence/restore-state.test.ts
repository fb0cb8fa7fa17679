import { afterEach, describe, expect, it } from 'vitest';
import { routedTargetGroup } from '../../test/support/localcloud-routed-target-group.js';
import { type BootstrapOptions, createCloud } from '../bootstrap.js';
import type { Cloud } from '../cloud.js';
import { ecsAccountSettings } from '../services/ecs-account-settings.js';
import { ecsServices } from '../services/ecs-services.js';
import { ecsTaskDefinitions } from '../services/ecs-task-definitions.js';
import { logsGroups } from '../services/logs-groups.js';
import { secretsManager } from '../services/secrets-manager.js';
import { accountSettings } from '../sim/account-settings.js';
import { parseWorld, restoreWorld, StateFileError } from './restore-state.js';
import { snapshotWorld } from './snapshot.js';

const bootstrap: BootstrapOptions = {
  account: { region: 'us-west-2', accountId: '000000000000' },
  albs: 1,
  albAddresses: ['127.0.0.1:4580'],
  seed: 7,
  // No timer moves anything while the test looks: the state is what the handlers made.
  timingConfig: { timeScale: 1000, overrides: {} },
  quotas: { rulesPerListener: 100, targetGroupsPerAlb: 100, targetGroupsPerRegion: 3000 },
  asg: { min: 1, max: 4 },
};

const clouds: Cloud[] = [];
afterEach(() => {
  for (const c of clouds.splice(0)) {
    c.stopLoops();
    c.clock.close();
  }
});

function world(): Cloud {
  const cloud = createCloud(bootstrap);
  clouds.push(cloud);
  secretsManager.CreateSecret?.(cloud, { Name: 'openclaw/instances/a', SecretString: '{"T":"tok"}' });
  ecsTaskDefinitions.RegisterTaskDefinition?.(cloud, {
    family: 'openclaw-a',
    networkMode: 'awsvpc',
    cpu: '512',
    memory: '1536',
    containerDefinitions: [
      { name: 'gateway', image: 'gw:1', essential: true, portMappings: [{ containerPort: 8080 }] },
    ],
  });
  const tgArn = routedTargetGroup(cloud, 'oc-a', 'a');
  ecsServices.CreateService?.(cloud, {
    cluster: 'openclaw-cluster',
    serviceName: 'a',
    taskDefinition: 'openclaw-a',
    desiredCount: 2,
    clientToken: 'token-a',
    networkConfiguration: { awsvpcConfiguration: { subnets: cloud.network.subnets.map((s) => s.id) } },
    loadBalancers: [{ targetGroupArn: tgArn, containerName: 'gateway', containerPort: 8080 }],
  });
  ecsAccountSettings.PutAccountSetting?.(cloud, { name: 'awsvpcTrunking', value: 'enabled' });
  logsGroups.CreateLogStream?.(cloud, { logGroupName: cloud.logGroup, logStreamName: 'gateway/a/1' });
  logsGroups.PutLogEvents?.(cloud, {
    logGroupName: cloud.logGroup,
    logStreamName: 'gateway/a/1',
    logEvents: [{ timestamp: cloud.clock.now(), message: 'listening' }],
  });
  return cloud;
}

const roundTrip = (cloud: Cloud): Cloud => {
  const text = JSON.stringify(snapshotWorld(cloud));
  const restored = createCloud({ ...bootstrap, seed: 99 }, (c) => restoreWorld(c, parseWorld('f', text)));
  clouds.push(restored);
  return restored;
};

const arnsOf = <T extends { arn: string }>(m: Map<string, Set<T>>) =>
  [...m].map(([k, set]) => [k, [...set].map((x) => x.arn)]);

describe('state file round trip', () => {
  it('restores every resource, rebuilds the indexes and continues the id sequence', () => {
    const cloud = world();
    expect(cloud.state.tasks.size).toBe(2);
    const restored = roundTrip(cloud);
    // What is saved again is exactly what was saved: nothing lost, nothing added (savedAt is the clock's now).
    const saved = (c: Cloud) => JSON.stringify({ ...snapshotWorld(c), savedAt: 0 });
    expect(saved(restored)).toBe(saved(cloud));
    const [a, b] = [cloud.state, restored.state];
    expect(arnsOf(b.tasksByService)).toEqual(arnsOf(a.tasksByService));
    expect(arnsOf(b.tasksByInstance)).toEqual(arnsOf(a.tasksByInstance));
    expect(arnsOf(b.rulesByListener)).toEqual(arnsOf(a.rulesByListener));
    expect([...b.waiting].map((t) => t.arn)).toEqual([...a.waiting].map((t) => t.arn));
    expect(b.links).toEqual(a.links);
    expect([...b.targetGroupsByName.keys()]).toEqual([...a.targetGroupsByName.keys()]);
    expect(accountSettings(restored).get('awsvpcTrunking')).toBe('enabled');
    expect(b.logGroups.get(restored.logGroup)?.streams.get('gateway/a/1')?.events[0]?.message).toBe(
      'listening',
    );
    expect(b.logSeq).toBe(a.logSeq);
    // The token still names the live service object, so a retried CreateService answers with it.
    expect(b.serviceTokens.get('token-a')?.service).toBe(b.services.get('a'));
    // The next ids are those the original would have made (a fresh seed would repeat old ones).
    expect(restored.rng.hex(32)).toBe(cloud.rng.hex(32));
  });

  it('refuses a corrupted, truncated or other-version file in one line', () => {
    const text = JSON.stringify(snapshotWorld(world()));
    const refusals = [
      text.slice(0, text.length / 2),
      JSON.stringify({ ...JSON.parse(text), version: 2 }),
      JSON.stringify({ ...JSON.parse(text), state: { ...JSON.parse(text).state, tasks: {} } }),
      '[]',
    ].map((t) => {
      try {
        parseWorld('/x/state.json', t);
        return 'loaded';
      } catch (err) {
        return err instanceof StateFileError ? err.message : `other: ${String(err)}`;
      }
    });
    expect(refusals[0]).toMatch(/not valid JSON/);
    expect(refusals[1]).toMatch(/format version 2, this localcloud reads version 1/);
    expect(refusals[2]).toMatch(/"tasks" is not a list of entries/);
    expect(refusals[3]).toMatch(/not a localcloud state file/);
    for (const r of refusals) {
      expect(r).toMatch(/^localcloud: cannot restore state from \/x\/state.json: .*Delete the file/);
      expect(r).not.toContain('\n');
    }
  });
});
