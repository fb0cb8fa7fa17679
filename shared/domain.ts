/**
 * Terminology
 *
 * - instance: one user's OpenClaw gateway: a Secrets Manager secret, a task definition family, an ALB
 *   target group and listener rule, and an ECS service running one task. Named by a short id.
 * - step: one idempotent unit of the create saga that makes, finds or waits for one thing (`secret`,
 *   `task-definition`, `target-group`, `listener-rule`, `service`, `placement`, `reachable`). Step ids are
 *   a persisted contract: never rename one.
 * - checkpoint: the recorded output of a finished step (its ARNs), stored on the instance record, so a
 *   retry or another worker skips finished steps and hands their outputs to the next.
 * - saga: the ordered steps of a create; a delete undoes them in reverse, treating "already gone" as done.
 * - placement: ECS putting the service's task on a container instance; it may wait for the ASG to add
 *   an instance (2-4 minutes on AWS). Waiting is a delayed job, never a held worker slot.
 * - reachable (the gate): the instance URL answers its health path with the gateway token through the
 *   load balancer. Only then is the instance `running`.
 * - reservation: CapacityProviderReservation = M / N x 100, where N is the instances in the ASG and M
 *   the instances needed to run every task, including those waiting for capacity.
 * - idle instance: an ACTIVE container instance with its agent connected and no running or pending task.
 * - routing slot: one target group plus one listener rule on one ALB; an ALB has at most 100 of each.
 */

export const STEP_IDS = [
  'secret',
  'task-definition',
  'target-group',
  'listener-rule',
  'service',
  'placement',
  'reachable',
] as const;
export type StepId = (typeof STEP_IDS)[number];

export const INSTANCE_STATUSES = [
  'queued',
  'provisioning',
  'running',
  'degraded',
  'failed',
  'deleting',
  'deleted',
] as const;
export type InstanceStatus = (typeof INSTANCE_STATUSES)[number];

/** Every status but `deleted`: the instance may still hold AWS resources. */
export const LIVE_STATUSES: readonly InstanceStatus[] = INSTANCE_STATUSES.filter((s) => s !== 'deleted');

export type StepState = 'pending' | 'running' | 'waiting' | 'done' | 'failed';

export interface StepError {
  code: string;
  message: string;
}

export interface StepRecord {
  state: StepState;
  startedAt?: string;
  endedAt?: string;
  attempts: number;
  lastError?: StepError;
  /** What the step made (ARNs, names): the checkpoint handed to later steps and to the delete. */
  output?: Record<string, string>;
}

/**
 * What a delete could not remove and did not need to (housekeeping, e.g. INACTIVE task-definition
 * revisions): recorded on the deleted instance, retried by the reconciler until it is gone.
 */
export interface Leftover {
  step: StepId;
  /** ARNs (or names) still there. */
  resources: string[];
  code: string;
  message: string;
  at: string;
}

export interface InstanceRecord {
  id: string;
  userId: string;
  email: string;
  status: InstanceStatus;
  currentStep: StepId | null;
  steps: Record<StepId, StepRecord>;
  listenerArn: string;
  albDnsName: string;
  /** Lowest free slot on the listener: the rule priority is derived from it. */
  routingSlot: number;
  url: string;
  error: (StepError & { step: StepId | 'delete' | 'reconcile' }) | null;
  requestId: string;
  createdAt: string;
  updatedAt: string;
  runningAt: string | null;
  deletedAt: string | null;
  /** Set by a delete that left housekeeping undone; emptied once the reconciler removed it. */
  leftovers: Leftover[];
  /**
   * How many times the backend restored lost credentials (PUT .../credentials); absent before the first.
   * The secret step writes rotation n's value under a token of its own, so a retry repeats it exactly.
   */
  credentialsRotation?: number;
  /** The gateway image its task definition runs: set by the create, moved by a rollout once healthy. */
  image?: string;
}

export function emptySteps(): Record<StepId, StepRecord> {
  return Object.fromEntries(STEP_IDS.map((id) => [id, { state: 'pending', attempts: 0 }])) as Record<
    StepId,
    StepRecord
  >;
}
