/**
 * Configuration, parsed once at boot. Nothing else in the code base reads `process.env`.
 * A missing or malformed variable stops the process with one line naming it.
 */
import { z } from 'zod';
import { envDescriptions, secretEnvNames } from './env-descriptions.js';

const csv = z
  .string()
  .transform((raw) =>
    raw
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.string()).min(1));

const positiveInt = z.coerce.number().int().positive();
const booleanFlag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/** A secret string whose JSON form (logs, error dumps) never shows the value. */
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  toJSON(): string {
    return '[redacted]';
  }
  toString(): string {
    return '[redacted]';
  }
}
const secret = (min: number) =>
  z
    .string()
    .min(min)
    .transform((v) => new Secret(v));

const encryptionKey = z
  .string()
  .refine(
    (v) => Buffer.from(v, 'base64').length === 32,
    'must be 32 bytes, base64-encoded (openssl rand -base64 32)',
  )
  .transform((v) => new Secret(v));

/** Standard Webhooks' secret form: `whsec_` and 24-64 random bytes in base64 (the HMAC key). */
const webhookSecret = z
  .string()
  .refine((v) => {
    const key = /^whsec_([A-Za-z0-9+/]+={0,2})$/.exec(v)?.[1];
    const bytes = key ? Buffer.from(key, 'base64').length : 0;
    return bytes >= 24 && bytes <= 64;
  }, 'must be whsec_ followed by 24-64 bytes in base64 (echo "whsec_$(openssl rand -base64 32)")')
  .transform((v) => new Secret(v));

/** An image pinned by tag or digest: `latest` or no tag would let a redeploy change what users run. */
const pinnedImage = z
  .string()
  .min(1)
  .refine(
    (image) => image.includes('@sha256:') || /:[^/:]+$/.test(image),
    'must be pinned by tag or digest (repo:tag or repo@sha256:...)',
  )
  .refine((image) => !image.endsWith(':latest'), 'must not use the mutable "latest" tag');

const common = {
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
  QUEUE_PREFIX: z
    .string()
    .regex(/^[a-zA-Z0-9:_-]+$/)
    .default('openclaw'),
  DATA_ENCRYPTION_KEY: encryptionKey,
  ALB_LISTENER_ARNS: csv.optional(),
  ALB_DNS_NAMES: csv.optional(),
  ALB_LISTENER_ARN: z.string().optional(),
  ALB_DNS_NAME: z.string().optional(),
  ALB_RULES_PER_LISTENER: positiveInt.default(100),
  ALB_TARGET_GROUPS_PER_ALB: positiveInt.default(100),
  ALB_QUOTA_MARGIN: z.coerce.number().int().min(0).default(2),
  // The API stamps the retry policy on the jobs it enqueues; the worker reads the attempt count too.
  JOB_ATTEMPTS: positiveInt.default(8),
  BACKOFF_BASE_MS: positiveInt.default(1000),
  COST_PRICES_FILE: z.string().optional(),
  REDIS_COMMAND_TIMEOUT_MS: positiveInt.default(1000),
  // The API lists them too: GET /v1/instances/{id}/deliveries shows each endpoint's state.
  WEBHOOK_URLS: csv.pipe(z.array(z.url({ protocol: /^https?$/ }))).optional(),
};

const aws = {
  AWS_REGION: z.string().min(1).default('us-west-2'),
  AWS_ENDPOINT_URL: z.string().url().optional(),
};

export const apiEnvSchema = z.object({
  ...common,
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  API_TOKEN: secret(16),
  ADMIN_USER: z.string().min(1).default('admin'),
  ADMIN_PASSWORD: secret(8),
  // Unset: on, except in production, where the page needs mail settings (see loadApiConfig).
  SIGNUP_PAGE: booleanFlag.optional(),
  MAX_BODY_BYTES: positiveInt.default(16 * 1024),
  TRUSTED_PROXY_HOPS: z.coerce.number().int().min(0).max(5).default(0),
  // The logs route reads CloudWatch Logs and Secrets Manager itself (worker/ARCHITECTURE.md, "Logs").
  ...aws,
  LOG_GROUP: z.string().min(1).optional(),
  LOGS_FOLLOW_POLL_MS: positiveInt.default(1000),
  METRICS_TOKEN: secret(16).optional(),
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  // Unset: on in production (see loadApiConfig), where a forged or mistaken click could delete instances.
  BULL_BOARD_READ_ONLY: booleanFlag.optional(),
  ADMIN_LOGIN_MAX_FAILURES: positiveInt.default(10),
  ADMIN_LOGIN_LOCKOUT_SECONDS: positiveInt.default(15 * 60),
  // The signup page's mail and links (api/signup/): production refuses to start the page without them.
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  SMTP_URL: z
    .url({ protocol: /^smtps?$/ })
    .transform((v) => new Secret(v))
    .optional(),
  MAIL_FROM: z.string().min(3).max(254).optional(),
  SIGNUP_SIGNING_KEY: secret(32).optional(),
  SIGNUP_LINK_TTL_SECONDS: positiveInt.max(24 * 3600).default(30 * 60),
  SIGNUP_CAPACITY_SHARE: z.coerce.number().min(0).max(1).default(0.5),
});

