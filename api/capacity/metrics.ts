import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { Gauge, type Metric, Registry } from 'prom-client';
import { makeDurationHistograms } from '../../shared/capacity/duration-histograms.js';
import type { SampleStore } from '../../shared/capacity/sample-store.js';
import { readReconcileReport } from '../../shared/reconcile-report.js';
import type { InstanceStore } from '../../shared/store/instance-store.js';

/**
 * Prometheus metrics, one registry per app instance (never prom-client's global one), collected on
 * scrape: queue counts from BullMQ, capacity figures from the latest sample, routing slots from the
 * store, and duration histograms from the Redis buckets the workers write (step, signup and job
 * durations; see shared/capacity/job-durations.ts), so any API process serves the same histogram.
 * A scrape only reads: many scrapers cost Redis reads, never writes other requests queue behind.
 */
export interface MetricsDeps {
  redis: Redis;
  prefix: string;
  queues: readonly Queue[];
  samples: SampleStore;
  store: Pick<InstanceStore, 'routingUsage' | 'pendingLeftovers'>;
}

export interface CapacityMetrics {
  registry: Registry;
  /** Refreshes the capacity gauges from the latest sample, then renders every metric. */
  render(): Promise<string>;
}

export function makeMetricsRegistry(deps: MetricsDeps): CapacityMetrics {
  const registry = new Registry();
  const histograms = makeDurationHistograms(deps.redis, deps.prefix);

  new Gauge({
    name: 'openclaw_queue_jobs',
    help: 'Jobs per queue and state (waiting, active, delayed, failed)',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const q of deps.queues) {
        const counts = await q.getJobCounts('waiting', 'active', 'delayed', 'failed');
        for (const [state, n] of Object.entries(counts)) this.set({ queue: q.name, state }, n);
      }
    },
  });

  const gauge = (name: string, help: string, labelNames: string[] = []) =>
    new Gauge({ name, help, labelNames, registers: [registry] });
  const reservation = gauge(
    'openclaw_capacity_provider_reservation_percent',
    'CapacityProviderReservation (M / N x 100)',
  );
  const target = gauge('openclaw_capacity_target_percent', 'Managed scaling target capacity');
  const instances = gauge('openclaw_instances', 'Running instances by purchase option', ['purchase_option']);
  const idle = gauge('openclaw_idle_instances', 'ACTIVE instances with no running or pending task');
  const waiting = gauge('openclaw_tasks_waiting_for_capacity', 'Tasks PROVISIONING with no instance');
  const signups = gauge('openclaw_signups_waiting_for_capacity', 'Signups in the placement step, waiting');
  const costHour = gauge('openclaw_cost_per_hour_dollars', 'Estimated cost of the platform per hour');
  const idleCost = gauge('openclaw_idle_cost_per_month_dollars', 'Cost of idle instances per month');
  const utilisation = gauge('openclaw_reserved_percent', 'Reserved of registered resources', ['resource']);
  const sampleAge = gauge('openclaw_capacity_sample_age_seconds', 'Age of the latest capacity sample');
  const routing = gauge('openclaw_routing_slots', 'Routing slots per listener', ['listener', 'state']);
  const reconcileTotals = gauge(
    'openclaw_reconcile_total',
    'Reconciler totals since deployment: runs, drift found, repaired, deleted, re-enqueued, failed, errors, routing slots freed',
    ['kind'],
  );
  const leftovers = gauge(
    'openclaw_delete_leftovers',
    'Housekeeping deletes left undone (e.g. task-definition revisions), waiting for the reconciler: resources and instances, by step',
    ['step', 'unit'],
  );
  const reconcileLast = gauge(
    'openclaw_reconcile_last_run',
    'Last reconcile run: drift found, duration (ms), time (unix s), dry run (1/0)',
    ['field'],
  );

  // One read of the latest sample per scrape sets every capacity gauge before any is rendered.
  async function refresh(): Promise<void> {
    {
      const s = await deps.samples.latest();
      for (const g of [
        reservation,
        target,
        instances,
        idle,
        waiting,
        signups,
        costHour,
        idleCost,
        utilisation,
        sampleAge,
      ])
        g.reset();
      if (s) {
        const live = s.fleet.asg.instances.filter(
          (i) => i.lifecycleState === 'InService' || i.lifecycleState === 'Pending',
        );
        reservation.set(s.reservation.value);
        target.set(s.fleet.capacityProvider.managedScaling.targetCapacity);
        instances.set({ purchase_option: 'spot' }, live.filter((i) => i.purchaseOption === 'spot').length);
        instances.set(
          { purchase_option: 'on-demand' },
          live.filter((i) => i.purchaseOption === 'on-demand').length,
        );
        idle.set(s.idle.length);
        waiting.set(s.tasks.waitingForCapacity);
        signups.set(s.waitingSignups.length);
        costHour.set(s.cost.perHour);
        idleCost.set(s.cost.idlePerMonth);
        utilisation.set({ resource: 'cpu' }, s.utilisation.percent.cpu);
        utilisation.set({ resource: 'memory' }, s.utilisation.percent.memory);
        sampleAge.set((Date.now() - s.at) / 1000);
      }
      routing.reset();
      for (const r of await deps.store.routingUsage()) {
        routing.set({ listener: r.listenerArn, state: 'used' }, r.used);
        routing.set({ listener: r.listenerArn, state: 'free' }, r.free);
      }
      leftovers.reset();
      const pending = new Map<string, { resources: number; instances: number }>();
      for (const list of (await deps.store.pendingLeftovers()).values()) {
        for (const l of list) {
          const n = pending.get(l.step) ?? { resources: 0, instances: 0 };
          pending.set(l.step, { resources: n.resources + l.resources.length, instances: n.instances + 1 });
        }
      }
      for (const [step, n] of pending) {
        leftovers.set({ step, unit: 'resources' }, n.resources);
        leftovers.set({ step, unit: 'instances' }, n.instances);
      }
      const report = await readReconcileReport(deps.redis, deps.prefix);
      reconcileTotals.reset();
      for (const [kind, n] of Object.entries(report.totals)) reconcileTotals.set({ kind }, n);
      reconcileLast.reset();
      if (report.last) {
        reconcileLast.set({ field: 'drift_found' }, report.last.driftFound);
        reconcileLast.set({ field: 'duration_ms' }, report.last.durationMs);
        reconcileLast.set({ field: 'at' }, Date.parse(report.last.at) / 1000);
        reconcileLast.set({ field: 'dry_run' }, report.last.dryRun ? 1 : 0);
      }
    }
  }

  registry.registerMetric(
    redisHistogram(
      'openclaw_step_duration_seconds',
      'Saga step durations (startedAt to endedAt)',
      async () => {
        const out = [];
        for (const [series, snap] of await histograms.snapshot()) {
          if (series.startsWith('step:')) out.push({ labels: { step: series.slice(5) }, snap });
        }
        return out;
      },
    ),
  );
  registry.registerMetric(
    redisHistogram(
      'openclaw_job_duration_seconds',
      'BullMQ job durations (processedOn to finishedOn)',
      async () => {
        const out = [];
        for (const [series, snap] of await histograms.snapshot()) {
          if (series.startsWith('job:')) {
            const [, queue, name] = series.split(':');
            out.push({ labels: { queue: queue ?? '', name: name ?? '' }, snap });
          }
        }
        return out;
      },
    ),
  );
  registry.registerMetric(
    redisHistogram('openclaw_signup_to_running_seconds', 'Signup accepted to instance running', async () => {
      const snap = (await histograms.snapshot()).get('signup-to-running');
      return snap ? [{ labels: {}, snap }] : [];
    }),
  );

  return {
    registry,
    async render() {
      await refresh();
      return registry.metrics();
    },
  };
}

type Snap =
  Awaited<ReturnType<ReturnType<typeof makeDurationHistograms>['snapshot']>> extends Map<string, infer S>
    ? S
    : never;

/** A histogram whose buckets live in Redis, in the shape prom-client's registry prints. */
function redisHistogram(
  name: string,
  help: string,
  read: () => Promise<{ labels: Record<string, string>; snap: Snap }[]>,
): Metric {
  const metric = {
    name,
    help,
    type: 'histogram',
    aggregator: 'sum',
    async get() {
      const values = [];
      for (const { labels, snap } of await read()) {
        for (const b of snap.buckets) {
          values.push({
            metricName: `${name}_bucket`,
            labels: { ...labels, le: b.le === Number.POSITIVE_INFINITY ? '+Inf' : b.le },
            value: b.count,
          });
        }
        values.push({ metricName: `${name}_sum`, labels, value: snap.sum });
        values.push({ metricName: `${name}_count`, labels, value: snap.count });
      }
      return { name, help, type: 'histogram', values, aggregator: 'sum' };
    },
    reset() {},
  };
  return metric as unknown as Metric;
}
