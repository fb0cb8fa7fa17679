import type { AwsOutcome } from '../aws/aws-call.js';
import type { WorkerContext } from '../context.js';

/** AWS said the resource is gone (a `gone` verdict on a read). */
export const VANISHED: unique symbol = Symbol('vanished');
/** The read failed otherwise (a fatal or transient error): nothing can be concluded this run. */
export const UNKNOWN: unique symbol = Symbol('unknown');

/** A value read about one resource, or that it vanished since it was listed. */
export type Seen<T> = T | typeof VANISHED;

/**
 * One read about one resource, whose failure must not fail the reconcile run: a run judges many
 * resources, and any of them can be deleted between the List that found it and this read.
 */
export async function readPerResource<T>(
  ctx: WorkerContext,
  what: string,
  read: () => Promise<AwsOutcome<T>>,
): Promise<T | typeof VANISHED | typeof UNKNOWN> {
  try {
    const outcome = await read();
    if (outcome.ok) return outcome.value;
    return outcome.action === 'gone' ? VANISHED : UNKNOWN;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    ctx.log.warn({ call: what, reason }, 'reconcile read failed: that resource is judged next run');
    return UNKNOWN;
  }
}
