/** The environment each process reads: the variables in common, then the API's and the worker's. */
import { z } from 'zod';
import {
  booleanFlag,
  csv,
  encryptionKey,
  pinnedImage,
  positiveInt,
  Secret,
  secret,
  webhookSecret,
} from './fields.js';

export const common = {
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
  // A rollout's update: a new task on the new image, placed, healthy, reachable. Failures end sooner
  // (ECS's circuit breaker); this bounds an update that neither completes nor fails.
  ROLLOUT_HEALTH_DEADLINE_MS: positiveInt.default(10 * 60_000),
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
