import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ErrorCode, StatusOf } from './error-codes.js';

/**
 * An error the client caused or should know about. Routes throw it; the app's error handler turns it
 * into `{ error: { code, message, details, requestId } }` with its status. Anything else is a 500.
 * The code must be one of ERROR_CODES, with the status the catalog gives it.
 */
export class ApiError<C extends ErrorCode = ErrorCode> extends Error {
  override name = 'ApiError';
  readonly status: ContentfulStatusCode;
  constructor(
    status: StatusOf<C>,
    readonly code: C,
    message: string,
    readonly details: unknown = null,
    readonly headers: Record<string, string> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    // Generic in C, so TypeScript cannot see that every catalog status is contentful; the catalog is.
    this.status = status as ContentfulStatusCode;
  }
}

/** The one answer for an instance id the store does not hold. */
export const instanceNotFound = (id: string): ApiError => new ApiError(404, 'not_found', `No instance ${id}`);

export function errorBody(code: ErrorCode, message: string, details: unknown, requestId: string) {
  return { error: { code, message, details: details ?? null, requestId } };
}

/**
 * A store transition the instance's status refused: 404 when there is no such instance, else a 409
 * with `code`, the message `explain` gives for its current status, and that status as details.
 */
export function transitionRefused<C extends ErrorCode>(
  id: string,
  refusal: { reason: 'missing' } | { reason: 'conflict'; current: string },
  code: C & (StatusOf<C> extends 409 ? C : never),
  explain: (current: string) => string,
): ApiError {
  if (refusal.reason === 'missing') return instanceNotFound(id);
  return new ApiError(409 as StatusOf<C>, code, explain(refusal.current), { status: refusal.current });
}
