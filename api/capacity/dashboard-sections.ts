import type { HistoryEntry } from '../../shared/capacity/history-point.js';
import type { CapacitySample } from '../../shared/capacity/sample-types.js';
import type { CostReport } from '../../shared/cost/cost-report.js';
import type { HeadroomTable } from '../../shared/cost/headroom.js';
import type { Rollout } from '../../shared/rollouts/rollout.js';
import { type Html, html } from '../html.js';
import { rolloutSection } from '../rollouts/rollout-section.js';
import { costJumpMarkers } from './cost-markers.js';
import { lineChart } from './svg-chart.js';

/**
 * The dashboard's sections, each one element with a stable id: the page renders them all once, and
 * the live stream sends them again, rendered the same way, whenever a new sample lands.
 */
export interface DashboardData {
  now: number;
  sample: CapacitySample | null;
  lastEntry: HistoryEntry | null;
  history: HistoryEntry[];
  cost: CostReport | null;
  headroom: HeadroomTable | null;
  /** The latest rollout (absent: the section says there has been none). */
  rollout?: Rollout | null;
}

export const money = (v: number) => `$${v.toFixed(2)}`;
const mins = (ms: number) => (ms < 60_000 ? `${Math.round(ms / 1000)} s` : `${(ms / 60_000).toFixed(1)} min`);

function summary(d: DashboardData): Html {
  const s = d.sample;
  const stale = d.lastEntry?.gap ? html`<p class="warn">Last sample failed: ${d.lastEntry.reason}</p>` : null;
  if (!s)
    return html`<section id="summary" data-at="">${stale}<p class="warn">No capacity sample yet: is the worker running?</p></section>`;
  const live = s.fleet.asg.instances.filter(
    (i) => i.lifecycleState === 'InService' || i.lifecycleState === 'Pending',
  );
  return html`<section id="summary" data-at="${s.at}">${stale}<p class="muted">Sampled <time>${new Date(s.at).toISOString()}</time></p><div class="cards">
  <div class="card"><span>Reservation</span><b id="reservation">${s.reservation.value.toFixed(0)}%</b><small>M=${s.reservation.m} N=${s.reservation.n} · target ${s.fleet.capacityProvider.managedScaling.targetCapacity}%</small></div>
  <div class="card"><span>Next</span><b id="scaling">${s.scaling.action}</b><small>${s.scaling.targetInstances} instances · ${s.scaling.reason}</small></div>
  <div class="card"><span>Instances</span><b id="instances">${live.length}</b><small>desired ${s.fleet.asg.desired} · min ${s.fleet.asg.min} · max ${s.fleet.asg.max} · idle ${s.idle.length}</small></div>
  <div class="card"><span>Utilisation</span><b>${s.utilisation.percent.memory.toFixed(0)}% mem</b><small>${s.utilisation.percent.cpu.toFixed(0)}% CPU reserved of registered</small></div>
  <div class="card"><span>Cost</span><b id="cost-month">${money(s.cost.perMonth)}/mo</b><small>${s.cost.perUserPerMonth === null ? 'no users' : `${money(s.cost.perUserPerMonth)} per user · ${s.cost.users} users`} · idle ${money(s.cost.idlePerMonth)}/mo</small></div>
</div></section>`;
}

function fleet(d: DashboardData): Html {
  const s = d.sample;
  if (!s) return html`<section id="fleet-now"></section>`;
  const ciById = new Map(s.fleet.containerInstances.map((ci) => [ci.ec2InstanceId, ci]));
  const idle = new Map(s.idle.map((i) => [i.ec2InstanceId, i]));
  const boxes = s.fleet.asg.instances
    .filter((i) => i.lifecycleState !== 'Terminated')
    .map((i) => {
      const ci = ciById.get(i.instanceId);
      const idleInfo = idle.get(i.instanceId);
      const classes = ['instance', i.purchaseOption, idleInfo ? 'idle' : '', ci ? '' : 'launching']
        .filter(Boolean)
        .join(' ');
      const tasks = (ci?.tasks ?? []).map(
        (t) =>
          html`<div class="task ${t.lastStatus.toLowerCase()}" data-task="${t.taskArn}">${t.group.replace(/^service:/, '')}<small>${t.lastStatus}</small></div>`,
      );
      const mem = ci ? `${ci.registered.memory - ci.remaining.memory}/${ci.registered.memory} MiB` : '';
      return html`<div class="${classes}" data-instance="${i.instanceId}" data-purchase="${i.purchaseOption}" data-idle="${idleInfo ? 'true' : 'false'}" data-tasks="${ci?.tasks.length ?? 0}">
  <header><b>${i.instanceId}</b><span class="badge">${i.purchaseOption}</span>${idleInfo ? html`<span class="badge idle-badge">idle ${mins(idleInfo.idleForMs)}</span>` : ''}</header>
  <div class="meta">${i.instanceType} · ${i.availabilityZone} · ${ci?.status ?? i.lifecycleState}${ci && !ci.agentConnected ? ' · agent disconnected' : ''}${i.protectedFromScaleIn ? ' · protected' : ''}</div>
  <div class="meta">${mem}</div>
  <div class="tasks">${tasks.length > 0 ? tasks : html`<div class="empty">no tasks</div>`}</div>
</div>`;
    });
  const waitingTasks = s.fleet.waitingTasks.map(
    (t) =>
      html`<div class="task waiting" data-task="${t.taskArn}">${t.group.replace(/^service:/, '')}<small>waiting ${mins(s.at - t.createdAt)}</small></div>`,
  );
  const pending = waitingTasks
    ? html`<div class="instance pending-capacity"><header><b>waiting for capacity</b></header><div class="tasks">${waitingTasks}</div></div>`
    : null;
  const signups = s.waitingSignups.length
    ? html`<ul id="waiting-signups">${s.waitingSignups.map((w) => html`<li data-instance="${w.instanceId}">${w.instanceId}: waiting ${mins(w.waitingMs)}</li>`)}</ul>`
    : html`<p id="waiting-signups" class="muted">No signup is waiting for capacity.</p>`;
  return html`<section id="fleet-now"><h2>The fleet now</h2><div class="fleet" id="fleet">${boxes}${pending}</div><h2>Signups waiting for capacity</h2>${signups}</section>`;
}

