import { DescribeSecretCommand, ListSecretsCommand } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeMetricsRegistry } from '../../api/capacity/metrics.js';
import { type Localcloud, startLocalcloud } from '../../localcloud/index.js';
import { makeAwsClients } from '../../shared/aws-clients.js';
import { makeSampleStore } from '../../shared/capacity/sample-store.js';
import { makeLogger } from '../../shared/logger.js';
import { withAwsCallMetrics } from '../../worker/metrics/aws-call-metrics.js';
import { startWorkerMetrics } from '../../worker/metrics/publish-metrics.js';
import { makeTestNamespace } from '../support/redis-namespace.js';
import { parsePrometheusText } from './prometheus-text.js';

// The SDK signs every request; localcloud accepts any key.
process.env.AWS_ACCESS_KEY_ID ??= 'test';
process.env.AWS_SECRET_ACCESS_KEY ??= 'test';

/**
 * A worker process's figures reach the API's /metrics: AWS calls counted on real SDK clients against
 * localcloud, published by the worker's publisher, summed by the API's registry on a scrape.
 */
describe('worker metrics through Redis to /metrics', () => {
  let cloud: Localcloud;
  const ns = makeTestNamespace();
  beforeAll(async () => {
    cloud = await startLocalcloud({ port: 0 });
  });
  afterAll(async () => {
    await cloud.close();
    await ns.cleanup();
  });

  it('counts AWS calls by operation and errors by code, and /metrics shows them with process metrics', async () => {
    const telemetry = startWorkerMetrics(
      ns.redis,
      ns.prefix,
      'test-worker#1',
      makeLogger({ level: 'silent', name: 'w' }),
    );
    const aws = withAwsCallMetrics(
      makeAwsClients({ AWS_REGION: 'us-west-2', AWS_ENDPOINT_URL: cloud.url }),
      telemetry.metrics,
    );
    try {
      await aws.secrets.send(new ListSecretsCommand({}));
      await aws.secrets.send(new ListSecretsCommand({}));
      await expect(
        aws.secrets.send(new DescribeSecretCommand({ SecretId: 'openclaw/none' })),
      ).rejects.toThrow();
      telemetry.metrics.stepDone('secret', 0.12);
    } finally {
      await telemetry.stop();
      aws.destroy();
    }
    const metrics = makeMetricsRegistry({
      redis: ns.redis,
      prefix: ns.prefix,
      queues: [],
      samples: makeSampleStore(ns.redis, { prefix: ns.prefix }),
      store: { routingUsage: async () => [], pendingLeftovers: async () => new Map() },
    });
    const families = parsePrometheusText(await metrics.render());
    const value = (family: string, labels: Record<string, string>) =>
      families.get(family)?.samples.find((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))
        ?.value;
    expect(value('openclaw_aws_calls_total', { service: 'secretsmanager', operation: 'ListSecrets' })).toBe(
      2,
    );
    expect(value('openclaw_aws_calls_total', { operation: 'DescribeSecret' })).toBe(1);
    expect(
      value('openclaw_aws_errors_total', { operation: 'DescribeSecret', code: 'ResourceNotFoundException' }),
    ).toBe(1);
    expect(value('openclaw_aws_errors_total', { operation: 'ListSecrets' })).toBeUndefined();
    expect(value('openclaw_step_duration_seconds', { step: 'secret', le: '0.25' })).toBe(1);
    expect(value('openclaw_step_duration_seconds', { step: 'secret', le: '0.1' })).toBe(0);
    expect(families.get('openclaw_worker_process_cpu_user_seconds_total')?.type).toBe('counter');
  });
});
