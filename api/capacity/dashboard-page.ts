import type { HistoryEntry } from '../../shared/capacity/history-point.js';
import type { CapacitySample } from '../../shared/capacity/sample-types.js';
import type { CostReport } from '../../shared/cost/cost-report.js';
import type { HeadroomTable } from '../../shared/cost/headroom.js';
import { esc, lineChart } from './svg-chart.js';

/**
 * The operator dashboard: one server-rendered page, inline CSS and SVG, no script and no external
 * asset, refreshed by the browser every `refreshSeconds`.
 */
export interface DashboardData {
  now: number;
  sample: CapacitySample | null;
  lastEntry: HistoryEntry | null;
  history: HistoryEntry[];
  cost: CostReport | null;
  headroom: HeadroomTable | null;
  refreshSeconds: number;
}

const money = (v: number) => `$${v.toFixed(2)}`;
const mins = (ms: number) => (ms < 60_000 ? `${Math.round(ms / 1000)} s` : `${(ms / 60_000).toFixed(1)} min`);

function fleet(sample: CapacitySample): string {
  const ciById = new Map(sample.fleet.containerInstances.map((ci) => [ci.ec2InstanceId, ci]));
  const idle = new Map(sample.idle.map((i) => [i.ec2InstanceId, i]));
  const boxes = sample.fleet.asg.instances
    .filter((i) => i.lifecycleState !== 'Terminated')
    .map((i) => {
      const ci = ciById.get(i.instanceId);
      const idleInfo = idle.get(i.instanceId);
      const classes = ['instance', i.purchaseOption, idleInfo ? 'idle' : '', ci ? '' : 'launching']
        .filter(Boolean)
        .join(' ');
      const tasks = (ci?.tasks ?? [])
        .map(
          (t) =>
            `<div class="task ${t.lastStatus.toLowerCase()}" data-task="${esc(t.taskArn)}">${esc(t.group.replace(/^service:/, ''))}<small>${esc(t.lastStatus)}</small></div>`,
        )
        .join('');
      const mem = ci ? `${ci.registered.memory - ci.remaining.memory}/${ci.registered.memory} MiB` : '';
      return `<div class="${classes}" data-instance="${esc(i.instanceId)}" data-purchase="${i.purchaseOption}" data-idle="${idleInfo ? 'true' : 'false'}" data-tasks="${ci?.tasks.length ?? 0}">
  <header><b>${esc(i.instanceId)}</b><span class="badge">${i.purchaseOption}</span>${idleInfo ? `<span class="badge idle-badge">idle ${mins(idleInfo.idleForMs)}</span>` : ''}</header>
  <div class="meta">${esc(i.instanceType)} · ${esc(i.availabilityZone)} · ${esc(ci?.status ?? i.lifecycleState)}${ci && !ci.agentConnected ? ' · agent disconnected' : ''}${i.protectedFromScaleIn ? ' · protected' : ''}</div>
  <div class="meta">${mem}</div>
  <div class="tasks">${tasks || '<div class="empty">no tasks</div>'}</div>
</div>`;
    });
  const waiting = sample.fleet.waitingTasks
    .map(
      (t) =>
        `<div class="task waiting" data-task="${esc(t.taskArn)}">${esc(t.group.replace(/^service:/, ''))}<small>waiting ${mins(sample.at - t.createdAt)}</small></div>`,
    )
    .join('');
  return `<div class="fleet" id="fleet">${boxes.join('')}${waiting ? `<div class="instance pending-capacity"><header><b>waiting for capacity</b></header><div class="tasks">${waiting}</div></div>` : ''}</div>`;
}

function headroomRows(t: HeadroomTable): string {
  return t.rows
    .map(
      (r) =>
        `<tr data-target="${r.targetCapacity}"><td>${r.targetCapacity}%</td><td>${r.spareInstances}</td><td>${r.spareSlots}</td><td>${money(r.extraPerMonth)}</td><td>${r.waited} of ${r.signups}</td><td>${r.wouldNotHaveWaited}</td></tr>`,
    )
    .join('');
}

