import { AwsError } from './aws-error.js';
import { type BootstrapOptions, resetCloud } from './bootstrap.js';
import type { Cloud } from './cloud.js';
import { type Faults, validateFaultConfig } from './faults.js';
import type { LocalcloudIds } from './ids.js';
import { makeRateLimiter, type RateLimiter } from './rate-limits/rate-limiter.js';
import { reservation } from './sim/managed-scaling.js';
import { remaining } from './sim/resources.js';
import { interruptSpotInstance } from './sim/spot-interruption.js';
import { taskTargets } from './sim/tasks.js';
import { AWS_TIMING, type LocalcloudTiming, resolveTiming } from './timing.js';

/**
 * The non-AWS surface under /_localcloud/: look at everything, reset, inject faults, trigger a
 * spot interruption, count calls, change timings. Secret values never leave through here.
 */
export interface InspectionContext {
  cloud: Cloud;
  faults: Faults;
  calls: Map<string, number>;
  /** AWS's request buckets (off unless asked for); its throttles show at GET /_localcloud/throttles. */
  rateLimiter: RateLimiter;
  /** Every AWS call in the order it arrived (the latest 20,000). */
  callLog: CallLogEntry[];
  ids: () => LocalcloudIds;
  bootstrap: BootstrapOptions;
}

export interface CallLogEntry {
  /** 1, 2, 3…: arrival order. */
  seq: number;
  /** `ecs:DeleteService`. */
  operation: string;
  /** Wall-clock ms when it arrived. */
  at: number;
  /** What the call names, for ECS calls that name one: the service (`service`, `serviceName`) or family. */
  resource?: string;
}

export interface InspectionResponse {
  status: number;
  body: unknown;
}

const mapValues = <T>(m: Map<string, T>): T[] => [...m.values()];

export function snapshot(cloud: Cloud): Record<string, unknown> {
  const s = cloud.state;
  return {
    now: new Date(cloud.clock.now()).toISOString(),
    timing: cloud.timing,
    quotas: cloud.quotas,
    reservation: reservation(cloud),
    asg: { ...s.asg, activities: s.asg.activities.slice(0, 50) },
    ...(s.warmAsg ? { warmAsg: { ...s.warmAsg, activities: s.warmAsg.activities.slice(0, 50) } } : {}),
    instances: mapValues(s.instances),
    containerInstances: mapValues(s.containerInstances).map((ci) => ({
      ...ci,
      remaining: remaining(cloud, ci),
    })),
    tasks: mapValues(s.tasks),
    services: mapValues(s.services),
    targetGroups: mapValues(s.targetGroups).map((tg) => ({ ...tg, targets: mapValues(tg.targets) })),
    loadBalancers: mapValues(s.loadBalancers),
    listeners: mapValues(s.listeners),
    rules: mapValues(s.rules),
    // Metadata only: names, ARNs, tags, dates and version ids, never a SecretString.
    secrets: mapValues(s.secrets).map((x) => ({
      arn: x.arn,
      name: x.name,
      description: x.description,
      tags: x.tags,
      createdAt: x.createdAt,
      lastChangedAt: x.lastChangedAt,
      deletedAt: x.deletedAt,
      deletionDate: x.deletionDate,
      versions: mapValues(x.versions).map((v) => ({ id: v.id, stages: v.stages, createdAt: v.createdAt })),
    })),
    taskDefinitions: mapValues(s.taskDefinitions),
    network: cloud.network,
    dataPlane: dataPlaneView(cloud),
  };
}

/** Each task with a container: its pid and port, and its targets' health, to find (and kill) a gateway. */
function dataPlaneView(cloud: Cloud): Record<string, unknown> {
  const tasks = [];
  for (const task of cloud.state.tasks.values()) {
    if (task.lastStatus === 'STOPPED' && !task.process) continue;
    const targets = taskTargets(cloud, task).map(({ tgArn, key }) => {
      const t = cloud.state.targetGroups.get(tgArn)?.targets.get(key);
      return { targetGroupArn: tgArn, id: t?.id, port: t?.port, state: t?.state, reason: t?.health?.reason };
    });
    tasks.push({
      taskArn: task.arn,
      serviceName: task.serviceName,
      lastStatus: task.lastStatus,
      pid: task.process?.pid,
      port: task.process?.endpoint.port,
      targets,
    });
  }
  return { runtime: cloud.dataPlane.kind, tasks };
}

