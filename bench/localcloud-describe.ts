/**
 * localcloud's Describe latency through the real SDK on loopback: ~2000 calls alternating
 * DescribeServices (ECS, JSON) and DescribeTargetGroups (ELBv2, query XML) against a cloud holding
 * 50 running services. Target: p50 within 2 ms. Run alone with `npx tsx bench/localcloud-describe.ts`.
 */
import { pathToFileURL } from 'node:url';
import {
  CreateServiceCommand,
  DescribeServicesCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import {
  CreateRuleCommand,
  CreateTargetGroupCommand,
  DescribeTargetGroupsCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { startLocalcloud } from '../localcloud/index.js';

const SERVICES = 50;
const CALLS = 2000;
const WARMUP = 200;

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

export async function benchLocalcloudDescribe(): Promise<{ p50Ms: number; p99Ms: number; n: number }> {
  const lc = await startLocalcloud({
    port: 0,
    seed: 1,
    timeScale: 0.02,
    timing: { instanceLaunchMs: 0, taskProvisioningMs: 0, taskStartMs: 0, healthCheckMs: 0 },
    asg: { min: SERVICES / 2 + 1 },
  });
  const config = {
    endpoint: lc.url,
    region: lc.ids.AWS_REGION,
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    maxAttempts: 1,
  };
  const ecs = new ECSClient(config);
  const elb = new ElasticLoadBalancingV2Client(config);
  try {
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'bench',
        networkMode: 'awsvpc',
        cpu: '512',
        memory: '1536',
        containerDefinitions: [
          { name: 'gateway', image: 'openclaw', portMappings: [{ containerPort: 18789 }] },
        ],
      }),
    );
    const tgArns: string[] = [];
    for (let i = 0; i < SERVICES; i++) {
      const tg = await elb.send(
        new CreateTargetGroupCommand({
          Name: `bench-${i}`,
          Protocol: 'HTTP',
          Port: 18789,
          VpcId: lc.ids.VPC_ID,
          TargetType: 'ip',
        }),
      );
      const tgArn = tg.TargetGroups![0]!.TargetGroupArn!;
      tgArns.push(tgArn);
      await elb.send(
        new CreateRuleCommand({
          ListenerArn: lc.ids.ALB_LISTENER_ARN,
          Priority: i + 1,
          Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: [`/bench-${i}/*`] } }],
          Actions: [{ Type: 'forward', TargetGroupArn: tgArn }],
        }),
      );
      await ecs.send(
        new CreateServiceCommand({
          cluster: lc.ids.ECS_CLUSTER,
          serviceName: `bench-${i}`,
          taskDefinition: 'bench',
          desiredCount: 1,
          capacityProviderStrategy: [{ capacityProvider: lc.ids.CAPACITY_PROVIDER, weight: 1 }],
          networkConfiguration: { awsvpcConfiguration: { subnets: lc.ids.SUBNET_IDS.split(',') } },
          loadBalancers: [{ targetGroupArn: tgArn, containerName: 'gateway', containerPort: 18789 }],
        }),
      );
    }
    const call = (i: number): Promise<unknown> =>
      i % 2 === 0
        ? ecs.send(
            new DescribeServicesCommand({ cluster: lc.ids.ECS_CLUSTER, services: [`bench-${i % SERVICES}`] }),
          )
        : elb.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [tgArns[i % SERVICES]!] }));
    for (let i = 0; i < WARMUP; i++) await call(i);
    const samples: number[] = [];
    for (let i = 0; i < CALLS; i++) {
      const t0 = performance.now();
      await call(i);
      samples.push(performance.now() - t0);
    }
    samples.sort((a, b) => a - b);
    return { p50Ms: percentile(samples, 50), p99Ms: percentile(samples, 99), n: samples.length };
  } finally {
    ecs.destroy();
    elb.destroy();
    await lc.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const r = await benchLocalcloudDescribe();
  console.log(
    `localcloud Describe* through the SDK: p50 ${r.p50Ms.toFixed(3)} ms, p99 ${r.p99Ms.toFixed(3)} ms, n=${r.n}`,
  );
}
