import type { Hono, NotFoundHandler } from 'hono';
import { errorBody } from './api-error.js';
import type { AppEnv } from './app-env.js';

interface KnownPath {
  pattern: RegExp;
  methods: readonly string[];
}

/** Hono path syntax (`/v1/instances/:id`, `/x/*`) as an anchored regular expression. */
function patternOf(path: string): RegExp {
  const source = path
    .split(/(:\w+(?:\{[^}]*\})?|\*)/)
    .map((part) => {
      if (part === '*') return '.*';
      if (part.startsWith(':')) return '[^/]+';
      return part.replaceAll(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  return new RegExp(`^${source}$`);
}

/** Paths served for some methods only, with their `Allow` value (HEAD with GET, as Hono serves both). */
function knownPaths(app: Hono<AppEnv>): KnownPath[] {
  const methods = new Map<string, Set<string>>();
  for (const route of app.routes) {
    // ALL is middleware or a catch-all mount: it serves every method, so no 405 there.
    if (route.method === 'ALL') continue;
    const set = methods.get(route.path) ?? new Set<string>();
    set.add(route.method);
    if (route.method === 'GET') set.add('HEAD');
    methods.set(route.path, set);
  }
  return [...methods].map(([path, set]) => ({ pattern: patternOf(path), methods: [...set, 'OPTIONS'] }));
}

const allowOf = (methods: Set<string>) => [...methods].sort().join(', ');

/**
 * The app's not-found handler, upgraded: a request no route took, on a path that exists for other
 * methods, answers 405 with `Allow` (and OPTIONS answers 204 with it). It runs only once the router
 * found nothing, so matched requests pay nothing and the main router is not changed: registering a
 * catch-all per path instead would add routes to every lookup. The table is built on first use, after
 * every route is registered.
 */
export function withMethodNotAllowed(
  app: Hono<AppEnv>,
  notFound: NotFoundHandler<AppEnv>,
): NotFoundHandler<AppEnv> {
  let table: KnownPath[] | null = null;
  return (c) => {
    table ??= knownPaths(app);
    const path = c.req.path;
    const methods = new Set(table.filter((known) => known.pattern.test(path)).flatMap((k) => k.methods));
    if (methods.size === 0 || methods.has(c.req.method)) {
      if (c.req.method === 'OPTIONS' && methods.size > 0)
        return c.body(null, 204, { Allow: allowOf(methods) });
      return notFound(c);
    }
    const allow = allowOf(methods);
    return c.json(
      errorBody(
        'method_not_allowed',
        `${c.req.method} is not allowed on ${path}; allowed: ${allow}`,
        { allow: [...methods].sort() },
        c.var.requestId,
      ),
      405,
      { Allow: allow },
    );
  };
}
