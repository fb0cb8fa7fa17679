import { createHash } from 'node:crypto';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { makeKeys } from '../../shared/store/keys.js';
import { ApiError } from '../api-error.js';
import type { AppEnv } from '../app-env.js';
import { requestLog } from '../middleware/request-id.js';
import { makeIdempotencyStore, type StoredResponse } from './idempotency-store.js';

export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
/** Stripe's limit on a key's length; printable ASCII, so it logs and compares as typed. */
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

const sha256 = (text: string) => createHash('sha256').update(text).digest('base64url');

/** Key order and whitespace do not make two bodies different; anything else does. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

async function fingerprint(c: Context<AppEnv>): Promise<string> {
  const text = c.req.raw.body ? await c.req.text() : '';
  let body = text;
  try {
    if (text) body = canonical(JSON.parse(text));
  } catch {
    // Not JSON: compared byte for byte (the route will answer 400 and the key is not kept).
  }
  return sha256(`${c.req.method} ${c.req.path}\n${body}`);
}

/**
 * Whether a response is the result of the request having run, to be replayed to a retry (Stripe keeps
 * those, errors included). Refused input (4xx other than 404/409), rate limits and server-side failures
 * are not: the client fixes or retries them, and the retry runs afresh.
 */
const replayable = (status: number) => (status >= 200 && status < 300) || status === 404 || status === 409;

function replay(c: Context<AppEnv>, stored: StoredResponse): Response {
  return new Response(stored.body, {
    status: stored.status,
    headers: {
      'content-type': 'application/json',
      'Idempotent-Replayed': 'true',
      'X-Request-Id': c.get('requestId'),
      ...(stored.location ? { Location: stored.location } : {}),
    },
  });
}

/**
 * Stripe's idempotent requests on the mutating /v1 routes: the first request with a key runs and its
 * response (status and body, the one-time gateway token included) is kept 24 h, sealed; the same key
 * and body replay it, the same key with another body is 422, and a key whose first request is still
 * running is 409. Keys are scoped per API caller (its bearer token's hash). Without the header the
 * route runs as it always did. Runs after bearer auth, so only an authenticated caller takes a key.
 */
export const idempotency = createMiddleware<AppEnv>(async (c, next) => {
  const key = c.req.header(IDEMPOTENCY_HEADER);
  if (key === undefined) return next();
  if (!KEY_PATTERN.test(key)) {
    throw new ApiError(
      400,
      'invalid_idempotency_key',
      `${IDEMPOTENCY_HEADER} must be 1 to 255 printable ASCII characters`,
    );
  }
  const { redis, sealer, config } = c.get('deps');
  const caller = sha256(c.req.header('authorization') ?? '').slice(0, 22);
  const redisKey = makeKeys(config.QUEUE_PREFIX).idempotency(caller, sha256(key));
  const fp = await fingerprint(c);
  const begun = await makeIdempotencyStore(redis, sealer).begin(redisKey, fp);

  if (begun.kind !== 'started' && !begun.sameBody) {
    throw new ApiError(
      422,
      'idempotency_key_reused',
      `This ${IDEMPOTENCY_HEADER} was used with another request; use a new key for a new request`,
    );
  }
  if (begun.kind === 'in_flight') {
    throw new ApiError(
      409,
      'idempotency_key_in_use',
      `A request with this ${IDEMPOTENCY_HEADER} is still running; retry when it has answered`,
      null,
      { 'Retry-After': '1' },
    );
  }
  if (begun.kind === 'done') return replay(c, begun.response);

  c.set('idempotency', begun);
  await next();
  const res = c.res;
  const stored = replayable(res.status)
    ? {
        status: res.status,
        body: await res.clone().text(),
        ...(res.headers.get('Location') ? { location: res.headers.get('Location')! } : {}),
      }
    : null;
  try {
    await begun.finish(stored);
  } catch (error) {
    // The client still gets this response; only a retry of it would run again once the mark expires.
    requestLog(c).warn(
      { reason: error instanceof Error ? error.message : String(error) },
      'idempotent response not stored',
    );
  }
});
