import { isErrorNamed } from './is-error-named.js';

/**
 * A transient failure (throttling, a 5xx, a network blip, a resource not yet visible after its create):
 * the job is retried with exponential backoff and jitter, spending one attempt.
 */
export class RetryableError extends Error {
  override readonly name = 'RetryableError';
  readonly code: string;
  constructor(code: string, message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.code = code;
  }

  static is(error: unknown): error is RetryableError {
    return error instanceof RetryableError || isErrorNamed(error, 'RetryableError');
  }
}
