import { createRoute, z } from '@hono/zod-openapi';
import { bearerSecurity, errorResponse, errors, redisErrors } from '../schemas.js';
import { CapacityResponse, HistoryResponse } from './capacity-schemas.js';
import { CostOptionsResponse, CostResponse, ProjectionResponse } from './cost-schemas.js';

/**
 * The capacity and cost operations: the query schemas validate requests and the response schemas type
 * the handlers' answers, and both generate `/openapi.json`.
 */
const DAY = 24 * 3600_000;

/** A time on the wire: epoch milliseconds or an ISO date-time; epoch ms after parsing. */
const isoOrMs = z
  .union([z.string().regex(/^\d{1,16}$/, 'epoch milliseconds'), z.iso.datetime()])
  .transform((s) => (/^\d+$/.test(s) ? Number(s) : Date.parse(s)));
export const historyQuery = z.strictObject({
  from: isoOrMs.optional().openapi({
    param: { name: 'from', in: 'query' },
    description: 'epoch ms or ISO date-time; default: to - 24 h',
  }),
  to: isoOrMs
    .optional()
    .openapi({ param: { name: 'to', in: 'query' }, description: 'epoch ms or ISO date-time; default: now' }),
  step: z.coerce
    .number()
    .int()
    .min(1000)
    .max(DAY)
    .optional()
    .openapi({ param: { name: 'step', in: 'query' }, description: 'bucket width in ms', example: 3_600_000 }),
});
export const projectionQuery = z.strictObject({
  users: z.coerce
    .number()
    .int()
    .min(0)
    .max(100_000)
    .openapi({ param: { name: 'users', in: 'query' }, description: 'user count', example: 100 }),
});

const json = <T extends z.ZodType>(description: string, schema: T) => ({
  description,
  content: { 'application/json': { schema } },
});
const common = { method: 'get' as const, tags: ['capacity'], security: bearerSecurity };
const failures = { 401: errors[401], 413: errors[413], 500: errors[500], ...redisErrors };
const noSample = { 503: errorResponse(503, ['no_sample', 'redis_unavailable']) };

export const capacityRoute = createRoute({
  ...common,
  path: '/v1/capacity',
  operationId: 'getCapacity',
  summary: 'Latest capacity sample (reservation, instances, idle, waiting signups) and routing slots',
  responses: {
    200: json(
      'The latest sample, staleness, routing capacity used and left, and the last reconcile',
      CapacityResponse,
    ),
    ...failures,
  },
});

export const historyRoute = createRoute({
  ...common,
  path: '/v1/capacity/history',
  operationId: 'getCapacityHistory',
  summary: 'Capacity samples over time; gaps stay gaps',
  request: { query: historyQuery },
  responses: {
    200: json('Points from `from` to `to`', HistoryResponse),
    400: errorResponse(400, ['invalid_query', 'invalid_range', 'too_many_points']),
    ...failures,
  },
});

export const costRoute = createRoute({
  ...common,
  path: '/v1/cost',
  operationId: 'getCost',
  summary: 'Cost per hour and month by component, per user, waste (idle and stranded) and headroom',
  responses: { 200: json('The current cost report', CostResponse), ...failures, ...noSample },
});

/** An answer about N users (`?users=`), priced from the latest sample. */
const perUsersRoute = <T extends z.ZodType>(spec: {
  path: string;
  operationId: string;
  summary: string;
  answer: string;
  schema: T;
}) =>
  createRoute({
    ...common,
    path: spec.path,
    operationId: spec.operationId,
    summary: spec.summary,
    request: { query: projectionQuery },
    responses: {
      200: json(spec.answer, spec.schema),
      400: errorResponse(400, ['invalid_query']),
      ...failures,
      ...noSample,
    },
  });

export const projectionRoute = perUsersRoute({
  path: '/v1/cost/projection',
  operationId: 'getCostProjection',
  summary: 'What N users need, never capped: instances by type, ASG max_size, ALBs, quotas and cost',
  answer: 'The projection, with the quota that binds first',
  schema: ProjectionResponse,
});

export const costOptionsRoute = perUsersRoute({
  path: '/v1/cost/options',
  operationId: 'getCostOptions',
  summary: 'The price of each design choice at N users: egress, ENI trunking, instance mix, Savings Plan',
  answer: 'One row per option of each choice, against the current setting',
  schema: CostOptionsResponse,
});
