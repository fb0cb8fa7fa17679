import type { InstanceRecord, StepId } from '../domain.js';

/**
 * The lifecycle events a signup backend receives by webhook. Each is written by the one atomic status
 * transition it reports (see the store's `transition`), so an event exists exactly when its change
 * happened, and a retried job that finds the change already made writes none.
 */
export const LIFECYCLE_EVENT_TYPES = [
  'instance.running',
  'instance.failed',
  'instance.degraded',
  'instance.recovered',
  'instance.deleted',
  'instance.credentials_lost',
] as const;
export type LifecycleEventType = (typeof LIFECYCLE_EVENT_TYPES)[number];

/** The `degraded` reason, and `error.code`, of an instance whose Secrets Manager secret is gone. */
export const CREDENTIALS_LOST = 'credentials_lost';

/**
 * What a transition hands the store: the type and the `data` of the body. Never a secret: ids, status,
 * the URL and reasons only (the URL is no secret; the gateway token is what guards it).
 */
export interface LifecycleEvent {
  type: LifecycleEventType;
  data: Record<string, string | null>;
}

const base = (instance: Pick<InstanceRecord, 'id' | 'userId'>) => ({
  instanceId: instance.id,
  userId: instance.userId,
});

/** Running at the end of a create: `recovered` when it had run before (a repair, restored credentials). */
export function runningEvent(instance: InstanceRecord): LifecycleEvent {
  return {
    type: instance.runningAt ? 'instance.recovered' : 'instance.running',
    data: { ...base(instance), status: 'running', url: instance.url },
  };
}

export function failedEvent(
  instance: Pick<InstanceRecord, 'id' | 'userId'>,
  error: { step: StepId | 'reconcile'; code: string; message: string },
): LifecycleEvent {
  return {
    type: 'instance.failed',
    data: { ...base(instance), status: 'failed', step: error.step, code: error.code, reason: error.message },
  };
}

export function degradedEvent(
  instance: Pick<InstanceRecord, 'id' | 'userId'>,
  reason: string,
  step: StepId,
): LifecycleEvent {
  return { type: 'instance.degraded', data: { ...base(instance), status: 'degraded', step, reason } };
}

export function credentialsLostEvent(instance: Pick<InstanceRecord, 'id' | 'userId'>): LifecycleEvent {
  return {
    type: 'instance.credentials_lost',
    data: { ...base(instance), status: 'degraded', reason: CREDENTIALS_LOST, step: 'secret' },
  };
}

export function deletedEvent(instance: Pick<InstanceRecord, 'id' | 'userId'>): LifecycleEvent {
  return { type: 'instance.deleted', data: { ...base(instance), status: 'deleted' } };
}

/** A webhook id the receiver deduplicates on: the instance and its event's sequence, stable across retries. */
export const webhookEventId = (instanceId: string, sequence: number) =>
  `${webhookEventIdPrefix(instanceId)}${sequence}`;

/** The id's part before the sequence: the transition script, which assigns the sequence, appends it. */
export const webhookEventIdPrefix = (instanceId: string) => `evt_${instanceId}_`;
