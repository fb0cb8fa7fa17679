import type { InstanceRecord, StepId, StepRecord } from '../../shared/domain.js';
import type { WorkerContext } from '../context.js';

/** A step's output: the ARNs and names it made, checkpointed on the instance record. */
export type StepOutput = Record<string, string>;

export interface StepInput {
  instance: InstanceRecord;
  /** Outputs of the steps before this one, by step id. */
  outputs: Partial<Record<StepId, StepOutput>>;
  /** This step's record as it stands (a waiting step keeps what earlier polls saw). */
  record: StepRecord;
  /**
   * No attempt before this one can have started this step, so its resource cannot exist yet: the step
   * may create without looking first. Set only for a pristine instance (see saga/run-create.ts), whose
   * `running` record was written before the step's first call.
   */
  firstRun: boolean;
}

export type StepResult =
  | { kind: 'done'; output: StepOutput }
  /** Not finished, nothing wrong: look again after `afterMs` without holding a slot or spending an attempt. */
  | { kind: 'wait'; afterMs: number; output: StepOutput; note: string };

export interface StepContext extends WorkerContext {
  /** A line in the job's log (Bull Board): ids, states, reasons, never secrets. Buffered: the job writes
   * its lines in one go when the attempt ends, not one round trip per line. */
  note(line: string): Promise<void>;
}

/** Removes what a step made, found by deterministic name: `deleted`, or `absent` when nothing was there. */
export type UndoResult = 'deleted' | 'absent';

export interface Step {
  /** A persisted contract (`step:<id>` on the instance record): never rename one. */
  id: StepId;
  run(ctx: StepContext, input: StepInput): Promise<StepResult>;
  undo?(ctx: StepContext, instance: InstanceRecord): Promise<UndoResult>;
  /**
   * Its undo is housekeeping: nothing depends on what it removes (INACTIVE task-definition revisions),
   * so when it fails for good the delete records a leftover for the reconciler instead of stopping.
   */
  housekeeping?: true;
}

export const done = (output: StepOutput): StepResult => ({ kind: 'done', output });

/** The output of an earlier step, or a clear failure when a checkpoint lacks it (a code bug, not AWS). */
export function outputOf(input: StepInput, step: StepId, key: string): string {
  const value = input.outputs[step]?.[key];
  if (!value) throw new Error(`checkpoint of step ${step} has no ${key}`);
  return value;
}
