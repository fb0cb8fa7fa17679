import { type OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../app-env.js';
import { bearerSecurity, errors } from '../schemas.js';

const json = (description: string) => ({
  description,
  content: { 'application/json': { schema: z.object({}).passthrough() } },
});

// The same zod objects the routes validate with, in OpenAPI-friendly form (strings on the wire).
const HistoryQuery = z.strictObject({
  from: z.string().optional().openapi({ description: 'epoch ms or ISO date-time; default: to - 24 h' }),
  to: z.string().optional().openapi({ description: 'epoch ms or ISO date-time; default: now' }),
  step: z.string().optional().openapi({ description: 'bucket width in ms (1000 to 86400000)' }),
});
const ProjectionQuery = z.strictObject({
  users: z.string().openapi({ description: 'user count, 0 to 100000', example: '100' }),
});

/**
 * The capacity and cost routes are a plain Hono sub-app (they render HTML and Prometheus text too);
 * their /v1 operations are registered here so the OpenAPI document covers every /v1 route.
 */
export function registerCapacityOpenApi(app: OpenAPIHono<AppEnv>): void {
  const common = { security: bearerSecurity, tags: ['capacity'] };
  const failures = { 401: errors[401], 500: errors[500] };
  app.openAPIRegistry.registerPath({
    ...common,
    method: 'get',
    path: '/v1/capacity',
    summary: 'Latest capacity sample (reservation, instances, idle, waiting signups) and routing slots',
    responses: { 200: json('The latest sample, staleness, and routing capacity used and left'), ...failures },
  });
  app.openAPIRegistry.registerPath({
    ...common,
    method: 'get',
    path: '/v1/capacity/history',
    summary: 'Capacity samples over time; gaps stay gaps',
    request: { query: HistoryQuery },
    responses: { 200: json('Points from `from` to `to`'), 400: errors[400], ...failures },
  });
  app.openAPIRegistry.registerPath({
    ...common,
    method: 'get',
    path: '/v1/cost',
    summary: 'Cost per hour and month by component, per user, idle waste, and the headroom table',
    responses: { 200: json('The current cost report'), 503: errors[503], ...failures },
  });
  app.openAPIRegistry.registerPath({
    ...common,
    method: 'get',
    path: '/v1/cost/projection',
    summary: 'What N users need, never capped: instances by type, ASG max_size, ALBs, quotas and cost',
    request: { query: ProjectionQuery },
    responses: { 200: json('The projection'), 400: errors[400], 503: errors[503], ...failures },
  });
  app.openAPIRegistry.registerPath({
    ...common,
    method: 'get',
    path: '/v1/cost/options',
    summary: 'The price of each design choice at N users: egress, ENI trunking, instance mix, Savings Plan',
    request: { query: ProjectionQuery },
    responses: {
      200: json('One row per option of each choice'),
      400: errors[400],
      503: errors[503],
      ...failures,
    },
  });
}
