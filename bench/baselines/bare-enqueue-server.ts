/**
 * Baseline for figure 1: the least an API can do for a signup. A bare Hono app on @hono/node-server
 * that validates a body like ours with zod and does one `queue.add`, nothing else (no auth, no store,
 * no sealing, no routing slot). Run as its own process: `node --import tsx bench/baselines/bare-enqueue-server.ts <prefix>`.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Queue } from 'bullmq';
import { Hono } from 'hono';
import { Redis } from 'ioredis';
import { z } from 'zod';

const prefix = process.argv[2] ?? 'bench-bare';
const connection = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
const queue = new Queue('instances', { connection, prefix });

const Body = z.strictObject({
  userId: z
    .string()
    .min(1)
    .max(128)
    .regex(/^[A-Za-z0-9._@+:-]{1,128}$/),
  email: z.email().max(254),
  anthropicApiKey: z.string().min(20).max(256).optional(),
});

const app = new Hono();
app.post('/v1/instances', async (c) => {
  const parsed = Body.safeParse(await c.req.json().catch(() => null));
  if (!parsed.success) return c.json({ error: { code: 'invalid_body' } }, 400);
  const id = randomUUID();
  await queue.add('create', { instanceId: id, userId: parsed.data.userId }, { jobId: `create-${id}` });
  return c.json({ id, status: 'queued' }, 202);
});

const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info: AddressInfo) => {
  console.log(`bare baseline listening on http://127.0.0.1:${info.port}`);
});

process.on('SIGTERM', () => {
  server.close();
  void queue
    .close()
    .then(() => connection.quit())
    .then(() => process.exit(0));
});
