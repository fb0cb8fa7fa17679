import { createRoute, type OpenAPIHono, type z } from '@hono/zod-openapi';
import { isFinalRollout, type RolloutControl } from '../../shared/rollouts/rollout.js';
import { makeRolloutStore } from '../../shared/rollouts/rollout-store.js';
import { ApiError } from '../api-error.js';
import type { AppEnv } from '../app-env.js';
import { requestLog } from '../middleware/request-id.js';
import {
  bearerSecurity,
  bodyErrors,
  errorResponse,
  errors,
  IdempotencyHeaders,
  jsonBody,
  redisErrors,
} from '../schemas.js';
import { RolloutIdParams, RolloutList, RolloutRequest, RolloutView } from './rollout-schemas.js';
import { toRolloutView } from './rollout-view.js';

const json = (description: string, schema: z.ZodType) => ({
  description,
  content: { 'application/json': { schema } },
});
const common = { 401: errors[401], 500: errors[500], ...redisErrors };
const oneRollout = {
  ...common,
  400: errorResponse(400, ['invalid_id']),
  404: errorResponse(404, ['not_found']),
};

const startRoute = createRoute({
  method: 'post',
  path: '/v1/rollouts',
  operationId: 'startRollout',
  tags: ['operations'],
  summary: 'Roll a new gateway image across every running instance',
  description:
    'Records the rollout and enqueues one job on the `rollouts` queue; a worker takes the running instances in batches (the canary first), moves each service to a task-definition revision on the new image, and waits until ECS reports the deployment COMPLETED and the instance URL answers through the load balancer. Instances created meanwhile get the new image. A canary failure, or more than `maxFailures` failures, stops the rollout and rolls back every instance it changed. 409 while another rollout is live.',
  security: bearerSecurity,
  request: { headers: IdempotencyHeaders, body: jsonBody(RolloutRequest) },
  responses: {
    202: json('Started: follow links.self or links.events', RolloutView),
    ...common,
    ...bodyErrors,
    409: errorResponse(409, ['rollout_in_progress', 'idempotency_key_in_use']),
    422: errorResponse(422, ['idempotency_key_reused']),
    503: errorResponse(503, ['rollouts_unavailable', 'redis_unavailable']),
  },
});

const listRoute = createRoute({
  method: 'get',
  path: '/v1/rollouts',
  operationId: 'listRollouts',
  tags: ['operations'],
  summary: 'The latest rollouts, newest first',
  security: bearerSecurity,
  responses: { 200: json('Up to 20 rollouts', RolloutList), ...common },
});

const getRoute = createRoute({
  method: 'get',
  path: '/v1/rollouts/{id}',
  operationId: 'getRollout',
  tags: ['operations'],
  summary: "A rollout's progress, per batch and per instance",
  security: bearerSecurity,
  request: { params: RolloutIdParams },
  responses: { 200: json('The rollout', RolloutView), ...oneRollout },
});

const CONTROLS: Record<'pause' | 'resume' | 'abort', { control: RolloutControl; summary: string }> = {
  pause: { control: 'pause', summary: 'Pause a rollout after the instance it is updating' },
  resume: { control: 'run', summary: 'Resume a paused rollout' },
  abort: { control: 'abort', summary: 'Stop a rollout and roll back every instance it changed' },
};

const controlRoute = (action: keyof typeof CONTROLS) =>
  createRoute({
    method: 'post',
    path: `/v1/rollouts/{id}/${action}`,
    operationId: `${action}Rollout`,
    tags: ['operations'],
    summary: CONTROLS[action].summary,
    description:
      'Sets what the rollout does next; the worker acts on it between two instances (an abort then rolls back). Answers the rollout as it stands. 409 once it has finished.',
    security: bearerSecurity,
    request: { params: RolloutIdParams },
    responses: {
      202: json('Asked: the worker acts on it between two instances', RolloutView),
      ...oneRollout,
      409: errorResponse(409, ['rollout_finished']),
    },
  });

export function registerRollouts(app: OpenAPIHono<AppEnv>): void {
  const storeOf = (c: { var: AppEnv['Variables'] }) =>
    makeRolloutStore(c.var.deps.redis, c.var.deps.config.QUEUE_PREFIX);
  const queueOf = (c: { var: AppEnv['Variables'] }) => {
    const queue = c.var.deps.rolloutQueue;
    if (!queue)
      throw new ApiError(503, 'rollouts_unavailable', 'This API process cannot reach the rollouts queue');
    return queue;
  };
  const found = async (c: { var: AppEnv['Variables'] }, id: string) => {
    const rollout = await storeOf(c).get(id);
    if (!rollout) throw new ApiError(404, 'not_found', `No rollout ${id}`);
    return rollout;
  };

  app.openapi(startRoute, async (c) => {
    const request = c.req.valid('json');
    const queue = queueOf(c);
    const store = storeOf(c);
    const started = await store.start(request, c.var.requestId);
    if (!started.ok)
      throw new ApiError(409, 'rollout_in_progress', `Rollout ${started.activeId} is still live`, {
        activeId: started.activeId,
      });
    try {
      await queue.enqueue(started.rollout.id);
    } catch (error) {
      await store.forget(started.rollout);
      throw error;
    }
    requestLog(c).info({ rolloutId: started.rollout.id, image: request.image }, 'rollout started');
    return c.json(toRolloutView(started.rollout), 202);
  });

  app.openapi(listRoute, async (c) => {
    const items = await storeOf(c).list(20);
    return c.json({ items: items.map(toRolloutView) }, 200);
  });

  app.openapi(getRoute, async (c) => c.json(toRolloutView(await found(c, c.req.valid('param').id)), 200));

  for (const action of Object.keys(CONTROLS) as (keyof typeof CONTROLS)[]) {
    app.openapi(controlRoute(action), async (c) => {
      const { id } = c.req.valid('param');
      const rollout = await found(c, id);
      if (isFinalRollout(rollout.state))
        throw new ApiError(409, 'rollout_finished', `Rollout ${id} has finished: ${rollout.state}`);
      const { control } = CONTROLS[action];
      await storeOf(c).setControl(id, control);
      // A paused rollout's job sleeps as a delayed job: wake it so a resume or abort acts now.
      if (control !== 'pause') await queueOf(c).wake(id);
      requestLog(c).info({ rolloutId: id, control }, `rollout ${action}`);
      return c.json(toRolloutView({ ...rollout, control }), 202);
    });
  }
}
