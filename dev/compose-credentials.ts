/**
 * `docker compose up`'s first step (the `credentials` service): makes the stack's credentials once, at
 * random, in a git-ignored file (`.local/compose.env` on the host) that Redis, the API and the workers
 * source at start. Nothing secret is fixed in docker-compose.yml. An existing file is kept: the data
 * key must survive a restart, since queued jobs hold credentials sealed with it. Delete it to rotate.
 */
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** The image's `node` user, which runs the API and workers and must read the file. */
const APP_UID = 1000;

export function makeComposeCredentials(): Record<string, string> {
  const redisPassword = randomBytes(24).toString('hex');
  return {
    API_TOKEN: randomBytes(24).toString('base64url'),
    ADMIN_PASSWORD: randomBytes(12).toString('base64url'),
    DATA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    METRICS_TOKEN: randomBytes(24).toString('base64url'),
    REDIS_PASSWORD: redisPassword,
    REDIS_URL: `redis://:${redisPassword}@redis:6379`,
  };
}

export function writeComposeCredentials(path: string): 'created' | 'kept' {
  if (existsSync(path)) return 'kept';
  mkdirSync(dirname(path), { recursive: true });
  const lines = Object.entries(makeComposeCredentials()).map(([k, v]) => `${k}=${v}`);
  writeFileSync(
    path,
    `# Made by docker compose (the credentials service) on first start. Local use only; delete to rotate.\n${lines.join('\n')}\n`,
    { mode: 0o600 },
  );
  if (process.getuid?.() === 0) chownSync(path, APP_UID, APP_UID);
  return 'created';
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const path = process.argv[2] ?? '.local/compose.env';
  console.log(`${path}: ${writeComposeCredentials(path)}`);
}
