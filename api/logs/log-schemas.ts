import { z } from '@hono/zod-openapi';

const instant = z.iso.datetime({ offset: true });

export const LogsQuery = z.strictObject({
  since: instant.optional().openapi({
    param: { name: 'since', in: 'query' },
    description: 'Lines at or after this time (default: when the instance was created; with follow, now)',
    example: '2026-11-29T23:00:00Z',
  }),
  until: instant.optional().openapi({
    param: { name: 'until', in: 'query' },
    description: 'Lines at or before this time (default: no end)',
  }),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(100)
    .openapi({ param: { name: 'limit', in: 'query' }, description: 'Lines per page at most', example: 100 }),
  cursor: z
    .string()
    .max(4096)
    .optional()
    .openapi({
      param: { name: 'cursor', in: 'query' },
      description: 'nextCursor of the previous page; it carries since and until',
    }),
  follow: z
    .enum(['true', 'false'])
    .default('false')
    .openapi({
      param: { name: 'follow', in: 'query' },
      description: 'true: a server-sent event stream of new lines instead of a page',
    }),
});

export const LogLineView = z
  .object({
    eventId: z.string().openapi({ description: 'CloudWatch Logs event id, unique in the log group' }),
    timestamp: z.string().openapi({ example: '2026-11-29T23:01:02.345Z' }),
    taskId: z.string().openapi({
      description: 'The ECS task that wrote the line: a restart starts a new task',
      example: '0f3c9d2b8e7a4c1d9b6e5f4a3c2b1a09',
    }),
    message: z.string().openapi({
      description: 'The line as the gateway wrote it, with the instance secrets replaced by [redacted]',
      example: 'GET /k3v7q2mzx4ab/health 200',
    }),
  })
  .openapi('LogLine');

export const LogPageView = z
  .object({
    items: z.array(LogLineView).openapi({ description: 'Oldest first, across all of the instance tasks' }),
    nextCursor: z.string().nullable().openapi({
      description: 'More lines may follow (a page can be short, even empty); null when the range is read',
    }),
  })
  .openapi('LogPage');
