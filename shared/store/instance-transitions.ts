import type { InstanceStatus, StepId } from '../domain.js';
import { webhookEventIdPrefix } from '../webhooks/lifecycle-events.js';
import { publishEvent, type StoreCore } from './store-core.js';
import {
  planTransition,
  TRANSITIONS,
  type TransitionArgs,
  type TransitionName,
  type TransitionResult,
} from './transitions.js';

type Movers = {
  [N in TransitionName]: (id: string, ...args: TransitionArgs<N>) => Promise<TransitionResult>;
};

/**
 * The named transitions of transitions.ts as store methods: each one atomic status change (the
 * transition script), published to the instance's subscribers, its lifecycle event handed on.
 */
export function makeTransitions(
  core: StoreCore,
  onLifecycleEvent?: (instanceId: string, sequence: number) => Promise<void>,
): Movers {
  const { keys, scripts } = core;
  const statusIndexPrefix = keys.indexStatus('');

  async function apply<N extends TransitionName>(
    name: N,
    id: string,
    args: TransitionArgs<N>,
  ): Promise<TransitionResult> {
    const { to, from, fields, event } = planTransition(name, args);
    const now = new Date();
    const at = now.toISOString();
    const body = event ? JSON.stringify({ type: event.type, timestamp: at, data: event.data }) : '';
    const reply = (await scripts.transition(
      keys.instance(id),
      keys.webhookLog(id),
      keys.webhookOwed,
      statusIndexPrefix,
      to,
      from.join(','),
      JSON.stringify({ updatedAt: at, ...fields }),
      body,
      String(now.getTime()),
      webhookEventIdPrefix(id),
    )) as ['missing'] | ['conflict', string] | ['ok', string, string, number];
    if (reply[0] === 'missing') return { ok: false, reason: 'missing' };
    if (reply[0] === 'conflict')
      return { ok: false, reason: 'conflict', current: reply[1] as InstanceStatus };
    const currentStep = (reply[2] || null) as StepId | null;
    await publishEvent(core, { id, status: to, currentStep, at });
    if (reply[3] > 0) await onLifecycleEvent?.(id, reply[3]);
    return { ok: true, previous: reply[1] as InstanceStatus };
  }

  const movers = {} as Record<TransitionName, (id: string, ...args: never[]) => Promise<TransitionResult>>;
  for (const name of Object.keys(TRANSITIONS) as TransitionName[]) {
    movers[name] = (id, ...args) => apply(name, id, args as unknown as TransitionArgs<typeof name>);
  }
  return movers as Movers;
}
