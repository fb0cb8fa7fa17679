import type { OpenAPIHono } from '@hono/zod-openapi';
import type { ZodType } from 'zod';
import type { AppEnv } from '../../api/app-env.js';
import { ErrorSchema } from '../../api/schemas.js';
import { STREAM_EVENTS } from '../../api/stream-events.js';

interface Operation {
  method: string;
  pattern: RegExp;
  path: string;
  responses: Record<string, { content?: Record<string, { schema?: unknown }> } | undefined>;
}

/** Statuses any path can answer before a route runs: auth, body limit, unknown path or method. */
const ROUTER_LEVEL = new Set([401, 404, 405, 413]);

const patternOf = (path: string) =>
  new RegExp(`^${path.replaceAll(/[.*+?^$()|[\]\\]/g, '\\$&').replaceAll(/\{\w+\}/g, '[^/]+')}$`);

const isZod = (schema: unknown): schema is ZodType =>
  typeof (schema as { safeParse?: unknown } | undefined)?.safeParse === 'function';

/**
 * Checks responses against the schemas the app declares in its OpenAPI registry (the zod objects the
 * document is generated from). A body must parse, and parsing must keep every field: zod drops keys it
 * does not know, so a field the document does not declare fails too. A status the operation does not
 * declare fails. Event streams are checked event by event as the test reads them (checkEventStream).
 */
export function makeResponseContract(app: Pick<OpenAPIHono<AppEnv>, 'openAPIRegistry'>) {
  const operations: Operation[] = app.openAPIRegistry.definitions.flatMap((d) =>
    d.type === 'route'
      ? [
          {
            method: d.route.method.toUpperCase(),
            path: d.route.path,
            pattern: patternOf(d.route.path),
            responses: d.route.responses as Operation['responses'],
          },
        ]
      : [],
  );

  return function check(
    method: string,
    path: string,
    status: number,
    contentType: string,
    text: string,
  ): void {
    const where = `${method} ${path} -> ${status}`;
    const onPath = operations.filter((op) => op.pattern.test(path));
    if (onPath.length === 0) return; // not an API path (admin pages, dashboard, metrics, docs)
    const operation = onPath.find((op) => op.method === method || (method === 'HEAD' && op.method === 'GET'));
    const declared = operation?.responses[String(status)];
    const routerAnswer = ROUTER_LEVEL.has(status) || (method === 'OPTIONS' && status === 204);
    if (!declared && !routerAnswer) {
      throw new Error(
        `${where}: the document declares no ${status} for this ${operation ? 'operation' : 'method'}`,
      );
    }
    if (!contentType.startsWith('application/json') || text === '' || method === 'HEAD') return;
    const schema = declared?.content?.['application/json']?.schema ?? ErrorSchema;
    if (!isZod(schema)) throw new Error(`${where}: the declared schema is not a zod schema`);
    conform(where, schema, JSON.parse(text));
  };
}

/** Parses `body` with `schema`, keeping every field; throws saying where it differs. */
function conform(where: string, schema: ZodType, body: unknown): void {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw new Error(`${where}: the body does not match its schema: ${JSON.stringify(parsed.error.issues)}`);
  }
  const undeclared = firstDifference(body, parsed.data);
  if (undeclared) throw new Error(`${where}: ${undeclared} is not in the declared schema`);
}

/**
 * An event stream's response, passed through a check of each event's data against the schema of its
 * event name (STREAM_EVENTS): a bad event errors the stream before the test reads it.
 */
export function checkEventStream(path: string, res: Response): Response {
  const template = Object.keys(STREAM_EVENTS).find((t) => patternOf(t).test(path));
  if (!template || !res.body) return res;
  const schemas: Record<string, ZodType> = STREAM_EVENTS[template as keyof typeof STREAM_EVENTS];
  const decoder = new TextDecoder();
  let buffer = '';
  const checkFrame = (frame: string) => {
    const lines = frame.split('\n');
    if (lines.every((line) => line.startsWith(':'))) return; // heartbeat
    const event = lines.find((line) => line.startsWith('event: '))?.slice(7) ?? 'message';
    const data = lines
      .filter((line) => line.startsWith('data: '))
      .map((line) => line.slice(6))
      .join('\n');
    const schema = schemas[event];
    if (!schema) throw new Error(`${path}: event \`${event}\` is not declared`);
    conform(`${path} event ${event}`, schema, JSON.parse(data));
  };
  const checked = res.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        buffer += decoder.decode(chunk, { stream: true });
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          checkFrame(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
        controller.enqueue(chunk);
      },
    }),
  );
  return new Response(checked, { status: res.status, statusText: res.statusText, headers: res.headers });
}

/** The first path where `parsed` lost or changed something `body` had, or null. */
function firstDifference(body: unknown, parsed: unknown, at = 'body'): string | null {
  if (body === null || typeof body !== 'object') return Object.is(body, parsed) ? null : at;
  if (parsed === null || typeof parsed !== 'object') return at;
  for (const [key, value] of Object.entries(body)) {
    if (!(key in parsed)) return `${at}.${key}`;
    const inner = firstDifference(value, (parsed as Record<string, unknown>)[key], `${at}.${key}`);
    if (inner) return inner;
  }
  return null;
}

/** Wraps `app.request` so every in-process response is checked (the test fails at the request). */
export function checkEveryResponse(app: OpenAPIHono<AppEnv>): void {
  const check = makeResponseContract(app);
  const request = app.request;
  app.request = async (input, init, env, executionCtx) => {
    const res = await request(input, init, env, executionCtx);
    const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    const url = input instanceof Request ? input.url : String(input);
    const path = new URL(url, 'http://localhost').pathname;
    const type = res.headers.get('content-type') ?? '';
    const text = type.startsWith('application/json') ? await res.clone().text() : '';
    check(method, path, res.status, type, text);
    return type.startsWith('text/event-stream') ? checkEventStream(path, res) : res;
  };
}
