import type { InstanceRecord } from '../domain.js';
import type { WaitingSignup } from './sample-types.js';

/**
 * Signups waiting for capacity: instances still provisioning whose current step is placement and not
 * finished. The worker records the placement step's startedAt when it begins to wait, so the wait is
 * measured from there.
 */
export function findWaitingSignups(
  records: readonly Pick<InstanceRecord, 'id' | 'status' | 'currentStep' | 'steps'>[],
  now: number,
): WaitingSignup[] {
  const out: WaitingSignup[] = [];
  for (const r of records) {
    if (r.status !== 'provisioning' || r.currentStep !== 'placement') continue;
    const step = r.steps.placement;
    if (step.state === 'done' || step.state === 'failed' || !step.startedAt) continue;
    const since = Date.parse(step.startedAt);
    if (Number.isNaN(since)) continue;
    out.push({ instanceId: r.id, since, waitingMs: Math.max(0, now - since) });
  }
  return out.sort((a, b) => a.since - b.since);
}
