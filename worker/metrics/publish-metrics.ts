import type { Job, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../../shared/logger.js';
import { publishWorkerSnapshot, WORKER_METRICS_PUBLISH_MS } from '../../shared/metrics/worker-snapshots.js';
import { makeWorkerMetrics, type WorkerMetrics } from './worker-metrics.js';

/** Each finished job's duration (this attempt: processedOn to finishedOn), from the process that ran it. */
export function observeJobs(worker: Worker, metrics: Pick<WorkerMetrics, 'jobFinished'>): void {
  const finished = (job: Job | undefined) => {
    if (!job?.processedOn) return;
    metrics.jobFinished(worker.name, job.name, ((job.finishedOn ?? Date.now()) - job.processedOn) / 1000);
  };
  worker.on('completed', finished);
  worker.on('failed', finished);
}

/**
 * Publishes this process's registry every WORKER_METRICS_PUBLISH_MS, and once more on stop, so the
 * API's /metrics can sum every live worker without writing anything itself.
 */
export function startMetricsPublisher(
  redis: Redis,
  prefix: string,
  processId: string,
  metrics: Pick<WorkerMetrics, 'registry'>,
  log: Logger,
) {
  const publish = async () => {
    try {
      const json = JSON.stringify(await metrics.registry.getMetricsAsJSON());
      await publishWorkerSnapshot(redis, prefix, processId, json);
    } catch (error) {
      log.warn({ reason: error instanceof Error ? error.message : String(error) }, 'metrics not published');
    }
  };
  const timer = setInterval(publish, WORKER_METRICS_PUBLISH_MS);
  timer.unref();
  void publish();
  return {
    publish,
    async stop() {
      clearInterval(timer);
      await publish();
    },
  };
}

/** The worker process's metrics, from start to stop: what start-worker.ts wires in. */
export function startWorkerMetrics(redis: Redis, prefix: string, processId: string, log: Logger) {
  const metrics = makeWorkerMetrics({ processMetrics: true });
  const publisher = startMetricsPublisher(redis, prefix, processId, metrics, log);
  return {
    metrics,
    /** Every BullMQ worker of the process, for the job-duration histogram. */
    watch(workers: readonly Worker[]) {
      for (const w of workers) observeJobs(w, metrics);
    },
    stop: publisher.stop,
  };
}
