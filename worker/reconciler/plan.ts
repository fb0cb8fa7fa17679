import type { InstanceRecord, StepId } from '../../shared/domain.js';
import { type FromStatus, transitionAllows } from '../../shared/store/transitions.js';
import { CREDENTIALS_LOST } from '../../shared/webhooks/lifecycle-events.js';
import type { InstanceResources } from './list-aws-resources.js';
import type { OrphanFacts } from './orphan-facts.js';
import type { ReconcileOptions } from './reconcile-context.js';

/** Everything one run compares, gathered first so the decision itself is a pure function. */
export interface PlanInput {
  now: number;
  options: ReconcileOptions;
  /** Every instance id considered: the store's live ones and each id found in AWS (null: no record). */
  records: Map<string, InstanceRecord | null>;
  aws: Map<string, InstanceResources>;
  /** Ages and tags, for ids whose instance is unknown, deleted or failed. */
  orphans: Map<string, OrphanFacts>;
  /** Running instances: does the service have a healthy task? */
  healthy: Map<string, boolean>;
  unhealthySince: Map<string, number>;
  attempts: Map<string, number>;
  /** Instance ids with a waiting, active or delayed job. */
  liveJobs: Set<string>;
}

export type PlannedAction =
  | { kind: 'delete-orphan'; instanceId: string; reason: string; resources: string[]; listenerArns: string[] }
  | { kind: 'delete-abandoned'; instanceId: string; reason: string }
  | { kind: 'repair'; instanceId: string; reason: string; fromStep: StepId; undo: StepId[]; missing?: StepId }
  | { kind: 'fail'; instanceId: string; reason: string; from: FromStatus<'giveUp'>[]; missing?: StepId }
  | { kind: 'credentials-lost'; instanceId: string; reason: string; missing: 'secret' }
  | { kind: 'reenqueue'; instanceId: string; reason: string; job: 'create' | 'delete' };

export interface Plan {
  actions: PlannedAction[];
  /** Drift seen but left alone this run (orphans in their grace period, a delete out of attempts). */
  waitingForGrace: number;
  stuck: string[];
  /** Running instances first seen without a healthy task: stamp now. */
  markUnhealthy: string[];
  /** Running instances seen whole and healthy: forget their unhealthy-since and attempts. */
  markHealthy: string[];
}

const EMPTY: InstanceResources = { rules: [] };

const hasAnything = (r: InstanceResources) =>
  Boolean(r.secret || r.taskFamily || r.targetGroup || r.rules.length > 0 || r.service);

/** Listed, but every one of them vanished before it could be read: nothing left to act on. */
const hasAnythingLeft = (facts: OrphanFacts) => facts.resources.length > 0;

/** The first create step whose resource a running instance lacks, or null when it has them all. */
export function missingStep(record: InstanceRecord, found: InstanceResources): StepId | null {
  if (!found.secret) return 'secret';
  if (!found.taskFamily) return 'task-definition';
  if (!found.targetGroup) return 'target-group';
  if (!found.rules.some((r) => r.listenerArn === record.listenerArn)) return 'listener-rule';
  if (!found.service) return 'service';
  return null;
}

const age = (now: number, iso: string) => now - (Date.parse(iso) || now);

/**
 * Decides what one reconciler run does. Never touches an instance with a live job (a create or delete in
 * flight), nor resources younger than the grace period; never deletes a resource whose tag does not name
 * the instance its name does.
 */
export function planReconcile(input: PlanInput): Plan {
  const plan: Plan = { actions: [], waitingForGrace: 0, stuck: [], markUnhealthy: [], markHealthy: [] };
  for (const [id, record] of input.records) {
    const found = input.aws.get(id) ?? EMPTY;
    if (record === null || record.status === 'deleted') {
      planOrphan(input, plan, id, record, found);
      continue;
    }
    if (input.liveJobs.has(id)) continue;
    switch (record.status) {
      case 'queued':
      case 'provisioning':
      case 'degraded':
      case 'deleting':
        planLostJob(input, plan, record);
        break;
      case 'failed':
        planAbandoned(input, plan, record, found);
        break;
      case 'running':
        planRunning(input, plan, record, found, outOfAttempts(input, id));
        break;
    }
  }
  return plan;
}

const outOfAttempts = (input: PlanInput, id: string) =>
  (input.attempts.get(id) ?? 0) >= input.options.maxAttempts;

