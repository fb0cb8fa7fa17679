import { assertNever } from '../../shared/errors/assert-never.js';
import {
  type AwsErrorClass,
  classifyAwsError,
  type OperationKind,
} from '../../shared/errors/classify-aws-error.js';
import { FatalError } from '../../shared/errors/fatal-error.js';
import { RetryAfterError } from '../../shared/errors/retry-after-error.js';
import { RetryableError } from '../../shared/errors/retryable-error.js';

/** What a step handles itself; `retry`, `retry-after` and `fatal` are thrown for the job to handle. */
export type AwsOutcome<T> =
  | { ok: true; value: T }
  | { ok: false; action: 'gone' | 'already-done'; code: string; message: string };

/**
 * Sends one AWS call and turns its failure into what the saga acts on, through the one classifier.
 * `what` names the call in error messages (`CreateRule`), since AWS messages alone rarely say which.
 */
export async function awsCall<T>(
  kind: OperationKind,
  what: string,
  send: () => Promise<T>,
  options: AwsCallOptions = {},
): Promise<AwsOutcome<T>> {
  try {
    return { ok: true, value: await send() };
  } catch (error) {
    const verdict = classifyAwsError(error, kind, what);
    if (verdict.action === 'retry-after' && options.waitMs !== undefined) verdict.afterMs = options.waitMs;
    return outcomeOf(verdict, what, error);
  }
}

export interface AwsCallOptions {
  /** How long a `retry-after` waits here, when the caller knows its cadence better than the default. */
  waitMs?: number;
}

function outcomeOf<T>(verdict: AwsErrorClass, what: string, cause: unknown): AwsOutcome<T> {
  // An answer that did not parse is already told with the operation's name.
  const message = verdict.message.startsWith(`${what} `) ? verdict.message : `${what}: ${verdict.message}`;
  switch (verdict.action) {
    case 'gone':
    case 'already-done':
      return { ok: false, action: verdict.action, code: verdict.code, message };
    case 'retry':
      throw new RetryableError(verdict.code, message, { cause });
    case 'retry-after':
      throw new RetryAfterError(verdict.code, message, verdict.afterMs ?? 5_000, { cause });
    case 'fatal':
      throw new FatalError(verdict.code, message, { cause });
    default:
      return assertNever(verdict.action, 'AWS error action');
  }
}

/** The value of a call whose `gone`/`already-done` the step cannot make sense of: those become retries. */
export async function awsValue<T>(kind: OperationKind, what: string, send: () => Promise<T>): Promise<T> {
  const outcome = await awsCall(kind, what, send);
  if (outcome.ok) return outcome.value;
  throw new RetryableError(outcome.code, outcome.message);
}
