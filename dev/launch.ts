/**
 * `npm run dev`: localcloud, the API and a worker on local defaults, in one terminal.
 * They still talk as they do in production: the worker reaches localcloud only through the AWS SDK
 * over HTTP, and the API and worker only through Redis.
 */
import { makeOutbox } from '../api/signup/mailer.js';
import { startApi } from '../api/start-api.js';
import { StateFileError, startLocalcloud } from '../localcloud/index.js';
import { ConfigError, loadApiConfig, loadWorkerConfig } from '../shared/config.js';
import { makeLogger } from '../shared/logger.js';
import { pingRedis } from '../shared/redis.js';
import { startWorker } from '../worker/start-worker.js';
import { loadOrCreateLocalSecrets } from './local-secrets.js';

const env = process.env;
const redisUrl = env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const loggerFor = (name: string) =>
  makeLogger({ level: env.LOG_LEVEL ?? 'info', name, pretty: process.stdout.isTTY });

if (!(await pingRedis(redisUrl))) {
  console.error(
    `Redis is not answering at ${redisUrl}: start one with \`redis-server --appendonly yes\` (apt-get install redis-server) or set REDIS_URL.`,
  );
  process.exit(1);
}

/** localcloud's account (secrets included) across restarts; git-ignored like everything in .local/. */
const stateFile = env.LOCALCLOUD_STATE_FILE ?? '.local/localcloud-state.json';
const cloud = await startLocalcloud({
  port: Number(env.LOCALCLOUD_PORT ?? 4566),
  timeScale: Number(env.LOCALCLOUD_TIME_SCALE ?? 0.02),
  // The load balancer's listener: instance URLs are http://127.0.0.1:4580/<id>/.
  albPorts: (env.LOCALCLOUD_ALB_PORTS ?? '4580').split(',').map(Number),
  // The same ids on a first start; after that the state file brings back the whole account (and the
  // RNG's position), so a restart keeps every instance running at the same URL.
  seed: 1,
  persistFile: stateFile || undefined,
}).catch((err: unknown) => {
  if (!(err instanceof StateFileError)) throw err;
  console.error(err.message);
  process.exit(1);
});
const merged: Record<string, string | undefined> = {
  // The SDK needs some credentials; localcloud accepts any, as LocalStack does.
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
  GATEWAY_IMAGE: 'ghcr.io/openclaw/gateway:2026.11.1',
  PLACEMENT_POLL_MS: '1000',
  SAMPLE_INTERVAL_MS: '10000',
  RECONCILE_INTERVAL_MS: '30000',
  RECONCILE_GRACE_MS: '60000',
  ...cloud.ids,
  ...loadOrCreateLocalSecrets('.local/dev.env'),
  ...env,
};
// The AWS SDK reads its credentials from the environment, as it would on a developer's laptop.
process.env.AWS_ACCESS_KEY_ID = merged.AWS_ACCESS_KEY_ID;
process.env.AWS_SECRET_ACCESS_KEY = merged.AWS_SECRET_ACCESS_KEY;

try {
  const apiConfig = loadApiConfig(merged);
  const worker = await startWorker(loadWorkerConfig(merged), { logger: loggerFor('worker') });
  // Without SMTP_URL the signup page's mail stays here: the link on this console and at /dev/outbox.
  const outbox = makeOutbox((mail) =>
    console.log(`\n  Dev outbox     mail to ${mail.to}: ${mail.subject}\n                 ${mail.link}\n`),
  );
  const api = await startApi(apiConfig, { logger: loggerFor('api'), signup: { outbox } });
  const base = api.url.replace(/\/$/, '');
  console.log(`
  OpenClaw Fleet is running on local defaults.

  API            ${base}/v1/instances     (Authorization: Bearer ${apiConfig.API_TOKEN.reveal()})
  API docs       ${base}/docs
  Signup page    ${base}/
  Dev outbox     ${apiConfig.SMTP_URL ? '(off: mail goes to SMTP_URL)' : `${base}/dev/outbox     (signup links also print here)`}
  Bull Board     ${base}/admin/queues     (${apiConfig.ADMIN_USER} / ${apiConfig.ADMIN_PASSWORD.reveal()})
  Dashboard      ${base}/dashboard
  Metrics        ${base}/metrics          (${apiConfig.METRICS_TOKEN ? `Authorization: Bearer ${apiConfig.METRICS_TOKEN.reveal()}` : 'closed: no METRICS_TOKEN in .local/dev.env'})
  localcloud     ${cloud.url}/_localcloud/state${stateFile ? `     (state kept in ${stateFile}; delete it to start empty)` : ''}
  Load balancer  http://${cloud.ids.ALB_DNS_NAME}/     (each instance answers at http://${cloud.ids.ALB_DNS_NAME}/<id>/)

  Try:  curl -s -X POST ${base}/v1/instances -H 'Authorization: Bearer ${apiConfig.API_TOKEN.reveal()}' \\
          -H 'content-type: application/json' -d '{"userId":"ada","email":"ada@example.com"}'
`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await api.close();
    await worker.close();
    await cloud.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(`Configuration error: ${error.message}`);
    await cloud.close();
    process.exit(1);
  }
  throw error;
}
