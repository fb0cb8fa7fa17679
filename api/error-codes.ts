import type { ContentfulStatusCode } from 'hono/utils/http-status';

/**
 * Every `error.code` the API answers, with its status and what it means. The OpenAPI document's
 * `Error.code` enum and each error response's examples come from here, and `ApiError` accepts only
 * these codes with their status, so a client can switch on the code and the document cannot miss one.
 */
export const ERROR_CODES = {
  bad_request: { status: 400, description: 'The request could not be read (e.g. a malformed body)' },
  invalid_json: { status: 400, description: 'The body is not valid JSON' },
  invalid_body: { status: 400, description: 'The body has a wrong type, an unknown field or a bad value' },
  invalid_id: {
    status: 400,
    description: 'The path id is malformed (an instance id is 12 characters of a-z, 2-7)',
  },
  invalid_query: { status: 400, description: 'A query parameter is missing, unknown or out of range' },
  invalid_header: { status: 400, description: 'A request header has a bad value' },
  invalid_request: { status: 400, description: 'The request failed validation' },
  invalid_cursor: { status: 400, description: 'The `cursor` is not one this API issued' },
  invalid_range: { status: 400, description: '`from` is after `to`' },
  invalid_idempotency_key: {
    status: 400,
    description: '`Idempotency-Key` must be 1 to 255 printable ASCII characters',
  },
  proof_of_work_failed: {
    status: 400,
    description: "The signup form's proof of work (ALTCHA) is missing, wrong, expired or already spent",
  },
  link_invalid: {
    status: 400,
    description: 'A mailed signup link that this API did not issue, or for another use',
  },
  too_many_points: { status: 400, description: 'The history range has too many points; give a larger step' },
  unauthorized: { status: 401, description: 'Credentials are missing or wrong' },
  stream_token_invalid: {
    status: 401,
    description: 'The signup progress stream needs the unexpired stream token of that instance',
  },
  cross_site_request: {
    status: 403,
    description: 'An operator page refused a change sent from another site',
  },
  not_found: { status: 404, description: 'No such instance or rollout, or no route at this path' },
  no_gateway: { status: 404, description: 'The verified address has no gateway to give a new token' },
  method_not_allowed: { status: 405, description: 'The path exists, the method does not; see `Allow`' },
  read_only: { status: 405, description: 'Bull Board is read-only here (BULL_BOARD_READ_ONLY)' },
  already_deleted: { status: 409, description: 'The instance is already deleted' },
  not_failed: { status: 409, description: 'Only a failed instance can be retried' },
  not_running: { status: 409, description: 'Only a running instance gets a new gateway token' },
  not_rotatable: {
    status: 409,
    description: 'The gateway is being set up or changed; a new token can be asked for once it runs',
  },
  credentials_not_lost: {
    status: 409,
    description: 'Only an instance degraded because its credentials were lost takes new ones',
  },
  reconcile_in_progress: {
    status: 409,
    description: 'Another reconcile run holds the reconcile lock; ask again shortly',
  },
  rollout_in_progress: {
    status: 409,
    description: 'Another rollout is running or paused; abort it or wait for it to finish',
  },
  rollout_finished: {
    status: 409,
    description:
      'The rollout has finished (completed, failed or aborted): it can no longer be paused, resumed or aborted',
  },
  idempotency_key_in_use: {
    status: 409,
    description: 'A request with this `Idempotency-Key` is still running; retry when it has answered',
  },
  link_expired: { status: 410, description: 'The mailed link has expired; ask for a new one' },
  link_used: {
    status: 410,
    description: 'The mailed link was already used (each works once) or has expired',
  },
  payload_too_large: { status: 413, description: 'The body is larger than MAX_BODY_BYTES' },
  unsupported_media_type: { status: 415, description: 'Send the body as application/json' },
  idempotency_key_reused: {
    status: 422,
    description: 'This `Idempotency-Key` was used with another request; use a new key',
  },
  rate_limited: { status: 429, description: 'Too many requests from this address; see `Retry-After`' },
  too_many_failed_logins: {
    status: 429,
    description: 'Too many failed admin logins from this address; see `Retry-After`',
  },
  too_many_streams: {
    status: 429,
    description: 'Too many signup progress streams open, from this address or in total; see `Retry-After`',
  },
  internal_error: { status: 500, description: 'Something unexpected failed; quote the request id' },
  reconcile_failed: { status: 500, description: "The reconcile run failed; the worker's log has why" },
  rollouts_unavailable: {
    status: 503,
    description: 'This API process cannot reach the rollouts queue',
  },
  redis_unavailable: {
    status: 503,
    description: 'Redis is not answering; nothing was written; see `Retry-After`',
  },
  no_routing_capacity: {
    status: 503,
    description: 'Every load balancer listener is full; nothing was created; see `Retry-After`',
  },
  signup_full: {
    status: 503,
    description: 'The public signup page holds its whole share of capacity; see `Retry-After`',
  },
  mail_unavailable: { status: 503, description: 'The signup mail could not be sent; see `Retry-After`' },
  no_sample: { status: 503, description: 'No capacity sample yet; see `Retry-After`' },
  logs_unavailable: {
    status: 503,
    description: 'CloudWatch Logs or Secrets Manager could not be read; see `Retry-After`',
  },
  logs_not_configured: { status: 503, description: 'This API has no LOG_GROUP to read logs from' },
  reconcile_unavailable: {
    status: 503,
    description: 'This API process has no reconcile queue to enqueue on',
  },
  http_error: { status: 'other', description: 'Another HTTP error raised by the framework' },
} as const satisfies Record<string, { status: ContentfulStatusCode | 'other'; description: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The status a code is answered with (any status for the framework's catch-all). */
export type StatusOf<C extends ErrorCode> = (typeof ERROR_CODES)[C]['status'] extends 'other'
  ? ContentfulStatusCode
  : (typeof ERROR_CODES)[C]['status'];

export const ERROR_CODE_LIST = Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]];

/** Codes answered with a `Retry-After` header (readiness answers redis_unavailable without one). */
export const RETRY_AFTER_CODES: readonly ErrorCode[] = [
  'rate_limited',
  'too_many_failed_logins',
  'redis_unavailable',
  'no_routing_capacity',
  'too_many_streams',
  'signup_full',
  'mail_unavailable',
  'no_sample',
  'logs_unavailable',
];

/** The codes answered with `status`, in catalog order. */
export const codesWithStatus = (status: number): ErrorCode[] =>
  ERROR_CODE_LIST.filter((code) => ERROR_CODES[code].status === status);
