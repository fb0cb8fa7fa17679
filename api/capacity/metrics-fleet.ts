import { Counter, Gauge, type Registry } from 'prom-client';
import type { readReconcileReport } from '../../shared/reconcile-report.js';
import type { InstanceStore } from '../../shared/store/instance-store.js';

type Store = Pick<InstanceStore, 'routingUsage' | 'pendingLeftovers'>;

/** Routing slots and delete leftovers from the store, one metric per unit. */
export function storeGauges(registry: Registry, store: Store): () => Promise<void> {
  const gauge = (name: string, help: string, labelNames: string[]) =>
    new Gauge({ name, help, labelNames, registers: [registry] });
  const routing = gauge('openclaw_routing_slots', 'Routing slots per listener', ['listener', 'state']);
  const resources = gauge(
    'openclaw_delete_leftover_resources',
    'Housekeeping resources a delete left undone (e.g. task-definition revisions), waiting for the reconciler, by step',
    ['step'],
  );
  const instances = gauge(
    'openclaw_delete_leftover_instances',
    'Deleted instances with housekeeping left undone, waiting for the reconciler, by step',
    ['step'],
  );
  return async () => {
    routing.reset();
    for (const r of await store.routingUsage()) {
      routing.set({ listener: r.listenerArn, state: 'used' }, r.used);
      routing.set({ listener: r.listenerArn, state: 'free' }, r.free);
    }
    resources.reset();
    instances.reset();
    for (const list of (await store.pendingLeftovers()).values()) {
      for (const l of list) {
        resources.inc({ step: l.step }, l.resources.length);
        instances.inc({ step: l.step });
      }
    }
  };
}

/** The reconciler's report: totals since deployment as a counter, the last run as one gauge per unit. */
export function reconcileMetrics(
  registry: Registry,
): (report: Awaited<ReturnType<typeof readReconcileReport>>) => void {
  const registers = [registry];
  const totals = new Counter({
    name: 'openclaw_reconcile_total',
    help: 'Reconciler totals since deployment, by kind: runs, drift found, repaired, deleted, re-enqueued, failed, errors, routing slots freed',
    labelNames: ['kind'],
    registers,
  });
  const gauge = (name: string, help: string) => new Gauge({ name, help, registers });
  const lastAt = gauge(
    'openclaw_reconcile_last_run_timestamp_seconds',
    'When the last run ended (unix time)',
  );
  const lastDuration = gauge('openclaw_reconcile_last_run_duration_seconds', 'How long the last run took');
  const lastDrift = gauge('openclaw_reconcile_last_run_drift_found', 'Drifted resources the last run found');
  const lastDryRun = gauge(
    'openclaw_reconcile_last_run_dry_run',
    'Whether the last run was a dry run (1) or not (0)',
  );
  return (report) => {
    totals.reset();
    for (const [kind, n] of Object.entries(report.totals)) totals.inc({ kind }, n);
    for (const g of [lastAt, lastDuration, lastDrift, lastDryRun]) g.reset();
    if (!report.last) return;
    lastAt.set(Date.parse(report.last.at) / 1000);
    lastDuration.set(report.last.durationMs / 1000);
    lastDrift.set(report.last.driftFound);
    lastDryRun.set(report.last.dryRun ? 1 : 0);
  };
}
