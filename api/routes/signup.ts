import { createHash } from 'node:crypto';
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { ApiError } from '../api-error.js';
import type { AppDeps, AppEnv } from '../app-env.js';
import { clientAddress } from '../middleware/client-address.js';
import { requestLog } from '../middleware/request-id.js';
import {
  anthropicKeySchema,
  bodyErrors,
  emailSchema,
  errorResponse,
  errors,
  jsonBody,
  publicSecurity,
} from '../schemas.js';
import { redactEmail } from '../signup/mailer.js';
import type { PendingLink } from '../signup/pending-links.js';
import { makeSignupKit, type SignupKit, type SignupOptions } from '../signup/signup-kit.js';
import { registerSignupEvents } from './signup-events.js';
import { registerSignupOpen } from './signup-open.js';

/**
 * The signup page's same-origin backend (the browser never holds API_TOKEN). Nothing is given away
 * before the owner of an address proves it: `POST /signup` mails a single-use link and answers the same
 * whatever the address; only opening the link (signup-open.ts) creates or resumes an instance.
 */
const altcha = z
  .string()
  .min(1)
  .max(4096)
  .openapi({ description: 'The ALTCHA widget payload (proof of work)' });
const SignupBody = z
  .strictObject({ email: emailSchema, anthropicApiKey: anthropicKeySchema.optional(), altcha })
  .openapi('SignupRequest');
const LostTokenBody = z
  .strictObject({ email: emailSchema, anthropicApiKey: anthropicKeySchema.optional(), altcha })
  .openapi('LostTokenRequest');

export const CHECK_YOUR_EMAIL = {
  status: 'check_your_email',
  message:
    'If this address can receive mail, a link is on its way to it. Open it on this device to continue.',
} as const;
const CheckYourEmail = z
  .object({ status: z.literal('check_your_email'), message: z.string() })
  .openapi('CheckYourEmail');

const mailResponses = {
  202: {
    description: 'The same answer for every address: a link was mailed if the address can receive it',
    content: { 'application/json': { schema: CheckYourEmail } },
  },
  ...bodyErrors,
  400: errorResponse(400, ['invalid_json', 'invalid_body', 'bad_request', 'proof_of_work_failed']),
  429: errorResponse(429, ['rate_limited']),
  500: errors[500],
  503: errorResponse(503, ['mail_unavailable', 'redis_unavailable']),
};

/** A public form that mails a link: the same answer whatever the address (see mailResponses). */
const mailRoute = <B extends z.ZodType>(path: string, operationId: string, summary: string, body: B) =>
  createRoute({
    method: 'post',
    path,
    operationId,
    tags: ['signup'],
    security: publicSecurity,
    summary,
    request: { body: jsonBody(body) },
    responses: mailResponses,
  });
const signupRoute = mailRoute(
  '/signup',
  'signUp',
  'Ask for a signup link by mail (proof of work, rate limited)',
  SignupBody,
);
const lostTokenRoute = mailRoute(
  '/signup/lost-token',
  'requestLostTokenLink',
  'Ask for a link that issues a new gateway token, mailed to the verified address',
  LostTokenBody,
);
const challengeRoute = createRoute({
  method: 'get',
  path: '/signup-challenge',
  operationId: 'getSignupChallenge',
  tags: ['signup'],
  security: publicSecurity,
  summary: 'A signed ALTCHA proof-of-work challenge for the signup forms',
  responses: {
    200: { description: 'The challenge', content: { 'application/json': { schema: z.any() } } },
    429: errorResponse(429, ['rate_limited']),
    500: errors[500],
  },
});

export const normalizeEmail = (email: string) => email.trim().toLowerCase();
const emailHash = (email: string) => createHash('sha256').update(email).digest('hex');

