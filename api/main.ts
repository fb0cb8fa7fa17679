/**
 * `npm run api`: the API's composition root. Parses configuration once, checks Redis answers, serves,
 * and closes cleanly on SIGTERM/SIGINT. Failures at start are one clear line, not a stack trace.
 */
import { ConfigError, loadApiConfig } from '../shared/config.js';
import { makeLogger } from '../shared/logger.js';
import { pingRedis } from '../shared/redis.js';
import { startApi } from './start-api.js';

let config: ReturnType<typeof loadApiConfig>;
try {
  config = loadApiConfig(process.env);
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(`Configuration error: ${error.message}`);
    process.exit(1);
  }
  throw error;
}

/** The URL without its password, fit to print. */
function printable(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString().replace(/\/$/, '');
}

if (!(await pingRedis(config.REDIS_URL))) {
  console.error(
    `Redis is not answering at ${printable(config.REDIS_URL)}: start one with \`redis-server\` or set REDIS_URL`,
  );
  process.exit(1);
}

const log = makeLogger({
  level: config.LOG_LEVEL,
  name: 'api',
  pretty: config.NODE_ENV === 'development' && process.stdout.isTTY,
});
const api = await startApi(config, { logger: log });
log.info({ url: api.url, docs: `${api.url}/docs`, bullBoard: `${api.url}/admin/queues` }, 'api listening');
console.log(`OpenClaw Fleet API listening on ${api.url}`);

let stopping = false;
async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'api stopping');
  const force = setTimeout(() => {
    log.error('api did not close within 10 s; exiting');
    process.exit(1);
  }, 10_000);
  force.unref();
  await api.close();
  process.exit(0);
}
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));
