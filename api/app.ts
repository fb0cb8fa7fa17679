import { OpenAPIHono } from '@hono/zod-openapi';
import { ApiError } from './api-error.js';
import type { AppDeps, AppEnv } from './app-env.js';
import { BULL_BOARD_PATH, mountBullBoard } from './bull-board.js';
import { registerCapacityOpenApi } from './capacity/capacity-openapi.js';
import { makeCapacityRoutes } from './capacity/capacity-routes.js';
import { notFound, onError, validationHook } from './error-handler.js';
import { makeEventHub } from './event-hub.js';
import { accessLog } from './middleware/access-log.js';
import { makeAdminAuth, protectAdminPaths } from './middleware/admin-auth.js';
import { bearerAuth } from './middleware/bearer-auth.js';
import { makeBodyLimit } from './middleware/body-limit.js';
import { requestId } from './middleware/request-id.js';
import type { RateLimitOptions } from './rate-limit.js';
import { registerDocs } from './routes/docs.js';
import { registerHealth } from './routes/health.js';
import { registerInstanceEvents } from './routes/instance-events.js';
import { registerInstanceLogs } from './routes/instance-logs.js';
import { registerCreateInstance } from './routes/instances-create.js';
import { registerDeleteInstance } from './routes/instances-delete.js';
import { registerReadInstances } from './routes/instances-read.js';
import { registerRetryInstance } from './routes/instances-retry.js';
import { registerSignup } from './routes/signup.js';
import { registerSignupPage } from './routes/signup-page.js';

export type { AppDeps, AppEnv } from './app-env.js';

export interface AppOptions {
  /** Event-stream heartbeat interval (default 15 s). */
  heartbeatMs?: number;
  /** Signup requests per address and window (default 10 a minute). */
  signupLimit?: Omit<RateLimitOptions, 'name'>;
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
  const events = makeEventHub(deps.subscriber);

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

  app.use('/v1', bearerAuth);
  app.use('/v1/*', bearerAuth);
  protectAdminPaths(app, makeAdminAuth(deps.config), ADMIN_PATHS);

  registerHealth(app);
  registerCreateInstance(app);
  registerReadInstances(app);
  registerDeleteInstance(app);
  registerRetryInstance(app);
  registerInstanceEvents(app, options.heartbeatMs);
  registerInstanceLogs(app, options.heartbeatMs);
  if (deps.config.SIGNUP_PAGE) {
    registerSignupPage(app);
    registerSignup(app, {
      ...(options.signupLimit ? { limit: options.signupLimit } : {}),
      ...(options.heartbeatMs ? { heartbeatMs: options.heartbeatMs } : {}),
    });
  }
  app.route(
    '/',
    makeCapacityRoutes({
      redis: deps.redis,
      prefix: deps.config.QUEUE_PREFIX,
      store: deps.store,
      queues: deps.queues,
      ...(deps.prices ? { prices: deps.prices } : {}),
    }),
  );
  registerCapacityOpenApi(app);
  registerDocs(app);
  mountBullBoard(app, deps.queues);

  app.onError(onError);
  app.notFound(notFound);
  return app;
}
