import type { Cloud } from '../cloud.js';
import { bool, num, obj, str } from '../input.js';
import { paginate } from '../pagination.js';
import { maintainWarmPool, poolInstances, terminatePoolInstance } from '../sim/asg-warm-pool.js';
import { reconcileAll } from '../sim/service-scheduler.js';
import type { AutoScalingGroup, WarmPool } from '../state.js';
import { instanceView, requireGroup, validation } from './autoscaling-common.js';
import type { HandlerMap } from './handler.js';

/**
 * PutWarmPool / DescribeWarmPool / DeleteWarmPool. AWS refuses a warm pool on a group with a mixed
 * instances policy or one that requests Spot Instances (PutWarmPool API reference): the spot group
 * gets that refusal; the on-demand group (`openclaw-warm-asg`) takes a pool.
 */
const POOL_STATES = ['Stopped', 'Running', 'Hibernated'] as const;

function configView(pool: WarmPool): Record<string, unknown> {
  return {
    MaxGroupPreparedCapacity: pool.maxGroupPreparedCapacity,
    MinSize: pool.minSize,
    PoolState: pool.poolState,
    Status: pool.status,
    InstanceReusePolicy: { ReuseOnScaleIn: pool.reuseOnScaleIn },
  };
}

/** What DescribeAutoScalingGroups adds for a group with a warm pool. */
export function warmPoolView(cloud: Cloud, asg: AutoScalingGroup): Record<string, unknown> {
  const pool = asg.warmPool;
  if (!pool) return {};
  return { WarmPoolConfiguration: configView(pool), WarmPoolSize: poolInstances(cloud, pool).length };
}

function readPoolState(input: unknown): WarmPool['poolState'] {
  const state = str(input, 'PoolState') ?? 'Stopped';
  if (!(POOL_STATES as readonly string[]).includes(state)) {
    throw validation(
      `1 validation error detected: Value '${state}' at 'poolState' failed to satisfy constraint: Member must satisfy enum value set: [${POOL_STATES.join(', ')}]`,
    );
  }
  return state as WarmPool['poolState'];
}

function readSize(input: unknown, key: string, min: number): number | undefined {
  const value = num(input, key);
  if (value !== undefined && (!Number.isInteger(value) || value < min)) {
    const member = key.charAt(0).toLowerCase() + key.slice(1);
    throw validation(
      `1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: Member must have value greater than or equal to ${min}`,
    );
  }
  return value;
}

export const warmPoolHandlers: HandlerMap = {
  PutWarmPool(cloud, input) {
    const asg = requireGroup(cloud, str(input, 'AutoScalingGroupName'));
    const minSize = readSize(input, 'MinSize', 0);
    const prepared = readSize(input, 'MaxGroupPreparedCapacity', -1);
    const poolState = readPoolState(input);
    if (!asg.onDemandType) {
      throw validation(
        `You can't add a warm pool to Auto Scaling group ${asg.name}: it has a mixed instances policy or a launch template that requests Spot Instances.`,
      );
    }
    const current = asg.warmPool;
    asg.warmPool = {
      minSize: minSize ?? 0,
      // -1 removes a value set before: the pool is then sized from the group's max size.
      maxGroupPreparedCapacity: prepared === undefined || prepared === -1 ? undefined : prepared,
      poolState,
      reuseOnScaleIn: bool(obj(input, 'InstanceReusePolicy'), 'ReuseOnScaleIn') ?? false,
      instanceIds: current?.status === 'PendingDelete' ? [] : (current?.instanceIds ?? []),
    };
    maintainWarmPool(cloud, asg);
    reconcileAll(cloud, null);
    return undefined;
  },

  DescribeWarmPool(cloud, input) {
    const asg = requireGroup(cloud, str(input, 'AutoScalingGroupName'));
    const max = num(input, 'MaxRecords') ?? 50;
    if (max < 1 || max > 50) throw validation('MaxRecords must be between 1 and 50');
    const pool = asg.warmPool;
    const instances = pool
      ? pool.instanceIds.flatMap((id) => {
          const i = cloud.state.instances.get(id);
          return i ? [i] : [];
        })
      : [];
    const page = paginate(instances, str(input, 'NextToken'), max, `warm:${asg.name}`, () =>
      validation('Invalid NextToken'),
    );
    return {
      WarmPoolConfiguration: pool ? configView(pool) : undefined,
      // Pool instances are not in service, so nothing protects them from scale-in yet.
      Instances: page.items.map((i) => instanceView(i, false)),
      NextToken: page.next,
    };
  },

  DeleteWarmPool(cloud, input) {
    const asg = requireGroup(cloud, str(input, 'AutoScalingGroupName'));
    const pool = asg.warmPool;
    if (!pool) throw validation(`No warm pool found for Auto Scaling group ${asg.name}.`);
    if (bool(input, 'ForceDelete')) {
      // Deleted along with its instances, without waiting for them to terminate.
      for (const i of poolInstances(cloud, pool)) {
        i.lifecycle = 'Warmed:Terminated';
        i.terminatedAt = cloud.clock.now();
      }
      asg.warmPool = undefined;
      return undefined;
    }
    pool.status = 'PendingDelete';
    for (const i of poolInstances(cloud, pool)) terminatePoolInstance(cloud, asg, pool, i);
    maintainWarmPool(cloud, asg);
    return undefined;
  },
};
