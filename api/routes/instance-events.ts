import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../app-env.js';
import { streamInstanceEvents } from '../instance-stream.js';
import { toInstanceView } from '../instance-view.js';
import { bearerSecurity, InstanceIdParams, idErrors, instanceErrors, LastEventIdHeader } from '../schemas.js';
import { type InstanceStatusEvent, type InstanceStepEvent, registerStreamEvents } from '../stream-events.js';

const route = createRoute({
  method: 'get',
  path: '/v1/instances/{id}/events',
  operationId: 'streamInstanceEvents',
  tags: ['instances'],
  summary: 'Server-sent events of status and step changes',
  description:
    'First event `snapshot` (an `Instance`), then `status` (`InstanceStatusEvent`) and `step` (`InstanceStepEvent`) events; a `: heartbeat` comment every 15 s; `error` (`StreamErrorEvent`) if the stream fails. The stream ends when the instance is running, failed or deleted.',
  security: bearerSecurity,
  request: { params: InstanceIdParams, headers: LastEventIdHeader },
  responses: {
    200: {
      description: 'An event stream',
      content: { 'text/event-stream': { schema: z.string() } },
    },
    ...idErrors,
    ...instanceErrors,
  },
});

type Event = z.infer<typeof InstanceStatusEvent> | z.infer<typeof InstanceStepEvent>;

export function registerInstanceEvents(app: OpenAPIHono<AppEnv>, heartbeatMs?: number): void {
  registerStreamEvents(app.openAPIRegistry);
  app.openapi(route, async (c) => {
    const { id } = c.req.valid('param');
    return streamInstanceEvents(
      c,
      id,
      {
        snapshot: toInstanceView,
        // Checkpoint outputs (ARNs) stay internal, as in the instance view.
        event: ({ step, ...rest }): Event =>
          step
            ? {
                ...rest,
                step: {
                  id: step.id,
                  state: step.state,
                  startedAt: step.startedAt ?? null,
                  endedAt: step.endedAt ?? null,
                  attempts: step.attempts,
                  lastError: step.lastError ?? null,
                },
              }
            : rest,
      },
      heartbeatMs,
    );
  });
}