export function renderDashboard(d: DashboardData): string {
  const s = d.sample;
  const points = d.history;
  const times = points.map((p) => p.bucket);
  const val = <T>(f: (p: Exclude<HistoryEntry, { gap: true }>) => T | null) =>
    points.map((p) => (p.gap ? null : f(p)));
  const stale = d.lastEntry?.gap ? `<p class="warn">Last sample failed: ${esc(d.lastEntry.reason)}</p>` : '';
  const summary = s
    ? `<div class="cards">
  <div class="card"><span>Reservation</span><b id="reservation">${s.reservation.value.toFixed(0)}%</b><small>M=${s.reservation.m} N=${s.reservation.n} · target ${s.fleet.capacityProvider.managedScaling.targetCapacity}%</small></div>
  <div class="card"><span>Next</span><b id="scaling">${s.scaling.action}</b><small>${s.scaling.targetInstances} instances · ${esc(s.scaling.reason)}</small></div>
  <div class="card"><span>Instances</span><b id="instances">${s.fleet.asg.instances.filter((i) => i.lifecycleState === 'InService' || i.lifecycleState === 'Pending').length}</b><small>desired ${s.fleet.asg.desired} · min ${s.fleet.asg.min} · max ${s.fleet.asg.max} · idle ${s.idle.length}</small></div>
  <div class="card"><span>Utilisation</span><b>${s.utilisation.percent.memory.toFixed(0)}% mem</b><small>${s.utilisation.percent.cpu.toFixed(0)}% CPU reserved of registered</small></div>
  <div class="card"><span>Cost</span><b id="cost-month">${money(s.cost.perMonth)}/mo</b><small>${s.cost.perUserPerMonth === null ? 'no users' : `${money(s.cost.perUserPerMonth)} per user · ${s.cost.users} users`} · idle ${money(s.cost.idlePerMonth)}/mo</small></div>
</div>`
    : '<p class="warn">No capacity sample yet: is the worker running?</p>';
  const waiting = s?.waitingSignups.length
    ? `<ul id="waiting-signups">${s.waitingSignups.map((w) => `<li data-instance="${esc(w.instanceId)}">${esc(w.instanceId)}: waiting ${mins(w.waitingMs)}</li>`).join('')}</ul>`
    : '<p id="waiting-signups" class="muted">No signup is waiting for capacity.</p>';
  const costRows = d.cost
    ? `${d.cost.components
        .map((c) => `<tr><td>${esc(c.label)}</td><td>${money(c.perMonth)}</td></tr>`)
        .join('')}<tr class="total"><td>Total</td><td>${money(d.cost.total.perMonth)}</td></tr>`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="${d.refreshSeconds}">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>OpenClaw Fleet capacity</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:16px;color:#1d2330;background:#f6f7f9}
h1{font-size:20px;margin:0 0 4px}h2{font-size:15px;margin:18px 0 8px}
.muted{color:#778}.warn{background:#fff3cd;padding:6px 10px;border-radius:4px}
.cards{display:flex;gap:10px;flex-wrap:wrap}.card{background:#fff;border:1px solid #dde;border-radius:6px;padding:8px 12px;min-width:150px}
.card span{display:block;color:#667;font-size:12px}.card b{font-size:20px}.card small{display:block;color:#667;max-width:260px}
.fleet{display:flex;flex-wrap:wrap;gap:10px}.instance{background:#fff;border:2px solid #8aa;border-radius:6px;padding:6px;width:270px}
.instance.spot{border-color:#4a8}.instance.on-demand{border-color:#47c}.instance.idle{background:repeating-linear-gradient(45deg,#fff,#fff 8px,#fdf1e6 8px,#fdf1e6 16px);border-style:dashed}
.instance.launching{opacity:.6}.instance.pending-capacity{border-color:#c64;background:#fff6f3}
.badge{font-size:11px;margin-left:6px;padding:0 5px;border-radius:8px;background:#e8eef5}.idle-badge{background:#f7c99b}
.meta{font-size:11px;color:#667}.tasks{margin-top:4px;display:flex;flex-direction:column;gap:3px}
.task{background:#e4f2ea;border-radius:3px;padding:2px 5px;font-size:12px}.task small{float:right;color:#667}.task.waiting{background:#fbe1d6}.empty{font-size:12px;color:#a77}
.charts{display:flex;flex-wrap:wrap;gap:12px}svg{background:#fff;border:1px solid #dde;border-radius:6px}.axis{font-size:10px;fill:#778}.grid{stroke:#eef}.legend{font-size:11px}
table{border-collapse:collapse;background:#fff}td,th{border:1px solid #dde;padding:4px 8px;text-align:right}td:first-child,th:first-child{text-align:left}tr.total td{font-weight:bold}
</style></head><body>
<h1>OpenClaw Fleet capacity</h1>
<p class="muted">${s ? `Sampled ${new Date(s.at).toISOString()}` : ''} · refreshes every ${d.refreshSeconds} s · <span class="badge" style="border:1px solid #4a8">spot</span><span class="badge" style="border:1px solid #47c">on-demand</span><span class="badge idle-badge">idle</span></p>
${stale}${summary}
<h2>The fleet now</h2>${s ? fleet(s) : ''}
<h2>Signups waiting for capacity</h2>${waiting}
<h2>Over time</h2><div class="charts">
${lineChart({ id: 'chart-reservation', title: 'Reservation and instance count', times, series: [{ name: 'reservation %', color: '#c64', values: val((p) => p.reservation) }] })}
${lineChart({
  id: 'chart-instances',
  title: 'Instances',
  times,
  series: [
    { name: 'instances', color: '#47c', values: val((p) => p.instances.total) },
    { name: 'idle', color: '#e90', values: val((p) => p.idle) },
  ],
})}
${lineChart({ id: 'chart-cost-per-user', title: 'Cost per user per month', times, unit: '$/month', series: [{ name: 'cost per user', color: '#4a8', values: val((p) => p.cost.perUserPerMonth) }] })}
</div>
<h2>Headroom: spare capacity against waiting signups (last 24 h)</h2>
${
  d.headroom
    ? `<table id="headroom"><tr><th>Target capacity</th><th>Spare instances</th><th>Spare slots</th><th>Extra cost / month</th><th>Signups that waited</th><th>Would not have waited</th></tr>${headroomRows(d.headroom)}</table>
<p class="muted">Measured scale-up wait (median): ${mins(d.headroom.scaleUpWaitMs)}; signup to running p50 ${d.headroom.signupToRunning.p50Ms === null ? 'n/a' : mins(d.headroom.signupToRunning.p50Ms)}, p90 ${d.headroom.signupToRunning.p90Ms === null ? 'n/a' : mins(d.headroom.signupToRunning.p90Ms)}.</p>`
    : '<p class="muted">No sample yet.</p>'
}
<h2>Cost by component</h2>${d.cost ? `<table id="cost">${costRows}</table>` : ''}
</body></html>`;
}
