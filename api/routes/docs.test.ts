import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../../test/api/test-app.js';

interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, { security?: unknown[]; responses: Record<string, unknown> }>>;
  components: { securitySchemes: Record<string, unknown>; schemas: Record<string, unknown> };
}

const API_ROUTE = /^\/(v1|healthz|readyz|signup|signup-challenge)(\/|$)/;

describe('OpenAPI document', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp();
  });
  afterEach(() => t.close());

  const document = async () => {
    const res = await t.app.request('/openapi.json');
    expect(res.status).toBe(200);
    return (await res.json()) as OpenApiDocument;
  };

  it('covers exactly the registered /v1, signup and health routes', async () => {
    const doc = await document();
    expect(doc.openapi).toBe('3.1.0');
    const registered = new Set(
      t.app.routes
        .filter((r) => r.method !== 'ALL' && API_ROUTE.test(r.path))
        .map((r) => `${r.method.toLowerCase()} ${r.path}`),
    );
    const documented = new Set(
      Object.entries(doc.paths).flatMap(([path, ops]) =>
        Object.keys(ops).map((method) => `${method} ${path.replaceAll(/\{(\w+)\}/g, ':$1')}`),
      ),
    );
    expect(registered.size).toBeGreaterThanOrEqual(10);
    expect([...documented].sort()).toEqual([...registered].sort());
  });

  it('declares the bearer scheme on every /v1 operation and the error shape on every error', async () => {
    const doc = await document();
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.components.schemas.Error).toBeDefined();
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        if (path.startsWith('/v1')) {
          expect(op.security, `${method} ${path}`).toEqual([{ bearerAuth: [] }]);
          expect(op.responses, `${method} ${path}`).toHaveProperty('401');
        }
        for (const [status, response] of Object.entries(op.responses)) {
          if (Number(status) < 400) continue;
          expect(JSON.stringify(response), `${method} ${path} ${status}`).toContain(
            '#/components/schemas/Error',
          );
        }
      }
    }
    expect(doc.paths['/v1/instances']?.post?.responses).toHaveProperty('413');
  });

  it('serves interactive docs at /docs from this process, pointing at the document', async () => {
    const res = await t.app.request('/docs');
    expect(res.status).toBe(200);
    const html = await res.text();
    // Every script and stylesheet is ours: the page works on a closed network.
    const sources = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(sources.length).toBeGreaterThanOrEqual(3);
    for (const source of sources) {
      expect(source.startsWith('/docs/assets/'), source).toBe(true);
      const asset = await t.app.request(source);
      expect(asset.status, source).toBe(200);
    }
    expect(await (await t.app.request('/docs/assets/docs-init.js')).text()).toContain("url: '/openapi.json'");
    expect((await t.app.request('/docs/assets/package.json')).status).toBe(404);
  });
});
