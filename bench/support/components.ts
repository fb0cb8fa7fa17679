import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { REPO_ROOT, type RunningChild, startChild } from './child-process.js';
import { BENCH_REDIS_URL } from './redis-namespace.js';

/** Null when every file exists, else the first missing one: figures wait for their components to land. */
export function missing(...files: string[]): string | null {
  const absent = files.find((f) => !existsSync(join(REPO_ROOT, f)));
  return absent ? `${absent} not landed yet` : null;
}

/** The API as its own process (`api/main.ts`), listening on a free port. */
export async function startApiProcess(env: Record<string, string>): Promise<RunningChild & { url: string }> {
  const child = await startChild({
    name: 'api',
    file: 'api/main.ts',
    env,
    ready: /listening on (http:\/\/[^\s]+)/,
  });
  return { ...child, url: child.match![1]! };
}

/** A worker as its own process (`worker/main.ts`); ready once its BullMQ worker is registered in Redis. */
export async function startWorkerProcess(env: Record<string, string>): Promise<RunningChild> {
  const connection = new Redis(BENCH_REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue('instances', { connection, prefix: env.QUEUE_PREFIX! });
  try {
    return await startChild({
      name: 'worker',
      file: 'worker/main.ts',
      env,
      ready: async () => (await queue.getWorkersCount()) > 0,
    });
  } finally {
    await queue.close();
    await connection.quit();
  }
}

/** The bare Hono + zod + queue.add baseline as its own process. */
export async function startBareApiProcess(prefix: string): Promise<RunningChild & { url: string }> {
  const child = await startChild({
    name: 'bare-api',
    file: 'bench/baselines/bare-enqueue-server.ts',
    args: [prefix],
    env: {},
    ready: /listening on (http:\/\/[^\s]+)/,
  });
  return { ...child, url: child.match![1]! };
}