export const workerEnvSchema = z.object({
  ...common,
  ...aws,
  // 'aws': every worker process together stays under AWS's request buckets (shared/aws-rate-budget.ts).
  AWS_RATE_BUDGET: z.enum(['aws', 'off']).default('off'),
  AWS_RATE_BUDGET_MULTIPLIER: z.coerce.number().positive().max(1000).default(1),
  ECS_CLUSTER: z.string().min(1),
  CAPACITY_PROVIDER: z.string().min(1),
  ASG_NAME: z.string().min(1),
  VPC_ID: z.string().min(1),
  SUBNET_IDS: csv,
  SECURITY_GROUP_IDS: csv,
  EXECUTION_ROLE_ARN: z.string().startsWith('arn:'),
  TASK_ROLE_ARN: z.string().startsWith('arn:'),
  GATEWAY_IMAGE: pinnedImage,
  LOG_GROUP: z.string().min(1),
  DEFAULT_ANTHROPIC_API_KEY: secret(1),
  // Jobs spend nearly all their time awaiting AWS and Redis (a slot is a pending promise, not a thread),
  // and waiting for placement holds no slot at all; 25 keeps a worker busy against real AWS latencies
  // (~100 ms a call) while staying inside ECS/ELB API rate limits, whose throttling we retry anyway.
  WORKER_CONCURRENCY: positiveInt.default(25),
  PLACEMENT_POLL_MS: positiveInt.default(5000),
  PLACEMENT_DEADLINE_MS: positiveInt.default(10 * 60_000),
  // After placement the target is already healthy, so the URL normally answers at the first look; the
  // margin covers a listener rule or a token still propagating, not a task that has to start.
  REACHABLE_DEADLINE_MS: positiveInt.default(2 * 60_000),
  HEALTH_CHECK_GRACE_SECONDS: positiveInt.default(120),
  SHUTDOWN_TIMEOUT_MS: positiveInt.default(25_000),
  HEALTH_FILE: z.string().optional(),
  JOB_LOCK_MS: positiveInt.default(30_000),
  SAMPLE_INTERVAL_MS: positiveInt.default(60_000),
  // Predictive scale-out (shared/capacity/predictive-scale-out.ts): 0 leaves scale-out to managed scaling.
  PREDICTIVE_MAX_EXTRA_INSTANCES: z.coerce.number().int().min(0).max(1000).default(0),
  PREDICTIVE_LEAD_MS: positiveInt.default(180_000),
  RECONCILE_INTERVAL_MS: positiveInt.default(5 * 60_000),
  RECONCILE_GRACE_MS: positiveInt.default(15 * 60_000),
  // Longer than a spot scale-up (2-4 min) and ECS's own replacement of a task failing its health check.
  RECONCILE_UNHEALTHY_MS: positiveInt.default(10 * 60_000),
  RECONCILE_DRY_RUN: booleanFlag.default(false),
  WEBHOOK_SECRET: webhookSecret.optional(),
  WEBHOOK_TIMEOUT_MS: positiveInt.default(10_000),
  WEBHOOK_BACKOFF_BASE_MS: positiveInt.default(5_000),
  WEBHOOK_BACKOFF_MAX_MS: positiveInt.default(3_600_000),
  // The Standard Webhooks guidance: retry for about a day, then give the event up.
  WEBHOOK_RETRY_WINDOW_MS: positiveInt.default(24 * 3_600_000),
  WEBHOOK_SWEEP_INTERVAL_MS: positiveInt.default(60_000),
});

export type ApiEnv = z.infer<typeof apiEnvSchema>;
export type WorkerEnv = z.infer<typeof workerEnvSchema>;

export interface RoutingListener {
  listenerArn: string;
  dnsName: string;
}

export interface RoutingConfig {
  listeners: RoutingListener[];
  rulesPerListener: number;
  targetGroupsPerAlb: number;
  margin: number;
}

