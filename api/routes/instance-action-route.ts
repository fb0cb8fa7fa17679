import { createRoute } from '@hono/zod-openapi';
import {
  Accepted,
  bearerSecurity,
  errorResponse,
  errors,
  IdempotencyHeaders,
  InstanceIdParams,
  idErrors,
  instanceErrors,
} from '../schemas.js';

/**
 * The shape of an action on one instance that queues a job (delete, retry): the id in the path, an
 * optional Idempotency-Key, 202 with the instance's new status, 409 when its status refuses.
 */
export function instanceActionRoute<M extends 'delete' | 'post', P extends string>(spec: {
  method: M;
  path: P;
  operationId: string;
  summary: string;
  description?: string;
  accepted: string;
  conflict: 'already_deleted' | 'not_failed';
}) {
  const { accepted, conflict, ...rest } = spec;
  return createRoute({
    ...rest,
    tags: ['instances'],
    security: bearerSecurity,
    request: { params: InstanceIdParams, headers: IdempotencyHeaders },
    responses: {
      202: { description: accepted, content: { 'application/json': { schema: Accepted } } },
      ...idErrors,
      ...instanceErrors,
      409: errorResponse(409, [conflict, 'idempotency_key_in_use']),
      422: errors[422],
    },
  });
}
