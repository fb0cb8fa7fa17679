import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Local credentials, made once and kept in `.local/dev.env` (git-ignored). The data key must survive
 * a restart: jobs queued before it hold credentials sealed with it.
 */
export function loadOrCreateLocalSecrets(path: string): Record<string, string> {
  if (existsSync(path)) {
    return Object.fromEntries(
      readFileSync(path, 'utf8')
        .split('\n')
        .filter((line) => line.includes('=') && !line.startsWith('#'))
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
  }
  const secrets = {
    API_TOKEN: `dev-${randomBytes(18).toString('base64url')}`,
    ADMIN_PASSWORD: randomBytes(12).toString('base64url'),
    DATA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    METRICS_TOKEN: randomBytes(18).toString('base64url'),
    DEFAULT_ANTHROPIC_API_KEY: 'sk-ant-local-placeholder-key',
  };
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(
    path,
    `# Made by npm run dev for local runs only. Delete to rotate (queued jobs then fail to open).\n${Object.entries(
      secrets,
    )
      .map(([k, v]) => `${k}=${v}`)
      .join('\n')}\n`,
    { mode: 0o600 },
  );
  return secrets;
}
