import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { INSTANCE_STATUSES, STEP_IDS } from '../../shared/domain.js';
import { ApiError } from '../api-error.js';
import type { AppEnv } from '../app-env.js';
import { rotateCredentials } from '../credentials-rotation.js';
import { requestLog } from '../middleware/request-id.js';
import { bodyErrors, errorResponse, errors, jsonBody, publicSecurity } from '../schemas.js';
import { findLive, openInstanceFor } from '../signup/open-instance.js';
import type { SignupKit } from '../signup/signup-kit.js';

/**
 * Opening a mailed link. The page reads the link's token from the URL fragment and posts it here, so
 * the token never reaches access logs, and a mail scanner that fetches the link spends nothing.
 */
const OpenBody = z.strictObject({ token: z.string().min(10).max(1024) }).openapi('SignupLinkRequest');

const Opened = z
  .object({
    id: z.string(),
    status: z.enum(INSTANCE_STATUSES),
    url: z.string(),
    steps: z.array(z.enum(STEP_IDS)),
    gatewayToken: z.string().optional().openapi({
      description: 'Only when this request created the instance or rotated its token: shown once',
    }),
    links: z.object({
      events: z.string().openapi({ description: 'Progress stream, with its signed token' }),
    }),
  })
  .openapi('SignupOpened');

const ok = {
  description: 'The instance, created or resumed',
  content: { 'application/json': { schema: Opened } },
};
const linkErrors = {
  ...bodyErrors,
  400: errorResponse(400, ['invalid_json', 'invalid_body', 'bad_request', 'link_invalid']),
  410: errorResponse(410, ['link_expired', 'link_used']),
  500: errors[500],
};

const verifyRoute = createRoute({
  method: 'post',
  path: '/signup/verify',
  operationId: 'openSignupLink',
  tags: ['signup'],
  security: publicSecurity,
  summary: 'Open a mailed signup link: creates the instance, resumes its view, or restarts a failed one',
  request: { body: jsonBody(OpenBody) },
  responses: {
    200: ok,
    ...linkErrors,
    503: errorResponse(503, ['signup_full', 'no_routing_capacity', 'redis_unavailable']),
  },
});
const rotateRoute = createRoute({
  method: 'post',
  path: '/signup/rotate',
  operationId: 'openLostTokenLink',
  tags: ['signup'],
  security: publicSecurity,
  summary: 'Open a mailed lost-token link: issues a new gateway token (the old one stops working)',
  request: { body: jsonBody(OpenBody) },
  responses: {
    200: ok,
    ...linkErrors,
    404: errorResponse(404, ['no_gateway']),
    409: errorResponse(409, ['not_rotatable']),
    503: errorResponse(503, ['redis_unavailable']),
  },
});

const LINK_ERRORS = {
  invalid: [400, 'link_invalid', 'This link is not valid. Ask for a new one below.'],
  expired: [410, 'link_expired', 'This link has expired. Ask for a new one below.'],
  used: [410, 'link_used', 'This link was already used or has expired. Ask for a new one below.'],
} as const;

export function registerSignupOpen(app: OpenAPIHono<AppEnv>, kit: SignupKit): void {
  const open = async (token: string, purpose: 'signup' | 'token') => {
    const opened = await kit.links.open(token, purpose);
    if (!opened.ok) {
      const [status, code, message] = LINK_ERRORS[opened.reason];
      throw new ApiError(status, code, message);
    }
    return opened.pending;
  };
  const view = (
    instance: { id: string; status: (typeof INSTANCE_STATUSES)[number]; url: string },
    gatewayToken?: string,
  ) => ({
    id: instance.id,
    status: instance.status,
    url: instance.url,
    steps: [...STEP_IDS],
    ...(gatewayToken ? { gatewayToken } : {}),
    links: { events: `/signup/${instance.id}/events?token=${kit.streamToken(instance.id)}` },
  });

  app.openapi(verifyRoute, async (c) => {
    const pending = await open(c.req.valid('json').token, 'signup');
    const result = await openInstanceFor(c.var.deps, kit, {
      email: pending.email,
      anthropicApiKey: pending.anthropicApiKey,
      requestId: c.var.requestId,
    });
    requestLog(c).info({ instanceId: result.instance.id, created: result.created }, 'signup link opened');
    return c.json(view(result.instance, result.gatewayToken), 200);
  });

  app.openapi(rotateRoute, async (c) => {
    const pending = await open(c.req.valid('json').token, 'token');
    const deps = c.var.deps;
    const instance = await findLive(deps, pending.email);
    if (!instance) {
      throw new ApiError(404, 'no_gateway', 'This address has no gateway. Sign up below to create one.');
    }
    const result = await rotateCredentials(deps, {
      id: instance.id,
      requestId: c.var.requestId,
      anthropicApiKey: pending.anthropicApiKey,
      fromRunning: true,
    });
    if (!result.ok) {
      throw new ApiError(
        409,
        'not_rotatable',
        'Your gateway is still being set up or changed; wait until it runs, then ask for a new token again',
      );
    }
    requestLog(c).info(
      { instanceId: instance.id, rotation: result.rotation },
      'gateway token rotated by its owner',
    );
    const after = (await deps.store.get(instance.id)) ?? instance;
    return c.json(view(after, result.gatewayToken), 200);
  });
}
