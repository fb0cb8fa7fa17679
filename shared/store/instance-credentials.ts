import { type InstanceStatus, STEP_IDS, type StepRecord } from '../domain.js';
import { CREDENTIALS_LOST } from '../webhooks/lifecycle-events.js';
import type { SealedCredentials, StoreCore } from './store-core.js';

/** The instance's credentials, sealed, between the API taking them and the secret step storing them. */
export function makeCredentials({ redis, keys, scripts }: StoreCore) {
  return {
    async sealedCredentials(id: string): Promise<SealedCredentials | null> {
      const [gatewayToken, anthropicApiKey] = await redis.hmget(
        keys.instance(id),
        'sealed:gatewayToken',
        'sealed:anthropicApiKey',
      );
      if (!gatewayToken) return null;
      return { gatewayToken, ...(anthropicApiKey ? { anthropicApiKey } : {}) };
    },

    /** Once the secret exists in Secrets Manager, Redis keeps no copy of the credentials, not even sealed. */
    async dropSealedCredentials(id: string): Promise<void> {
      await redis.hdel(keys.instance(id), 'sealed:gatewayToken', 'sealed:anthropicApiKey');
    },

    /**
     * New credentials for an instance degraded by `credentials_lost`: sealed onto the record, its create
     * saga set to run again from the secret step (every step after it too: the shared step list), the
     * rotation counted and a job sequence reserved, in one atomic step. A second call finds nothing lost.
     */
    async restoreCredentials(
      id: string,
      sealed: SealedCredentials,
    ): Promise<
      | { ok: true; rotation: number; jobSequence: number }
      | { ok: false; reason: 'missing' }
      | { ok: false; reason: 'conflict'; current: InstanceStatus }
    > {
      const pending: StepRecord = { state: 'pending', attempts: 0 };
      const reply = (await scripts.restoreCredentials(
        keys.instance(id),
        CREDENTIALS_LOST,
        sealed.gatewayToken,
        sealed.anthropicApiKey ?? '',
        new Date().toISOString(),
        JSON.stringify(pending),
        ...STEP_IDS.slice(STEP_IDS.indexOf('secret')),
      )) as ['missing'] | ['conflict', string] | ['ok', number, number];
      if (reply[0] === 'missing') return { ok: false, reason: 'missing' };
      if (reply[0] === 'conflict')
        return { ok: false, reason: 'conflict', current: reply[1] as InstanceStatus };
      return { ok: true, rotation: reply[1], jobSequence: reply[2] };
    },
  };
}
