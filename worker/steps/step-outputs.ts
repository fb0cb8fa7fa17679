import { z } from 'zod';
import type { InstanceRecord, StepId, StepRecord } from '../../shared/domain.js';
import { fatal } from '../errors/classified-error.js';

const arn = z.string().min(1);
/** Booleans and numbers are kept as strings: the checkpoint's persisted form. */
const flag = z.enum(['true', 'false']);
const milliseconds = z.string().regex(/^\d+$/);

/**
 * What each step checkpoints when it is done: the `output` of field `step:<id>` on the instance hash.
 * Step ids and these field names are a persisted contract: a record written by an older worker must
 * still parse, so a field is only ever added as optional.
 */
export const checkpointSchemas = {
  secret: z.object({ secretArn: arn }),
  'task-definition': z.object({ taskDefinitionArn: arn }),
  'target-group': z.object({ targetGroupArn: arn }),
  /** `priority` is empty when a rule found by its look-up answered without one. */
  'listener-rule': z.object({ ruleArn: arn, priority: z.string() }),
  service: z.object({ serviceArn: arn }),
  placement: z.object({ taskArn: arn, waitedForCapacity: flag, placementWaitMs: milliseconds }),
  reachable: z.object({ answer: z.string(), reachableWaitMs: milliseconds }),
} satisfies { [K in StepId]: z.ZodType<Record<string, string>> };

export type Checkpoints = { [K in StepId]: z.infer<(typeof checkpointSchemas)[K]> };

/**
 * What a waiting step records between polls (state `waiting`, same field): what earlier polls saw. Not a
 * checkpoint: nothing later depends on it, so one that does not parse is read as nothing seen.
 */
export const waitSchemas = {
  placement: z.object({ waitedForCapacity: flag, state: z.string(), lastEvent: z.string() }),
  reachable: z.object({ state: z.string() }),
};

type WaitingStep = keyof typeof waitSchemas;
/** `never` for a step that cannot wait. */
export type WaitOutputs = {
  [K in StepId]: K extends WaitingStep ? z.infer<(typeof waitSchemas)[K]> : never;
};

/** A checkpoint read back, checked: one that does not parse is a clear, final failure, not `undefined`. */
export function parseCheckpoint<K extends StepId>(step: K, output: Record<string, string>): Checkpoints[K] {
  const parsed = checkpointSchemas[step].safeParse(output);
  if (parsed.success) return parsed.data as Checkpoints[K];
  const issue = parsed.error.issues[0];
  throw fatal(
    'CorruptCheckpoint',
    `checkpoint step:${step} does not parse: ${issue?.path.join('.') || 'output'}: ${issue?.message ?? 'invalid'}`,
  );
}

/**
 * The checkpoint of `step` on an instance, or null when the step recorded none (never done, or reset).
 * Undo steps read it to delete by ARN without a look-up.
 */
export function checkpointOf<K extends StepId>(instance: InstanceRecord, step: K): Checkpoints[K] | null {
  const output = instance.steps[step].output;
  return output ? parseCheckpoint(step, output) : null;
}

/** What earlier polls of a waiting step saw, or null (none yet, or a record of another shape). */
export function seenWhileWaiting<K extends WaitingStep>(step: K, record: StepRecord): WaitOutputs[K] | null {
  const parsed = waitSchemas[step].safeParse(record.output);
  return parsed.success ? (parsed.data as WaitOutputs[K]) : null;
}
