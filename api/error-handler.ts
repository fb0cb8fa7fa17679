import { randomUUID } from 'node:crypto';
import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ZodError } from 'zod';
import { isRedisUnavailableError } from '../shared/redis.js';
import { ApiError, errorBody } from './api-error.js';
import type { AppEnv } from './app-env.js';
import type { ErrorCode } from './error-codes.js';

const requestIdOf = (c: Context<AppEnv>) => c.get('requestId') ?? randomUUID();

/** Maps hono's own exceptions (body parsing, media type, basic auth) to our error codes. */
function fromHttpException(err: HTTPException): ApiError {
  const headers: Record<string, string> = {};
  const challenge = err.res?.headers.get('WWW-Authenticate');
  if (challenge) headers['WWW-Authenticate'] = challenge;
  switch (err.status) {
    case 400:
      return /json/i.test(err.message)
        ? new ApiError(400, 'invalid_json', 'The body is not valid JSON')
        : new ApiError(400, 'bad_request', err.message || 'Bad request');
    case 401:
      return new ApiError(401, 'unauthorized', 'Admin credentials required', null, headers);
    case 413:
      return new ApiError(413, 'payload_too_large', 'The body is too large');
    case 415:
      return new ApiError(415, 'unsupported_media_type', 'Send the body as application/json');
    default:
      return new ApiError(err.status as ApiError['status'], 'http_error', err.message || 'Request failed');
  }
}

/** Seconds a client should wait before retrying while Redis is away (a restart takes a few). */
export const REDIS_RETRY_AFTER_SECONDS = 5;

/**
 * Redis is away: 503 with Retry-After, so the client retries (with the same Idempotency-Key) instead
 * of giving up. A request that failed here wrote nothing: each write is one atomic command or script.
 */
export function redisUnavailable(cause?: unknown): ApiError {
  return new ApiError(
    503,
    'redis_unavailable',
    'The service cannot reach its datastore; retry shortly',
    null,
    { 'Retry-After': String(REDIS_RETRY_AFTER_SECONDS) },
    { cause },
  );
}

/**
 * Client errors answer `{ error: { code, message, details, requestId } }`; anything unexpected is logged
 * with its stack and answered 500 with the request id only, never internals.
 */
export const onError: ErrorHandler<AppEnv> = (err, c) => {
  const requestId = requestIdOf(c);
  const apiError =
    err instanceof ApiError
      ? err
      : err instanceof HTTPException
        ? fromHttpException(err)
        : isRedisUnavailableError(err)
          ? redisUnavailable(err)
          : null;
  if (apiError) {
    return c.json(errorBody(apiError.code, apiError.message, apiError.details, requestId), apiError.status, {
      ...apiError.headers,
      'X-Request-Id': requestId,
    });
  }
  c.get('deps').log.error({ err, requestId }, 'unhandled error');
  return c.json(
    errorBody(
      'internal_error',
      'Something went wrong; quote the request id when reporting it',
      null,
      requestId,
    ),
    500,
    { 'X-Request-Id': requestId },
  );
};

export const notFound: NotFoundHandler<AppEnv> = (c) =>
  c.json(errorBody('not_found', `No route for ${c.req.method} ${c.req.path}`, null, requestIdOf(c)), 404);

const targetCodes: Record<string, { code: ErrorCode; what: string }> = {
  json: { code: 'invalid_body', what: 'body' },
  param: { code: 'invalid_id', what: 'path' },
  query: { code: 'invalid_query', what: 'query' },
  header: { code: 'invalid_header', what: 'headers' },
};

/** The OpenAPIHono default hook: a failed zod validation becomes a 400 listing every issue. */
export function validationHook(
  result: { success: true; data: unknown } | { success: false; error: ZodError; target?: string },
  c: Context<AppEnv>,
): Response | undefined {
  if (result.success) return undefined;
  const target = targetCodes[result.target ?? 'json'] ?? {
    code: 'invalid_request' as const,
    what: 'request',
  };
  const issues = result.error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    code: issue.code,
    message: issue.message,
  }));
  const first = issues[0];
  const message = first
    ? `${target.what}: ${first.path ? `${first.path}: ` : ''}${first.message}`
    : 'Invalid request';
  return c.json(errorBody(target.code, message, { issues }, requestIdOf(c)), 400);
}
