import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { INSTANCE_STATUSES, STEP_IDS } from '../../shared/domain.js';
import { ApiError } from '../api-error.js';
import type { AppEnv } from '../app-env.js';
import { streamInstanceEvents } from '../instance-stream.js';
import { requestLog } from '../middleware/request-id.js';
import { provisionInstance } from '../provision.js';
import { type RateLimitOptions, rateLimit } from '../rate-limit.js';
import {
  anthropicKeySchema,
  bodyErrors,
  emailSchema,
  errorResponse,
  errors,
  InstanceIdParams,
  idErrors,
  LastEventIdHeader,
  publicSecurity,
  redisErrors,
} from '../schemas.js';
import type { SignupProgressEvent, SignupSnapshotEvent } from '../stream-events.js';

/**
 * The signup page's same-origin backend: the browser never holds API_TOKEN. The user id is the
 * normalized email, so one address gets one live instance. Progress is a mirror of the instance's
 * events showing only status and step states (no email, no URL, no error text).
 */
const SignupBody = z
  .strictObject({ email: emailSchema, anthropicApiKey: anthropicKeySchema.optional() })
  .openapi('SignupRequest');

const SignupAccepted = z
  .object({
    id: z.string(),
    status: z.enum(INSTANCE_STATUSES),
    url: z.string(),
    gatewayToken: z.string(),
    steps: z.array(z.enum(STEP_IDS)),
    links: z.object({ events: z.string() }),
  })
  .openapi('SignupAccepted');

const signupRoute = createRoute({
  method: 'post',
  path: '/signup',
  operationId: 'signUp',
  tags: ['signup'],
  security: publicSecurity,
  summary: 'Sign up from the public page (rate limited per address)',
  request: { body: { required: true, content: { 'application/json': { schema: SignupBody } } } },
  responses: {
    202: { description: 'Instance queued', content: { 'application/json': { schema: SignupAccepted } } },
    ...bodyErrors,
    409: errorResponse(409, ['already_signed_up']),
    429: errors[429],
    500: errors[500],
    503: errorResponse(503, ['no_routing_capacity', 'redis_unavailable']),
  },
});

const eventsRoute = createRoute({
  method: 'get',
  path: '/signup/{id}/events',
  operationId: 'streamSignupEvents',
  tags: ['signup'],
  security: publicSecurity,
  summary: 'Progress of a signup: `snapshot`, then `status`/`step` events with states only',
  description:
    'First event `snapshot` (`SignupSnapshotEvent`), then `status` and `step` events (`SignupProgressEvent`); `error` (`StreamErrorEvent`) if the stream fails. No email, URL or error text.',
  request: { params: InstanceIdParams, headers: LastEventIdHeader },
  responses: {
    200: { description: 'An event stream', content: { 'text/event-stream': { schema: z.string() } } },
    ...idErrors,
    404: errors[404],
    413: errors[413],
    ...redisErrors,
    500: errors[500],
  },
});

export const normalizeEmail = (email: string) => email.trim().toLowerCase();

export const DEFAULT_SIGNUP_LIMIT: Omit<RateLimitOptions, 'name'> = { max: 10, windowMs: 60_000 };

export function registerSignup(
  app: OpenAPIHono<AppEnv>,
  options: { limit?: Omit<RateLimitOptions, 'name'>; heartbeatMs?: number } = {},
): void {
  app.use('/signup', rateLimit({ ...(options.limit ?? DEFAULT_SIGNUP_LIMIT), name: 'signup' }));

  app.openapi(signupRoute, async (c) => {
    const body = c.req.valid('json');
    const email = normalizeEmail(body.email);
    const result = await provisionInstance(c.var.deps, {
      userId: email,
      email,
      anthropicApiKey: body.anthropicApiKey,
      requestId: c.var.requestId,
      reason: 'signup-page',
    });
    if (result.kind === 'exists') {
      // Saying which instance, or its state, would tell anyone who types an address about its owner.
      throw new ApiError(409, 'already_signed_up', 'This email address already has an instance');
    }
    requestLog(c).info({ instanceId: result.instance.id }, 'signup queued');
    return c.json(
      {
        id: result.instance.id,
        status: result.instance.status,
        url: result.instance.url,
        gatewayToken: result.gatewayToken,
        steps: [...STEP_IDS],
        links: { events: `/signup/${result.instance.id}/events` },
      },
      202,
    );
  });

  app.openapi(eventsRoute, async (c) => {
    const { id } = c.req.valid('param');
    return streamInstanceEvents(
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
      options.heartbeatMs,
    );
  });
}
