import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { makeDeliveryLog } from '../../shared/webhooks/delivery-log.js';
import { webhookEndpoints } from '../../shared/webhooks/endpoints.js';
import { LIFECYCLE_EVENT_TYPES } from '../../shared/webhooks/lifecycle-events.js';
import { instanceNotFound } from '../api-error.js';
import type { AppEnv } from '../app-env.js';
import { bearerSecurity, InstanceIdParams, idErrors, instanceErrors } from '../schemas.js';

const Attempt = z
  .object({
    attempt: z.number().int().openapi({ description: '1-based, per event and endpoint', example: 1 }),
    at: z.string().openapi({ example: '2026-11-29T23:10:04.120Z' }),
    durationMs: z.number().int(),
    outcome: z.enum(['delivered', 'failed', 'expired']).openapi({
      description: '`expired`: older than WEBHOOK_RETRY_WINDOW_MS when its turn came; given up unsent',
    }),
    statusCode: z
      .number()
      .int()
      .nullable()
      .openapi({ description: "The receiver's HTTP status, if it answered" }),
    error: z
      .string()
      .nullable()
      .openapi({ example: 'HTTP 503', description: '`HTTP <status>`, `timeout` or a network error code' }),
  })
  .openapi('WebhookAttempt');

const Delivery = z
  .object({
    endpoint: z
      .string()
      .openapi({ description: 'Key of the endpoint (see `endpoints`)', example: '3f9a0c1d2e4b' }),
    state: z.enum(['pending', 'delivered', 'expired']),
    attempts: z.array(Attempt),
  })
  .openapi('WebhookDelivery');

const DeliveryEvent = z
  .object({
    id: z
      .string()
      .openapi({ description: 'The `webhook-id` header: deduplicate on it', example: 'evt_k3v7q2mzx4ab_1' }),
    sequence: z
      .number()
      .int()
      .openapi({ description: '1, 2, ... per instance: the order events are delivered in' }),
    type: z.enum(LIFECYCLE_EVENT_TYPES),
    timestamp: z.string().openapi({ description: 'When the transition happened' }),
    data: z.record(z.string(), z.string().nullable()).openapi({ description: 'The payload, as sent' }),
    deliveries: z.array(Delivery).openapi({ description: 'One per endpoint' }),
  })
  .openapi('WebhookEvent');

const Deliveries = z
  .object({
    instanceId: z.string(),
    endpoints: z
      .array(
        z.object({
          key: z.string().openapi({ description: 'A digest of the URL; the URL itself is never shown' }),
          origin: z
            .string()
            .nullable()
            .openapi({ description: 'Scheme and host; null for an endpoint no longer configured' }),
        }),
      )
      .openapi({ description: 'WEBHOOK_URLS, plus any endpoint that was sent something before' }),
    events: z.array(DeliveryEvent).openapi({ description: 'Oldest first' }),
  })
  .openapi('WebhookDeliveries');

const route = createRoute({
  method: 'get',
  path: '/v1/instances/{id}/deliveries',
  operationId: 'listInstanceDeliveries',
  tags: ['instances'],
  summary: "The instance's lifecycle webhooks: every event, and each delivery attempt and its outcome",
  description:
    'Events are sent to every WEBHOOK_URLS endpoint in sequence order per instance, signed as Standard Webhooks, retried with exponential backoff for WEBHOOK_RETRY_WINDOW_MS (24 h by default). Kept as long as the instance record.',
  security: bearerSecurity,
  request: { params: InstanceIdParams },
  responses: {
    200: { description: 'Events and attempts', content: { 'application/json': { schema: Deliveries } } },
    ...idErrors,
    ...instanceErrors,
  },
});

export function registerInstanceDeliveries(app: OpenAPIHono<AppEnv>): void {
  app.openapi(route, async (c) => {
    const { id } = c.req.valid('param');
    const { store, redis, config } = c.var.deps;
    if (!(await redis.exists(store.keys.instance(id)))) throw instanceNotFound(id);
    const view = await makeDeliveryLog(redis, store.keys).read(id, webhookEndpoints(config.WEBHOOK_URLS));
    return c.json(
      {
        instanceId: id,
        endpoints: view.endpoints,
        events: view.events.map((e) => ({ ...e, type: e.type as (typeof LIFECYCLE_EVENT_TYPES)[number] })),
      },
      200,
    );
  });
}
