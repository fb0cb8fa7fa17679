// The stand-in gateway: what localcloud runs as a task's container when the real OpenClaw gateway is not
// installed. Plain Node, no dependency and no TypeScript, so a child process starts in tens of
// milliseconds from the source tree and from the built `dist/` alike.
//
//   GET /health                        200, unauthenticated (the ALB and the container health check)
//   ${BASE_PATH}/ , ${BASE_PATH}/health  200 with the gateway token (Bearer or ?token=), 401 without:
//                                      JSON { instanceId, status: 'ok', ... } when asked for JSON, else HTML
//
// Environment (what ECS gives the container): PORT, BASE_PATH, INSTANCE_ID, OPENCLAW_GATEWAY_TOKEN.
// The token and ANTHROPIC_API_KEY are never printed. One stdout line per request: method, path without
// its query, status. `--fail=exit` exits at start, `--fail=unhealthy` answers 500 on /health (a bad
// release, chosen by localcloud's failingImages setting).
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';

/** @typedef {'exit' | 'unhealthy' | undefined} FailMode */

/** @param {string} s */
const digest = (s) => createHash('sha256').update(s).digest();

/**
 * Constant-time comparison of a presented token with the expected one (hashing first makes the lengths
 * equal, so the comparison time says nothing about either).
 * @param {string | undefined} presented
 * @param {string} expected
 */
function tokenMatches(presented, expected) {
  if (!presented || !expected) return false;
  return timingSafeEqual(digest(presented), digest(expected));
}

/** @param {string} s */
const escapeHtml = (s) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * @param {import('node:http').IncomingMessage} req
 * @param {URL} url
 */
function presentedToken(req, url) {
  const auth = req.headers.authorization;
  if (typeof auth === 'string' && auth.startsWith('Bearer ')) return auth.slice(7).trim();
  return url.searchParams.get('token') ?? undefined;
}

/** @param {import('node:http').IncomingMessage} req */
const wantsJson = (req) => /application\/json/i.test(String(req.headers.accept ?? ''));

/**
 * @param {import('node:http').ServerResponse} res
 * @param {number} status
 * @param {unknown} body
 */
function sendJson(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/**
 * @param {Record<string, string | undefined>} env
 * @param {{ fail?: FailMode, log?: (line: string) => void }} [options]
 * @returns {import('node:http').Server}
 */
export function createStandIn(env, options = {}) {
  const basePath = (env.BASE_PATH ?? '').replace(/\/+$/, '');
  const instanceId = env.INSTANCE_ID ?? '';
  const token = env.OPENCLAW_GATEWAY_TOKEN ?? '';
  const startedAt = new Date().toISOString();
  const log = options.log ?? ((line) => process.stdout.write(`${line}\n`));

  /** @type {(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, url: URL) => number} */
  const handle = (req, res, url) => {
    const path = url.pathname;
    if (path === '/health') {
      if (options.fail === 'unhealthy') {
        sendJson(res, 500, { status: 'failing' });
        return 500;
      }
      sendJson(res, 200, { status: 'ok' });
      return 200;
    }
    const inBase = basePath !== '' && (path === basePath || path.startsWith(`${basePath}/`));
    if (!inBase) {
      sendJson(res, 404, { error: 'not found' });
      return 404;
    }
    if (!tokenMatches(presentedToken(req, url), token)) {
      res.setHeader('www-authenticate', 'Bearer');
      sendJson(res, 401, { error: 'a valid gateway token is required' });
      return 401;
    }
    const rest = path.slice(basePath.length);
    if (rest !== '' && rest !== '/' && rest !== '/health') {
      sendJson(res, 404, { error: 'not found' });
      return 404;
    }
    const body = { instanceId, status: 'ok', gateway: 'localcloud stand-in', startedAt };
    if (wantsJson(req)) {
      sendJson(res, 200, body);
      return 200;
    }
    const id = escapeHtml(instanceId);
    const html = `<!doctype html><html><head><meta charset="utf-8"><title>OpenClaw gateway ${id}</title></head><body><h1>OpenClaw gateway</h1><p>Instance <code>${id}</code> is running (localcloud stand-in).</p></body></html>`;
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'content-length': Buffer.byteLength(html),
    });
    res.end(html);
    return 200;
  };

  const server = createServer((req, res) => {
    let url;
    try {
      url = new URL(req.url ?? '/', 'http://stand-in');
    } catch {
      url = new URL('http://stand-in/');
    }
    const status = handle(req, res, url);
    log(`${req.method} ${url.pathname} ${status}`);
  });
  server.keepAliveTimeout = 65_000;
  return server;
}

/** Run as the container's process: listen on PORT, say so on stdout, exit 0 on SIGTERM. */
function main() {
  const fail = /** @type {FailMode} */ (
    process.argv.find((a) => a.startsWith('--fail='))?.slice('--fail='.length) || undefined
  );
  if (fail === 'exit') {
    process.stderr.write('stand-in: failing at start (localcloud failingImages)\n');
    process.exit(1);
  }
  const port = Number(process.env.PORT);
  if (!Number.isInteger(port) || port <= 0) {
    process.stderr.write('stand-in: PORT must be a port number\n');
    process.exit(2);
  }
  const server = createStandIn(process.env, { fail });
  server.on('error', (err) => {
    process.stderr.write(`stand-in: ${err.message}\n`);
    process.exit(3);
  });
  server.listen(port, '127.0.0.1', () => process.stdout.write(`listening on 127.0.0.1:${port}\n`));
  process.on('SIGTERM', () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
