import { randomBytes } from 'node:crypto';
import { loadApiConfig, loadWorkerConfig } from '../../shared/config.js';
import { BENCH_REDIS_URL } from './redis-namespace.js';

/** One token and key for the whole run: the bench needs them valid, not secret. */
export const BENCH_API_TOKEN = `bench-${randomBytes(16).toString('hex')}`;
const encryptionKey = randomBytes(32).toString('base64');

// The AWS SDK (in this process and in the children, which inherit env from here) needs credentials;
// localcloud accepts any.
process.env.AWS_ACCESS_KEY_ID = 'bench';
process.env.AWS_SECRET_ACCESS_KEY = 'bench';

/**
 * The environment of an API or worker process in a bench run: localcloud's ids (or fake listener
 * ARNs for the API-only figure), a fresh QUEUE_PREFIX, silent logs (BENCH_LOG_LEVEL to change). Both configs are parsed here
 * first, so a wrong setting fails the bench with the config's own one-line message, not a dead child.
 */
export function benchEnv(options: {
  prefix: string;
  ids: Record<string, string>;
  extra?: Record<string, string>;
}): Record<string, string> {
  const env: Record<string, string> = {
    NODE_ENV: 'production',
    // Silent as the bare baselines are; BENCH_LOG_LEVEL=info measures what production's logging adds.
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'silent',
    REDIS_URL: BENCH_REDIS_URL,
    QUEUE_PREFIX: options.prefix,
    HOST: '127.0.0.1',
    PORT: '0',
    API_TOKEN: BENCH_API_TOKEN,
    ADMIN_PASSWORD: 'bench-admin-password',
    DATA_ENCRYPTION_KEY: encryptionKey,
    DEFAULT_ANTHROPIC_API_KEY: 'sk-ant-bench-default-key-000000',
    GATEWAY_IMAGE: 'ghcr.io/openclaw/gateway:1.0.0',
    PLACEMENT_POLL_MS: '100',
    BACKOFF_BASE_MS: '100',
    SAMPLE_INTERVAL_MS: '600000',
    RECONCILE_INTERVAL_MS: '600000',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    ...options.ids,
    ...options.extra,
  };
  loadApiConfig(env);
  if (env.ECS_CLUSTER) loadWorkerConfig(env);
  return env;
}

/**
 * Listener ARNs that exist only as strings, for the API-only figure: the API allocates routing slots
 * but never calls AWS. One listener per 98 instances, as AWS's 100-per-ALB quota (minus the margin)
 * would force on a real fleet of that size.
 */
export function fakeListeners(instances: number, perListener = 98): Record<string, string> {
  const count = Math.ceil(instances / perListener) + 1;
  const arns: string[] = [];
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    arns.push(`arn:aws:elasticloadbalancing:us-west-2:000000000000:listener/app/bench-alb-${i}/0000/${i}`);
    names.push(`bench-alb-${i}.us-west-2.elb.amazonaws.com`);
  }
  return { ALB_LISTENER_ARNS: arns.join(','), ALB_DNS_NAMES: names.join(',') };
}
