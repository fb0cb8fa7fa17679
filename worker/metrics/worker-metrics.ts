import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/**
 * Step and job durations: most steps take well under a second against AWS (a secret, a target group,
 * a rule), placement waits minutes for capacity. Buckets from 50 ms to 30 min fit both.
 */
export const DURATION_BUCKETS_SECONDS = [
  0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800,
] as const;

/** What the saga tells the metrics; optional on the context, so tests and other processors skip it. */
export interface SagaMetrics {
  stepDone(step: string, seconds: number): void;
  /** One failed attempt at a step: `final` when the instance failed with it, not retried. */
  stepFailed(step: string, code: string, final: boolean): void;
  /** A create saga ended with the instance running, `seconds` after its signup was accepted. */
  instanceRunning(seconds: number): void;
}

export interface WorkerMetrics extends SagaMetrics {
  /** This process's registry: published to Redis for the API's /metrics (see worker-snapshots.ts). */
  registry: Registry;
  jobFinished(queue: string, name: string, seconds: number): void;
  awsCall(service: string, operation: string, errorCode?: string): void;
}

/**
 * The worker process's metrics, one registry per process (never prom-client's global one). Process
 * metrics carry the `openclaw_worker_` prefix, so the API's own process metrics sit beside them.
 */
export function makeWorkerMetrics(options: { processMetrics?: boolean } = {}): WorkerMetrics {
  const registry = new Registry();
  const registers = [registry];
  const buckets = [...DURATION_BUCKETS_SECONDS];
  const histogram = (name: string, help: string, labelNames: string[] = []) =>
    new Histogram({ name, help, labelNames, buckets, registers });
  const counter = (name: string, help: string, labelNames: string[]) =>
    new Counter({ name, help, labelNames, registers });
  const steps = histogram(
    'openclaw_step_duration_seconds',
    'Create-saga step durations, start of the attempt to done',
    ['step'],
  );
  const failures = counter(
    'openclaw_step_failures_total',
    'Failed step attempts by step and error code; final="true" when the instance failed with it',
    ['step', 'code', 'final'],
  );
  const signupToRunning = histogram(
    'openclaw_signup_to_running_seconds',
    'Instance created (signup accepted) to running',
  );
  const jobs = histogram(
    'openclaw_job_duration_seconds',
    'BullMQ job durations (processedOn to finishedOn), this attempt',
    ['queue', 'name'],
  );
  const awsCalls = counter(
    'openclaw_aws_calls_total',
    'AWS API calls by service and operation (SDK retries included once)',
    ['service', 'operation'],
  );
  const awsErrors = counter(
    'openclaw_aws_errors_total',
    'AWS API calls that failed, by service, operation and error code',
    ['service', 'operation', 'code'],
  );
  if (options.processMetrics) collectDefaultMetrics({ register: registry, prefix: 'openclaw_worker_' });
  return {
    registry,
    stepDone: (step, seconds) => steps.observe({ step }, Math.max(0, seconds)),
    stepFailed: (step, code, final) => failures.inc({ step, code, final: String(final) }),
    instanceRunning: (seconds) => signupToRunning.observe(Math.max(0, seconds)),
    jobFinished: (queue, name, seconds) => jobs.observe({ queue, name }, Math.max(0, seconds)),
    awsCall(service, operation, errorCode) {
      awsCalls.inc({ service, operation });
      if (errorCode !== undefined) awsErrors.inc({ service, operation, code: errorCode });
    },
  };
}
