import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Context } from 'hono';

/**
 * Interactive API docs served from this process: Swagger UI's own static build (swagger-ui-dist) and a
 * three-line initializer pointing it at /openapi.json. Nothing is fetched from a CDN, so the page works
 * on a closed network and under the same strict content security policy as the rest of the app.
 */
const distDir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

const assets: Record<string, { file?: string; body?: string; type: string }> = {
  'swagger-ui.css': { file: 'swagger-ui.css', type: 'text/css; charset=utf-8' },
  'swagger-ui-bundle.js': { file: 'swagger-ui-bundle.js', type: 'text/javascript; charset=utf-8' },
  'docs-init.js': {
    // Operations listed by tag with their ids; examples and the Error schema (its codes) one click away.
    body: `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#docs', deepLinking: true, displayOperationId: true, docExpansion: 'list', defaultModelsExpandDepth: 1 });\n`,
    type: 'text/javascript; charset=utf-8',
  },
};

const page = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>OpenClaw Fleet API</title>
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
  <div id="docs"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/docs/assets/docs-init.js"></script>
</body>
</html>
`;

const CSP =
  "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'";

export function docsPage(c: Context): Response {
  c.header('content-security-policy', CSP);
  return c.html(page);
}

/** Read once on first use (the bundle is ~1.5 MB), then served from memory with a long cache. */
const cache = new Map<string, string>();

export async function docsAsset(c: Context): Promise<Response> {
  const name = c.req.param('name') ?? '';
  const asset = assets[name];
  if (!asset) return c.notFound();
  let body = cache.get(name);
  if (body === undefined) {
    body = asset.body ?? (await readFile(join(distDir, asset.file!), 'utf8'));
    cache.set(name, body);
  }
  return c.body(body, 200, { 'content-type': asset.type, 'cache-control': 'public, max-age=86400' });
}
