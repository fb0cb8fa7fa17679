import { DescribeTargetHealthCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { awsCall } from '../aws/aws-call.js';
import type { WorkerContext } from '../context.js';
import type { InstanceResources } from './list-aws-resources.js';
import { readPerResource, UNKNOWN, VANISHED } from './read-per-resource.js';

const PARALLEL = 5;

/**
 * Whether each running instance has a healthy task: its service runs a task and its target group has a
 * `healthy` target (what the ALB routes to). A service running nothing needs no call; the others cost one
 * DescribeTargetHealth each, five at a time.
 */
export async function healthyInstances(
  ctx: WorkerContext,
  running: Map<string, InstanceResources>,
  /** Receives `<id>:target-group` for a group deleted since it was listed. */
  vanished: string[] = [],
): Promise<Map<string, boolean>> {
  const healthy = new Map<string, boolean>();
  const toAsk: [string, string][] = [];
  for (const [id, found] of running) {
    if (!found.service || !found.targetGroup) continue;
    if (found.service.runningCount === 0) healthy.set(id, false);
    else toAsk.push([id, found.targetGroup.arn]);
  }
  for (let i = 0; i < toAsk.length; i += PARALLEL) {
    await Promise.all(
      toAsk.slice(i, i + PARALLEL).map(async ([id, arn]) => {
        const result = await readPerResource(ctx, 'DescribeTargetHealth', () =>
          awsCall('read', 'DescribeTargetHealth', () =>
            ctx.aws.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: arn })),
          ),
        );
        // A group deleted since it was listed (or unreadable now) says nothing about health this run;
        // the next run sees it missing and repairs it.
        if (result === VANISHED) vanished.push(`${id}:target-group`);
        if (result === VANISHED || result === UNKNOWN) return;
        healthy.set(
          id,
          (result.TargetHealthDescriptions ?? []).some((d) => d.TargetHealth?.State === 'healthy'),
        );
      }),
    );
  }
  return healthy;
}
