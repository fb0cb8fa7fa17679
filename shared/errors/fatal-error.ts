import { isErrorNamed } from './is-error-named.js';

/**
 * A failure that another attempt cannot fix: a validation error, an exhausted quota, a payload that no
 * longer parses. The job fails at once and the instance becomes `failed` with `code` and the message.
 */
export class FatalError extends Error {
  override readonly name = 'FatalError';
  readonly code: string;
  constructor(code: string, message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.code = code;
  }

  static is(error: unknown): error is FatalError {
    return error instanceof FatalError || isErrorNamed(error, 'FatalError');
  }
}
