import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { type InstanceStatus, STEP_IDS } from '../../shared/domain.js';
import { ApiError } from '../api-error.js';
import type { AppEnv } from '../app-env.js';
import { streamInstanceEvents } from '../instance-stream.js';
import { clientAddress } from '../middleware/client-address.js';
import {
  errorResponse,
  errors,
  InstanceIdParams,
  idErrors,
  LastEventIdHeader,
  publicSecurity,
  redisErrors,
} from '../schemas.js';
import type { SignupKit } from '../signup/signup-kit.js';
import type { SignupProgressEvent, SignupSnapshotEvent } from '../stream-events.js';

/** The page's stream ends once nothing changes without a new request from its owner. */
const SIGNUP_STREAM_END: ReadonlySet<InstanceStatus> = new Set([
  'running',
  'failed',
  'deleted',
  'deleting',
  'degraded',
]);

const eventsRoute = createRoute({
  method: 'get',
  path: '/signup/{id}/events',
  operationId: 'streamSignupEvents',
  tags: ['signup'],
  security: publicSecurity,
  summary: 'Progress of a signup: `snapshot`, then `status`/`step` events with states only',
  description:
    'Needs the short-lived stream token a verified link hands out (`links.events`). Open streams are capped per client and in total (429); a stream ends at running, failed, deleted, deleting or degraded, or after a maximum duration, when EventSource reconnects (Last-Event-ID) and gets a fresh snapshot.',
  request: {
    params: InstanceIdParams,
    query: z.object({ token: z.string().max(512).optional() }),
    headers: LastEventIdHeader,
  },
  responses: {
    200: { description: 'An event stream', content: { 'text/event-stream': { schema: z.string() } } },
    ...idErrors,
    401: errorResponse(401, ['stream_token_invalid']),
    404: errors[404],
    429: errorResponse(429, ['too_many_streams']),
    500: errors[500],
    ...redisErrors,
  },
});

export function registerSignupEvents(app: OpenAPIHono<AppEnv>, kit: SignupKit, heartbeatMs?: number): void {
  app.openapi(eventsRoute, async (c) => {
    const { id } = c.req.valid('param');
    const verified = kit.signer.verify(c.req.valid('query').token ?? '', 'stream');
    if (!verified.ok || verified.claims.s !== id) {
      // Same answer for a wrong id as for a bad token: the stream tells nothing about other instances.
      throw new ApiError(
        401,
        'stream_token_invalid',
        verified.ok || verified.reason === 'invalid'
          ? 'This progress link is not valid; open the link from your mail again'
          : 'This progress link has expired; open a new link from your mail',
      );
    }
    const release = kit.gate.admit(clientAddress(c, c.var.deps.config.TRUSTED_PROXY_HOPS));
    try {
      return await streamInstanceEvents(
        c,
        id,
        {
          snapshot: (record): z.infer<typeof SignupSnapshotEvent> => ({
            status: record.status,
            currentStep: record.currentStep,
            steps: STEP_IDS.map((step) => ({ id: step, state: record.steps[step].state })),
          }),
          event: (event): z.infer<typeof SignupProgressEvent> => ({
            status: event.status,
            currentStep: event.currentStep,
            ...(event.step ? { step: { id: event.step.id, state: event.step.state } } : {}),
          }),
        },
        heartbeatMs,
        { endStatuses: SIGNUP_STREAM_END, maxMs: kit.streams.maxMs, onClose: release },
      );
    } catch (error) {
      release();
      throw error;
    }
  });
}
