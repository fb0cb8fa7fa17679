import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Target, TargetGroup } from '../state.js';
import { applyCheck, checkOnce, codeMatches } from './health-checks.js';

let server: Server;
let port: number;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/slow') return; // never answers
    res.writeHead(req.url === '/health' ? 200 : 503);
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

const group = (settings: Record<string, unknown>): TargetGroup =>
  ({
    settings: { HealthyThresholdCount: 3, UnhealthyThresholdCount: 2, ...settings },
  }) as unknown as TargetGroup;
const pass = { pass: true };
const fail = { pass: false, reason: 'Target.Timeout', description: 'Request timed out' };

describe('measured health checks', () => {
  it('reads Matcher.HttpCode as codes, lists and ranges', () => {
    expect(codeMatches('200', 200)).toBe(true);
    expect(codeMatches('200', 204)).toBe(false);
    expect(codeMatches('200,202', 202)).toBe(true);
    expect(codeMatches('200-299', 250)).toBe(true);
    expect(codeMatches('200-299', 301)).toBe(false);
  });

  it('gets ELB reason codes from real requests: pass, wrong code, timeout, refused', async () => {
    expect(await checkOnce('127.0.0.1', port, '/health', 500, '200')).toEqual({ pass: true });
    expect(await checkOnce('127.0.0.1', port, '/', 500, '200')).toEqual({
      pass: false,
      reason: 'Target.ResponseCodeMismatch',
      description: 'Health checks failed with these codes: [503]',
    });
    expect(await checkOnce('127.0.0.1', port, '/slow', 50, '200')).toMatchObject({
      reason: 'Target.Timeout',
    });
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    expect(await checkOnce('127.0.0.1', closedPort, '/health', 500, '200')).toMatchObject({
      reason: 'Target.FailedHealthChecks',
    });
  });

  it('initial -> healthy on one pass; unhealthy after the unhealthy threshold; back after the healthy one', () => {
    const tg = group({});
    const target = { state: 'initial' } as Target;
    const streak = { successes: 0, failures: 0 };
    expect(applyCheck(tg, target, streak, fail)).toBe(false);
    expect(target.health?.reason).toBe('Elb.InitialHealthChecking');
    expect(applyCheck(tg, target, streak, pass)).toBe(true);
    expect(target).toMatchObject({ state: 'healthy', health: undefined });
    applyCheck(tg, target, streak, fail);
    expect(target.state).toBe('healthy');
    expect(applyCheck(tg, target, streak, fail)).toBe(true);
    expect(target).toMatchObject({ state: 'unhealthy', health: { reason: 'Target.Timeout' } });
    applyCheck(tg, target, streak, pass);
    applyCheck(tg, target, streak, pass);
    expect(target.state).toBe('unhealthy');
    expect(applyCheck(tg, target, streak, pass)).toBe(true);
    expect(target.state).toBe('healthy');
  });
});
