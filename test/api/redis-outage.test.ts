import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningApi, startApi } from '../../api/start-api.js';
import { makeLogger } from '../../shared/logger.js';
import { startOwnRedis } from '../support/own-redis.js';
import { type CreatedBody, type ErrorBody, json, read, testConfig } from './test-app.js';

/** Generous: the target is 2 s (one REDIS_COMMAND_TIMEOUT_MS at most); this only catches a hang. */
const ANSWER_BOUND_MS = 5_000;

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('the API while Redis is down (a real redis-server, stopped and started)', () => {
  let api: RunningApi | undefined;
  let redis: Awaited<ReturnType<typeof startOwnRedis>> | undefined;
  afterEach(async () => {
    await api?.close();
    await redis?.close();
    api = undefined;
    redis = undefined;
  });

  it('answers 503 with Retry-After at once, writes nothing, and a retry with the same key gets its token', async () => {
    redis = await startOwnRedis();
    const config = testConfig('outage', { REDIS_URL: redis.url, REDIS_COMMAND_TIMEOUT_MS: '1000' });
    api = await startApi(config, { port: 0, logger: makeLogger({ level: 'silent', name: 'api' }) });
    const body = JSON.stringify({ userId: 'ada', email: 'ada@example.com' });
    const create = () =>
      fetch(`${api!.url}/v1/instances`, {
        method: 'POST',
        headers: { ...json, 'Idempotency-Key': 'signup-ada' },
        body,
        signal: AbortSignal.timeout(ANSWER_BOUND_MS),
      });

    await redis.stop();
    const started = performance.now();
    const down = await create();
    const elapsed = performance.now() - started;
    console.log(`create during the Redis outage answered ${down.status} in ${elapsed.toFixed(0)} ms`);
    expect(down.status).toBe(503);
    expect(Number(down.headers.get('Retry-After'))).toBeGreaterThan(0);
    expect((await read<ErrorBody>(down)).error.code).toBe('redis_unavailable');

    const signupStarted = performance.now();
    const signup = await fetch(`${api.url}/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'bob@example.com' }),
      signal: AbortSignal.timeout(ANSWER_BOUND_MS),
    });
    console.log(
      `signup during the Redis outage answered ${signup.status} in ${(performance.now() - signupStarted).toFixed(0)} ms`,
    );
    expect(signup.status).toBe(503);
    expect(signup.headers.get('Retry-After')).toBeTruthy();

    await redis.start();
    // The client does what Retry-After asks: it retries with the same key until it gets an answer.
    let retried: Response | undefined;
    await waitFor('a retried create answering other than 503 after Redis came back', async () => {
      retried = await create();
      if (retried.status !== 503) return true;
      await retried.body?.cancel();
      return false;
    });
    expect(retried!.status).toBe(202);
    const token = (await read<CreatedBody>(retried!)).gatewayToken;
    expect(token.length).toBeGreaterThanOrEqual(40);
    // A retry that arrives after the answer was lost (the client timed out reading it) gets the same token.
    const replayed = await create();
    expect(replayed.headers.get('Idempotent-Replayed')).toBe('true');
    expect((await read<CreatedBody>(replayed)).gatewayToken).toBe(token);

    // Nothing half-written: one instance, one user pointer, one job for it.
    const direct = new Redis(redis.url);
    try {
      expect(await direct.keys('outage:inst:*')).toHaveLength(1);
      expect(await direct.keys('outage:user:*')).toEqual(['outage:user:ada']);
    } finally {
      direct.disconnect();
    }
  }, 60_000);

  it('answers 503 when Redis hangs with its socket open, after one command timeout', async () => {
    redis = await startOwnRedis();
    const config = testConfig('frozen', { REDIS_URL: redis.url, REDIS_COMMAND_TIMEOUT_MS: '1000' });
    api = await startApi(config, { port: 0, logger: makeLogger({ level: 'silent', name: 'api' }) });
    redis.freeze();
    try {
      const started = performance.now();
      const res = await fetch(`${api.url}/v1/instances`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ userId: 'ada', email: 'ada@example.com' }),
        signal: AbortSignal.timeout(ANSWER_BOUND_MS),
      });
      console.log(
        `create while Redis hangs answered ${res.status} in ${(performance.now() - started).toFixed(0)} ms`,
      );
      expect(res.status).toBe(503);
      expect(res.headers.get('Retry-After')).toBeTruthy();
      expect((await read<ErrorBody>(res)).error.code).toBe('redis_unavailable');
    } finally {
      redis.thaw();
    }
  }, 30_000);
});
