import {
  INSTANCE_STATUSES,
  type InstanceRecord,
  type InstanceStatus,
  type Leftover,
  type StepError,
  type StepId,
} from '../domain.js';
import {
  CREDENTIALS_LOST,
  credentialsLostEvent,
  degradedEvent,
  deletedEvent,
  failedEvent,
  type LifecycleEvent,
  runningEvent,
} from '../webhooks/lifecycle-events.js';

type Subject = Pick<InstanceRecord, 'id' | 'userId'>;
/** Fields a transition writes with the status; null (or '') deletes the field. */
type Fields = Record<string, string | null>;
interface Written {
  fields?: Fields;
  /** The lifecycle event logged in the same atomic step, when the status really changes. */
  event?: LifecycleEvent;
}

const errorField = (error: StepError & { step: NonNullable<InstanceRecord['error']>['step'] }) => ({
  error: JSON.stringify(error),
});

/** Every status but `deleting` and `deleted`: a delete that lands mid-create wins at the next step boundary. */
const DELETABLE = ['queued', 'provisioning', 'running', 'degraded', 'failed'] as const;

/**
 * Every status change an instance can make, by name: where it may come from, where it goes, and what it
 * writes with it. The store turns each into a method (`store.markRunning(id, …)`), the only way a status
 * changes after `create`; a change that is not here cannot be written. A transition from a status not in
 * its `from` answers `conflict` and changes nothing, so a late job never undoes a delete.
 */
export const TRANSITIONS = {
  /** A create job takes the instance (again: a retry, a resumed job, a repair or restored credentials). */
  startProvisioning: {
    from: ['queued', 'failed', 'provisioning', 'degraded'],
    to: 'provisioning',
    write: (): Written => ({ fields: { error: null } }),
  },
  /** Every create step done and the gate passed; `recovered` when it had run before. */
  markRunning: {
    from: ['provisioning'],
    to: 'running',
    write: (a: { instance: InstanceRecord; runningAt: string }): Written => ({
      fields: { runningAt: a.runningAt },
      event: runningEvent(a.instance),
    }),
  },
  /** A create step failed for good. */
  markFailed: {
    from: ['queued', 'provisioning'],
    to: 'failed',
    write: (a: { instance: Subject; error: StepError & { step: StepId } }): Written => ({
      fields: errorField(a.error),
      event: failedEvent(a.instance, a.error),
    }),
  },
  /** The reconciler gives up on an instance: out of attempts, or not repairable. */
  giveUp: {
    from: ['queued', 'provisioning', 'degraded', 'running'],
    to: 'failed',
    write: (a: { instance: Subject; reason: string }): Written => {
      const error = { step: 'reconcile', code: 'ReconcileGaveUp', message: a.reason } as const;
      return { fields: errorField(error), event: failedEvent(a.instance, error) };
    },
  },
  /** The reconciler found a running instance drifted; its create saga resumes from `fromStep`. */
  markDegraded: {
    from: ['running'],
    to: 'degraded',
    write: (a: { instance: Subject; reason: string; fromStep: StepId }): Written => ({
      fields: errorField({ step: 'reconcile', code: 'Drift', message: a.reason }),
      event: degradedEvent(a.instance, a.reason, a.fromStep),
    }),
  },
  /** A running instance's secret is gone: degraded until the backend PUTs new credentials. */
  markCredentialsLost: {
    from: ['running'],
    to: 'degraded',
    write: (a: { instance: Subject; reason: string }): Written => ({
      fields: errorField({ step: 'secret', code: CREDENTIALS_LOST, message: a.reason }),
      event: credentialsLostEvent(a.instance),
    }),
  },
  /** Its owner asked for new credentials: degraded the same way, without an event (nothing was lost). */
  startRotation: {
    from: ['running'],
    to: 'degraded',
    write: (): Written => ({
      fields: errorField({
        step: 'secret',
        code: CREDENTIALS_LOST,
        message: 'Its owner asked for a new gateway token',
      }),
    }),
  },
  /** A failed create runs again from its failed step. */
  requeue: {
    from: ['failed'],
    to: 'queued',
    write: (): Written => ({ fields: { error: null } }),
  },
  /** A delete begins; `updatedAt` then says when (nothing else writes it until the end). */
  markDeleting: {
    from: DELETABLE,
    to: 'deleting',
    write: (): Written => ({}),
  },
  /** A delete step failed for good: the instance stays `deleting` with the error, for an operator. */
  markDeleteFailed: {
    from: ['deleting'],
    to: 'deleting',
    write: (a: { error: StepError }): Written => ({ fields: errorField({ step: 'delete', ...a.error }) }),
  },
  /** The end, from anywhere (the store's `markDeleted` also frees the slot and the user). */
  markDeleted: {
    from: INSTANCE_STATUSES,
    to: 'deleted',
    write: (a: { instance: Subject; at: string; leftovers: readonly Leftover[] }): Written => ({
      fields: {
        deletedAt: a.at,
        currentStep: null,
        'sealed:gatewayToken': null,
        'sealed:anthropicApiKey': null,
        ...(a.leftovers.length > 0 ? { leftovers: JSON.stringify(a.leftovers) } : {}),
      },
      event: deletedEvent(a.instance),
    }),
  },
} as const satisfies Record<
  string,
  { from: readonly InstanceStatus[]; to: InstanceStatus; write: (args: never) => Written }
>;

export type TransitionName = keyof typeof TRANSITIONS;
type Spec<N extends TransitionName> = (typeof TRANSITIONS)[N];
/** The statuses a transition may start from. */
export type FromStatus<N extends TransitionName> = Spec<N>['from'][number];

export interface TransitionOptions<N extends TransitionName> {
  /**
   * Narrows `from` to what the caller saw (a compare-and-set): the reconciler acts only if the instance
   * is still in the status its plan was made from. Only statuses the transition allows can be named.
   */
  onlyFrom?: readonly FromStatus<N>[];
}

/** A transition's arguments: its `write` input (if any), then the options. */
export type TransitionArgs<N extends TransitionName> = [
  ...Parameters<Spec<N>['write']>,
  options?: TransitionOptions<N>,
];

export type TransitionResult =
  | { ok: true; previous: InstanceStatus }
  | { ok: false; reason: 'missing' }
  | { ok: false; reason: 'conflict'; current: InstanceStatus };

/** What the transition script is handed for one named transition. */
export function planTransition<N extends TransitionName>(name: N, args: TransitionArgs<N>) {
  const spec = TRANSITIONS[name] as unknown as {
    from: readonly InstanceStatus[];
    to: InstanceStatus;
    write: (a: unknown) => Written;
  };
  const hasInput = spec.write.length > 0;
  const options = (hasInput ? args[1] : args[0]) as TransitionOptions<N> | undefined;
  const written = spec.write(hasInput ? args[0] : undefined);
  // Narrowed, never widened: even a status cast past the types stays outside the table's `from`.
  const from = options?.onlyFrom ? spec.from.filter((s) => options.onlyFrom?.includes(s)) : spec.from;
  return { to: spec.to, from, ...written };
}

/** Whether `name` may start from `status`: narrows a status read from a record to the transition's own. */
export function transitionAllows<N extends TransitionName>(
  name: N,
  status: InstanceStatus,
): status is FromStatus<N> {
  return (TRANSITIONS[name].from as readonly InstanceStatus[]).includes(status);
}