const MAIL_TEXT = {
  signup: {
    subject: 'Your OpenClaw gateway: confirm your address',
    body: 'Open this link to continue to your OpenClaw gateway (it creates it, or shows the one you have):',
  },
  token: {
    subject: 'Your OpenClaw gateway: a new token',
    body: 'Open this link to get a new gateway token. The old token stops working once the new one is live:',
  },
} as const;

/** Proof of work, per-address limit (silent), link, mail: the answer never depends on the address. */
async function mailLink(
  deps: AppDeps,
  kit: SignupKit,
  c: Context<AppEnv>,
  pending: PendingLink,
  pow: string,
) {
  if (!(await kit.pow.spend(pow))) {
    throw new ApiError(400, 'proof_of_work_failed', 'The anti-spam check did not pass; please try again');
  }
  const log = requestLog(c);
  if (!(await kit.limiter.mail(emailHash(pending.email)))) {
    log.info({ to: redactEmail(pending.email) }, 'signup mail skipped: this address had enough this hour');
    return;
  }
  const token = await kit.links.issue(pending);
  const link = kit.linkUrl(pending.purpose, token);
  const minutes = Math.round(deps.config.SIGNUP_LINK_TTL_SECONDS / 60);
  const text = MAIL_TEXT[pending.purpose];
  try {
    await kit.mailer.send({
      to: pending.email,
      subject: text.subject,
      text: `${text.body}\n\n${link}\n\nIt works once, for ${minutes} minutes. If you did not ask for it, ignore this mail: nothing happens until the link is opened.\n`,
      link,
    });
  } catch (error) {
    log.warn({ to: redactEmail(pending.email), reason: (error as Error).message }, 'signup mail not sent');
    throw new ApiError(
      503,
      'mail_unavailable',
      'We could not send the mail just now; please try again',
      undefined,
      {
        'Retry-After': '30',
      },
    );
  }
  log.info({ to: redactEmail(pending.email), purpose: pending.purpose }, 'signup link mailed');
}

export function registerSignup(
  app: OpenAPIHono<AppEnv>,
  deps: AppDeps,
  options: SignupOptions & { heartbeatMs?: number } = {},
) {
  const kit = makeSignupKit(deps, options);
  const limited = createMiddleware<AppEnv>(async (c, next) => {
    if (c.req.method === 'POST') await kit.limiter.request(clientAddress(c, deps.config.TRUSTED_PROXY_HOPS));
    await next();
  });
  app.use('/signup', limited);

  app.openapi(challengeRoute, async (c) => {
    await kit.limiter.challenge(clientAddress(c, deps.config.TRUSTED_PROXY_HOPS));
    return c.json(await kit.pow.challenge(), 200, { 'Cache-Control': 'no-store' });
  });

  app.openapi(signupRoute, async (c) => {
    const body = c.req.valid('json');
    const email = normalizeEmail(body.email);
    await mailLink(
      deps,
      kit,
      c,
      {
        purpose: 'signup',
        email,
        ...(body.anthropicApiKey ? { anthropicApiKey: body.anthropicApiKey } : {}),
      },
      body.altcha,
    );
    return c.json(CHECK_YOUR_EMAIL, 202);
  });

  app.openapi(lostTokenRoute, async (c) => {
    // Limited here, not by middleware: an `ALL /signup/lost-token` beside `/signup/:id/events` would
    // push the app off RegExpRouter.
    await kit.limiter.request(clientAddress(c, deps.config.TRUSTED_PROXY_HOPS));
    const body = c.req.valid('json');
    const email = normalizeEmail(body.email);
    // An address with no instance gets a link too (opening it says so): the answer must not differ.
    await mailLink(
      deps,
      kit,
      c,
      { purpose: 'token', email, ...(body.anthropicApiKey ? { anthropicApiKey: body.anthropicApiKey } : {}) },
      body.altcha,
    );
    return c.json(CHECK_YOUR_EMAIL, 202);
  });

  registerSignupOpen(app, kit);
  registerSignupEvents(app, kit, options.heartbeatMs);
  return kit;
}
