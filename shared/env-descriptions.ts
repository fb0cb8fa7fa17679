/** What each environment variable means: the README's configuration table and config errors quote these. */
export const envDescriptions = {
  NODE_ENV: 'development, production or test',
  LOG_LEVEL: 'pino log level',
  REDIS_URL: 'Redis for queues and the instance store (BullMQ needs maxmemory-policy noeviction)',
  QUEUE_PREFIX: 'namespace of every Redis key this deployment writes',
  DATA_ENCRYPTION_KEY:
    'AES-256-GCM key (32 bytes, base64) that seals API keys and tokens before they enter Redis',
  ALB_LISTENER_ARNS: 'comma-separated listener ARNs, one per ALB, that user routes go to',
  ALB_DNS_NAMES: 'comma-separated DNS names of those ALBs, in the same order',
  ALB_LISTENER_ARN: 'single-ALB form of ALB_LISTENER_ARNS',
  ALB_DNS_NAME: 'single-ALB form of ALB_DNS_NAMES',
  ALB_RULES_PER_LISTENER: 'listener rule quota per ALB (AWS: 100)',
  ALB_TARGET_GROUPS_PER_ALB: 'target group quota per ALB (AWS: 100)',
  ALB_QUOTA_MARGIN: 'slots kept free below each quota for operators',
  HOST: 'address the API listens on',
  PORT: 'port the API listens on',
  API_TOKEN: 'bearer token the signup backend sends on /v1 routes',
  ADMIN_USER: 'user name for Bull Board and the dashboard (basic auth)',
  ADMIN_PASSWORD: 'password for Bull Board and the dashboard (basic auth)',
  SIGNUP_PAGE:
    'serve the public signup page at / (default: on, except in production, where it needs PUBLIC_URL, SMTP_URL, MAIL_FROM and SIGNUP_SIGNING_KEY)',
  PUBLIC_URL:
    'origin the signup mails link to, e.g. https://fleet.example.com (never taken from the Host header)',
  SMTP_URL:
    'SMTP server for signup mails, smtp(s)://user:pass@host:port; unset outside production: a local outbox',
  MAIL_FROM: 'sender of signup mails, e.g. "OpenClaw <no-reply@example.com>"',
  SIGNUP_SIGNING_KEY:
    'HMAC key (32+ chars) that signs signup links, stream tokens and proofs of work; outside production derived from DATA_ENCRYPTION_KEY',
  SIGNUP_LINK_TTL_SECONDS: 'how long a mailed signup or lost-token link stays valid (each opens once)',
  SIGNUP_CAPACITY_SHARE:
    'share (0-1) of routing slots that instances made from the public page may hold; the rest stays for API creates',
  MAX_BODY_BYTES: 'largest request body the API accepts',
  TRUSTED_PROXY_HOPS:
    'proxies in front of the API (1 behind an ALB) whose X-Forwarded-For entries name the client',
  AWS_REGION: 'AWS region of the platform',
  AWS_ENDPOINT_URL: 'AWS endpoint override (localcloud or another emulator); unset for real AWS',
  AWS_RATE_BUDGET:
    "aws: all workers share AWS's per-family request rates through Redis, so throttling stays rare; off: no budget",
  AWS_RATE_BUDGET_MULTIPLIER:
    "multiplies every family's burst and rate in the budget: an account whose quotas AWS raised, or a simulation running faster than real time",
  PREDICTIVE_MAX_EXTRA_INSTANCES:
    'predictive scale-out: instances beyond what the reservation needs that the sampler may add for signups on their way (0: off)',
  PREDICTIVE_LEAD_MS:
    'predictive scale-out: how far ahead it plans, about one instance launch; arrivals of the last such span predict the next',
  ECS_CLUSTER: 'ECS cluster that runs the gateways',
  CAPACITY_PROVIDER: 'capacity provider the gateway services use',
  ASG_NAME: 'Auto Scaling group behind the capacity provider',
  VPC_ID: 'VPC of the target groups',
  SUBNET_IDS: 'comma-separated private subnets for gateway tasks',
  SECURITY_GROUP_IDS: 'comma-separated security groups for gateway tasks',
  EXECUTION_ROLE_ARN: 'task execution role (pulls the image, reads the secret)',
  TASK_ROLE_ARN: 'task role of the gateway container',
  GATEWAY_IMAGE: 'gateway image, pinned by tag or digest',
  LOG_GROUP:
    'CloudWatch log group of the gateways (the API reads instance logs from it; unset: no logs route)',
  LOGS_FOLLOW_POLL_MS: 'how often a followed log stream (follow=true) reads CloudWatch Logs',
  DEFAULT_ANTHROPIC_API_KEY: 'platform key used when a signup brings none',
  WORKER_CONCURRENCY: 'jobs one worker process runs at once',
  JOB_ATTEMPTS: 'attempts per job before an instance is failed',
  BACKOFF_BASE_MS: 'first retry delay; doubles each attempt, with jitter',
  PLACEMENT_POLL_MS: 'how often placement and the reachability gate look again while they wait',
  PLACEMENT_DEADLINE_MS: 'how long placement waits before failing the instance',
  REACHABLE_DEADLINE_MS:
    'how long the instance URL may take to answer its health path with the gateway token, after placement',
  ROLLOUT_HEALTH_DEADLINE_MS:
    "how long a rollout waits for one instance's update to complete and answer before calling it failed",
  HEALTH_CHECK_GRACE_SECONDS: 'ECS health-check grace period of gateway services',
  SHUTDOWN_TIMEOUT_MS: 'how long a stopping worker lets running steps finish',
  HEALTH_FILE: 'file the worker touches every 10 s while its queues run, for container health checks',
  JOB_LOCK_MS: 'job and instance lock lease, renewed while a job runs: how soon a crashed job is taken over',
  SAMPLE_INTERVAL_MS: 'capacity sampling interval',
  RECONCILE_INTERVAL_MS: 'reconciler interval',
  RECONCILE_GRACE_MS: 'age before the reconciler touches an orphaned resource',
  RECONCILE_UNHEALTHY_MS: 'a running instance with no healthy task for this long is repaired',
  RECONCILE_DRY_RUN: 'report drift without changing anything',
  COST_PRICES_FILE: 'JSON file overriding the default us-west-2 prices',
  REDIS_COMMAND_TIMEOUT_MS:
    'bound on one Redis command of the API (which then answers 503) and of the worker store',
  METRICS_TOKEN:
    'bearer token Prometheus sends for /metrics; without it (and without METRICS_PORT) /metrics answers 401',
  METRICS_PORT:
    'serve /metrics on this separate port instead of the API port (keep it private; METRICS_TOKEN still applies when set)',
  BULL_BOARD_READ_ONLY:
    'Bull Board shows queues but refuses retries, removals and adds (default: true in production)',
  ADMIN_LOGIN_MAX_FAILURES: 'failed admin logins per client address before it is locked out',
  ADMIN_LOGIN_LOCKOUT_SECONDS: 'how long a locked-out address gets 429 on admin pages',
  WEBHOOK_URLS: 'comma-separated http(s) endpoints that receive signed lifecycle webhooks; none when unset',
  WEBHOOK_SECRET:
    'Standard Webhooks signing secret, whsec_ and 24-64 bytes in base64; required with WEBHOOK_URLS',
  WEBHOOK_TIMEOUT_MS: 'how long one webhook delivery waits for the receiver to answer',
  WEBHOOK_BACKOFF_BASE_MS: 'first webhook retry delay; doubles each attempt, with jitter',
  WEBHOOK_BACKOFF_MAX_MS: 'longest delay between two webhook attempts',
  WEBHOOK_RETRY_WINDOW_MS: 'how long an event is retried before it is given up (expired)',
  WEBHOOK_SWEEP_INTERVAL_MS:
    'how often a sweep enqueues deliveries still owed whose enqueue was lost (a crash right after a transition)',
} as const;

/** Variables whose values are credentials: injected from a secret store, never logged. */
export const secretEnvNames = new Set([
  'API_TOKEN',
  'ADMIN_PASSWORD',
  'DATA_ENCRYPTION_KEY',
  'DEFAULT_ANTHROPIC_API_KEY',
  'METRICS_TOKEN',
  'SIGNUP_SIGNING_KEY',
  'SMTP_URL',
  'WEBHOOK_SECRET',
]);
