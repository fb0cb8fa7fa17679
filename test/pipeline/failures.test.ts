import { afterEach, describe, expect, it } from 'vitest';
import { makeAwsClients } from '../../shared/aws-clients.js';
import type { StepId } from '../../shared/domain.js';
import { RULE_PRIORITY_BASE } from '../../shared/naming.js';
import { waitUntilNothingLeft } from '../support/cloud-inventory.js';
import { createForeignRule } from '../support/foreign-rule.js';
import { type Pipeline, type PipelineOptions, startPipeline } from '../support/pipeline.js';

interface Scenario {
  step: StepId;
  code: string;
  how: string;
  options: PipelineOptions;
  /** Breaks something after the instance is recorded and before the worker starts. */
  arrange?: (p: Pipeline, id: string) => Promise<void>;
}

/** One fatal cause per step, from bad configuration, a quota, a tampered record or exhausted retries. */
const scenarios: Scenario[] = [
  {
    step: 'secret',
    code: 'CredentialsUnreadable',
    how: 'sealed credentials that do not open',
    options: {},
    arrange: async (p, id) => {
      await p.ns.redis.hset(p.store.keys.instance(id), 'sealed:gatewayToken', 'v1.AAAA.AAAA.AAAA');
    },
  },
  {
    step: 'task-definition',
    code: 'InternalFailure',
    how: 'RegisterTaskDefinition failing on every attempt',
    options: { env: { JOB_ATTEMPTS: '2' } },
    arrange: async (p) => {
      await p.inspect('faults', {
        rules: [{ operation: 'ecs:RegisterTaskDefinition', errorRate: 1, error: 'internal' }],
      });
    },
  },
  {
    step: 'target-group',
    code: 'ValidationError',
    how: 'a VPC that does not exist',
    options: { env: { VPC_ID: 'vpc-0doesnotexist' } },
  },
  {
    step: 'listener-rule',
    code: 'TooManyRules',
    how: 'a listener at its rule quota',
    options: { quotas: { rulesPerListener: 0 } },
  },
  {
    step: 'service',
    code: 'InvalidParameter',
    how: 'a capacity provider the cluster does not have',
    options: { env: { CAPACITY_PROVIDER: 'not-the-cluster-provider' } },
  },
  {
    step: 'placement',
    code: 'PlacementTimeout',
    how: 'a task that never becomes healthy before the deadline',
    options: { env: { PLACEMENT_DEADLINE_MS: '300' }, timing: { healthCheckMs: 120_000 } },
  },
  {
    step: 'reachable',
    code: 'GatewayUnreachable',
    how: 'an instance URL on an address where nothing listens',
    // Port 2 is closed on any machine these tests run on (and fetch does not block it): every look is refused.
    options: { env: { ALB_DNS_NAMES: '127.0.0.1:2', REACHABLE_DEADLINE_MS: '300' } },
  },
];

describe('pipeline failures', () => {
  const open: Pipeline[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((p) => p.close()));
  });

  it('fails a create at each step in turn with that step named, and its delete leaves nothing', async () => {
    const results = await Promise.all(
      scenarios.map(async (s) => {
        const p = await startPipeline({ ...s.options, noWorker: true });
        open.push(p);
        const { id } = await p.submit(`fail-${s.step}`);
        await s.arrange?.(p, id);
        await p.startWorker();
        const [failed] = await p.waitForStatus([id], ['failed', 'running'], 30_000);
        await p.inspect('faults', { rules: [] });
        await p.remove(id);
        await p.waitForStatus([id], ['deleted'], 30_000);
        await waitUntilNothingLeft(() => p.inspect('state'), [id]);
        return { scenario: s, failed: failed! };
      }),
    );
    for (const { scenario, failed } of results) {
      expect(failed.status, scenario.how).toBe('failed');
      expect(failed.error, scenario.how).toMatchObject({ step: scenario.step, code: scenario.code });
      expect(failed.error?.message, scenario.how).toBeTruthy();
      expect(failed.steps[scenario.step], scenario.how).toMatchObject({
        state: 'failed',
        lastError: { code: scenario.code },
      });
    }
    const placement = results.find((r) => r.scenario.step === 'placement')!.failed;
    // The reason quotes what the service said last (or that it said nothing).
    expect(placement.error?.message).toMatch(/no healthy task after .*\): /);
    // The gate names the last answer it got, a status or an error code.
    const reachable = results.find((r) => r.scenario.step === 'reachable')!.failed;
    expect(reachable.error?.message).toMatch(
      /did not answer 2xx within [\d.]+ s \(last answer ECONNREFUSED\)/,
    );
  });

  it('moves to another slot when something else on the listener holds the priority (PriorityInUse)', async () => {
    const p = await startPipeline();
    open.push(p);
    const aws = makeAwsClients(p.config);
    try {
      await createForeignRule(aws, {
        vpcId: p.config.VPC_ID,
        listenerArn: p.config.routing.listeners[0]!.listenerArn,
        priority: RULE_PRIORITY_BASE,
      });
    } finally {
      aws.destroy();
    }
    const { id, instance } = await p.submit('priority');
    expect(instance.routingSlot).toBe(0);
    const [record] = await p.waitForStatus([id], ['running'], 30_000);
    expect(record!.routingSlot).not.toBe(0);
    expect(record!.steps['listener-rule'].output?.priority).toBe(
      String(RULE_PRIORITY_BASE + record!.routingSlot),
    );
    // The taken slot stays blocked, so the next instance does not walk into it either.
    const next = await p.submit('priority-2');
    expect(next.instance.routingSlot).not.toBe(0);
  });
});
