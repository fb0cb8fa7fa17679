import { classifyAwsError } from '../../shared/errors/classify-aws-error.js';
import { FatalError } from '../../shared/errors/fatal-error.js';
import { isErrorNamed } from '../../shared/errors/is-error-named.js';
import { RetryAfterError } from '../../shared/errors/retry-after-error.js';
import { RetryableError } from '../../shared/errors/retryable-error.js';

/**
 * What a step's error means for the job: `retry` (spend an attempt, back off), `retry-after` (delay
 * without spending one), or `final` (fail the instance now). AWS errors were classified where they were
 * thrown (worker/aws/aws-call.ts); anything else that escapes a step is sorted here.
 */
export type StepVerdict =
  | { kind: 'retry'; code: string; message: string }
  | { kind: 'retry-after'; code: string; message: string; afterMs: number }
  | { kind: 'final'; code: string; message: string };

export function judgeStepError(
  error: unknown,
  options: { isLastAttempt: boolean; waitsLeft: boolean },
): StepVerdict {
  const base = verdictOf(error);
  // Out of free waits, a wait becomes an ordinary retry: it spends attempts, so it ends.
  const verdict: StepVerdict =
    base.kind === 'retry-after' && !options.waitsLeft
      ? { kind: 'retry', code: base.code, message: base.message }
      : base;
  if (verdict.kind === 'retry' && options.isLastAttempt) return { ...verdict, kind: 'final' };
  return verdict;
}

function verdictOf(error: unknown): StepVerdict {
  if (FatalError.is(error)) return { kind: 'final', code: error.code, message: error.message };
  if (isErrorNamed(error, 'UnrecoverableError')) {
    return { kind: 'final', code: 'Unrecoverable', message: (error as Error).message };
  }
  if (RetryAfterError.is(error)) {
    return { kind: 'retry-after', code: error.code, message: error.message, afterMs: error.afterMs };
  }
  if (RetryableError.is(error)) return { kind: 'retry', code: error.code, message: error.message };
  // A plain bug: retrying the same code cannot fix it.
  if (error instanceof TypeError || error instanceof ReferenceError || error instanceof RangeError) {
    return { kind: 'final', code: error.name, message: error.message };
  }
  // Not from AWS (a Redis reconnect, a lost lock): transient as far as we can tell, bounded by attempts.
  if (!isAwsShaped(error)) {
    return {
      kind: 'retry',
      code: 'Internal',
      message: error instanceof Error ? error.message : String(error),
    };
  }
  // An SDK error that escaped awsCall: classify it the same way as every other.
  const verdict = classifyAwsError(error, 'create');
  switch (verdict.action) {
    case 'retry':
      return { kind: 'retry', code: verdict.code, message: verdict.message };
    case 'retry-after':
      return {
        kind: 'retry-after',
        code: verdict.code,
        message: verdict.message,
        afterMs: verdict.afterMs ?? 5_000,
      };
    default:
      return { kind: 'final', code: verdict.code, message: verdict.message };
  }
}

function isAwsShaped(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { $metadata?: unknown; code?: unknown; name?: unknown };
  return (
    e.$metadata !== undefined ||
    (typeof e.code === 'string' && /^E[A-Z_]+$/.test(e.code)) ||
    e.name === 'TimeoutError'
  );
}
