import type { Redis } from 'ioredis';
import type { InstanceStatus, StepError, StepId } from '../../shared/domain.js';
import type { InstanceStore } from '../../shared/store/instance-store.js';
import { storeScripts } from '../../shared/store/scripts.js';

/** The error of an instance a test fails by hand. */
export const TEST_FAILURE = { step: 'service', code: 'TestFailure', message: 'failed by the test' } as const;

/** A queued instance's create run to `running` the way the worker's saga moves it (statuses only, no AWS). */
export async function runToRunning(store: InstanceStore, id: string): Promise<void> {
  await store.startProvisioning(id);
  const instance = await store.get(id);
  if (!instance) throw new Error(`instance ${id} is gone`);
  const moved = await store.markRunning(id, { instance, runningAt: new Date().toISOString() });
  if (!moved.ok) throw new Error(`instance ${id} did not reach running: ${JSON.stringify(moved)}`);
}

/** A queued or provisioning instance failed the way a create step fails for good. */
export async function failCreate(
  store: InstanceStore,
  id: string,
  error: StepError & { step: StepId } = TEST_FAILURE,
): Promise<void> {
  const instance = await store.get(id);
  if (!instance) throw new Error(`instance ${id} is gone`);
  const moved = await store.markFailed(id, { instance, error });
  if (!moved.ok) throw new Error(`instance ${id} could not be failed: ${JSON.stringify(moved)}`);
}

/**
 * A status no named transition reaches from where the instance is: a scene a test sets up by hand (a
 * stream that sees `degraded` without `running` first, a provisioning record whose job was lost). Goes
 * through the store's own transition script, so the indexes stay true; product code has no such door.
 */
export async function forceStatus(
  redis: Redis,
  store: InstanceStore,
  id: string,
  status: InstanceStatus,
): Promise<void> {
  const { keys } = store;
  await storeScripts(redis).transition(
    keys.instance(id),
    keys.webhookLog(id),
    keys.webhookOwed,
    keys.indexStatus(''),
    status,
    ['queued', 'provisioning', 'running', 'degraded', 'failed', 'deleting', 'deleted'].join(','),
    JSON.stringify({ updatedAt: new Date().toISOString() }),
    '',
    String(Date.now()),
    '',
  );
  await redis.publish(
    keys.events(id),
    JSON.stringify({ id, status, currentStep: null, at: new Date().toISOString() }),
  );
}
