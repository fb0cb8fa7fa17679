import { createMiddleware } from 'hono/factory';
import { ApiError } from '../api-error.js';
import type { AppEnv } from '../app-env.js';
import { constantTimeEquals } from './constant-time.js';

const challenge = { 'WWW-Authenticate': 'Bearer realm="openclaw-fleet"' };

/** Every `/v1` route: `Authorization: Bearer <API_TOKEN>`, checked before any input is read. */
export const bearerAuth = createMiddleware<AppEnv>(async (c, next) => {
  const header = c.req.header('authorization') ?? '';
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match)
    throw new ApiError(401, 'unauthorized', 'Authorization: Bearer <API_TOKEN> required', null, challenge);
  if (!constantTimeEquals(match[1]!, c.get('deps').config.API_TOKEN.reveal())) {
    throw new ApiError(401, 'unauthorized', 'Wrong API token', null, challenge);
  }
  await next();
});
