import { UnrecoverableError } from 'bullmq';
import { classifyAwsError } from '../../shared/errors/classify-aws-error.js';
import { ClassifiedError, type JobVerdict } from '../errors/classified-error.js';
import { isErrorNamed } from '../errors/is-error-named.js';

/**
 * What a step's error means for the job: `retry` (spend an attempt, back off), `retry-after` (delay
 * without spending one), or `fatal` (fail the instance now). An error thrown through `awsCall` or by a
 * step carries its verdict already (a ClassifiedError); anything else that escapes a step is judged here,
 * once.
 */
export function judgeStepError(
  error: unknown,
  options: { isLastAttempt: boolean; waitsLeft: boolean },
): JobVerdict {
  const base = verdictOf(error);
  // Out of free waits, a wait becomes an ordinary retry: it spends attempts, so it ends.
  const verdict: JobVerdict =
    base.action === 'retry-after' && !options.waitsLeft
      ? { action: 'retry', code: base.code, message: base.message }
      : base;
  if (verdict.action === 'retry' && options.isLastAttempt) return { ...verdict, action: 'fatal' };
  return verdict;
}

/**
 * Ends a saga's job for good once the instance carries the failure: BullMQ's own error, so no attempt is
 * spent again. The message reads `<step>: <code>: <reason>`, as the job's failed reason in Bull Board.
 */
export function sagaFailed(step: string, verdict: JobVerdict, cause: unknown): UnrecoverableError {
  return Object.assign(new UnrecoverableError(`${step}: ${verdict.code}: ${verdict.message}`), { cause });
}

function verdictOf(error: unknown): JobVerdict {
  if (ClassifiedError.is(error)) return error.verdict;
  if (isErrorNamed(error, 'UnrecoverableError')) {
    return { action: 'fatal', code: 'Unrecoverable', message: (error as Error).message };
  }
  // A plain bug: retrying the same code cannot fix it.
  if (error instanceof TypeError || error instanceof ReferenceError || error instanceof RangeError) {
    return { action: 'fatal', code: error.name, message: error.message };
  }
  // Not from AWS (a Redis reconnect, a lost lock): transient as far as we can tell, bounded by attempts.
  if (!isAwsShaped(error)) {
    return {
      action: 'retry',
      code: 'Internal',
      message: error instanceof Error ? error.message : String(error),
    };
  }
  // An SDK error sent without awsCall: its first and only classification.
  const verdict = classifyAwsError(error, 'create');
  if (verdict.action === 'gone' || verdict.action === 'already-done') return { ...verdict, action: 'fatal' };
  return verdict;
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
