import {
  classifyAwsError,
  type ErrorVerdict,
  type OperationKind,
} from '../../shared/errors/classify-aws-error.js';
import { ClassifiedError, retryable } from '../errors/classified-error.js';

/** What a step handles itself; `retry`, `retry-after` and `fatal` are thrown for the job to handle. */
export type AwsOutcome<T> = { ok: true; value: T } | ({ ok: false } & ErrorVerdict<'gone' | 'already-done'>);

/**
 * Sends one AWS call and turns its failure into what the saga acts on, through the one classifier.
 * `what` names the call in error messages (`CreateRule`), since AWS messages alone rarely say which.
 * The verdict travels on the thrown error, so nothing downstream classifies it again.
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
    // An answer that did not parse is already told with the operation's name.
    const message = verdict.message.startsWith(`${what} `) ? verdict.message : `${what}: ${verdict.message}`;
    if (verdict.action === 'gone' || verdict.action === 'already-done') {
      return { ok: false, action: verdict.action, code: verdict.code, message };
    }
    if (verdict.action === 'retry-after') {
      const afterMs = options.waitMs ?? verdict.afterMs;
      throw new ClassifiedError({ ...verdict, message, afterMs }, { cause: error });
    }
    throw new ClassifiedError({ ...verdict, message }, { cause: error });
  }
}

export interface AwsCallOptions {
  /** How long a `retry-after` waits here, when the caller knows its cadence better than the default. */
  waitMs?: number;
}

/** The value of a call whose `gone`/`already-done` the step cannot make sense of: those become retries. */
export async function awsValue<T>(kind: OperationKind, what: string, send: () => Promise<T>): Promise<T> {
  const outcome = await awsCall(kind, what, send);
  if (outcome.ok) return outcome.value;
  throw retryable(outcome.code, outcome.message);
}
