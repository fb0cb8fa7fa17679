import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { DeleteServiceCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import {
  DeleteRuleCommand,
  DeleteTargetGroupCommand,
  DescribeRulesCommand,
  DescribeTargetGroupsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { type Localcloud, type LocalcloudOptions, startLocalcloud } from '../../localcloud/index.js';
import type { CallLogEntry } from '../../localcloud/inspection.js';
import { type AwsClients, makeAwsClients } from '../../shared/aws-clients.js';
import { loadWorkerConfig, type WorkerConfig } from '../../shared/config.js';
import { makeSealer } from '../../shared/crypto.js';
import { newGatewayToken, newInstanceId } from '../../shared/naming.js';
import { makeRedis } from '../../shared/redis.js';
import { makeInstanceStore } from '../../shared/store/instance-store.js';
import type { WorkerContext } from '../../worker/context.js';
import type { JobRun, SagaOutcome } from '../../worker/jobs/job-run.js';
import { runCreate } from '../../worker/saga/run-create.js';
import { runDelete } from '../../worker/saga/run-delete.js';
import { pipelineEnv, TINY_TIME_SCALE } from '../support/pipeline.js';
import { makeTestNamespace, TEST_REDIS_URL } from '../support/redis-namespace.js';

/**
 * The sagas driven directly (no BullMQ, no worker process) against their real collaborators: an
 * in-process localcloud and real Redis. Fast enough for Stryker to run per mutant (vitest.mutation.config.ts),
 * so a mutant in the saga or a step is killed by what it changes on AWS or in the checkpoint, not only by
 * the end-to-end suites. One localcloud per test file (`startSagaCloud` in beforeAll); one Redis prefix,
 * store, clock and AWS clients per test (`sagaWorld`).
 */
export const NEVER_HEALTHY_IMAGE = 'ghcr.io/openclaw/never-healthy:1';

/**
 * The file's localcloud. With `own` options (a timing, a group size) the file gets one of its own even in
 * mutation runs, and each world starts from the account's bootstrap state (`sagaWorld`'s `fresh`).
 */
export async function startSagaCloud(own?: Partial<LocalcloudOptions>): Promise<Localcloud> {
  process.env.AWS_ACCESS_KEY_ID ??= 'test';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
  const start = () =>
    startLocalcloud({
      port: 0,
      timeScale: TINY_TIME_SCALE,
      asg: { max: 40 },
      taskRuntime: 'in-process',
      // An image a test can choose so that the task runs but its target never turns healthy.
      failingImages: `unhealthy=${NEVER_HEALTHY_IMAGE}`,
      ...own,
    });
  if (own || process.env.SAGA_CLOUD_SHARED !== '1') return start();
  // Mutation runs (vitest.mutation.config.ts: one worker, not isolated) keep one localcloud for the whole
  // process, across files and mutants: starting one and warming its capacity per file was most of a run.
  const shared = globalThis as { sagaCloud?: Promise<Localcloud> };
  shared.sagaCloud ??= start();
  const cloud = await shared.sagaCloud;
  return { ...cloud, close: async () => {} };
}

/** The part of an SDK client the recorder uses: one initialize-step middleware on its stack. */
interface Recordable {
  middlewareStack: {
    add(
      middleware: (
        next: (args: { input: unknown }) => Promise<unknown>,
        context: { commandName?: string },
      ) => (args: { input: unknown }) => Promise<unknown>,
      options: { step: 'initialize'; name: string },
    ): void;
  };
}

/** What a request sent, as the SDK serialised its input: the test reads tokens and parameters off it. */
export interface SentCall {
  operation: string;
  input: Record<string, unknown>;
}

/**
 * The job fails for good (BullMQ's UnrecoverableError: no attempt follows), its reason naming the step
 * and the error code first.
 */
export const failsForGood = (step: string, code?: string) =>
  expect.objectContaining({
    name: 'UnrecoverableError',
    message: expect.stringMatching(new RegExp(`^${step}: ${code ?? '[A-Za-z]+'}: `)),
  });

/** A job attempt as the saga sees it: its notes, progress and log lines are kept for the test to read. */
export function jobRun(attempt = 1, isLastAttempt = false) {
  const notes: string[] = [];
  const progress: Record<string, string | number>[] = [];
  /** Every log line the saga wrote through the job's logger, parsed. */
  const logs: Record<string, unknown>[] = [];
  const log = pino(
    { level: 'debug' },
    new Writable({
      write(chunk, _encoding, callback) {
        logs.push(JSON.parse(String(chunk)));
        callback();
      },
    }),
  );
  const run: JobRun & { notes: string[]; progressSeen: typeof progress; logs: typeof logs } = {
    log,
    attempt,
    isLastAttempt,
    notes,
    progressSeen: progress,
    logs,
    async note(line) {
      notes.push(line);
    },
    progress(p) {
      progress.push(p);
    },
  };
  return run;
}

export async function sagaWorld(cloud: Localcloud, env: Record<string, string> = {}, fresh = false) {
  const ns = makeTestNamespace();
  const config: WorkerConfig = loadWorkerConfig(
    pipelineEnv({ ...cloud.ids }, ns.prefix, { PLACEMENT_POLL_MS: '20', ...env }),
  );
  const redis = makeRedis(TEST_REDIS_URL);
  const store = makeInstanceStore(redis, { prefix: ns.prefix, routing: config.routing });
  const sealer = makeSealer(config.DATA_ENCRYPTION_KEY.reveal());
  const aws = makeAwsClients(config);
  // Every request's input, recorded as it leaves: what a token or a parameter was, per call.
  const sent: SentCall[] = [];
  /** Run just before a request of that operation leaves (once each): what happens while it is in flight. */
  const before = new Map<string, () => Promise<void>>();
  for (const client of [aws.ecs, aws.elbv2, aws.secrets] as unknown as Recordable[]) {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const operation = String(context.commandName).replace(/Command$/, '');
        sent.push({ operation, input: args.input as never });
        const hook = before.get(operation);
        before.delete(operation);
        await hook?.();
        return next(args);
      },
      { step: 'initialize', name: 'sagaBenchRecorder' },
    );
  }
  /** Wall-clock time plus `offsetMs`: a test moves time forward to cross a deadline without waiting. */
  const clock = { offsetMs: 0, now: () => Date.now() + clock.offsetMs };
  const ctx: WorkerContext = { aws, redis, store, sealer, log: pino({ level: 'silent' }), clock, config };

  const inspect = async <T>(path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${cloud.url}/_localcloud/${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return (await res.json()) as T;
  };
  // Each test starts with no fault and an empty call log. Every few worlds the account goes back to its
  // bootstrap state (same ids); in between, `close` removes what makes one test's calls differ from the
  // next's (rules holding priorities, services holding capacity).
  const counter = globalThis as { sagaWorlds?: number };
  counter.sagaWorlds = (counter.sagaWorlds ?? 0) + 1;
  if (fresh || counter.sagaWorlds % 40 === 1) await inspect('reset', {});
  else {
    await inspect('faults', { rules: [] });
    await inspect('calls/reset', {});
  }
  const submitted: string[] = [];

  return {
    ctx,
    config,
    store,
    sealer,
    clock,
    sent,
    before,
    inspect,
    /** The inputs of every request of one operation, in order. */
    inputsOf(operation: string) {
      return sent.filter((c) => c.operation === operation).map((c) => c.input);
    },
    /** Operations localcloud received since the world started (or the last `resetCalls`), in order. */
    async calls(): Promise<string[]> {
      return (await inspect<CallLogEntry[]>('calls/log')).map((c) => c.operation.split(':')[1]!);
    },
    async resetCalls() {
      sent.length = 0;
      await inspect('calls/reset', {});
    },
    /** What POST /v1/instances records: a queued instance with sealed credentials. */
    async submit(userId = `u-${randomUUID().slice(0, 8)}`) {
      const id = newInstanceId();
      const gatewayToken = newGatewayToken();
      const created = await store.create({
        id,
        userId,
        email: `${userId}@example.test`,
        requestId: 'req-test',
        sealed: { gatewayToken: sealer.seal(gatewayToken, id) },
      });
      if (created.kind !== 'created') throw new Error(`submit: ${created.kind}`);
      submitted.push(id);
      return { id, gatewayToken };
    },
    /** One create attempt, as the job processor runs it. */
    create(id: string, run = jobRun()): Promise<SagaOutcome> {
      return runCreate(ctx, run, id);
    },
    delete(id: string, run = jobRun()): Promise<SagaOutcome> {
      return runDelete(ctx, run, id);
    },
    /** Create attempts until one ends with `done` (waits followed at once, bounded), as the queue would. */
    async createUntilDone(id: string, run = jobRun()): Promise<Record<string, unknown>> {
      for (let i = 0; i < 200; i++) {
        const outcome = await runCreate(ctx, run, id);
        if (outcome.kind === 'done') return outcome.value;
        await new Promise((r) => setTimeout(r, Math.min(outcome.afterMs, 20)));
      }
      throw new Error(`create of ${id} did not finish in 200 attempts`);
    },
    async deleteUntilDone(id: string, run = jobRun()): Promise<Record<string, unknown>> {
      for (let i = 0; i < 200; i++) {
        const outcome = await runDelete(ctx, run, id);
        if (outcome.kind === 'done') return outcome.value;
        await new Promise((r) => setTimeout(r, Math.min(outcome.afterMs, 20)));
      }
      throw new Error(`delete of ${id} did not finish in 200 attempts`);
    },
    async close() {
      await inspect('faults', { rules: [] });
      await removeLeftovers(aws, config, submitted);
      aws.destroy();
      await redis.quit();
      await ns.cleanup();
    },
  };
}
export type SagaWorld = Awaited<ReturnType<typeof sagaWorld>>;

/** What a test's instances left that would change the next test's calls: rules, services, target groups. */
async function removeLeftovers(aws: AwsClients, config: WorkerConfig, ids: readonly string[]) {
  const quietly = (p: Promise<unknown>) => p.catch(() => undefined);
  const cluster = config.ECS_CLUSTER;
  for (const listener of config.routing.listeners) {
    const { Rules = [] } = await aws.elbv2.send(
      new DescribeRulesCommand({ ListenerArn: listener.listenerArn }),
    );
    await Promise.all(
      Rules.filter((r) => !r.IsDefault).map((r) =>
        quietly(aws.elbv2.send(new DeleteRuleCommand({ RuleArn: r.RuleArn }))),
      ),
    );
  }
  await Promise.all(
    ids.map(async (id) => {
      const service = `openclaw-${id}`;
      await quietly(aws.ecs.send(new UpdateServiceCommand({ cluster, service, desiredCount: 0 })));
      await quietly(aws.ecs.send(new DeleteServiceCommand({ cluster, service, force: true })));
      const groups = await quietly(aws.elbv2.send(new DescribeTargetGroupsCommand({ Names: [service] })));
      const arn = (groups as { TargetGroups?: { TargetGroupArn?: string }[] } | undefined)?.TargetGroups?.[0]
        ?.TargetGroupArn;
      if (arn) await quietly(aws.elbv2.send(new DeleteTargetGroupCommand({ TargetGroupArn: arn })));
    }),
  );
}

/**
 * A describe block's saga world: one localcloud for the file (beforeAll), a fresh world per test
 * (beforeEach), closed after it. The returned object stands for the current test's world; `restart`
 * replaces it with one on other worker settings (e.g. another GATEWAY_IMAGE).
 */
export function useSagaWorld(
  ownCloud?: Partial<LocalcloudOptions>,
): SagaWorld & { restart(env: Record<string, string>): Promise<void> } {
  let cloud: Localcloud | undefined;
  let current: SagaWorld | undefined;
  const fresh = ownCloud !== undefined;
  beforeAll(async () => {
    cloud = await startSagaCloud(ownCloud);
  });
  afterAll(async () => {
    await cloud?.close();
  });
  beforeEach(async () => {
    current = await sagaWorld(cloud!, {}, fresh);
  });
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  const restart = async (env: Record<string, string>) => {
    await current?.close();
    current = await sagaWorld(cloud!, env, fresh);
  };
  return new Proxy({} as SagaWorld & { restart: typeof restart }, {
    get: (_target, key) => (key === 'restart' ? restart : Reflect.get(current!, key)),
  });
}
