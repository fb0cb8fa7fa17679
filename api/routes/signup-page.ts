import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../app-env.js';
import { html } from '../html.js';
import { PAGE_POLICIES, pageHeaders } from '../middleware/page-headers.js';
import type { Outbox } from '../signup/mailer.js';

/** The page's files, read once at start from `api/public/` (beside this module's parent). */
const publicDir = new URL('../public/', import.meta.url);
/** The ALTCHA widget's CSP-friendly build (styles and workers as files, nothing inline), from node_modules. */
const altchaDir = join(dirname(createRequire(import.meta.url).resolve('altcha/altcha.css')), '..');

const assets = [
  { path: '/', file: new URL('index.html', publicDir), type: 'text/html; charset=utf-8' },
  { path: '/signup.css', file: new URL('signup.css', publicDir), type: 'text/css; charset=utf-8' },
  { path: '/signup.js', file: new URL('signup.js', publicDir), type: 'text/javascript; charset=utf-8' },
  {
    path: '/signup-vendor/altcha.js',
    file: join(altchaDir, 'external/altcha.min.js'),
    type: 'text/javascript; charset=utf-8',
  },
  {
    path: '/signup-vendor/altcha.css',
    file: join(altchaDir, 'external/altcha.css'),
    type: 'text/css; charset=utf-8',
  },
  {
    path: '/signup-vendor/altcha-sha.js',
    file: join(altchaDir, 'workers/sha.js'),
    type: 'text/javascript; charset=utf-8',
  },
] as const;

/** Plain HTML, CSS and JS: no build step, no external assets (the page's CSP is set in app.ts). */
export function registerSignupPage(app: OpenAPIHono<AppEnv>, outbox?: Outbox): void {
  for (const asset of assets) {
    const body = readFileSync(asset.file, 'utf8');
    app.get(asset.path, (c) =>
      c.body(body, 200, {
        'Content-Type': asset.type,
        'Cache-Control': 'no-cache',
        'X-Content-Type-Options': 'nosniff',
      }),
    );
  }
  if (outbox) registerOutboxPage(app, outbox);
}

/**
 * `npm run dev`'s outbox: the mails the API would have sent, newest first. Only exists when there is no
 * SMTP_URL outside production (see makeSignupKit), so it never lists a real user's mail.
 */
function registerOutboxPage(app: OpenAPIHono<AppEnv>, outbox: Outbox): void {
  app.use('/dev/outbox', pageHeaders(PAGE_POLICIES.dashboard));
  app.get('/dev/outbox', (c) => {
    const rows = outbox.mails.map(
      (m) =>
        html`<li><p><strong>${m.subject}</strong> to ${m.to} at ${m.at}</p><p><a href="${m.link}">Open the link</a></p></li>`,
    );
    return c.html(
      html`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Dev outbox</title></head><body><main><h1>Dev outbox</h1><p>Mails the signup page sent while no SMTP_URL is set (development only).</p><ol>${rows.length > 0 ? rows : html`<li>No mail yet.</li>`}</ol></main></body></html>`,
      200,
      { 'Cache-Control': 'no-store' },
    );
  });
}
