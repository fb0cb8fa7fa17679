import { createHash } from 'node:crypto';

/**
 * A UUID-shaped token derived from the instance id and a purpose, so every retry of a create sends the
 * same one: Secrets Manager's ClientRequestToken (32-64 characters) and ECS's clientToken (at most 36)
 * both accept it, and AWS answers a repeated create with the first one's result.
 */
export function idempotencyToken(instanceId: string, purpose: string): string {
  const hex = createHash('sha256').update(`openclaw:${purpose}:${instanceId}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
