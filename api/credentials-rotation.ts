import { newGatewayToken } from '../shared/naming.js';
import type { AppDeps } from './app-env.js';
import { instanceLinks } from './instance-view.js';

export type RotationResult =
  | { ok: true; gatewayToken: string; rotation: number; url: string }
  | { ok: false; reason: 'missing' }
  | { ok: false; reason: 'conflict'; current: string };

/**
 * New credentials for an instance: a new gateway token (and the new key, or none: the platform key)
 * sealed onto the record, and the create saga resumed from the secret step (PutSecretValue, a new
 * task-definition revision, a redeploy, the reachable gate with the new token); see ARCHITECTURE's
 * "Credentials lost". With `fromRunning`, a running instance is first moved to `degraded` the same way
 * (no lifecycle event: nothing was lost, its owner asked), so the one restore path serves both.
 * The plain token is returned this once.
 */
export async function rotateCredentials(
  deps: Pick<AppDeps, 'store' | 'sealer' | 'instanceQueue' | 'log'>,
  input: { id: string; requestId: string; anthropicApiKey?: string | undefined; fromRunning?: boolean },
): Promise<RotationResult> {
  const { store, sealer, instanceQueue } = deps;
  const { id } = input;
  if (input.fromRunning) {
    const moved = await store.startRotation(id);
    // Already degraded by a lost secret (or an earlier rotation cut short): restore takes it as it is.
    if (!moved.ok && moved.reason === 'missing') return moved;
  }
  const gatewayToken = newGatewayToken();
  const sealed = {
    gatewayToken: sealer.seal(gatewayToken, id),
    ...(input.anthropicApiKey ? { anthropicApiKey: sealer.seal(input.anthropicApiKey, id) } : {}),
  };
  const result = await store.restoreCredentials(id, sealed);
  if (!result.ok) return result;
  try {
    await instanceQueue.enqueueCreate(
      { instanceId: id, requestId: input.requestId, reason: 'credentials restored' },
      result.jobSequence,
    );
  } catch (error) {
    // The new credentials are sealed and the steps reset: the reconciler enqueues a degraded instance
    // with no job. Failing here would lose the one-time token.
    deps.log.warn(
      { instanceId: id, reason: error instanceof Error ? error.message : String(error) },
      'create job not enqueued: the reconciler will enqueue it',
    );
  }
  const instance = await store.get(id);
  return { ok: true, gatewayToken, rotation: result.rotation, url: instance?.url ?? '' };
}

/** The 202 answer to a rotation, restore or new token alike: `degraded` until the new token is live. */
export function rotatedView(id: string, rotated: { url: string; gatewayToken: string }) {
  return {
    id,
    status: 'degraded' as const,
    url: rotated.url,
    gatewayToken: rotated.gatewayToken,
    links: instanceLinks(id),
  };
}
