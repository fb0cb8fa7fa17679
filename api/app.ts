import { OpenAPIHono } from '@hono/zod-openapi';
import { ApiError } from './api-error.js';
import type { AppDeps, AppEnv } from './app-env.js';
import { BULL_BOARD_PATH, mountBullBoard } from './bull-board.js';
import { makeCapacityRoutes } from './capacity/capacity-routes.js';
import { makeApiProcessMetrics } from './capacity/metrics-http.js';
import { notFound, onError, validationHook } from './error-handler.js';
import { makeEventHub } from './event-hub.js';
import { idempotency } from './idempotency/idempotency.js';
import { withMethodNotAllowed } from './method-not-allowed.js';
import { accessLog } from './middleware/access-log.js';
import { makeAdminAuth, protectAdminPaths } from './middleware/admin-auth.js';
import { bearerAuth } from './middleware/bearer-auth.js';
import { makeBodyLimit } from './middleware/body-limit.js';
import { PAGE_POLICIES, pageHeaders } from './middleware/page-headers.js';
import { redisAvailable } from './middleware/redis-available.js';
import { requestId } from './middleware/request-id.js';
import { registerRollouts } from './rollouts/rollout-routes.js';
import { registerRolloutStream } from './rollouts/rollout-stream.js';
import { registerDocs } from './routes/docs.js';
import { registerHealth } from './routes/health.js';
import { registerInstanceEvents } from './routes/instance-events.js';
import { registerInstanceLogs } from './routes/instance-logs.js';
import { registerCreateInstance } from './routes/instances-create.js';
import { registerRestoreCredentials } from './routes/instances-credentials.js';
import { registerDeleteInstance } from './routes/instances-delete.js';
import { registerInstanceDeliveries } from './routes/instances-deliveries.js';
import { registerReadInstances } from './routes/instances-read.js';
import { registerRetryInstance } from './routes/instances-retry.js';
import { registerRotateToken } from './routes/instances-token.js';
import { registerReconcile } from './routes/reconcile.js';
import { registerSignup } from './routes/signup.js';
import { registerSignupPage } from './routes/signup-page.js';
import type { SignupOptions } from './signup/signup-kit.js';

export type { AppDeps, AppEnv } from './app-env.js';

export interface AppOptions {
  /** Event-stream heartbeat interval (default 15 s). */
  heartbeatMs?: number;
  /** The signup page's mailer, outbox, rate limits, proof-of-work cost and stream caps. */
  signup?: SignupOptions;
}

/** Operator pages behind basic auth. */
export const ADMIN_PATHS = [BULL_BOARD_PATH, '/dashboard'] as const;

/**
 * The HTTP app. Middleware order matters: the request id and access log wrap everything; the body
 * limit runs before any parsing; bearer auth (on /v1) and admin auth (on operator pages) run before
 * their routes, so a request without credentials never reaches validation, Redis or a queue.
 */
export function makeApp(deps: AppDeps, options: AppOptions = {}): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  const metrics = deps.metrics ?? makeApiProcessMetrics();
  const events = makeEventHub(deps.subscriber);

  app.use('*', metrics.middleware);
  app.use('*', async (c, next) => {
    c.set('deps', deps);
    c.set('events', events);
    await next();
  });
  app.use('*', requestId);
  app.use('*', accessLog);
  app.use(
    '*',
    makeBodyLimit(deps.config.MAX_BODY_BYTES, () => {
      throw new ApiError(
        413,
        'payload_too_large',
        `The body is larger than ${deps.config.MAX_BODY_BYTES} bytes`,
        {
          maxBytes: deps.config.MAX_BODY_BYTES,
        },
      );
    }),
  );
  usePageHeaders(app);
  useAuth(app, deps);
  registerRoutes(app, deps, options);
  app.route(
    '/',
    makeCapacityRoutes({
      redis: deps.redis,
      prefix: deps.config.QUEUE_PREFIX,
      store: deps.store,
      queues: deps.queues,
      process: metrics,
      ...(deps.prices ? { prices: deps.prices } : {}),
      metrics:
        deps.config.METRICS_PORT !== undefined ? 'elsewhere' : { token: deps.config.METRICS_TOKEN?.reveal() },
    }),
  );
  registerDocs(app);
  mountBullBoard(app, deps.queues, { readOnly: deps.config.bullBoardReadOnly });

  app.onError(onError);
  app.notFound(withMethodNotAllowed(app, notFound));
  return app;
}

/** Every HTML page, its 401 included: a CSP fitted to the page and no framing. */
function usePageHeaders(app: OpenAPIHono<AppEnv>): void {
  const pages: [string[], keyof typeof PAGE_POLICIES][] = [
    [['/'], 'signup'],
    [['/dashboard', '/dashboard/*'], 'dashboard'],
    [['/docs', '/docs/*'], 'docs'],
    [[BULL_BOARD_PATH, `${BULL_BOARD_PATH}/*`], 'bullBoard'],
  ];
  for (const [paths, policy] of pages) {
    const headers = pageHeaders(PAGE_POLICIES[policy]);
    for (const path of paths) app.use(path, headers);
  }
}

/** Bearer auth on /v1, Redis checks, idempotency on the writes that take a key, admin auth on pages. */
function useAuth(app: OpenAPIHono<AppEnv>, deps: AppDeps): void {
  app.use('/v1', bearerAuth);
  app.use('/v1/*', bearerAuth);
  for (const path of ['/v1', '/v1/*', '/signup', '/signup/*']) app.use(path, redisAvailable);
  app.on('POST', '/v1/instances', idempotency);
  app.on('DELETE', '/v1/instances/:id', idempotency);
  app.on('POST', '/v1/instances/:id/retry', idempotency);
  app.on('POST', '/v1/instances/:id/token', idempotency);
  app.on('POST', '/v1/rollouts', idempotency);
  const adminAuth = makeAdminAuth(deps.config, {
    redis: deps.redis,
    prefix: deps.config.QUEUE_PREFIX,
    maxFailures: deps.config.ADMIN_LOGIN_MAX_FAILURES,
    lockoutSeconds: deps.config.ADMIN_LOGIN_LOCKOUT_SECONDS,
    trustedProxyHops: deps.config.TRUSTED_PROXY_HOPS,
  });
  protectAdminPaths(app, adminAuth, ADMIN_PATHS);
}

function registerRoutes(app: OpenAPIHono<AppEnv>, deps: AppDeps, options: AppOptions): void {
  registerHealth(app);
  registerCreateInstance(app);
  registerReadInstances(app);
  registerDeleteInstance(app);
  registerRetryInstance(app);
  registerRestoreCredentials(app);
  registerRotateToken(app);
  registerInstanceDeliveries(app);
  registerInstanceEvents(app, options.heartbeatMs);
  registerReconcile(app);
  registerRollouts(app);
  registerRolloutStream(app, options.heartbeatMs);
  registerInstanceLogs(app, options.heartbeatMs);
  if (deps.config.SIGNUP_PAGE) {
    const kit = registerSignup(app, deps, {
      ...options.signup,
      ...(options.heartbeatMs ? { heartbeatMs: options.heartbeatMs } : {}),
    });
    registerSignupPage(app, kit.outbox);
  }
}
