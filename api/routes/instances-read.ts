import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { ApiError, instanceNotFound } from '../api-error.js';
import type { AppEnv } from '../app-env.js';
import { toInstanceView } from '../instance-view.js';
import {
  bearerSecurity,
  errorResponse,
  errors,
  InstanceIdParams,
  InstancePage,
  InstanceView,
  idErrors,
  instanceErrors,
  ListQuery,
  redisErrors,
} from '../schemas.js';

const getRoute = createRoute({
  method: 'get',
  path: '/v1/instances/{id}',
  operationId: 'getInstance',
  tags: ['instances'],
  summary: 'An instance: status, current step, every step, URL, timestamps',
  security: bearerSecurity,
  request: { params: InstanceIdParams },
  responses: {
    200: { description: 'The instance', content: { 'application/json': { schema: InstanceView } } },
    ...idErrors,
    ...instanceErrors,
  },
});

const listRoute = createRoute({
  method: 'get',
  path: '/v1/instances',
  operationId: 'listInstances',
  tags: ['instances'],
  summary: 'A page of instances, newest first',
  security: bearerSecurity,
  request: { query: ListQuery },
  responses: {
    200: { description: 'A page', content: { 'application/json': { schema: InstancePage } } },
    400: errorResponse(400, ['invalid_query', 'invalid_cursor']),
    401: errors[401],
    413: errors[413],
    500: errors[500],
    ...redisErrors,
  },
});

/** The store's cursor is an index member, `<15-digit ms>:<id>`; clients see it as opaque base64url. */
const STORE_CURSOR = /^\d{15}:[a-z2-7]{12}$/;
export const encodeCursor = (member: string) => Buffer.from(member).toString('base64url');
export function decodeCursor(cursor: string): string {
  const member = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!STORE_CURSOR.test(member))
    throw new ApiError(400, 'invalid_cursor', 'query: cursor is not one we issued');
  return member;
}

export function registerReadInstances(app: OpenAPIHono<AppEnv>): void {
  app.openapi(getRoute, async (c) => {
    const { id } = c.req.valid('param');
    const instance = await c.var.deps.store.get(id);
    if (!instance) throw instanceNotFound(id);
    return c.json(toInstanceView(instance), 200);
  });

  app.openapi(listRoute, async (c) => {
    const query = c.req.valid('query');
    const page = await c.var.deps.store.list({
      limit: query.limit,
      ...(query.status ? { status: query.status } : {}),
      ...(query.cursor ? { cursor: decodeCursor(query.cursor) } : {}),
    });
    return c.json(
      {
        items: page.items.map(toInstanceView),
        nextCursor: page.nextCursor ? encodeCursor(page.nextCursor) : null,
      },
      200,
    );
  });
}
