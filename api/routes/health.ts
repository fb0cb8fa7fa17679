import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../app-env.js';
import { requestLog } from '../middleware/request-id.js';
import { errors } from '../schemas.js';

const Health = z.object({ status: z.literal('ok') }).openapi('Health');

const healthz = createRoute({
  method: 'get',
  path: '/healthz',
  tags: ['health'],
  summary: 'The process is up (liveness)',
  responses: { 200: { description: 'Up', content: { 'application/json': { schema: Health } } } },
});

const readyz = createRoute({
  method: 'get',
  path: '/readyz',
  tags: ['health'],
  summary: 'Redis answers (readiness)',
  responses: {
    200: { description: 'Ready', content: { 'application/json': { schema: Health } } },
    503: errors[503],
  },
});

const PING_TIMEOUT_MS = 1000;

export function registerHealth(app: OpenAPIHono<AppEnv>): void {
  app.openapi(healthz, (c) => c.json({ status: 'ok' as const }, 200));

  app.openapi(readyz, async (c) => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timeout')), PING_TIMEOUT_MS);
    });
    try {
      await Promise.race([c.var.deps.redis.ping(), timeout]);
      return c.json({ status: 'ok' as const }, 200);
    } catch (error) {
      requestLog(c).warn({ err: error }, 'readiness: redis not answering');
      return c.json(
        {
          error: {
            code: 'redis_unavailable',
            message: 'Redis is not answering',
            details: null,
            requestId: c.var.requestId,
          },
        },
        503,
      );
    } finally {
      clearTimeout(timer);
    }
  });
}
