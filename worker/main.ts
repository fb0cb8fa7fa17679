/**
 * The worker process: parses the environment (the only read of process.env), checks Redis, starts the
 * processors and stops them cleanly on SIGTERM/SIGINT.
 */
import { pathToFileURL } from 'node:url';
import { ConfigError, loadWorkerConfig } from '../shared/config.js';
import { makeLogger } from '../shared/logger.js';
import { pingRedis } from '../shared/redis.js';
import { startWorker } from './start-worker.js';

export async function main(env: Record<string, string | undefined>): Promise<void> {
  let config: ReturnType<typeof loadWorkerConfig>;
  try {
    config = loadWorkerConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`worker: configuration error: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  if (!(await pingRedis(config.REDIS_URL))) {
    console.error(
      `worker: Redis is not answering at ${config.REDIS_URL}: start one (redis-server --appendonly yes) or set REDIS_URL.`,
    );
    process.exit(1);
  }
  const log = makeLogger({ level: config.LOG_LEVEL, name: 'worker', pretty: process.stdout.isTTY });
  const worker = await startWorker(config, { logger: log });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping: no new jobs, letting running steps finish');
    worker.close().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ reason: error instanceof Error ? error.message : String(error) }, 'unclean stop');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main(process.env);
}
