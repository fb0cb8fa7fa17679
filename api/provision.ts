import { newGatewayToken, newInstanceId } from '../shared/naming.js';
import { FIRST_JOB_SEQUENCE } from '../shared/store/instance-store.js';
import { ApiError } from './api-error.js';
import type { AppDeps } from './app-env.js';

export interface ProvisionInput {
  userId: string;
  email: string;
  anthropicApiKey?: string | undefined;
  requestId: string;
  reason: string;
  /**
   * The id and token to use instead of new ones: an idempotent retry's, chosen by the attempt whose
   * answer was lost. Finding the user's live instance under that very id means that attempt's write
   * went through: the caller gets it as created, token included.
   */
  chosen?: { id: string; gatewayToken: string } | undefined;
}

/**
 * Records a new instance and enqueues its create job, shared by `POST /v1/instances` and the signup
 * page. Credentials are sealed (instance id as associated data) before they reach Redis; the job
 * carries ids only. The plain gateway token is returned to the caller this once.
 */
export async function provisionInstance(
  deps: Pick<AppDeps, 'store' | 'instanceQueue' | 'sealer' | 'log'>,
  input: ProvisionInput,
) {
  const id = input.chosen?.id ?? newInstanceId();
  const gatewayToken = input.chosen?.gatewayToken ?? newGatewayToken();
  const sealed = {
    gatewayToken: deps.sealer.seal(gatewayToken, id),
    ...(input.anthropicApiKey ? { anthropicApiKey: deps.sealer.seal(input.anthropicApiKey, id) } : {}),
  };
  const result = await deps.store.create({
    id,
    userId: input.userId,
    email: input.email,
    requestId: input.requestId,
    sealed,
  });
  if (result.kind === 'no_routing_capacity') {
    const usage = await deps.store.routingUsage();
    throw new ApiError(
      503,
      'no_routing_capacity',
      'Every load balancer is full; try again later',
      {
        listeners: usage.length,
        used: usage.reduce((sum, l) => sum + l.used, 0),
        capacity: usage.reduce((sum, l) => sum + l.capacity, 0),
      },
      // A slot frees when an instance is deleted; a minute is a polite first wait.
      { 'Retry-After': '60' },
    );
  }
  const ownEarlierWrite = result.kind === 'exists' && result.instance.id === input.chosen?.id;
  if (result.kind === 'exists' && !ownEarlierWrite)
    return { kind: 'exists' as const, instance: result.instance };
  const instance = result.instance;
  // The create reserved the first job sequence, so the job goes straight in (no HINCRBY round trip).
  // An earlier write's instance that has moved on has had its job.
  if (ownEarlierWrite && instance.status !== 'queued')
    return { kind: 'created' as const, instance, gatewayToken };
  try {
    // The first job's id is deterministic: enqueueing it again for an earlier write is a no-op.
    await deps.instanceQueue.enqueueCreate(
      { instanceId: id, requestId: input.requestId, reason: input.reason },
      result.kind === 'created' ? result.jobSequence : FIRST_JOB_SEQUENCE,
    );
  } catch (error) {
    // The record is durable and the reconciler enqueues a queued instance whose job is missing; failing
    // here would lose the one-time gateway token, since a repeated submit answers without it.
    deps.log.warn(
      { instanceId: id, reason: error instanceof Error ? error.message : String(error) },
      'create job not enqueued: the reconciler will enqueue it',
    );
  }
  return { kind: 'created' as const, instance, gatewayToken };
}
