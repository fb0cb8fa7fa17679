import { readGatewayToken } from '../aws/gateway-token.js';
import { fatal } from '../errors/classified-error.js';
import { probeUrl } from '../http/probe-url.js';
import { judgeReachable } from './reachable-verdict.js';
import { done, outputOf, type Step } from './step.js';

/**
 * One request's bound. The health path answers at once from a running gateway; a slower answer is counted
 * as a timeout and looked at again at the next poll, so no job waits on a silent connection.
 */
const REQUEST_TIMEOUT_MS = 5_000;

/** The path the gate asks for, under the instance URL (`http://<alb>/<id>/` + `health`). */
export const healthUrl = (instanceUrl: string) =>
  `${instanceUrl.endsWith('/') ? instanceUrl : `${instanceUrl}/`}health`;

/**
 * The gate: the instance URL answers `GET <url>health` with `Authorization: Bearer <gateway token>` with a
 * 2xx *through the load balancer*, as the user will call it. Placement saw a healthy target; this sees the
 * whole path (DNS, listener, rule, target group, task, gateway, token) that a healthy target alone does not
 * prove. Until then the step answers `wait` (a delayed job, as placement); past REACHABLE_DEADLINE_MS from
 * the step's start the instance fails with the last answer. The token is read from the instance's secret on
 * each look, since Redis keeps no copy of it.
 */
export const reachableStep: Step<'reachable'> = {
  id: 'reachable',

  async run(ctx, input) {
    const { instance, record } = input;
    const startedAt = record.startedAt ? Date.parse(record.startedAt) : ctx.clock.now();
    const url = healthUrl(instance.url);
    const token = await readGatewayToken(ctx, outputOf(input, 'secret').secretArn);
    const answer = await probeUrl(url, token, REQUEST_TIMEOUT_MS);
    const waitedMs = Math.max(0, ctx.clock.now() - startedAt);
    const verdict = judgeReachable(answer, { waitedMs, deadlineMs: ctx.config.REACHABLE_DEADLINE_MS, url });
    switch (verdict.kind) {
      case 'reachable':
        await ctx.note(`${url} answered ${verdict.answer} after ${waitedMs} ms`);
        return done({ answer: verdict.answer, reachableWaitMs: String(waitedMs) });
      case 'wait':
        return {
          kind: 'wait',
          afterMs: ctx.config.PLACEMENT_POLL_MS,
          output: { state: `answered ${verdict.answer}` },
          note: `waiting: ${url} answered ${verdict.answer}`,
        };
      case 'fail':
        throw fatal(verdict.code, verdict.reason);
    }
  },
};
