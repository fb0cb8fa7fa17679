import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { ApiError } from '../api-error.js';
import type { AppEnv } from '../app-env.js';
import { requestLog } from '../middleware/request-id.js';
import type { RunOutcome } from '../reconcile/reconcile-runner.js';
import { bearerSecurity, bodyErrors, errorResponse, errors, jsonBody } from '../schemas.js';

const ReconcileRequest = z
  .strictObject({
    dryRun: z.boolean().default(false).openapi({ description: 'Report the drift, change nothing' }),
    waitMs: z.number().int().min(0).max(60_000).default(25_000).openapi({
      description: 'How long to wait for the report before answering 202 with the run to poll',
    }),
  })
  .openapi('ReconcileRequest');

const ReconcileReportSchema = z
  .object({
    jobId: z.string(),
    dryRun: z.boolean(),
    driftFound: z.number(),
    actions: z.array(z.unknown()),
  })
  .passthrough()
  .openapi('ReconcileReport', { description: 'The run report (shared/reconcile-report.ts) and its job id' });

const ReconcilePending = z
  .object({
    jobId: z.string(),
    status: z.literal('running'),
    links: z.object({ self: z.string() }),
  })
  .openapi('ReconcilePending');

const JobParams = z.object({
  jobId: z
    .string()
    .regex(/^on-demand-[0-9a-f-]{36}$/)
    .openapi({ param: { name: 'jobId', in: 'path' } }),
});

const answered = {
  200: {
    description: 'The run finished: its report',
    content: { 'application/json': { schema: ReconcileReportSchema } },
  },
  202: {
    description: 'Still running after waitMs: poll links.self',
    content: { 'application/json': { schema: ReconcilePending } },
  },
  401: errors[401],
  409: errorResponse(409, ['reconcile_in_progress']),
  500: errorResponse(500, ['internal_error', 'reconcile_failed']),
  503: errorResponse(503, ['reconcile_unavailable', 'redis_unavailable']),
};

const runRoute = createRoute({
  method: 'post',
  path: '/v1/reconcile',
  operationId: 'runReconcile',
  tags: ['operations'],
  summary: 'Run the reconciler now and return its report',
  description:
    'Enqueues a run on the `reconcile` queue (a worker runs it; the API never calls AWS) and waits up to `waitMs` for its report. `dryRun` applies to this run only. 409 when another run holds the reconcile lock; 500 `reconcile_failed` when the run itself failed.',
  security: bearerSecurity,
  request: { body: jsonBody(ReconcileRequest) },
  responses: { ...answered, ...bodyErrors },
});

const readRoute = createRoute({
  method: 'get',
  path: '/v1/reconcile/{jobId}',
  operationId: 'getReconcileRun',
  tags: ['operations'],
  summary: 'The report of a run started with POST /v1/reconcile',
  security: bearerSecurity,
  request: { params: JobParams },
  responses: {
    ...answered,
    400: errorResponse(400, ['invalid_id']),
    404: errorResponse(404, ['not_found']),
  },
});

function answer(outcome: RunOutcome) {
  const { jobId } = outcome;
  if (outcome.state === 'running')
    return {
      status: 202 as const,
      body: { jobId, status: 'running' as const, links: { self: `/v1/reconcile/${jobId}` } },
    };
  if (outcome.state === 'failed')
    throw new ApiError(500, 'reconcile_failed', `Reconcile run ${jobId} failed: see the worker's log`, {
      jobId,
    });
  if (outcome.result.skipped)
    throw new ApiError(
      409,
      'reconcile_in_progress',
      'Another reconcile run holds the lock: try again shortly',
      {
        jobId,
      },
    );
  const { skipped: _skipped, ...report } = outcome.result;
  return { status: 200 as const, body: { jobId, ...report } };
}

export function registerReconcile(app: OpenAPIHono<AppEnv>): void {
  const runner = (c: { var: AppEnv['Variables'] }) => {
    const r = c.var.deps.reconcile;
    if (!r)
      throw new ApiError(503, 'reconcile_unavailable', 'This API process cannot reach the reconcile queue');
    return r;
  };

  app.openapi(runRoute, async (c) => {
    const { dryRun, waitMs } = c.req.valid('json');
    const outcome = await runner(c).run(dryRun, waitMs);
    requestLog(c).info({ jobId: outcome.jobId, dryRun, state: outcome.state }, 'reconcile on demand');
    const { status, body } = answer(outcome);
    return status === 202 ? c.json(body, 202) : c.json(body as z.infer<typeof ReconcileReportSchema>, 200);
  });

  app.openapi(readRoute, async (c) => {
    const { jobId } = c.req.valid('param');
    const outcome = await runner(c).read(jobId);
    if (!outcome) throw new ApiError(404, 'not_found', `No reconcile run ${jobId}`);
    const { status, body } = answer(outcome);
    return status === 202 ? c.json(body, 202) : c.json(body as z.infer<typeof ReconcileReportSchema>, 200);
  });
}