function charts(d: DashboardData): Html {
  const points = d.history;
  const times = points.map((p) => p.at);
  const val = <T>(f: (p: Exclude<HistoryEntry, { gap: true }>) => T | null) =>
    points.map((p) => (p.gap ? null : f(p)));
  const markers = costJumpMarkers(points);
  const markerList = markers.length
    ? html`<ol id="cost-markers">${markers.map((m) => html`<li value="${m.label}"><time>${new Date(times[m.index]!).toISOString().slice(11, 16)}</time> ${m.text}</li>`)}</ol>`
    : html`<p id="cost-markers" class="muted">No jump in cost per user in this range.</p>`;
  return html`<section id="charts"><div class="charts">
${lineChart({ id: 'chart-reservation', title: 'Capacity provider reservation', times, scale: 'percent', series: [{ name: 'reservation', color: '#c64', values: val((p) => Math.min(100, p.reservation)) }] })}
${lineChart({
  id: 'chart-instances',
  title: 'Instances',
  times,
  scale: 'count',
  series: [
    { name: 'instances', color: '#47c', values: val((p) => p.instances.total) },
    { name: 'idle', color: '#e90', values: val((p) => p.idle) },
  ],
})}
${lineChart({ id: 'chart-cost-per-user', title: 'Cost per user per month', times, scale: 'money', markers, series: [{ name: 'per user, $/month', color: '#4a8', values: val((p) => p.cost.perUserPerMonth) }] })}
</div><h3>Jumps in cost per user</h3>${markerList}</section>`;
}

function headroom(d: DashboardData): Html {
  const t = d.headroom;
  if (!t) return html`<section id="headroom-section"><p class="muted">No sample yet.</p></section>`;
  const rows = t.rows.map(
    (r) =>
      html`<tr data-target="${r.targetCapacity}"><td>${r.targetCapacity}%</td><td>${r.spareInstances}</td><td>${r.spareSlots}</td><td>${money(r.extraPerMonth)}</td><td>${r.waited} of ${r.signups}</td><td>${r.wouldNotHaveWaited}</td></tr>`,
  );
  const p = (v: number | null) => (v === null ? 'n/a' : mins(v));
  return html`<section id="headroom-section"><div class="scroll"><table id="headroom"><tr><th>Target</th><th>Spare instances</th><th>Spare slots</th><th>Extra / month</th><th>Signups that waited</th><th>Would not have waited</th></tr>${rows}</table></div>
<p class="muted">Measured scale-up wait (median): ${mins(t.scaleUpWaitMs)}; signup to running p50 ${p(t.signupToRunning.p50Ms)}, p90 ${p(t.signupToRunning.p90Ms)}.</p></section>`;
}

function cost(d: DashboardData): Html {
  const c = d.cost;
  if (!c) return html`<section id="cost-section"></section>`;
  const rows = c.components.map(
    (x) => html`<tr data-component="${x.id}"><td>${x.label}</td><td>${money(x.perMonth)}</td></tr>`,
  );
  const st = c.waste.stranded;
  const stranded = st.byType.map(
    (t) =>
      html`<tr data-stranded="${t.instanceType}"><td>${t.instanceType} × ${t.instances}</td><td>${t.tasksPerInstance} tasks (${t.limit} limit)</td><td>${t.strandedPerInstance.cpu} CPU · ${t.strandedPerInstance.memory} MiB</td><td>${money(t.perMonth)}</td></tr>`,
  );
  return html`<section id="cost-section"><div class="scroll"><table id="cost">${rows}<tr class="total"><td>Total</td><td>${money(c.total.perMonth)}</td></tr>${c.perUser ? html`<tr><td>Per user (${c.users})</td><td>${money(c.perUser.perMonth)}</td></tr>` : ''}</table></div>
<h3>Waste</h3><div class="scroll"><table id="waste"><tr><th>What</th><th>Why</th><th>Unusable per instance</th><th>Per month</th></tr>
<tr data-waste="idle"><td>Idle instances (${c.waste.idleInstances})</td><td>no task</td><td>all</td><td>${money(c.waste.idlePerMonth)}</td></tr>
<tr data-waste="free-slots"><td>Free task slots (${st.freeSlots})</td><td>headroom on busy instances</td><td>one task each</td><td>${money(st.freeSlotsPerMonth)}</td></tr>
${stranded}</table></div><p class="muted">Stranded: registered but unusable because another limit binds first; ${st.assumption}.</p></section>`;
}

const rollout = (d: DashboardData): Html => rolloutSection(d.rollout ?? null);

export const SECTIONS = { summary, rollout, fleet, charts, headroom, cost } as const;

export function renderSections(d: DashboardData): Record<keyof typeof SECTIONS, Html> {
  return {
    summary: summary(d),
    rollout: rollout(d),
    fleet: fleet(d),
    charts: charts(d),
    headroom: headroom(d),
    cost: cost(d),
  };
}
