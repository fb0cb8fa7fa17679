import type { ContentfulStatusCode } from 'hono/utils/http-status';

/**
 * An error the client caused or should know about. Routes throw it; the app's error handler turns it
 * into `{ error: { code, message, details, requestId } }` with its status. Anything else is a 500.
 */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details: unknown = null,
    readonly headers: Record<string, string> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function errorBody(code: string, message: string, details: unknown, requestId: string) {
  return { error: { code, message, details: details ?? null, requestId } };
}
