import { makeAwsClients } from '../../shared/aws-clients.js';
import { readReconcileReport } from '../../shared/reconcile-report.js';
import { systemClock } from '../../worker/context.js';
import type { ReconcileContext, ReconcileOptions } from '../../worker/reconciler/reconcile-context.js';
import { runReconcile } from '../../worker/reconciler/run-reconcile.js';
import { type PipelineOptions, startPipeline } from '../support/pipeline.js';
import { waitFor as waitForValue } from '../support/wait-for.js';

/**
 * A pipeline on localcloud with two ALBs (worker, store, queue under a fresh Redis prefix) plus a
 * reconciler context on the same resources, so a test can run the reconciler itself (`reconcile()`)
 * besides the one the worker schedules every RECONCILE_INTERVAL_MS.
 */
export async function startReconcilerPipeline(options: PipelineOptions = {}) {
  const p = await startPipeline({
    albs: 2,
    ...options,
    env: { RECONCILE_INTERVAL_MS: String(3_600_000), RECONCILE_GRACE_MS: '60000', ...options.env },
  });
  const aws = makeAwsClients(p.config);
  const ctx = (overrides: Partial<ReconcileOptions> = {}): ReconcileContext => ({
    aws,
    redis: p.ns.redis,
    store: p.store,
    sealer: p.sealer,
    log: p.logger,
    clock: systemClock,
    config: p.config,
    instanceQueue: p.instanceQueue,
    options: overrides,
  });
  const report = () => readReconcileReport(p.ns.redis, p.ns.prefix);
  // The worker's scheduler runs once at start: let that run finish before a test runs its own.
  await waitFor(async () => (await report()).totals.runs >= 1, 30_000, 'the first scheduled reconcile');
  return {
    ...p,
    aws,
    ctx,
    report,
    reconcile: (overrides: Partial<ReconcileOptions> = {}) => runReconcile(ctx(overrides)),
    async close() {
      aws.destroy();
      await p.close();
    },
  };
}
export type ReconcilerPipeline = Awaited<ReturnType<typeof startReconcilerPipeline>>;

export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  await waitForValue(check, { timeoutMs, intervalMs: 50, what });
}
