import { readFileSync } from 'node:fs';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../app-env.js';

/** The page's files, read once at start from `api/public/` (beside this module's parent). */
const publicDir = new URL('../public/', import.meta.url);

const assets = [
  { path: '/', file: 'index.html', type: 'text/html; charset=utf-8' },
  { path: '/signup.css', file: 'signup.css', type: 'text/css; charset=utf-8' },
  { path: '/signup.js', file: 'signup.js', type: 'text/javascript; charset=utf-8' },
] as const;

/** Plain HTML, CSS and JS: no build step, no external assets, a strict CSP since nothing else is needed. */
export function registerSignupPage(app: OpenAPIHono<AppEnv>): void {
  for (const asset of assets) {
    const body = readFileSync(new URL(asset.file, publicDir), 'utf8');
    app.get(asset.path, (c) =>
      c.body(body, 200, {
        'Content-Type': asset.type,
        'Cache-Control': 'no-cache',
        'Content-Security-Policy':
          "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'",
        'X-Content-Type-Options': 'nosniff',
        'Referrer-Policy': 'no-referrer',
      }),
    );
  }
}
