import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { AggregatorRegistry, Gauge, type PrometheusContentType, Registry } from 'prom-client';
import type { SampleStore } from '../../shared/capacity/sample-store.js';
import { readWorkerSnapshots } from '../../shared/metrics/worker-snapshots.js';
import { readReconcileReport } from '../../shared/reconcile-report.js';
import type { InstanceStore } from '../../shared/store/instance-store.js';
import { capacityGauges } from './metrics-capacity.js';
import { reconcileMetrics, storeGauges } from './metrics-fleet.js';
import type { ApiProcessMetrics } from './metrics-http.js';

/**
 * Prometheus metrics, one registry per app instance (never prom-client's global one). A scrape reads
 * and writes nothing: queue counts from BullMQ, capacity figures from the latest sample, routing slots
 * and leftovers from the store, the reconciler's report, this process's own request durations, and the
 * sum of every live worker process's published registry (step and job durations, step failures, AWS
 * calls; see shared/metrics/worker-snapshots.ts).
 */
export interface MetricsDeps {
  redis: Redis;
  prefix: string;
  queues: readonly Queue[];
  samples: SampleStore;
  store: Pick<InstanceStore, 'routingUsage' | 'pendingLeftovers'>;
  /** This process's request durations (and process metrics); absent: none are shown. */
  process?: ApiProcessMetrics;
}

export interface CapacityMetrics {
  /** Refreshes the gauges, aggregates the workers' snapshots, then renders every metric. */
  render(): Promise<string>;
  contentType: string;
}

export function makeMetricsRegistry(deps: MetricsDeps): CapacityMetrics {
  const registry = new Registry();
  new Gauge({
    name: 'openclaw_queue_jobs',
    help: 'Jobs per queue and state (waiting, prioritized: new creates behind work in hand, active, delayed, failed)',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const q of deps.queues) {
        const counts = await q.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'failed');
        for (const [state, n] of Object.entries(counts)) this.set({ queue: q.name, state }, n);
      }
    },
  });
  const setCapacity = capacityGauges(registry);
  const refreshStore = storeGauges(registry, deps.store);
  const setReconcile = reconcileMetrics(registry);

  return {
    contentType: registry.contentType,
    async render() {
      const [sample, report, snapshots] = await Promise.all([
        deps.samples.latest(),
        readReconcileReport(deps.redis, deps.prefix),
        readWorkerSnapshots(deps.redis, deps.prefix),
        refreshStore(),
      ]);
      setCapacity(sample);
      setReconcile(report);
      const workers = AggregatorRegistry.aggregate<PrometheusContentType>(snapshots);
      return Registry.merge([registry, workers, ...(deps.process ? [deps.process.registry] : [])]).metrics();
    },
  };
}
