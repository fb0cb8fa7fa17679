import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../../test/api/test-app.js';
import { ERROR_CODE_LIST } from '../error-codes.js';

interface Operation {
  operationId?: string;
  summary?: string;
  tags?: string[];
  security?: unknown[];
  parameters?: { name: string; in: string }[];
  responses: Record<string, { headers?: Record<string, unknown> }>;
}
interface OpenApiDocument {
  openapi: string;
  info: { license?: { name: string }; contact?: { name: string }; description: string };
  servers: { url: string }[];
  paths: Record<string, Record<string, Operation>>;
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

  it('names every operation with a stable operationId, a summary, a tag and its security', async () => {
    const doc = await document();
    const ops = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ where: `${method} ${path}`, ...op })),
    );
    // Generated clients name their methods after these: renaming one breaks every client.
    expect(Object.fromEntries(ops.map((op) => [op.where, op.operationId]))).toEqual({
      'get /healthz': 'getLiveness',
      'get /readyz': 'getReadiness',
      'post /v1/instances': 'createInstance',
      'get /v1/instances': 'listInstances',
      'get /v1/instances/{id}': 'getInstance',
      'delete /v1/instances/{id}': 'deleteInstance',
      'post /v1/instances/{id}/retry': 'retryInstance',
      'put /v1/instances/{id}/credentials': 'restoreInstanceCredentials',
      'get /v1/instances/{id}/deliveries': 'listInstanceDeliveries',
      'get /v1/instances/{id}/events': 'streamInstanceEvents',
      'get /v1/instances/{id}/logs': 'getInstanceLogs',
      'post /v1/instances/{id}/token': 'rotateInstanceToken',
      'post /v1/reconcile': 'runReconcile',
      'get /v1/reconcile/{jobId}': 'getReconcileRun',
      'post /v1/rollouts': 'startRollout',
      'get /v1/rollouts': 'listRollouts',
      'get /v1/rollouts/{id}': 'getRollout',
      'get /v1/rollouts/{id}/events': 'streamRolloutEvents',
      'post /v1/rollouts/{id}/pause': 'pauseRollout',
      'post /v1/rollouts/{id}/resume': 'resumeRollout',
      'post /v1/rollouts/{id}/abort': 'abortRollout',
      'post /signup': 'signUp',
      'post /signup/lost-token': 'requestLostTokenLink',
      'post /signup/verify': 'openSignupLink',
      'post /signup/rotate': 'openLostTokenLink',
      'get /signup-challenge': 'getSignupChallenge',
      'get /signup/{id}/events': 'streamSignupEvents',
      'get /v1/capacity': 'getCapacity',
      'get /v1/capacity/history': 'getCapacityHistory',
      'get /v1/cost': 'getCost',
      'get /v1/cost/options': 'getCostOptions',
      'get /v1/cost/projection': 'getCostProjection',
    });
    for (const op of ops) {
      expect(op.summary, op.where).toBeTruthy();
      expect(op.tags?.length, op.where).toBe(1);
      expect(op.security, op.where).toEqual(op.where.includes(' /v1') ? [{ bearerAuth: [] }] : []);
      // Readiness is for probes, not for clients that back off; every other 503 says when to come back.
      if (op.responses['503'] && op.where !== 'get /readyz') {
        expect(op.responses['503'].headers, op.where).toHaveProperty('Retry-After');
      }
      if (op.where.endsWith('/events')) {
        expect(op.parameters?.map((param) => `${param.in} ${param.name}`)).toContain('header last-event-id');
      }
    }
    expect(doc.paths['/signup']?.post?.responses['429']?.headers).toHaveProperty('Retry-After');
    expect(doc.info.license?.name).toBeTruthy();
    expect(doc.info.contact?.name).toBeTruthy();
    expect(doc.servers.map((server) => server.url)).toEqual(['http://127.0.0.1:3000', 'https://{apiHost}']);
  });

  it('lists every error code, as an enum on the Error schema and as a table in the description', async () => {
    const doc = await document();
    const code = (
      doc.components.schemas.Error as { properties: { error: { properties: { code: unknown } } } }
    ).properties.error.properties.code as { enum: string[]; description: string };
    expect(code.enum).toEqual(ERROR_CODE_LIST);
    for (const name of ERROR_CODE_LIST) {
      expect(code.description).toContain(`\`${name}\``);
      expect(doc.info.description).toContain(`| \`${name}\` |`);
    }
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
