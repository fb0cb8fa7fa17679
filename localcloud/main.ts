import { startLocalcloud } from './index.js';

/**
 * CLI: `npm run localcloud`. Settings come from LOCALCLOUD_* variables only (this process is not
 * the worker: it must not read the worker's configuration).
 */
function numberFrom(name: string, fallback: number | undefined): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n)) {
    console.error(`${name} must be a number, got "${raw}"`);
    process.exit(2);
  }
  return n;
}

const lc = await startLocalcloud({
  port: numberFrom('LOCALCLOUD_PORT', 4566),
  host: process.env.LOCALCLOUD_HOST || '127.0.0.1',
  timeScale: numberFrom('LOCALCLOUD_TIME_SCALE', undefined),
  albs: numberFrom('LOCALCLOUD_ALBS', 1),
  seed: numberFrom('LOCALCLOUD_SEED', 1),
});

console.log(`localcloud listening on ${lc.url} (inspect: ${lc.url}/_localcloud/state)`);
for (const [key, value] of Object.entries(lc.ids)) console.log(`${key}=${value}`);

let stopping = false;
const stop = (signal: string): void => {
  if (stopping) return;
  stopping = true;
  console.log(`localcloud: ${signal}, shutting down`);
  lc.close().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
