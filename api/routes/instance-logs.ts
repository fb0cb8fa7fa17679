import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { ApiError, instanceNotFound } from '../api-error.js';
import type { AppEnv } from '../app-env.js';
import { DEFAULT_HEARTBEAT_MS } from '../instance-stream.js';
import { followLogs } from '../logs/follow-logs.js';
import { LogPageView, LogsQuery } from '../logs/log-schemas.js';
import { bearerSecurity, errorResponse, InstanceIdParams, instanceErrors } from '../schemas.js';

const route = createRoute({
  method: 'get',
  path: '/v1/instances/{id}/logs',
  operationId: 'getInstanceLogs',
  tags: ['instances'],
  summary: "The instance's gateway log lines, across task restarts, oldest first",
  description:
    "Read from CloudWatch Logs (every stream under the instance's prefix, one per ECS task). The instance's gateway token and Anthropic key are replaced by `[redacted]` wherever the gateway printed them. A deleted instance's lines stay readable for as long as the log group keeps them (its record lasts as long). With `follow=true` the answer is a server-sent event stream instead: a `log` event (data: a LogLine, id: its eventId) per new line from `since` (default now) on, and a `: heartbeat` comment every 15 s.",
  security: bearerSecurity,
  request: { params: InstanceIdParams, query: LogsQuery },
  responses: {
    200: {
      description: 'A page of lines, or with follow=true an event stream (`log` events: LogLine)',
      content: {
        'application/json': { schema: LogPageView },
        'text/event-stream': { schema: z.string() },
      },
    },
    400: errorResponse(400, ['invalid_id', 'invalid_query', 'invalid_cursor']),
    ...instanceErrors,
    503: errorResponse(503, ['logs_unavailable', 'logs_not_configured', 'redis_unavailable']),
  },
});

interface Cursor {
  nextToken: string;
  startTime: number;
  endTime?: number | undefined;
}

/** The cursor carries the query it continues: CloudWatch's token is only valid for the same query. */
const encodeLogCursor = (cursor: Cursor) => Buffer.from(JSON.stringify(cursor)).toString('base64url');
function decodeLogCursor(raw: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Partial<Cursor>;
    if (
      typeof c.nextToken === 'string' &&
      Number.isSafeInteger(c.startTime) &&
      (c.endTime === undefined || Number.isSafeInteger(c.endTime))
    )
      return c as Cursor;
  } catch {
    // Not base64url JSON: answered below like any other cursor we did not issue.
  }
  throw new ApiError(400, 'invalid_cursor', 'query: cursor is not one we issued');
}

export function registerInstanceLogs(app: OpenAPIHono<AppEnv>, heartbeatMs = DEFAULT_HEARTBEAT_MS): void {
  app.openapi(route, async (c) => {
    const { id } = c.req.valid('param');
    const query = c.req.valid('query');
    const { store, logs, config } = c.get('deps');
    // Bad input first (400, nothing read), then the instance (404), then whether logs can be read (503).
    const follow = query.follow === 'true';
    if (follow && query.cursor) throw new ApiError(400, 'invalid_query', 'query: follow takes no cursor');
    const since = query.since ? Date.parse(query.since) : undefined;
    const until = query.until ? Date.parse(query.until) : undefined;
    if (since !== undefined && until !== undefined && since > until)
      throw new ApiError(400, 'invalid_query', 'query: since is after until');
    const cursor = query.cursor ? decodeLogCursor(query.cursor) : undefined;
    const instance = await store.get(id);
    if (!instance) throw instanceNotFound(id);
    if (!logs) throw new ApiError(503, 'logs_not_configured', 'This API has no LOG_GROUP to read logs from');
    const range = cursor ?? {
      startTime: since ?? Date.parse(instance.createdAt),
      endTime: until,
      nextToken: undefined,
    };
    const redact = await logs.redactorFor(id);
    if (follow) {
      return followLogs(c, logs, id, redact, {
        since: since ?? Date.now(),
        pollMs: config.LOGS_FOLLOW_POLL_MS,
        heartbeatMs,
      });
    }
    const page = await logs.page(id, { ...range, limit: query.limit }, redact);
    const nextCursor = page.nextToken
      ? encodeLogCursor({ nextToken: page.nextToken, startTime: range.startTime, endTime: range.endTime })
      : null;
    return c.json({ items: page.lines, nextCursor }, 200);
  });
}
