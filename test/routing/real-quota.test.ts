import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAwsClients } from '../../shared/aws-clients.js';
import { systemClock } from '../../worker/context.js';
import { runReconcile } from '../../worker/reconciler/run-reconcile.js';
import { type Pipeline, startPipeline } from '../support/pipeline.js';
import { apiOnPipeline } from './api-on-pipeline.js';
import { type Listed, rulesPerListener } from './routing-helpers.js';

/**
 * The issue's own figures: two listeners at AWS's 100 rules / 100 target groups (no margin, so exactly
 * 200 slots), 150 instances all running over both, the next 50 accepted, the 201st refused.
 */
describe('routing pool at the real quota: 2 x 100', () => {
  let p: Pipeline;
  let api: Awaited<ReturnType<typeof apiOnPipeline>>;

  beforeAll(async () => {
    // Two tasks fit an instance (ENIs): 150 need 75 instances. The gateways are in-process servers:
    // the subject is the routing quota, and 200 Node processes on two cores would measure the machine.
    p = await startPipeline({
      albs: 2,
      asgMax: 80,
      env: { ALB_QUOTA_MARGIN: '0' },
      taskRuntime: 'in-process',
    });
    api = await apiOnPipeline(p);
  });
  afterAll(async () => {
    await api?.close();
    await p?.close();
  });

  it('runs 150 over both listeners, accepts 50 more, and answers the 201st with 503', async () => {
    const started = Date.now();
    const submit = async (prefix: string, n: number) => {
      const responses = await Promise.all(Array.from({ length: n }, (_, i) => api.submit(`${prefix}-${i}`)));
      expect(responses.map((r) => r.status)).toEqual(Array(n).fill(202));
      return ((await Promise.all(responses.map((r) => r.json()))) as Listed[]).map((b) => b.id);
    };
    const ids = await submit('real', 150);
    const records = await p.waitForStatus(ids, ['running'], 100_000);
    const runningSeconds = (Date.now() - started) / 1000;
    const [a, b] = p.config.routing.listeners;
    expect(records.filter((r) => r.listenerArn === a!.listenerArn)).toHaveLength(100);
    expect(records.filter((r) => r.listenerArn === b!.listenerArn)).toHaveLength(50);
    expect(rulesPerListener(await p.inspect('state'))).toEqual({
      [a!.listenerArn]: 100,
      [b!.listenerArn]: 50,
    });

    // What one reconciler run costs over this fleet (the report quotes it): nothing to do, every check made.
    const aws = makeAwsClients(p.config);
    await p.inspect('calls/reset', {});
    const report = await runReconcile({
      aws,
      redis: p.ns.redis,
      store: p.store,
      sealer: p.sealer,
      log: p.logger,
      clock: systemClock,
      config: p.config,
      instanceQueue: p.instanceQueue,
    });
    const calls = await p.inspect<Record<string, number>>('calls');
    aws.destroy();
    expect(report).toMatchObject({ driftFound: 0, errors: 0 });
    expect(report.scanned).toMatchObject({ instances: 150, targetGroups: 150, rules: 150, services: 150 });
    console.info(
      `[routing] reconcile over 150 running instances: ${report.durationMs} ms, ` +
        `${Object.values(calls).reduce((a, b) => a + b, 0)} AWS calls ${JSON.stringify(calls)}`,
    );

    // Stop the worker so the last 50 stay recorded (their slots held) without spending the suite's time.
    await p.stopWorker();
    await submit('rest', 50);
    expect((await p.store.routingUsage()).map((u) => u.free)).toEqual([0, 0]);
    const refused = await api.submit('number-201');
    expect(refused.status).toBe(503);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('no_routing_capacity');
    console.info(`[routing] 150 instances running over 2 listeners in ${runningSeconds.toFixed(1)} s`);
  }, 150_000);
});
