import { usageError } from './cli-error.js';

export interface GlobalOptions {
  apiUrl?: string;
  token?: string;
  json?: boolean;
}

export interface Settings {
  apiUrl: string;
  token: string;
  json: boolean;
}

/** What `npm run dev` listens on, so the CLI works against a local stack with only a token. */
export const DEFAULT_API_URL = 'http://127.0.0.1:3000';

/** Flags win over the environment; every error names both the variable and the flag. */
export function resolveSettings(options: GlobalOptions, env: NodeJS.ProcessEnv = process.env): Settings {
  const rawUrl = options.apiUrl ?? env.OPENCLAW_API_URL ?? DEFAULT_API_URL;
  const source = options.apiUrl ? '--api-url' : env.OPENCLAW_API_URL ? 'OPENCLAW_API_URL' : 'the default';
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw usageError(`${source} is not a URL: "${rawUrl}" (set OPENCLAW_API_URL or pass --api-url)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw usageError(`${source} must be an http(s) URL, not "${url.protocol}"`);
  const token = options.token ?? env.API_TOKEN;
  if (!token) throw usageError('API_TOKEN is not set (or pass --token)');
  return { apiUrl: url.toString().replace(/\/$/, ''), token, json: options.json ?? false };
}
