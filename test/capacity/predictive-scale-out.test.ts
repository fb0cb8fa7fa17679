import { DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { afterEach, describe, expect, it } from 'vitest';
import { newInstanceId } from '../../shared/naming.js';
import { startFleetHarness } from './fleet-harness.js';

/**
 * Predictive scale-out on localcloud: signups queued but not yet at placement have no ECS task, so
 * managed scaling cannot see them. The sampler's tick sees them and raises the group's desired
 * capacity, within its budget; with no budget it leaves the group alone.
 */
type Harness = Awaited<ReturnType<typeof startFleetHarness>>;

async function queueSignups(h: Harness, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const id = newInstanceId();
    await h.store.create({
      id,
      userId: `u-${id}`,
      email: `${id}@example.com`,
      requestId: 'r',
      sealed: { gatewayToken: 'x' },
    });
  }
}

async function desiredCapacity(h: Harness): Promise<number> {
  const { autoscaling } = await h.aws.fleet();
  const out = await autoscaling.send(
    new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [h.lc.ids.ASG_NAME] }),
  );
  return out.AutoScalingGroups?.[0]?.DesiredCapacity ?? -1;
}

describe('predictive scale-out (sampler tick against localcloud)', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('a burst of queued signups raises desired capacity ahead of their tasks, by at most the budget', async () => {
    h = await startFleetHarness(7, { PREDICTIVE_MAX_EXTRA_INSTANCES: 3, PREDICTIVE_LEAD_MS: 60_000 });
    const before = await desiredCapacity(h);
    await queueSignups(h, 12);
    const sample = await h.sample();
    expect(sample.tasks.waitingForCapacity, 'no task exists yet: managed scaling sees nothing').toBe(0);
    const after = await desiredCapacity(h);
    expect(after, `desired capacity stayed at ${before} after a burst of 12 signups`).toBeGreaterThan(before);
    expect(after).toBeLessThanOrEqual(sample.reservation.m + 3);
  });

  it('with no budget (the default) the same burst leaves the group to managed scaling', async () => {
    h = await startFleetHarness(7);
    const before = await desiredCapacity(h);
    await queueSignups(h, 12);
    await h.sample();
    expect(await desiredCapacity(h)).toBe(before);
  });
});
