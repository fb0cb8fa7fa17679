import type { InstanceRecord, StepId, StepRecord } from '../../shared/domain.js';
import type { WorkerContext } from '../context.js';
import { fatal } from '../errors/classified-error.js';
import { type Checkpoints, parseCheckpoint, type WaitOutputs } from './step-outputs.js';

export interface StepInput {
  instance: InstanceRecord;
  /** Checkpoints of the steps before this one, by step id, as recorded: read them with `outputOf`. */
  outputs: Partial<Record<StepId, Record<string, string>>>;
  /** This step's record as it stands (a waiting step keeps what earlier polls saw). */
  record: StepRecord;
  /**
   * No attempt before this one can have started this step, so its resource cannot exist yet: the step
   * may create without looking first. Set only for a pristine instance (see saga/run-create.ts), whose
   * `running` record was written before the step's first call.
   */
  firstRun: boolean;
}

/** A step's answer: its checkpoint (`Checkpoints[K]`), or a wait with what this poll saw. */
export type StepResult<K extends StepId = StepId> =
  | { kind: 'done'; output: Checkpoints[K] }
  /** Not finished, nothing wrong: look again after `afterMs` without holding a slot or spending an attempt. */
  | { kind: 'wait'; afterMs: number; output: WaitOutputs[K]; note: string };

export interface StepContext extends WorkerContext {
  /** A line in the job's log (Bull Board): ids, states, reasons, never secrets. Buffered: the job writes
   * its lines in one go when the attempt ends, not one round trip per line. */
  note(line: string): Promise<void>;
}

/** Removes what a step made, found by deterministic name: `deleted`, or `absent` when nothing was there. */
export type UndoResult = 'deleted' | 'absent';

export interface Step<K extends StepId = StepId> {
  /** A persisted contract (`step:<id>` on the instance record): never rename one. */
  id: K;
  run(ctx: StepContext, input: StepInput): Promise<StepResult<K>>;
  undo?(ctx: StepContext, instance: InstanceRecord): Promise<UndoResult>;
  /**
   * Its undo is housekeeping: nothing depends on what it removes (INACTIVE task-definition revisions),
   * so when it fails for good the delete records a leftover for the reconciler instead of stopping.
   */
  housekeeping?: true;
}

export const done = <O extends Record<string, string>>(output: O) => ({ kind: 'done' as const, output });

/** The checkpoint of an earlier step, typed and checked; a missing one is a clear failure (a code bug). */
export function outputOf<K extends StepId>(input: StepInput, step: K): Checkpoints[K] {
  const output = input.outputs[step];
  if (!output) throw fatal('CheckpointMissing', `step ${step} has no checkpoint`);
  return parseCheckpoint(step, output);
}
