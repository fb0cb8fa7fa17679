import type { ContentfulStatusCode } from 'hono/utils/http-status';

/**
 * Every `error.code` the API answers, with its status and what it means. The OpenAPI document's
 * `Error.code` enum and each error response's examples come from here, and `ApiError` accepts only
 * these codes with their status, so a client can switch on the code and the document cannot miss one.
 */
/** One entry: the status it is answered with (its literal type kept) and what it means. */
const code = <S extends ContentfulStatusCode | 'other'>(status: S, description: string) => ({
  status,
  description,
});

export const ERROR_CODES = {
  bad_request: code(400, 'The request could not be read (e.g. a malformed body)'),
  invalid_json: code(400, 'The body is not valid JSON'),
  invalid_body: code(400, 'The body has a wrong type, an unknown field or a bad value'),
  invalid_id: code(400, 'The path id is malformed (an instance id is 12 characters of a-z, 2-7)'),
  invalid_query: code(400, 'A query parameter is missing, unknown or out of range'),
  invalid_header: code(400, 'A request header has a bad value'),
  invalid_request: code(400, 'The request failed validation'),
  invalid_cursor: code(400, 'The `cursor` is not one this API issued'),
  invalid_range: code(400, '`from` is after `to`'),
  invalid_idempotency_key: code(400, '`Idempotency-Key` must be 1 to 255 printable ASCII characters'),
  proof_of_work_failed: code(
    400,
    "The signup form's proof of work (ALTCHA) is missing, wrong, expired or already spent",
  ),
  link_invalid: code(400, 'A mailed signup link that this API did not issue, or for another use'),
  too_many_points: code(400, 'The history range has too many points; give a larger step'),
  unauthorized: code(401, 'Credentials are missing or wrong'),
  stream_token_invalid: code(
    401,
    'The signup progress stream needs the unexpired stream token of that instance',
  ),
  cross_site_request: code(403, 'An operator page refused a change sent from another site'),
  not_found: code(404, 'No such instance or rollout, or no route at this path'),
  no_gateway: code(404, 'The verified address has no gateway to give a new token'),
  method_not_allowed: code(405, 'The path exists, the method does not; see `Allow`'),
  read_only: code(405, 'Bull Board is read-only here (BULL_BOARD_READ_ONLY)'),
  already_deleted: code(409, 'The instance is already deleted'),
  not_failed: code(409, 'Only a failed instance can be retried'),
  not_running: code(409, 'Only a running instance gets a new gateway token'),
  not_rotatable: code(
    409,
    'The gateway is being set up or changed; a new token can be asked for once it runs',
  ),
  credentials_not_lost: code(
    409,
    'Only an instance degraded because its credentials were lost takes new ones',
  ),
  reconcile_in_progress: code(409, 'Another reconcile run holds the reconcile lock; ask again shortly'),
  rollout_in_progress: code(409, 'Another rollout is running or paused; abort it or wait for it to finish'),
  rollout_finished: code(
    409,
    'The rollout has finished (completed, failed or aborted): it can no longer be paused, resumed or aborted',
  ),
  idempotency_key_in_use: code(
    409,
    'A request with this `Idempotency-Key` is still running; retry when it has answered',
  ),
  link_expired: code(410, 'The mailed link has expired; ask for a new one'),
  link_used: code(410, 'The mailed link was already used (each works once) or has expired'),
  payload_too_large: code(413, 'The body is larger than MAX_BODY_BYTES'),
  unsupported_media_type: code(415, 'Send the body as application/json'),
  idempotency_key_reused: code(422, 'This `Idempotency-Key` was used with another request; use a new key'),
  rate_limited: code(429, 'Too many requests from this address; see `Retry-After`'),
  too_many_failed_logins: code(429, 'Too many failed admin logins from this address; see `Retry-After`'),
  too_many_streams: code(
    429,
    'Too many signup progress streams open, from this address or in total; see `Retry-After`',
  ),
  internal_error: code(500, 'Something unexpected failed; quote the request id'),
  reconcile_failed: code(500, "The reconcile run failed; the worker's log has why"),
  rollouts_unavailable: code(503, 'This API process cannot reach the rollouts queue'),
  redis_unavailable: code(503, 'Redis is not answering; nothing was written; see `Retry-After`'),
  no_routing_capacity: code(
    503,
    'Every load balancer listener is full; nothing was created; see `Retry-After`',
  ),
  signup_full: code(503, 'The public signup page holds its whole share of capacity; see `Retry-After`'),
  mail_unavailable: code(503, 'The signup mail could not be sent; see `Retry-After`'),
  no_sample: code(503, 'No capacity sample yet; see `Retry-After`'),
  logs_unavailable: code(503, 'CloudWatch Logs or Secrets Manager could not be read; see `Retry-After`'),
  logs_not_configured: code(503, 'This API has no LOG_GROUP to read logs from'),
  reconcile_unavailable: code(503, 'This API process has no reconcile queue to enqueue on'),
  http_error: code('other', 'Another HTTP error raised by the framework'),
} satisfies Record<string, { status: ContentfulStatusCode | 'other'; description: string }>;

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
