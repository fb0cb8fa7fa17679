import { resourceNames } from '../../shared/naming.js';
import { describeService } from '../aws/describe-service.js';
import { retryable } from '../errors/classified-error.js';
import { probeUrl } from '../http/probe-url.js';
import { healthUrl } from '../steps/reachable.js';
import { describeAnswer } from '../steps/reachable-verdict.js';
import { judgeDeployment } from './deployment-verdict.js';
import type { RolloutContext } from './rollout-context.js';

const REQUEST_TIMEOUT_MS = 5_000;

export type GateResult = { kind: 'healthy' } | { kind: 'failed'; reason: string } | { kind: 'gone' };

/**
 * The health gate of one instance's update: ECS reports the service's PRIMARY deployment on `revisionArn`
 * COMPLETED, and the instance URL answers 2xx through the load balancer with the instance's token (the
 * create's reachability gate, worker/steps/reachable.ts). Polls every PLACEMENT_POLL_MS until then, until
 * ECS fails the deployment, or for ROLLOUT_HEALTH_DEADLINE_MS. A stopping worker ends the wait with a
 * retryable error: the job is taken up again and resumes from the checkpoints.
 */
export async function waitUntilHealthy(
  ctx: RolloutContext,
  instance: { id: string; url: string },
  revisionArn: string,
  token: string,
): Promise<GateResult> {
  const { serviceName } = resourceNames(instance.id);
  const url = healthUrl(instance.url);
  const deadline = ctx.clock.now() + ctx.config.ROLLOUT_HEALTH_DEADLINE_MS;
  let last = 'not looked at yet';
  for (;;) {
    if (ctx.stopping?.aborted) throw retryable('WorkerStopping', 'the worker is stopping');
    const verdict = judgeDeployment(await describeService(ctx, serviceName), revisionArn);
    if (verdict.kind === 'gone' || verdict.kind === 'failed') return verdict;
    if (verdict.kind === 'wait') last = verdict.state;
    else {
      const answer = await probeUrl(url, token, REQUEST_TIMEOUT_MS);
      if (answer.kind === 'status' && answer.status >= 200 && answer.status < 300) return { kind: 'healthy' };
      last = `deployment COMPLETED, ${url} answered ${describeAnswer(answer)}`;
    }
    if (ctx.clock.now() > deadline)
      return {
        kind: 'failed',
        reason: `not healthy within ${ctx.config.ROLLOUT_HEALTH_DEADLINE_MS} ms (last: ${last})`,
      };
    await new Promise((r) => setTimeout(r, ctx.config.PLACEMENT_POLL_MS));
  }
}
