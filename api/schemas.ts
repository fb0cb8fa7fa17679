import { z } from '@hono/zod-openapi';
import { INSTANCE_STATUSES, STEP_IDS } from '../shared/domain.js';
import { INSTANCE_ID_PATTERN } from '../shared/naming.js';
import {
  codesWithStatus,
  ERROR_CODE_LIST,
  ERROR_CODES,
  type ErrorCode,
  RETRY_AFTER_CODES,
} from './error-codes.js';
import { acceptedExample, createdInstanceExample, instanceExample } from './schema-examples.js';

/**
 * The API's contract: these schemas validate requests and generate `/openapi.json`, so the document
 * cannot drift from what the server accepts.
 */

const codeList = ERROR_CODE_LIST.map(
  (code) => `- \`${code}\` (${ERROR_CODES[code].status}): ${ERROR_CODES[code].description}`,
).join('\n');

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.enum(ERROR_CODE_LIST).openapi({
        description: `What went wrong, for a client to switch on:\n\n${codeList}`,
        example: 'invalid_body',
        'x-enumDescriptions': Object.fromEntries(ERROR_CODE_LIST.map((c) => [c, ERROR_CODES[c].description])),
      }),
      message: z.string().openapi({ example: 'userId: Too small: expected string to have >=1 characters' }),
      details: z.unknown().openapi({ description: 'Machine-readable context, e.g. the zod issues' }),
      requestId: z.string().openapi({ example: '3f1c5a0e-5b7e-4d4a-9a53-0b8d8f0c2a11' }),
    }),
  })
  .openapi('Error');

/**
 * Letters, digits and `. _ @ + : -`, never a path: not `.` or `..` (or only dots), no `..` inside, no
 * leading dot. A user id names Redis keys and AWS resources and may end up in a path or a URL.
 */
export const USER_ID_PATTERN = /^(?!\.)(?!.*\.\.)[A-Za-z0-9._@+:-]{1,128}$/;
export const ANTHROPIC_KEY_PATTERN = /^sk-ant-[A-Za-z0-9_-]{13,249}$/;

export const emailSchema = z.email().max(254).openapi({ example: 'ada@example.com' });

export const anthropicKeySchema = z
  .string()
  .min(20)
  .max(256)
  .regex(ANTHROPIC_KEY_PATTERN, 'must look like an Anthropic key (sk-ant-...)')
  .openapi({
    description: 'Own Anthropic key; the platform key is used when absent',
    example: 'sk-ant-api03-EXAMPLEONLYexampleOnly0123456789',
  });

export const CreateInstanceBody = z
  .strictObject({
    userId: z
      .string()
      .min(1)
      .max(128)
      .regex(USER_ID_PATTERN, 'letters, digits and . _ @ + : - only; not starting with a dot or holding ..')
      .openapi({ example: 'user-42' }),
    email: emailSchema,
    anthropicApiKey: anthropicKeySchema.optional(),
  })
  .openapi('CreateInstanceRequest');

export const InstanceIdParams = z.object({
  id: z
    .string()
    .regex(INSTANCE_ID_PATTERN, 'an instance id is 12 characters of a-z and 2-7')
    .openapi({ param: { name: 'id', in: 'path' }, example: 'k3v7q2mzx4ab' }),
});

/**
 * EventSource sends it when it reconnects. Events carry no ids: every connection starts with a full
 * `snapshot`, so a client that reconnects misses nothing and the header is accepted and not needed.
 */
export const LastEventIdHeader = z.object({
  'last-event-id': z
    .string()
    .max(200)
    .optional()
    .openapi({
      param: { name: 'last-event-id', in: 'header' },
      description: 'Sent by EventSource on reconnect; not needed: each connection starts with a snapshot',
    }),
});

export const ListQuery = z.strictObject({
  status: z
    .enum(INSTANCE_STATUSES)
    .optional()
    .openapi({ param: { name: 'status', in: 'query' } }),
  cursor: z
    .string()
    .max(200)
    .optional()
    .openapi({ param: { name: 'cursor', in: 'query' }, description: 'nextCursor of the previous page' }),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .default(20)
    .openapi({ param: { name: 'limit', in: 'query' }, example: 20 }),
});

const StepError = z.object({ code: z.string(), message: z.string() });

export const StepView = z
  .object({
    id: z.enum(STEP_IDS).openapi({
      description: `The create saga's steps, in order (${STEP_IDS.join(' → ')}). The last, \`reachable\`, is the gate: the instance URL answered \`GET <url>health\` with the gateway token through the load balancer; only then is the instance \`running\`.`,
      example: 'reachable',
    }),
    state: z.enum(['pending', 'running', 'waiting', 'done', 'failed']),
    startedAt: z.string().nullable(),
    endedAt: z.string().nullable(),
    attempts: z.number().int(),
    lastError: StepError.nullable(),
  })
  .openapi('Step');

export const Links = z
  .object({ self: z.string(), events: z.string(), delete: z.string() })
  .openapi('InstanceLinks');

export const LeftoverView = z
  .object({
    step: z.enum(STEP_IDS).openapi({ example: 'task-definition' }),
    resources: z.array(z.string()).openapi({
      description: 'ARNs (or names) still there',
      example: ['arn:aws:ecs:us-west-2:123456789012:task-definition/openclaw-k3v7q2mzx4ab:1'],
    }),
    code: z
      .string()
      .openapi({ description: "AWS's error code from the last attempt", example: 'UnknownOperation' }),
    message: z.string(),
    at: z.string().openapi({ description: 'When the last attempt failed' }),
  })
  .openapi('Leftover', {
    description:
      'Housekeeping a delete could not do and did not need to (e.g. INACTIVE task-definition revisions): no credential and no route remains; the reconciler retries it until it is gone.',
  });