/** Resources of an unknown or deleted instance, tagged as its own: deleted once past the grace period. */
function planOrphan(
  input: PlanInput,
  plan: Plan,
  id: string,
  record: InstanceRecord | null,
  found: InstanceResources,
): void {
  const facts = input.orphans.get(id);
  if (!hasAnything(found) || !facts?.tagged || !hasAnythingLeft(facts)) return;
  if (input.now - facts.youngestAt < input.options.graceMs) {
    plan.waitingForGrace++;
    return;
  }
  plan.actions.push({
    kind: 'delete-orphan',
    instanceId: id,
    reason: record === null ? 'resources of an unknown instance' : 'resources of a deleted instance',
    resources: facts.resources,
    listenerArns: [...new Set([...found.rules.map((r) => r.listenerArn), record?.listenerArn ?? ''])].filter(
      Boolean,
    ),
  });
}

/** An instance on its way (queued, provisioning, degraded, deleting) whose job is gone: enqueued again. */
function planLostJob(input: PlanInput, plan: Plan, record: InstanceRecord): void {
  const { now, options } = input;
  const id = record.id;
  if (age(now, record.updatedAt) < options.staleJobMs) return;
  if (record.status === 'deleting') {
    if (outOfAttempts(input, id)) plan.stuck.push(id);
    else
      plan.actions.push({
        kind: 'reenqueue',
        instanceId: id,
        reason: 'deleting with no delete job',
        job: 'delete',
      });
    return;
  }
  // Lost credentials wait for the backend's PUT .../credentials: no job of ours can make them.
  if (record.error?.code === CREDENTIALS_LOST) return;
  const { status } = record;
  if (outOfAttempts(input, id) && transitionAllows('giveUp', status)) {
    plan.actions.push({
      kind: 'fail',
      instanceId: id,
      reason: `its create job was lost or failed ${options.maxAttempts} times`,
      from: [status],
    });
  } else {
    plan.actions.push({
      kind: 'reenqueue',
      instanceId: id,
      reason: `${record.status} with no create job`,
      job: 'create',
    });
  }
}

/** A failed instance untouched for the grace period, with resources left: its delete is enqueued. */
function planAbandoned(input: PlanInput, plan: Plan, record: InstanceRecord, found: InstanceResources): void {
  const { now, options } = input;
  const facts = input.orphans.get(record.id);
  if (!hasAnything(found) || !facts?.tagged || !hasAnythingLeft(facts)) return;
  if (age(now, record.updatedAt) < options.graceMs || now - facts.youngestAt < options.graceMs) {
    plan.waitingForGrace++;
    return;
  }
  plan.actions.push({
    kind: 'delete-abandoned',
    instanceId: record.id,
    reason: `failed and untouched for ${Math.round(age(now, record.updatedAt) / 1000)} s`,
  });
}

function planRunning(
  input: PlanInput,
  plan: Plan,
  record: InstanceRecord,
  found: InstanceResources,
  outOfAttempts: boolean,
): void {
  const id = record.id;
  const missing = missingStep(record, found);
  let reason: string;
  let fromStep: StepId;
  if (missing) {
    reason = `${missing} resource is missing`;
    fromStep = missing;
    if (missing === 'secret') {
      // The credentials left Redis once the secret existed: only the backend can give new ones (PUT
      // /v1/instances/{id}/credentials). Degraded, not failed: the running task still has its values.
      plan.actions.push({
        kind: 'credentials-lost',
        instanceId: id,
        reason: 'its secret was deleted and the credentials are not kept: PUT new credentials',
        missing,
      });
      return;
    }
  } else {
    const healthy = input.healthy.get(id);
    if (healthy !== false) {
      if (healthy === true) plan.markHealthy.push(id);
      return;
    }
    const since = input.unhealthySince.get(id);
    if (since === undefined) {
      plan.markUnhealthy.push(id);
      return;
    }
    const forMs = input.now - since;
    if (forMs < input.options.unhealthyMs) return;
    reason = `no healthy task for ${Math.round(forMs / 1000)} s`;
    // From the service step: it puts the service back to one task on the current task definition (an
    // operator may have scaled it to zero), then placement waits for that task to run and turn healthy.
    fromStep = 'service';
  }
  if (outOfAttempts) {
    plan.actions.push({
      kind: 'fail',
      instanceId: id,
      reason: `${reason}, after ${input.options.maxAttempts} repairs`,
      from: ['running'],
      ...(missing ? { missing } : {}),
    });
    return;
  }
  // The service is bound to the target group's ARN, and a rule forwards to it: a new group needs both anew.
  const undo: StepId[] = [];
  if (fromStep === 'target-group') {
    if (found.service) undo.push('service');
    if (found.rules.length > 0) undo.push('listener-rule');
  }
  plan.actions.push({
    kind: 'repair',
    instanceId: id,
    reason,
    fromStep,
    undo,
    ...(missing ? { missing } : {}),
  });
}
