import { isErrorNamed } from './is-error-named.js';

/**
 * An expected wait of known length (a dependency still draining): the job is delayed by `afterMs`
 * without spending an attempt; the step's own attempt count bounds how often this may happen.
 */
export class RetryAfterError extends Error {
  override readonly name = 'RetryAfterError';
  readonly code: string;
  readonly afterMs: number;
  constructor(code: string, message: string, afterMs: number, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.code = code;
    this.afterMs = afterMs;
  }

  static is(error: unknown): error is RetryAfterError {
    return error instanceof RetryAfterError || isErrorNamed(error, 'RetryAfterError');
  }
}
