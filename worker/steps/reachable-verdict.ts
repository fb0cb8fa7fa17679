/** What one request to the instance URL saw: an HTTP status, or the error code of a request that failed. */
export type ProbeAnswer = { kind: 'status'; status: number } | { kind: 'error'; code: string };

/**
 * What the gate makes of one answer: `reachable` (2xx: the instance may be `running`), `wait` (look again
 * later), or `fail` once the deadline has passed without a 2xx. A failure names the last answer (a status
 * or an error code), never the token.
 */
export type ReachableVerdict =
  | { kind: 'reachable'; answer: string }
  | { kind: 'wait'; answer: string }
  | { kind: 'fail'; code: 'GatewayRefusedToken' | 'GatewayUnreachable'; reason: string };

export const describeAnswer = (answer: ProbeAnswer): string =>
  answer.kind === 'status' ? `HTTP ${answer.status}` : answer.code;

/**
 * Every answer but a 2xx means "not yet" until the deadline: refused or reset connections and 502/503/504
 * are a target the load balancer cannot use yet, a timeout a slow start, 404 a rule still propagating, and
 * 401/403 a token the gateway has not picked up yet. None of them is final on its own, because each is
 * what a healthy instance can answer for a moment. At the deadline, 401/403 are called what they are (the
 * gateway refuses the token); anything else says the URL did not answer.
 */
export function judgeReachable(
  answer: ProbeAnswer,
  timing: { waitedMs: number; deadlineMs: number; url: string },
): ReachableVerdict {
  const said = describeAnswer(answer);
  if (answer.kind === 'status' && answer.status >= 200 && answer.status < 300) {
    return { kind: 'reachable', answer: said };
  }
  if (timing.waitedMs <= timing.deadlineMs) return { kind: 'wait', answer: said };
  const waited = formatWait(timing.waitedMs);
  if (answer.kind === 'status' && (answer.status === 401 || answer.status === 403)) {
    return {
      kind: 'fail',
      code: 'GatewayRefusedToken',
      reason: `the gateway refused the instance's token at ${timing.url} for ${waited} (last answer ${said})`,
    };
  }
  return {
    kind: 'fail',
    code: 'GatewayUnreachable',
    reason: `${timing.url} did not answer 2xx within ${waited} (last answer ${said})`,
  };
}

/** Whole seconds, or tenths below 10 s (a short deadline should not read "0 s"). */
const formatWait = (ms: number) =>
  ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
