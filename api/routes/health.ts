import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { errorBody } from '../api-error.js';
import type { AppEnv } from '../app-env.js';
import { requestLog } from '../middleware/request-id.js';
import { errorResponse, publicSecurity } from '../schemas.js';

const Health = z.object({ status: z.literal('ok') }).openapi('Health', { example: { status: 'ok' } });

const healthz = createRoute({
  method: 'get',
  path: '/healthz',
  operationId: 'getLiveness',
  tags: ['health'],
  summary: 'The process is up (liveness)',
  security: publicSecurity,
  responses: {
    200: { description: 'Up', content: { 'application/json': { schema: Health } } },
    // The body limit runs before routing: even a GET with a large declared body is refused.
    413: errorResponse(413),
    500: errorResponse(500),
  },
});

const readyz = createRoute({
  method: 'get',
  path: '/readyz',
  operationId: 'getReadiness',
  tags: ['health'],
  summary: 'Redis answers (readiness)',
  security: publicSecurity,
  responses: {
    200: { description: 'Ready', content: { 'application/json': { schema: Health } } },
    413: errorResponse(413),
    500: errorResponse(500),
    503: errorResponse(503, ['redis_unavailable']),
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
      return c.json(errorBody('redis_unavailable', 'Redis is not answering', null, c.var.requestId), 503);
    } finally {
      clearTimeout(timer);
    }
  });
}
