import type { Logger } from '../../shared/logger.js';

/** What a saga needs to know about the BullMQ job running it, without depending on BullMQ. */
export interface JobRun {
  /** Child logger: `{ jobId, instanceId, requestId, attempt }`. */
  log: Logger;
  /** 1-based: failures so far plus one. */
  attempt: number;
  /** No retry follows a failure of this attempt. */
  isLastAttempt: boolean;
  /** A line in the job's log (Bull Board). Buffered until the attempt ends (see processors/instances.ts). */
  note(line: string): Promise<void>;
  /** Bull Board's progress column: `{ step, index, of }`. Only the latest is written, when the attempt ends. */
  progress(progress: Record<string, string | number>): void;
}

/** What a saga asks of the job when it ends an attempt without an error. */
export type SagaOutcome =
  | { kind: 'done'; value: Record<string, unknown> }
  /** Look again later; the job is delayed without holding a slot or spending an attempt. */
  | { kind: 'wait'; afterMs: number };
