import type { AddressInfo } from 'node:net';
import type { BootstrapOptions, WarmGroupOptions } from './bootstrap.js';
import { createCloud } from './bootstrap.js';
import { makeConsistency } from './consistency.js';
import { startDataPlane } from './dataplane/data-plane.js';
import { makeFaults } from './faults.js';
import { idsOf, type LocalcloudIds } from './ids.js';
import type { CallLogEntry } from './inspection.js';
import { type Persister, startPersister } from './persistence/persister.js';
import { restoreWorld, StateFileError } from './persistence/restore-state.js';
import { resumeWorld } from './persistence/resume.js';
import { savedAlbAddresses } from './persistence/saved-addresses.js';
import { readWorldFile } from './persistence/state-file.js';
import { makeRateLimiter, parseRateLimitsEnv, type RateLimitsOption } from './rate-limits/rate-limiter.js';
import { closeDataPlane } from './runtime/data-plane.js';
import { type FailingImageRule, parseFailingImages } from './runtime/failing-images.js';
import { TASK_RUNTIME_KINDS, type TaskRuntimeKind } from './runtime/task-runtime.js';
import { makeServer } from './server.js';
import { DEFAULT_TIME_SCALE, type LocalcloudTiming } from './timing.js';
import { warmGroupFromEnv } from './warm-group-env.js';

export type { WarmGroupOptions } from './bootstrap.js';
export type { FaultConfig, FaultRule } from './faults.js';
export { StateFileError } from './persistence/restore-state.js';
export type { RateLimitsOption } from './rate-limits/rate-limiter.js';
export { liveContainerPids } from './runtime/child-container.js';
export { TASK_RUNTIME_KINDS } from './runtime/task-runtime.js';
export { WARM_CAPACITY_PROVIDER, WARM_GROUP_NAME } from './sim/asg-groups.js';
export { AWS_TIMING, DEFAULT_TIME_SCALE } from './timing.js';
export type { FailingImageRule, LocalcloudIds, LocalcloudTiming, TaskRuntimeKind };

export interface LocalcloudOptions {
  /** 0 = random. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default us-west-2. */
  region?: string;
  /** Default '000000000000'. */
  accountId?: string;
  /** How many ALBs (each with an HTTP:80 listener); default 1. */
  albs?: number;
  /**
   * The local port each ALB's listener really serves on (its DNSName becomes `host:port`);
   * missing or 0 = a random free port.
   */
  albPorts?: number[];
  /** ALB idle timeout: a target silent this long answers 504. Default 60 s, as ALB. */
  albIdleTimeoutMs?: number;
  /** Multiplier over AWS-realistic delays; default 0.02 (a 3-minute launch takes 3.6 s). */
  timeScale?: number;
  /** Absolute per-delay overrides in ms (not scaled). */
  timing?: Partial<LocalcloudTiming>;
  quotas?: Partial<{ rulesPerListener: number; targetGroupsPerAlb: number }>;
  asg?: Partial<{ min: number; max: number }>;
  /** Managed scaling's targetCapacity (1-100 %); default 100. Below 100 keeps spare instances (headroom). */
  targetCapacity?: number;
  /**
   * The optional on-demand group + capacity provider (`openclaw-warm-asg` / `openclaw-warm`) with a
   * warm pool. Default: LOCALCLOUD_WARM_POOL_SIZE (a number, 0 allowed) creates it with that pool
   * (LOCALCLOUD_WARM_POOL_STATE: Stopped, Running or Hibernated; default Stopped); unset, no such group.
   */
  warmGroup?: WarmGroupOptions;
  /** Seeds ids and fault injection; the same seed gives the same ids. */
  seed?: number;
  /**
   * How tasks' containers run: 'process' (default, a stand-in gateway child process per task),
   * 'in-process', 'command' (taskCommand) or 'none' (no container; simulated health only).
   * Default: LOCALCLOUD_TASK_RUNTIME, else 'process'.
   */
  taskRuntime?: TaskRuntimeKind;
  /** The `command` runtime's template, `{port}` substituted; default LOCALCLOUD_TASK_COMMAND. */
  taskCommand?: string;
  /** Images whose stand-in exits at start or fails health checks (`exit=<glob>,unhealthy=/re/`). */
  failingImages?: string | FailingImageRule[];
  /**
   * Eventual consistency: for this many ms after a call makes a resource, reads do not see it; after one
   * removes it, they still do (see consistency.ts). Default LOCALCLOUD_EVENTUAL_CONSISTENCY_MS, else 0: off.
   */
  eventualConsistencyMs?: number;
  /**
   * AWS's request rate limits (token buckets per action family, real time): 'aws', 'off' or AWS's
   * with some families overridden. Default: LOCALCLOUD_RATE_LIMITS, else 'off'.
   */
  rateLimits?: RateLimitsOption;
  /**
   * Keep the whole emulated account in this file (JSON, secrets included): saved at most every
   * 500 ms after a change and on close, restored at start. Unset = memory only. Not read from the
   * environment here (the CLI and `npm run dev` pass it), so two localclouds never share one file.
   */
  persistFile?: string;
}

export interface Localcloud {
  url: string;
  ids: LocalcloudIds;
  close(): Promise<void>;
}

