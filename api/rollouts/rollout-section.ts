import type { Rollout } from '../../shared/rollouts/rollout.js';
import { type Html, html } from '../html.js';
import { toRolloutView } from './rollout-view.js';

/**
 * The dashboard's rollout section: the latest rollout, its state and how far it got (healthy of all, the
 * batch, failures and rollbacks), or a line saying there has been none. Progress detail is in
 * `GET /v1/rollouts/{id}` and `openclaw-fleet rollout status`.
 */
export function rolloutSection(rollout: Rollout | null): Html {
  if (!rollout)
    return html`<section id="rollout-section"><p class="muted">No rollout yet: <code>openclaw-fleet rollout start --image …</code></p></section>`;
  const v = toRolloutView(rollout);
  const batch = Math.min(v.batchesDone + 1, v.batches.length);
  const reason = v.reason ? html`<p class="warn">${v.reason}</p>` : null;
  return html`<section id="rollout-section" data-rollout="${v.id}" data-state="${v.state}"><p>Rollout <code>${v.id}</code> to <code>${v.image}</code>: <b id="rollout-state">${v.state}</b>${v.control !== 'run' && !v.finishedAt ? ` (${v.control} asked)` : ''}</p>
<p><progress max="${Math.max(v.totals.instances, 1)}" value="${v.totals.healthy}" aria-label="Instances on the new image"></progress> ${v.totals.healthy}/${v.totals.instances} on the new image · batch ${batch}/${v.batches.length} · ${v.totals.failures} failed · ${v.totals['rolled-back']} rolled back</p>${reason}</section>`;
}

/** What changes the section: the rollout, its state and control, and each instance's state. */
export const rolloutProgressKey = (r: Rollout | null): string =>
  r
    ? `${r.id}:${r.state}:${r.control}:${Object.values(r.instances)
        .map((c) => c.state)
        .join(',')}`
    : '';
