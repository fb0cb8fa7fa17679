import { AwsError } from '../aws-error.js';
import type { Cloud } from '../cloud.js';
import { num, type Params, records, str, strList } from '../input.js';
import { paginate } from '../pagination.js';
import { iso } from '../protocol/query.js';
import type { HandlerMap } from './handler.js';

/**
 * DescribeSpotPriceHistory with plausible us-west-2 Linux prices (about 35-40% of on-demand:
 * c7i-flex.large $0.0848/h, m7i-flex.large $0.0958/h on demand). A price point every 6 hours over
 * the last 3 days, varied a little by a seeded hash so runs repeat.
 */
const BASE_PRICE: Record<string, number> = { 'c7i-flex.large': 0.0312, 'm7i-flex.large': 0.0356 };
const STEP = 6 * 3_600_000;
const SPAN = 3 * 86_400_000;

const wobble = (seed: string): number => {
  let h = 2166136261;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 16777619);
  return ((h >>> 0) % 1000) / 1000 - 0.5; // -0.5 .. 0.5
};

interface PricePoint {
  availabilityZone: string;
  instanceType: string;
  productDescription: string;
  spotPrice: string;
  timestamp: number;
}

function history(cloud: Cloud): PricePoint[] {
  const azs = [...new Set(cloud.network.subnets.map((s) => s.az))];
  const newest = Math.floor(cloud.clock.now() / STEP) * STEP;
  const out: PricePoint[] = [];
  for (let t = newest; t > newest - SPAN; t -= STEP) {
    for (const [type, base] of Object.entries(BASE_PRICE)) {
      for (const az of azs) {
        const price = base * (1 + 0.12 * wobble(`${type}|${az}|${t}`));
        out.push({
          availabilityZone: az,
          instanceType: type,
          productDescription: 'Linux/UNIX',
          spotPrice: price.toFixed(6),
          timestamp: t,
        });
      }
    }
  }
  return out;
}

export const ec2: HandlerMap = {
  DescribeSpotPriceHistory(cloud, input) {
    const types = strList(input, 'InstanceType');
    const products = strList(input, 'ProductDescription');
    const az = str(input, 'AvailabilityZone');
    const start = str(input, 'StartTime') ? Date.parse(str(input, 'StartTime') as string) : undefined;
    const end = str(input, 'EndTime') ? Date.parse(str(input, 'EndTime') as string) : undefined;
    const filters = records(input, 'Filter').map((f) => ({
      name: str(f, 'Name'),
      values: strList(f, 'Value'),
    }));
    const max = num(input, 'MaxResults') ?? 1000;
    if (max < 5 || max > 1000)
      throw new AwsError('InvalidParameterValue', 'MaxResults must be between 5 and 1000');
    const field: Record<string, keyof PricePoint> = {
      'availability-zone': 'availabilityZone',
      'instance-type': 'instanceType',
      'product-description': 'productDescription',
    };
    let all = history(cloud).filter(
      (p) =>
        (types.length === 0 || types.includes(p.instanceType)) &&
        (products.length === 0 || products.includes(p.productDescription)) &&
        (!az || p.availabilityZone === az) &&
        (end === undefined || p.timestamp <= end) &&
        filters.every((f) => {
          const k = f.name ? field[f.name] : undefined;
          return !k || f.values.includes(String(p[k]));
        }),
    );
    // The price in effect at StartTime is the newest point at or before it, so keep that one too.
    if (start !== undefined) {
      const keep = new Set<string>();
      all = all.filter((p) => {
        const key = `${p.instanceType}|${p.availabilityZone}|${p.productDescription}`;
        if (p.timestamp >= start) return true;
        if (keep.has(key)) return false;
        keep.add(key);
        return true;
      });
    }
    const page = paginate(
      all,
      str(input, 'NextToken'),
      max,
      'spot',
      () => new AwsError('InvalidNextToken', 'The token is invalid'),
    );
    return {
      spotPriceHistorySet: page.items.map((p) => ({ ...p, timestamp: iso(p.timestamp) })),
      nextToken: page.next ?? '',
    };
  },
};

const STATE: Record<string, { code: number; name: string }> = {
  Pending: { code: 0, name: 'pending' },
  InService: { code: 16, name: 'running' },
  Terminating: { code: 32, name: 'shutting-down' },
  Terminated: { code: 48, name: 'terminated' },
  // A warm pool instance is an EC2 instance like any other: billed as running only while it runs.
  'Warmed:Pending': { code: 0, name: 'pending' },
  'Warmed:Stopped': { code: 80, name: 'stopped' },
  'Warmed:Running': { code: 16, name: 'running' },
  'Warmed:Hibernated': { code: 80, name: 'stopped' },
  'Warmed:Terminating': { code: 32, name: 'shutting-down' },
  'Warmed:Terminated': { code: 48, name: 'terminated' },
};

/** DescribeInstances for the ASG's instances: enough to tell spot from on-demand, type, AZ and state. */
function describeInstances(cloud: Cloud, input: Params): Record<string, unknown> {
  const ids = strList(input, 'InstanceId');
  const all = [...cloud.state.instances.values()];
  for (const id of ids) {
    if (!cloud.state.instances.has(id)) {
      throw new AwsError('InvalidInstanceID.NotFound', `The instance ID '${id}' does not exist`);
    }
  }
  const max = num(input, 'MaxResults') ?? 1000;
  if (ids.length === 0 && (max < 5 || max > 1000)) {
    throw new AwsError('InvalidParameterValue', 'MaxResults must be between 5 and 1000');
  }
  const chosen = ids.length > 0 ? all.filter((i) => ids.includes(i.id)) : all;
  const page = paginate(
    chosen,
    str(input, 'NextToken'),
    max,
    `inst:${ids.length}`,
    () => new AwsError('InvalidNextToken', 'The token is invalid'),
  );
  return {
    reservationSet: page.items.map((i) => ({
      reservationId: `r-${i.id.slice(2)}`,
      ownerId: cloud.account.accountId,
      groupSet: [],
      instancesSet: [
        {
          instanceId: i.id,
          imageId: 'ami-0ecs0optimized00001',
          instanceState: STATE[i.lifecycle],
          privateDnsName: `ip-${i.privateIp.replaceAll('.', '-')}.${cloud.account.region}.compute.internal`,
          instanceType: i.type,
          launchTime: iso(i.launchedAt),
          placement: { availabilityZone: i.az, tenancy: 'default' },
          subnetId: i.subnetId,
          vpcId: cloud.network.vpcId,
          privateIpAddress: i.privateIp,
          instanceLifecycle: i.market === 'spot' ? 'spot' : undefined,
          tagSet: [
            { key: 'aws:autoscaling:groupName', value: i.group ?? cloud.state.asg.name },
            { key: 'AmazonECSManaged', value: '' },
          ],
        },
      ],
    })),
    nextToken: page.next,
  };
}

ec2.DescribeInstances = describeInstances;
