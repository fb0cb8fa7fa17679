/** Every simulated delay, in milliseconds. */
export interface LocalcloudTiming {
  /** ASG launch until the container instance registers with the cluster. */
  instanceLaunchMs: number;
  /** A warm pool instance (Stopped or Hibernated) started into the group until it registers. */
  warmStartMs: number;
  /** A warm pool instance kept Running put in service until it registers (no boot). */
  warmRunningStartMs: number;
  /** A warm pool instance terminating (scale-in of the pool, DeleteWarmPool) until it is gone. */
  warmTerminateMs: number;
  /** PROVISIONING -> PENDING once placed (awsvpc ENI attachment). */
  taskProvisioningMs: number;
  /** PENDING -> RUNNING (image pull and container start). */
  taskStartMs: number;
  /**
   * Target health `initial` -> `healthy` when no container runs (task runtime `none`, or a target
   * registered by hand). With measured checks, only an explicit override counts: the first check
   * waits that long (registration in progress), so a test can hold a task before healthy.
   */
  healthCheckMs: number;
  /** How often managed scaling evaluates CapacityProviderReservation. */
  scalingEvaluationMs: number;
  /** How long an instance must be idle before managed scaling scales it in. */
  scaleInIdleMs: number;
  /** Spot interruption notice: DRAINING until the instance terminates. */
  drainMs: number;
  /** Target group deregistration delay: a stopping task stays DEACTIVATING this long. */
  serviceDrainMs: number;
  /** A secret deleted with ForceDeleteWithoutRecovery holds its name this long ("a short delay"). */
  secretForceDeleteMs: number;
}

/** What AWS takes (documented defaults or typical observations); see README.md for sources. */
export const AWS_TIMING: LocalcloudTiming = {
  instanceLaunchMs: 180_000,
  warmStartMs: 40_000,
  warmRunningStartMs: 10_000,
  warmTerminateMs: 30_000,
  taskProvisioningMs: 10_000,
  taskStartMs: 30_000,
  healthCheckMs: 150_000,
  scalingEvaluationMs: 60_000,
  scaleInIdleMs: 900_000,
  drainMs: 120_000,
  serviceDrainMs: 300_000,
  secretForceDeleteMs: 5_000,
};

/** Local default: a 3-minute scale-out takes 3.6 s, so the flow stays watchable. */
export const DEFAULT_TIME_SCALE = 0.02;

export interface TimingConfig {
  timeScale: number;
  overrides: Partial<LocalcloudTiming>;
}

/** Explicit overrides are absolute milliseconds; everything else is AWS time x timeScale. */
export function resolveTiming(config: TimingConfig): LocalcloudTiming {
  const out = { ...AWS_TIMING };
  for (const key of Object.keys(AWS_TIMING) as (keyof LocalcloudTiming)[]) {
    const override = config.overrides[key];
    out[key] = typeof override === 'number' ? override : AWS_TIMING[key] * config.timeScale;
  }
  return out;
}

/**
 * An AWS duration given in a setting (a health check interval, a stop timeout, a grace period), in
 * local milliseconds: scaled like every other delay, but never below `floorMs`, so a tiny time scale
 * does not turn it into a busy loop or a hair trigger.
 */
export function scaledSetting(config: TimingConfig, awsSeconds: number, floorMs: number): number {
  return Math.max(floorMs, awsSeconds * 1000 * config.timeScale);
}
