import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { newGatewayToken } from '../shared/naming.js';
import { transitionRefused } from './api-error.js';
import type { AppDeps, AppEnv } from './app-env.js';
import { instanceLinks } from './instance-view.js';
import { requestLog } from './middleware/request-id.js';
import { anthropicKeySchema, Links } from './schemas.js';

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
      'in-hand',
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

/** The request body of a rotation: the Anthropic key to seal with the new token, or none. */
export const rotationBody = (name: string, keyDescription: string) =>
  z
    .strictObject({ anthropicApiKey: anthropicKeySchema.optional().openapi({ description: keyDescription }) })
    .openapi(name);

/** The 202 body of a rotation (see rotatedView), described for its route. */
export const rotatedSchema = (name: string, statusNote: string, tokenNote: string) =>
  z
    .object({
      id: z.string(),
      status: z.literal('degraded').openapi({ description: statusNote }),
      url: z.string(),
      gatewayToken: z.string().openapi({ description: tokenNote }),
      links: Links,
    })
    .openapi(name);

/**
 * The handler of a rotation route: rotate, answer 404 or the route's 409 when the status refuses, log
 * the rotation (never the token), answer 202 with the new token.
 */
export function rotationHandler(options: {
  fromRunning?: boolean;
  conflict: 'not_running' | 'credentials_not_lost';
  explain: (id: string, current: string) => string;
  logMessage: string;
}) {
  return async (c: Context<AppEnv>, id: string, anthropicApiKey: string | undefined) => {
    const result = await rotateCredentials(c.var.deps, {
      id,
      requestId: c.var.requestId,
      anthropicApiKey,
      ...(options.fromRunning ? { fromRunning: true } : {}),
    });
    if (!result.ok) throw transitionRefused(id, result, options.conflict, (s) => options.explain(id, s));
    requestLog(c).info({ instanceId: id, rotation: result.rotation }, options.logMessage);
    return c.json(rotatedView(id, result), 202);
  };
}
