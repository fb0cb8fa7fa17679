import { describe, expect, it } from 'vitest';
import { instanceIdOfJob, jobIds } from './job-catalog.js';
import {
  instanceIdFromName,
  NAME_PREFIX,
  resourceNames,
  routedInstanceIds,
  SECRET_PREFIX,
} from './naming.js';

const id = 'abcdefghijk2';

describe('reading an instance id back from what we named', () => {
  it('finds the id in every resource name, and nothing in names that are not ours', () => {
    const names = resourceNames(id);
    expect(instanceIdFromName(names.secretName, SECRET_PREFIX)).toBe(id);
    for (const name of [names.taskFamily, names.targetGroupName, names.serviceName]) {
      expect(instanceIdFromName(name, NAME_PREFIX)).toBe(id);
    }
    expect(instanceIdFromName('openclaw-worker-store', NAME_PREFIX)).toBeNull();
    expect(instanceIdFromName(`other-${id}`, NAME_PREFIX)).toBeNull();
    expect(instanceIdFromName(undefined, NAME_PREFIX)).toBeNull();
  });

  it('finds the instances a listener rule routes, in either condition form, never for the default rule', () => {
    const { basePath, rulePath } = resourceNames(id);
    expect(
      routedInstanceIds({ Conditions: [{ PathPatternConfig: { Values: [basePath, rulePath] } }] }),
    ).toEqual([id]);
    expect(routedInstanceIds({ Conditions: [{ Values: [rulePath] }] })).toEqual([id]);
    expect(routedInstanceIds({ IsDefault: true, Conditions: [{ Values: [rulePath] }] })).toEqual([]);
    expect(routedInstanceIds({ Conditions: [{ Values: ['/health/*', '/ABCDEFGHIJKL/*'] }] })).toEqual([]);
  });

  it('finds the instance of a create or delete job id, and of nothing else', () => {
    expect(instanceIdOfJob(jobIds.create(id, 3))).toBe(id);
    expect(instanceIdOfJob(jobIds.delete(id))).toBe(id);
    expect(instanceIdOfJob(`webhook-${id}-0123456789ab-1`)).toBeNull();
    expect(instanceIdOfJob('repeat:reconcile:123')).toBeNull();
  });
});
