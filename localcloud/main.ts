import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { StateFileError, startLocalcloud, TASK_RUNTIME_KINDS, type TaskRuntimeKind } from './index.js';

/**
 * CLI: `npm run localcloud`. Settings come from LOCALCLOUD_* variables only (this process is not
 * the worker: it must not read the worker's configuration).
 *   LOCALCLOUD_PORT (4566), LOCALCLOUD_HOST (127.0.0.1; 0.0.0.0 in docker), LOCALCLOUD_TIME_SCALE (0.02),
 *   LOCALCLOUD_ALBS (1), LOCALCLOUD_SEED (1: the same ids every start),
 *   LOCALCLOUD_ALB_PORTS (comma-separated, one per ALB, e.g. 4580,4581; missing or 0 = random),
 *   LOCALCLOUD_ALB_IDLE_TIMEOUT_MS (60000, ALB's idle timeout),
 *   LOCALCLOUD_PUBLIC_URL (the endpoint other containers use, e.g. http://localcloud:4566),
 *   LOCALCLOUD_IDS_FILE (write the ids there as a sourceable KEY='value' file),
 *   LOCALCLOUD_TASK_RUNTIME (process | in-process | command | none; default process),
 *   LOCALCLOUD_TASK_COMMAND (the command runtime's template, e.g. 'openclaw gateway --port {port}'),
 *   LOCALCLOUD_FAILING_IMAGES (e.g. 'exit=*:bad-*,unhealthy=/:sick$/'; see README),
 *   LOCALCLOUD_RATE_LIMITS (aws | off; default off: AWS's request token buckets, see README),
 *   LOCALCLOUD_STATE_FILE (keep the account in this file across restarts; unset = memory only),
 *   LOCALCLOUD_EVENTUAL_CONSISTENCY_MS (0: off; reads lag writes by this long, see consistency.ts).
 */
const env = process.env;

function numberFrom(name: string, fallback: number | undefined): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n)) {
    console.error(`${name} must be a number, got "${raw}"`);
    process.exit(2);
  }
  return n;
}

function portsFrom(name: string): number[] | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const ports = raw.split(',').map((p) => Number(p.trim()));
  if (ports.some((p) => !Number.isInteger(p) || p < 0 || p > 65535)) {
    console.error(`${name} must be comma-separated ports (0-65535), got "${raw}"`);
    process.exit(2);
  }
  return ports;
}

function runtimeFrom(name: string): TaskRuntimeKind {
  const raw = env[name] || 'process';
  if (!(TASK_RUNTIME_KINDS as readonly string[]).includes(raw)) {
    console.error(`${name} must be one of ${TASK_RUNTIME_KINDS.join(', ')}, got "${raw}"`);
    process.exit(2);
  }
  return raw as TaskRuntimeKind;
}

const lc = await startLocalcloud({
  persistFile: env.LOCALCLOUD_STATE_FILE || undefined,
  port: numberFrom('LOCALCLOUD_PORT', 4566),
  host: env.LOCALCLOUD_HOST || '127.0.0.1',
  timeScale: numberFrom('LOCALCLOUD_TIME_SCALE', undefined),
  albs: numberFrom('LOCALCLOUD_ALBS', 1),
  albPorts: portsFrom('LOCALCLOUD_ALB_PORTS'),
  albIdleTimeoutMs: numberFrom('LOCALCLOUD_ALB_IDLE_TIMEOUT_MS', undefined),
  seed: numberFrom('LOCALCLOUD_SEED', 1),
  taskRuntime: runtimeFrom('LOCALCLOUD_TASK_RUNTIME'),
  taskCommand: env.LOCALCLOUD_TASK_COMMAND || undefined,
  failingImages: env.LOCALCLOUD_FAILING_IMAGES || undefined,
}).catch((err: unknown) => {
  // A state file that cannot be used is said in one line, not a stack trace.
  if (!(err instanceof StateFileError)) throw err;
  console.error(err.message);
  process.exit(2);
});

const ids = { ...lc.ids, AWS_ENDPOINT_URL: env.LOCALCLOUD_PUBLIC_URL || lc.ids.AWS_ENDPOINT_URL };
console.log(`localcloud listening on ${lc.url} (inspect: ${lc.url}/_localcloud/state)`);
if (env.LOCALCLOUD_STATE_FILE) console.log(`localcloud state kept in ${env.LOCALCLOUD_STATE_FILE}`);
for (const dns of lc.ids.ALB_DNS_NAMES.split(',')) console.log(`load balancer listening on http://${dns}/`);
for (const [key, value] of Object.entries(ids)) console.log(`${key}=${value}`);
if (env.LOCALCLOUD_IDS_FILE) {
  mkdirSync(dirname(env.LOCALCLOUD_IDS_FILE), { recursive: true });
  const lines = Object.entries(ids).map(([key, value]) => `${key}='${value.replaceAll("'", "'\\''")}'`);
  writeFileSync(env.LOCALCLOUD_IDS_FILE, `${lines.join('\n')}\n`);
}

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