const TIMING_KEYS = Object.keys(AWS_TIMING) as (keyof LocalcloudTiming)[];

function setTiming(cloud: Cloud, body: Record<string, unknown>): void {
  const overrides: Partial<LocalcloudTiming> = { ...cloud.timingConfig.overrides };
  for (const k of TIMING_KEYS) {
    const v = body[k];
    if (v === null) delete overrides[k];
    else if (v !== undefined) {
      if (typeof v !== 'number' || v < 0)
        throw new Error(`${k} must be a non-negative number of milliseconds`);
      overrides[k] = v;
    }
  }
  const scale = body.timeScale;
  if (scale !== undefined && (typeof scale !== 'number' || scale <= 0))
    throw new Error('timeScale must be > 0');
  cloud.timingConfig = {
    timeScale: typeof scale === 'number' ? scale : cloud.timingConfig.timeScale,
    overrides,
  };
  cloud.timing = resolveTiming(cloud.timingConfig);
}

export function inspect(
  ctx: InspectionContext,
  method: string,
  path: string,
  body: unknown,
): InspectionResponse {
  const route = `${method} ${path.replace(/^\/_localcloud\/?/, '').replace(/\/$/, '')}`;
  const input = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  try {
    switch (route) {
      case 'GET state':
        return { status: 200, body: snapshot(ctx.cloud) };
      case 'GET ids':
        return { status: 200, body: ctx.ids() };
      case 'POST reset':
        resetCloud(ctx.cloud, ctx.bootstrap);
        ctx.calls.clear();
        ctx.callLog.length = 0;
        ctx.faults.set({ rules: [] });
        ctx.rateLimiter.resetCounts();
        return { status: 200, body: { ok: true } };
      case 'GET faults':
        return { status: 200, body: ctx.faults.get() };
      case 'POST faults':
        ctx.faults.set(validateFaultConfig(body));
        return { status: 200, body: ctx.faults.get() };
      case 'POST spot-interruption': {
        const instanceId = typeof input.instanceId === 'string' ? input.instanceId : undefined;
        const i = interruptSpotInstance(ctx.cloud, instanceId);
        return { status: 200, body: { instanceId: i.id, terminatesInMs: ctx.cloud.timing.drainMs } };
      }
      case 'GET calls':
        return {
          status: 200,
          body: Object.fromEntries([...ctx.calls].sort(([a], [b]) => a.localeCompare(b))),
        };
      case 'GET calls/log':
        return { status: 200, body: ctx.callLog };
      case 'POST calls/reset':
        ctx.calls.clear();
        ctx.callLog.length = 0;
        ctx.rateLimiter.resetCounts();
        return { status: 200, body: { ok: true } };
      case 'GET throttles':
        return { status: 200, body: { mode: ctx.rateLimiter.mode, ...ctx.rateLimiter.throttles() } };
      case 'POST rate-limits': {
        // Full buckets and zero counts: the same as a fresh start in that mode.
        if (input.mode !== 'aws' && input.mode !== 'off')
          return { status: 400, body: { error: 'expected { "mode": "aws" | "off" }' } };
        ctx.rateLimiter = makeRateLimiter(input.mode);
        return { status: 200, body: { mode: ctx.rateLimiter.mode } };
      }
      case 'GET timing':
        return {
          status: 200,
          body: { timeScale: ctx.cloud.timingConfig.timeScale, timing: ctx.cloud.timing },
        };
      case 'POST timing':
        setTiming(ctx.cloud, input);
        return {
          status: 200,
          body: { timeScale: ctx.cloud.timingConfig.timeScale, timing: ctx.cloud.timing },
        };
      case 'GET quotas':
        return { status: 200, body: ctx.cloud.quotas };
      case 'POST quotas':
        for (const k of ['rulesPerListener', 'targetGroupsPerAlb', 'targetGroupsPerRegion'] as const) {
          const v = input[k];
          if (typeof v === 'number' && v >= 0) ctx.cloud.quotas[k] = v;
        }
        return { status: 200, body: ctx.cloud.quotas };
      default:
        return { status: 404, body: { error: `no such inspection endpoint: ${route}` } };
    }
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { status: 400, body: { error: message, code: err instanceof AwsError ? err.code : undefined } };
  }
}
