import { request } from 'node:http';
import type { Cloud } from '../cloud.js';
import type { Target, TargetGroup } from '../state.js';
import { scaledSetting } from '../timing.js';

/**
 * ELBv2 health checks, measured: an HTTP GET of the group's HealthCheckPath against the target's
 * loopback endpoint every HealthCheckIntervalSeconds (scaled; at least 20 ms, and at least 4 ms per
 * checked target, so a fleet at a tiny time scale stays near 250 checks a second), failing after
 * HealthCheckTimeoutSeconds (scaled, but at least 1 s: a loaded test machine must not fail a live
 * target). A new target is `healthy` after one passing check and `unhealthy` after
 * UnhealthyThresholdCount failures; an unhealthy one needs HealthyThresholdCount passes in a row.
 */
export interface CheckResult {
  pass: boolean;
  reason?: string;
  description?: string;
}

const INTERVAL_FLOOR_MS = 20;
const TIMEOUT_FLOOR_MS = 1000;
/** Measured: 98 targets checked ~1,000 times a second cost localcloud a quarter of a core. */
const MS_PER_CHECKED_TARGET = 4;

/** Matcher.HttpCode: "200", "200,202" or "200-299". */
export function codeMatches(matcher: string, status: number): boolean {
  return matcher.split(',').some((part) => {
    const [lo, hi] = part.trim().split('-').map(Number);
    if (lo === undefined || Number.isNaN(lo)) return false;
    return hi === undefined ? status === lo : status >= lo && status <= hi;
  });
}

export function checkOnce(
  host: string,
  port: number,
  path: string,
  timeoutMs: number,
  matcher: string,
): Promise<CheckResult> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (r: CheckResult): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      req.destroy();
      resolve(r);
    };
    const req = request(
      { host, port, path, method: 'GET', agent: false, headers: { 'user-agent': 'ELB-HealthChecker/2.0' } },
      (res) => {
        res.resume();
        const status = res.statusCode ?? 0;
        if (codeMatches(matcher, status)) finish({ pass: true });
        else
          finish({
            pass: false,
            reason: 'Target.ResponseCodeMismatch',
            description: `Health checks failed with these codes: [${status}]`,
          });
      },
    );
    const timer = setTimeout(
      () => finish({ pass: false, reason: 'Target.Timeout', description: 'Request timed out' }),
      timeoutMs,
    );
    req.once('error', () =>
      finish({ pass: false, reason: 'Target.FailedHealthChecks', description: 'Health checks failed' }),
    );
    req.end();
  });
}

function setting(tg: TargetGroup, key: string, fallback: number): number {
  const v = Number(tg.settings[key]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

/** Consecutive results of one target's checks. */
interface Streak {
  successes: number;
  failures: number;
}

/** ELB's state machine for one check result; returns true when the state changed. */
export function applyCheck(tg: TargetGroup, target: Target, streak: Streak, r: CheckResult): boolean {
  const before = target.state;
  if (r.pass) {
    streak.successes += 1;
    streak.failures = 0;
    const recovered = before === 'unhealthy' && streak.successes >= setting(tg, 'HealthyThresholdCount', 5);
    if (before === 'initial' || recovered) {
      target.state = 'healthy';
      target.health = undefined;
    }
  } else {
    streak.failures += 1;
    streak.successes = 0;
    if (before !== 'unhealthy' && streak.failures >= setting(tg, 'UnhealthyThresholdCount', 2))
      target.state = 'unhealthy';
    target.health =
      target.state === 'unhealthy'
        ? { reason: r.reason ?? '', description: r.description ?? '' }
        : target.state === 'initial'
          ? { reason: 'Elb.InitialHealthChecking', description: 'Initial health checks in progress' }
          : target.health;
  }
  return target.state !== before;
}

/**
 * Runs the checks of one target until it leaves the group, drains or falls out of use; onChange runs
 * when its state changes (the service scheduler looks at it then).
 */
export function startHealthChecks(
  cloud: Cloud,
  tg: TargetGroup,
  key: string,
  target: Target,
  onChange?: () => void,
): void {
  const dp = cloud.dataPlane;
  const streak: Streak = { successes: 0, failures: 0 };
  const current = (): boolean =>
    !dp.closed &&
    cloud.dataPlane === dp &&
    cloud.state.targetGroups.get(tg.arn) === tg &&
    tg.targets.get(key) === target &&
    (target.state === 'initial' || target.state === 'healthy' || target.state === 'unhealthy');
  let counted = false;
  const stop = (): void => {
    if (counted) dp.checking -= 1;
    counted = false;
  };
  const tick = (): void => {
    if (!current() || !target.endpoint) {
      stop();
      return;
    }
    if (!counted) dp.checking += 1;
    counted = true;
    const timeout = scaledSetting(
      cloud.timingConfig,
      setting(tg, 'HealthCheckTimeoutSeconds', 5),
      TIMEOUT_FLOOR_MS,
    );
    const path = String(tg.settings.HealthCheckPath ?? '/');
    const matcher = String((tg.settings.Matcher as { HttpCode?: string } | undefined)?.HttpCode ?? '200');
    checkOnce(target.endpoint.host, target.endpoint.port, path, timeout, matcher).then((r) => {
      if (!current()) {
        stop();
        return;
      }
      if (applyCheck(tg, target, streak, r)) onChange?.();
      const interval = scaledSetting(
        cloud.timingConfig,
        setting(tg, 'HealthCheckIntervalSeconds', 30),
        Math.max(INTERVAL_FLOOR_MS, dp.checking * MS_PER_CHECKED_TARGET),
      );
      cloud.clock.after(interval, tick);
    });
  };
  // The first check goes out once registration is done: at once, unless a test holds targets in
  // Elb.RegistrationInProgress with an explicit healthCheckMs override.
  cloud.clock.after(cloud.timingConfig.overrides.healthCheckMs ?? 0, tick);
}
