import { createHash } from 'node:crypto';

/**
 * A UUID-shaped token derived from the instance id, a purpose and an optional scope, so every retry of a
 * create sends the same one: Secrets Manager's ClientRequestToken (32-64 characters) and ECS's clientToken
 * (at most 36) both accept it, and AWS answers a repeated create with the first one's result.
 *
 * AWS binds a token to the parameters of the create that succeeded with it ("the same client token and
 * the same parameters"; "you should not reuse the same client token for other API requests", ECS,
 * Ensuring idempotency). Where a create can be made again for the same instance with other parameters,
 * or after its resource was deleted, the scope must change with them (see `serviceTokenScope`).
 */
export function idempotencyToken(instanceId: string, purpose: string, scope = ''): string {
  const hex = createHash('sha256')
    .update(`openclaw:${purpose}:${instanceId}${scope ? `:${scope}` : ''}`)
    .digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** A digest of a request's parameters: the same parameters give the same digest, any change another. */
export function parametersDigest(parameters: unknown): string {
  return createHash('sha256').update(JSON.stringify(parameters)).digest('hex').slice(0, 16);
}

/**
 * The scope of CreateService's token: the parameters, and the attempt at the step (its `startedAt`,
 * kept across the retries, backoffs and crashes of one attempt, new when a repair or a retry of a failed
 * instance starts the step afresh). So a retry replays the first create, while a service deleted by hand
 * and made again with the very same parameters gets a token ECS has not seen.
 */
export function serviceTokenScope(stepStartedAt: string | undefined, parameters: unknown): string {
  return `${stepStartedAt ?? ''}:${parametersDigest(parameters)}`;
}