export type ApiConfig = ApiEnv & { routing: RoutingConfig; bullBoardReadOnly: boolean; SIGNUP_PAGE: boolean };
export type WorkerConfig = WorkerEnv & { routing: RoutingConfig };

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** One listener per ALB: the list form wins, the single form is the one-ALB case. */
function routingFrom(env: z.infer<z.ZodObject<typeof common>>): RoutingConfig {
  const arns = env.ALB_LISTENER_ARNS ?? (env.ALB_LISTENER_ARN ? [env.ALB_LISTENER_ARN] : []);
  const names = env.ALB_DNS_NAMES ?? (env.ALB_DNS_NAME ? [env.ALB_DNS_NAME] : []);
  if (arns.length === 0) throw new ConfigError('ALB_LISTENER_ARNS (or ALB_LISTENER_ARN): required');
  if (names.length !== arns.length) {
    throw new ConfigError(
      `ALB_DNS_NAMES: needs one DNS name per listener (${arns.length} listeners, ${names.length} names)`,
    );
  }
  return {
    listeners: arns.map((listenerArn, i) => ({ listenerArn, dnsName: names[i]! })),
    rulesPerListener: env.ALB_RULES_PER_LISTENER,
    targetGroupsPerAlb: env.ALB_TARGET_GROUPS_PER_ALB,
    margin: env.ALB_QUOTA_MARGIN,
  };
}

function parseWith<S extends z.ZodType>(schema: S, env: Record<string, string | undefined>): z.infer<S> {
  // Empty strings count as unset, as docker compose and shells pass them for blank variables.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    const first = result.error.issues[0]!;
    const name = first.path.join('.') || 'environment';
    const description = envDescriptions[name as keyof typeof envDescriptions];
    throw new ConfigError(`${name}: ${first.message}${description ? ` (${description})` : ''}`);
  }
  return result.data;
}

/** The signup page mails links that prove who owns an address: in production it needs all of these. */
const SIGNUP_PRODUCTION_SETTINGS = ['PUBLIC_URL', 'SMTP_URL', 'MAIL_FROM', 'SIGNUP_SIGNING_KEY'] as const;

export function loadApiConfig(env: Record<string, string | undefined>): ApiConfig {
  const parsed = parseWith(apiEnvSchema, env);
  const signupPage = parsed.SIGNUP_PAGE ?? parsed.NODE_ENV !== 'production';
  if (parsed.NODE_ENV === 'production' && signupPage) {
    const missing = SIGNUP_PRODUCTION_SETTINGS.filter((name) => parsed[name] === undefined);
    if (missing.length > 0) {
      throw new ConfigError(
        `${missing.join(', ')}: required in production while SIGNUP_PAGE=true (${missing.map((n) => envDescriptions[n]).join('; ')}), or set SIGNUP_PAGE=false`,
      );
    }
  }
  return {
    ...parsed,
    SIGNUP_PAGE: signupPage,
    routing: routingFrom(parsed),
    bullBoardReadOnly: parsed.BULL_BOARD_READ_ONLY ?? parsed.NODE_ENV === 'production',
  };
}

export function loadWorkerConfig(env: Record<string, string | undefined>): WorkerConfig {
  const parsed = parseWith(workerEnvSchema, env);
  if (parsed.WEBHOOK_URLS && !parsed.WEBHOOK_SECRET) {
    throw new ConfigError(
      `WEBHOOK_SECRET: required when WEBHOOK_URLS is set (${envDescriptions.WEBHOOK_SECRET})`,
    );
  }
  return { ...parsed, routing: routingFrom(parsed) };
}

export interface EnvVarSpec {
  name: string;
  required: boolean;
  secret: boolean;
  default?: string;
  description: string;
  services: readonly ('api' | 'worker')[];
}

/** Every variable, derived from the schemas themselves so the docs and checks cannot drift from them. */
export const envSpec: readonly EnvVarSpec[] = (() => {
  const byName = new Map<string, EnvVarSpec>();
  for (const [service, schema] of [
    ['api', apiEnvSchema],
    ['worker', workerEnvSchema],
  ] as const) {
    for (const [name, field] of Object.entries(schema.shape) as [string, z.ZodType][]) {
      const unset = field.safeParse(undefined);
      const existing = byName.get(name);
      if (existing) {
        // Required if any service requires it (LOG_GROUP: the worker does; the API runs without logs).
        const required = existing.required || (!unset.success && !name.startsWith('ALB_'));
        byName.set(name, { ...existing, required, services: [...existing.services, service] });
        continue;
      }
      const fallback = unset.success && unset.data !== undefined ? unset.data : undefined;
      byName.set(name, {
        name,
        required: !unset.success && !name.startsWith('ALB_'),
        secret: secretEnvNames.has(name),
        ...(fallback !== undefined ? { default: String(fallback) } : {}),
        description: envDescriptions[name as keyof typeof envDescriptions] ?? '',
        services: [service],
      });
    }
  }
  // The routing pool needs one of the two listener forms; the list form is what terraform outputs.
  for (const name of ['ALB_LISTENER_ARNS', 'ALB_DNS_NAMES']) {
    const spec = byName.get(name);
    if (spec) byName.set(name, { ...spec, required: true });
  }
  return [...byName.values()];
})();
