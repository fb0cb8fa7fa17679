import type { InstanceRecord } from '../../shared/domain.js';
import { newGatewayToken, newInstanceId } from '../../shared/naming.js';
import { ApiError } from '../api-error.js';
import type { AppDeps } from '../app-env.js';
import { provisionInstance } from '../provision.js';
import type { SignupKit } from './signup-kit.js';

/**
 * What a verified signup link does for its address: create the instance (within the public page's
 * share of capacity), or find the one it has: a failed one starts again (retry from the failed step),
 * any other is shown as it is. The gateway token exists only when the instance was created just now.
 */
export async function openInstanceFor(
  deps: AppDeps,
  kit: SignupKit,
  input: { email: string; anthropicApiKey?: string | undefined; requestId: string },
): Promise<{ instance: InstanceRecord; gatewayToken?: string; created: boolean }> {
  const existing = await findLive(deps, input.email);
  if (existing) return { instance: await retryIfFailed(deps, existing, input.requestId), created: false };

  const id = newInstanceId();
  if (!(await kit.share.reserve(id))) {
    throw new ApiError(
      503,
      'signup_full',
      'We are full right now and cannot create new gateways; please try again later',
      undefined,
      { 'Retry-After': '300' },
    );
  }
  let result: Awaited<ReturnType<typeof provisionInstance>>;
  try {
    result = await provisionInstance(deps, {
      userId: input.email,
      email: input.email,
      anthropicApiKey: input.anthropicApiKey,
      requestId: input.requestId,
      reason: 'signup-page',
      chosen: { id, gatewayToken: newGatewayToken() },
    });
  } catch (error) {
    await kit.share.release(id);
    throw error;
  }
  if (result.kind === 'exists') {
    // Two links of one address opened at once: the other made it.
    await kit.share.release(id);
    return { instance: await retryIfFailed(deps, result.instance, input.requestId), created: false };
  }
  return { instance: result.instance, gatewayToken: result.gatewayToken, created: true };
}

/** The address's live instance (the user pointer names it until it is deleted). */
export async function findLive(deps: Pick<AppDeps, 'redis' | 'store'>, email: string) {
  const id = await deps.redis.get(deps.store.keys.user(email));
  const record = id ? await deps.store.get(id) : null;
  return record && record.status !== 'deleted' ? record : null;
}

/** The retry route's transition: a failed create runs again from its failed step. */
async function retryIfFailed(deps: AppDeps, instance: InstanceRecord, requestId: string) {
  if (instance.status !== 'failed') return instance;
  const moved = await deps.store.requeue(instance.id);
  if (!moved.ok) return (await deps.store.get(instance.id)) ?? instance;
  const sequence = await deps.store.nextJobSequence(instance.id);
  await deps.instanceQueue.enqueueCreate({ instanceId: instance.id, requestId, reason: 'retry' }, sequence);
  return (await deps.store.get(instance.id)) ?? instance;
}
