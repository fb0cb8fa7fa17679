import { isErrorNamed } from './is-error-named.js';

/**
 * A saga gave up for good: the instance already carries the failure (`error: { step, code, message }`),
 * and the job must fail without another attempt.
 */
export class SagaFailedError extends Error {
  override readonly name = 'SagaFailedError';
  constructor(
    readonly step: string,
    readonly code: string,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(`${step}: ${code}: ${message}`, { cause: options.cause });
  }

  static is(error: unknown): error is SagaFailedError {
    return error instanceof SagaFailedError || isErrorNamed(error, 'SagaFailedError');
  }
}
