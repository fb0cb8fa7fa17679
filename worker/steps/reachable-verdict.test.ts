import { describe, expect, it } from 'vitest';
import { judgeReachable, type ProbeAnswer } from './reachable-verdict.js';

const url = 'http://127.0.0.1:4580/k3v7q2mzx4ab/health';
const before = { waitedMs: 1_000, deadlineMs: 60_000, url };
const after = { waitedMs: 61_000, deadlineMs: 60_000, url };
const status = (s: number): ProbeAnswer => ({ kind: 'status', status: s });
const error = (code: string): ProbeAnswer => ({ kind: 'error', code });

describe('judgeReachable', () => {
  it.each([200, 204, 299])('HTTP %i: reachable, before or after the deadline', (s) => {
    expect(judgeReachable(status(s), before)).toEqual({ kind: 'reachable', answer: `HTTP ${s}` });
    expect(judgeReachable(status(s), after).kind).toBe('reachable');
  });

  it.each<[string, ProbeAnswer]>([
    ['a refused connection', error('ECONNREFUSED')],
    ['a reset connection', error('ECONNRESET')],
    ['a request timeout', error('Timeout')],
    ['an unresolved name', error('ENOTFOUND')],
    ['502 (the target refused)', status(502)],
    ['503 (no healthy target)', status(503)],
    ['504 (the target timed out)', status(504)],
    ['404 (the rule is not routing yet)', status(404)],
    ['401 (the token has not propagated)', status(401)],
    ['403', status(403)],
    ['a redirect it may not follow', status(301)],
    ['300 (not a 2xx)', status(300)],
  ])('%s before the deadline: keep waiting', (_name, answer) => {
    expect(judgeReachable(answer, before).kind).toBe('wait');
  });

  it('says a short wait in tenths of a second', () => {
    const verdict = judgeReachable(status(503), { waitedMs: 340, deadlineMs: 300, url });
    expect(verdict).toMatchObject({
      reason: `${url} did not answer 2xx within 0.3 s (last answer HTTP 503)`,
    });
  });

  it('says whole seconds from 10 s on', () => {
    const verdict = judgeReachable(status(503), { waitedMs: 10_000, deadlineMs: 5_000, url });
    expect(verdict).toMatchObject({ reason: `${url} did not answer 2xx within 10 s (last answer HTTP 503)` });
  });

  it('waits up to the deadline itself', () => {
    expect(judgeReachable(status(503), { ...before, waitedMs: 60_000 }).kind).toBe('wait');
  });

  it.each([401, 403])('HTTP %i at the deadline: the gateway refused the token', (s) => {
    const verdict = judgeReachable(status(s), after);
    expect(verdict).toEqual({
      kind: 'fail',
      code: 'GatewayRefusedToken',
      reason: `the gateway refused the instance's token at ${url} for 61 s (last answer HTTP ${s})`,
    });
  });

  it.each<[ProbeAnswer, string]>([
    [status(503), 'HTTP 503'],
    [status(502), 'HTTP 502'],
    [error('ECONNREFUSED'), 'ECONNREFUSED'],
    [error('Timeout'), 'Timeout'],
  ])('anything else at the deadline: unreachable, naming the last answer (%o)', (answer, said) => {
    expect(judgeReachable(answer, after)).toEqual({
      kind: 'fail',
      code: 'GatewayUnreachable',
      reason: `${url} did not answer 2xx within 61 s (last answer ${said})`,
    });
  });
});
