import type { ErrorVerdict } from '../../shared/errors/classify-aws-error.js';
import { isErrorNamed } from './is-error-named.js';

/** What a failure that leaves a step means for the job; `gone` and `already-done` a step handles itself. */
export type JobVerdict = ErrorVerdict<'retry' | 'retry-after' | 'fatal'>;

/**
 * An error that carries its verdict, decided once where the failure arose: an AWS error by the
 * classifier in `awsCall`, a step's own failure (a missing ARN, a deadline) by the step. The saga reads
 * the verdict back (saga/step-failure.ts) and never classifies the error again.
 */
export class ClassifiedError extends Error {
  override readonly name = 'ClassifiedError';
  constructor(
    readonly verdict: JobVerdict,
    options: { cause?: unknown } = {},
  ) {
    super(verdict.message, { cause: options.cause });
  }

  static is(error: unknown): error is ClassifiedError {
    return (
      error instanceof ClassifiedError ||
      (isErrorNamed(error, 'ClassifiedError') && typeof (error as { verdict?: unknown }).verdict === 'object')
    );
  }
}

/**
 * Transient (throttling, a 5xx, a network blip, a resource not yet visible after its create): the job is
 * retried with exponential backoff and jitter, spending one attempt.
 */
export const retryable = (code: string, message: string, options: { cause?: unknown } = {}) =>
  new ClassifiedError({ action: 'retry', code, message }, options);

/**
 * An expected wait of known length (a dependency still draining): the job is delayed by `afterMs`
 * without spending an attempt, until the step's deadline.
 */
export const retryAfter = (code: string, message: string, afterMs: number) =>
  new ClassifiedError({ action: 'retry-after', code, message, afterMs });

/**
 * Another attempt cannot fix it (a validation error, an exhausted quota, a payload that no longer
 * parses): the instance fails at once with `code` and the message.
 */
export const fatal = (code: string, message: string, options: { cause?: unknown } = {}) =>
  new ClassifiedError({ action: 'fatal', code, message }, options);