/** The task runtime settings, from the options or the environment, refused early when they cannot work. */
function dataPlaneSettings(options: LocalcloudOptions): BootstrapOptions['dataPlane'] {
  const taskRuntime =
    options.taskRuntime ?? (process.env.LOCALCLOUD_TASK_RUNTIME as TaskRuntimeKind | undefined) ?? 'process';
  if (!TASK_RUNTIME_KINDS.includes(taskRuntime))
    throw new Error(`taskRuntime must be one of ${TASK_RUNTIME_KINDS.join(', ')}, got "${taskRuntime}"`);
  const failingImages =
    typeof options.failingImages === 'string'
      ? parseFailingImages(options.failingImages)
      : (options.failingImages ?? []);
  const taskCommand = options.taskCommand ?? process.env.LOCALCLOUD_TASK_COMMAND;
  if (taskRuntime === 'command' && !taskCommand)
    throw new Error('the command task runtime needs taskCommand (or LOCALCLOUD_TASK_COMMAND)');
  return { taskRuntime, taskCommand, failingImages };
}

/**
 * Reads a saved world (refused, if it must be, before anything listens) and opens the load balancers'
 * listeners first, so each ALB's DNSName is an address that opens: on restore, the addresses it had.
 */
async function openLoadBalancers(
  options: LocalcloudOptions,
  host: string,
  account: BootstrapOptions['account'],
) {
  const persistFile = options.persistFile || undefined;
  const saved = persistFile ? readWorldFile(persistFile) : undefined;
  const restoring =
    saved && persistFile
      ? savedAlbAddresses(persistFile, saved, { albs: options.albs, albPorts: options.albPorts, account })
      : undefined;
  const albs = restoring?.count ?? Math.max(1, options.albs ?? 1);
  const dataPlane = await startDataPlane({
    host,
    count: albs,
    ports: restoring?.ports ?? options.albPorts,
    idleTimeoutMs: options.albIdleTimeoutMs,
  });
  if (restoring && dataPlane.addresses.join(',') !== restoring.dnsNames.join(',')) {
    await dataPlane.close();
    throw new StateFileError(
      persistFile ?? '',
      `its load balancers were at ${restoring.dnsNames.join(', ')}, this start listens at ${dataPlane.addresses.join(', ')} (another host?)`,
    );
  }
  return { persistFile, saved, albs, dataPlane };
}

function bootstrapOptions(
  options: LocalcloudOptions,
  base: Pick<BootstrapOptions, 'account' | 'albs' | 'albAddresses' | 'seed' | 'dataPlane'>,
): BootstrapOptions {
  return {
    ...base,
    timingConfig: { timeScale: options.timeScale ?? DEFAULT_TIME_SCALE, overrides: { ...options.timing } },
    quotas: {
      rulesPerListener: options.quotas?.rulesPerListener ?? 100,
      targetGroupsPerAlb: options.quotas?.targetGroupsPerAlb ?? 100,
      targetGroupsPerRegion: 3000,
    },
    asg: { min: options.asg?.min ?? 1, max: options.asg?.max ?? 20 },
    ...(options.targetCapacity ? { targetCapacity: options.targetCapacity } : {}),
    warmGroup: options.warmGroup ?? warmGroupFromEnv(process.env),
  };
}

function consistencyLagMs(options: LocalcloudOptions): number {
  const lagMs = options.eventualConsistencyMs ?? Number(process.env.LOCALCLOUD_EVENTUAL_CONSISTENCY_MS || 0);
  if (!(lagMs >= 0)) throw new Error(`eventualConsistencyMs must be a number of ms >= 0, got ${lagMs}`);
  return lagMs;
}

export async function startLocalcloud(options: LocalcloudOptions = {}): Promise<Localcloud> {
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  const settings = dataPlaneSettings(options);
  const host = options.host ?? '127.0.0.1';
  const account = { region: options.region ?? 'us-west-2', accountId: options.accountId ?? '000000000000' };
  const { persistFile, saved, albs, dataPlane } = await openLoadBalancers(options, host, account);
  const bootstrap = bootstrapOptions(options, {
    account,
    albs,
    albAddresses: dataPlane.addresses,
    seed,
    dataPlane: settings,
  });
  const cloud = createCloud(bootstrap, saved ? (c) => restoreWorld(c, saved) : undefined);
  dataPlane.attach(cloud);
  if (saved) resumeWorld(cloud);
  const callLog: CallLogEntry[] = [];
  let url = '';
  const lagMs = consistencyLagMs(options);
  const server = makeServer({
    cloud,
    faults: makeFaults(seed),
    calls: new Map<string, number>(),
    rateLimiter: makeRateLimiter(
      options.rateLimits ?? parseRateLimitsEnv(process.env.LOCALCLOUD_RATE_LIMITS) ?? 'off',
    ),
    callLog,
    bootstrap,
    ids: () => idsOf(cloud, url),
    ...(lagMs > 0 ? { consistency: makeConsistency(lagMs) } : {}),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  }).catch(async (err: unknown) => {
    cloud.stopLoops();
    cloud.clock.close();
    await Promise.all([dataPlane.close(), closeDataPlane(cloud.dataPlane)]);
    throw err;
  });
  // Anything that may have changed the world moves this mark: an AWS call, a scheduler pass.
  const persister: Persister | undefined = persistFile
    ? startPersister(persistFile, cloud, () => `${callLog.at(-1)?.seq ?? 0}/${cloud.reconcile.generation}`)
    : undefined;
  const { port } = server.address() as AddressInfo;
  // 0.0.0.0 listens everywhere; clients on this host reach it through loopback.
  url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
  let closed: Promise<void> | undefined;
  return {
    url,
    ids: idsOf(cloud, url),
    close() {
      closed ??= (async () => {
        cloud.stopLoops();
        cloud.clock.close();
        // Saved before the containers are killed (their exits change nothing once the data plane is closed).
        persister?.close();
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        // No container outlives localcloud: every process is killed and waited for.
        await Promise.all([stopped, dataPlane.close(), closeDataPlane(cloud.dataPlane)]);
      })();
      return closed;
    },
  };
}
