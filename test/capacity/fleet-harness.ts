import { DeleteServiceCommand } from '@aws-sdk/client-ecs';
import type { Job } from 'bullmq';
import { type Localcloud, type LocalcloudTiming, startLocalcloud } from '../../localcloud/index.js';
import { makeAwsClients } from '../../shared/aws-clients.js';
import { makeSampleStore } from '../../shared/capacity/sample-store.js';
import type { CapacitySample } from '../../shared/capacity/sample-types.js';
import type { RoutingConfig } from '../../shared/config.js';
import { makeLogger } from '../../shared/logger.js';
import { newInstanceId } from '../../shared/naming.js';
import { makeInstanceStore } from '../../shared/store/instance-store.js';
import { type CapacityConfig, makeCapacityProcessor } from '../../worker/capacity/sample-capacity.js';
import { deployUser, registerGateway } from '../localcloud/capacity-helpers.js';
import { clients, inspect, waitFor } from '../localcloud/helpers.js';
import { makeTestNamespace } from '../support/redis-namespace.js';

// The AWS SDK reads credentials from the environment; localcloud accepts any.
process.env.AWS_ACCESS_KEY_ID ??= 'test';
process.env.AWS_SECRET_ACCESS_KEY ??= 'test';

/** Millisecond timings, with a launch slow enough to sample a task waiting for it. */
export const TIMING: Partial<LocalcloudTiming> = {
  instanceLaunchMs: 1500,
  taskProvisioningMs: 5,
  taskStartMs: 10,
  healthCheckMs: 30,
  scalingEvaluationMs: 40,
  scaleInIdleMs: 60_000,
  drainMs: 80,
  serviceDrainMs: 20,
};

/** A localcloud, a Redis namespace, the instance store and the sampler, driven tick by tick. */
export async function startFleetHarness(seed = 7, settings: Partial<CapacityConfig> = {}) {
  const lc: Localcloud = await startLocalcloud({ port: 0, seed, timing: TIMING });
  const ns = makeTestNamespace();
  const routing: RoutingConfig = {
    listeners: [{ listenerArn: lc.ids.ALB_LISTENER_ARN, dnsName: lc.ids.ALB_DNS_NAME }],
    rulesPerListener: 100,
    targetGroupsPerAlb: 100,
    margin: 2,
  };
  const store = makeInstanceStore(ns.redis, { prefix: ns.prefix, routing });
  const aws = makeAwsClients({ AWS_REGION: 'us-west-2', AWS_ENDPOINT_URL: lc.url });
  const c = clients(lc);
  await registerGateway(c);
  const interval = 60_000;
  const config: CapacityConfig = {
    QUEUE_PREFIX: ns.prefix,
    ECS_CLUSTER: lc.ids.ECS_CLUSTER,
    CAPACITY_PROVIDER: lc.ids.CAPACITY_PROVIDER,
    ASG_NAME: lc.ids.ASG_NAME,
    SAMPLE_INTERVAL_MS: interval,
    COST_PRICES_FILE: undefined,
    ...settings,
  };
  const log = makeLogger({ level: 'silent', name: 'test' });
  const processor = makeCapacityProcessor({ aws, redis: ns.redis, store, config, log });
  const samples = makeSampleStore(ns.redis, { prefix: ns.prefix });
  // Each tick is its own bucket: the processor keys samples by the job's scheduled time.
  // Ticks start half an hour back so every bucket is in the past, as the scheduler's would be.
  let tick = Math.floor(Date.now() / interval) * interval - 30 * interval;
  let priority = 10;

  return {
    lc,
    ns,
    store,
    aws,
    c,
    samples,
    log,
    async sample(): Promise<CapacitySample> {
      tick += interval;
      const out = await processor({ id: `t${tick}`, data: {}, timestamp: tick, delay: 0 } as unknown as Job);
      if (out.result !== 'sampled') throw new Error(`expected a sample, got ${JSON.stringify(out)}`);
      return (await samples.latest())!;
    },
    async tickOnce() {
      tick += interval;
      return processor({ id: `t${tick}`, data: {}, timestamp: tick, delay: 0 } as unknown as Job);
    },
    deploy: (name: string) => deployUser(c, lc, name, priority++),
    async remove(name: string) {
      await c.ecs.send(new DeleteServiceCommand({ cluster: lc.ids.ECS_CLUSTER, service: name, force: true }));
    },
    state: () => inspect<LocalState>(lc, 'state'),
    waitFor,
    /** A signup the worker has parked in the placement step since `startedAt`. */
    async waitingSignup(startedAt: Date): Promise<string> {
      const id = newInstanceId();
      await store.create({
        id,
        userId: `u-${id}`,
        email: `${id}@example.com`,
        requestId: 'r',
        sealed: { gatewayToken: 'x' },
      });
      await store.startProvisioning(id);
      await store.recordStep(
        id,
        'placement',
        { state: 'waiting', startedAt: startedAt.toISOString(), attempts: 1 },
        'provisioning',
      );
      return id;
    },
    async close() {
      aws.destroy();
      for (const client of Object.values(c)) client.destroy();
      await lc.close();
      await ns.cleanup();
    },
  };
}

export interface LocalState {
  reservation: { m: number; n: number; percent: number };
  asg: { desired: number; min: number; max: number; instanceIds: string[] };
  instances: { id: string; type: string; market: 'spot' | 'on-demand'; lifecycle: string }[];
  containerInstances: { arn: string; ec2InstanceId: string; idleSince?: number }[];
  tasks: { arn: string; lastStatus: string; containerInstanceArn?: string; serviceName?: string }[];
}