export const InstanceView = z
  .object({
    id: z.string(),
    userId: z.string(),
    email: z.string(),
    status: z.enum(INSTANCE_STATUSES),
    currentStep: z.enum(STEP_IDS).nullable(),
    steps: z.array(StepView),
    url: z.string().openapi({ example: 'http://openclaw-alb.example/k3v7q2mzx4ab/' }),
    image: z.string().nullable().openapi({
      description:
        'The gateway image its task definition runs (null until the create chose one); rollouts move it',
    }),
    error: StepError.extend({ step: z.string() }).nullable(),
    requestId: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
    runningAt: z.string().nullable(),
    deletedAt: z.string().nullable(),
    leftovers: z.array(LeftoverView).openapi({
      description:
        'On a deleted instance: what its delete left for the reconciler to remove; empty once it is gone (and always for any other status).',
    }),
    links: Links,
  })
  .openapi('Instance', { example: instanceExample });

export const CreatedInstance = z
  .object({
    id: z.string(),
    status: z.enum(INSTANCE_STATUSES),
    url: z.string(),
    gatewayToken: z.string().openapi({ description: 'Shown this once; the platform keeps no readable copy' }),
    links: Links,
  })
  .openapi('CreatedInstance', { example: createdInstanceExample });

export const InstancePage = z
  .object({ items: z.array(InstanceView), nextCursor: z.string().nullable() })
  .openapi('InstancePage');

export const Accepted = z
  .object({ id: z.string(), status: z.enum(INSTANCE_STATUSES), links: Links })
  .openapi('Accepted', { example: acceptedExample });

export const IdempotencyHeaders = z.object({
  // Named as HTTP sends it; header names are case-insensitive, and the validator reads them lowercased.
  'Idempotency-Key': z
    .string()
    .min(1)
    .max(255)
    .optional()
    .openapi({
      param: { name: 'Idempotency-Key', in: 'header' },
      description:
        'Makes a retry safe: the same key and body within 24 h replay the first response (the gateway token included, with `Idempotent-Replayed: true`); the same key with another body is 422; while the first request runs, 409.',
      example: '5f0c9a7e-signup-42',
    }),
});

const EXAMPLE_REQUEST_ID = '3f1c5a0e-5b7e-4d4a-9a53-0b8d8f0c2a11';

/** `Retry-After` as the API sends it: whole seconds. */
export const retryAfterHeader = {
  'Retry-After': {
    description: 'Seconds to wait before trying again',
    schema: { type: 'integer' as const, minimum: 1, example: 60 },
  },
};

/**
 * An error response for `createRoute({ responses })`: the shared Error schema, the codes this operation
 * can answer with this status (default: every code of the status), and one example per code.
 */
export function errorResponse(status: number, codes: readonly ErrorCode[] = codesWithStatus(status)) {
  const sendsRetryAfter = codes.some((c) => RETRY_AFTER_CODES.includes(c));
  return {
    description: codes.map((c) => `\`${c}\`: ${ERROR_CODES[c].description}`).join('; '),
    ...(sendsRetryAfter ? { headers: retryAfterHeader } : {}),
    content: {
      'application/json': {
        schema: ErrorSchema,
        examples: Object.fromEntries(
          codes.map((code) => [
            code,
            {
              summary: ERROR_CODES[code].description,
              value: {
                error: {
                  code,
                  message: ERROR_CODES[code].description,
                  details: null,
                  requestId: EXAMPLE_REQUEST_ID,
                },
              },
            },
          ]),
        ),
      },
    },
  };
}

/** Error responses by status, every code of each, for `createRoute({ responses })`. */
export const errors = {
  400: errorResponse(400),
  401: errorResponse(401),
  404: errorResponse(404),
  409: errorResponse(409),
  410: errorResponse(410),
  413: errorResponse(413),
  415: errorResponse(415),
  429: errorResponse(429),
  500: errorResponse(500),
  422: errorResponse(422),
  503: errorResponse(503),
} as const;

/** Any operation that reads or writes Redis: while Redis is away it answers 503 at once. */
export const redisErrors = { 503: errorResponse(503, ['redis_unavailable']) } as const;

/** What every operation on one instance (`/v1/instances/{id}…`) may answer besides its own errors. */
export const instanceErrors = {
  401: errors[401],
  404: errors[404],
  413: errors[413],
  500: errors[500],
  ...redisErrors,
} as const;

/** What a bad path id answers. */
export const idErrors = { 400: errorResponse(400, ['invalid_id']) } as const;
/** What a JSON body that does not parse or validate answers. */
export const bodyErrors = {
  400: errorResponse(400, ['invalid_json', 'invalid_body', 'bad_request']),
  413: errors[413],
  415: errors[415],
} as const;

/** A required JSON request body, for `createRoute({ request: { body } })`; the schema validates it. */
export const jsonBody = <S extends z.ZodType>(schema: S) =>
  ({ required: true, content: { 'application/json': { schema } } }) as const;

export const bearerSecurity = [{ bearerAuth: [] }];
/** An explicit "no credentials": a public operation. */
export const publicSecurity: { [name: string]: string[] }[] = [];
