import type { Redis } from 'ioredis';
import type { InstanceStatus, StepId, StepRecord } from '../domain.js';
import type { makeKeys } from './keys.js';
import type { StoreScripts } from './scripts.js';

/** What subscribers of an instance's event channel receive: enough to redraw a progress view. */
export interface InstanceEvent {
  id: string;
  status: InstanceStatus;
  currentStep: StepId | null;
  step?: { id: StepId } & StepRecord;
  at: string;
}

export interface SealedCredentials {
  anthropicApiKey?: string;
  gatewayToken: string;
}

/** What every part of the instance store works with: one connection, the keys and the scripts. */
export interface StoreCore {
  redis: Redis;
  keys: ReturnType<typeof makeKeys>;
  scripts: StoreScripts;
}

export const publishEvent = (core: StoreCore, event: InstanceEvent) =>
  core.redis.publish(core.keys.events(event.id), JSON.stringify(event));
