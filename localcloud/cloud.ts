import type { Account } from './arns.js';
import type { DataPlane } from './runtime/data-plane.js';
import type { Clock } from './sim/clock.js';
import type { Rng } from './sim/rng.js';
import type { CloudState } from './state.js';
import type { LocalcloudTiming, TimingConfig } from './timing.js';

/**
 * Everything one running localcloud owns. Services and the simulation are plain functions over
 * this object, so there is one place that holds state and one scheduler that holds timers.
 */
export interface Subnet {
  id: string;
  az: string;
  /** First two octets plus third octet base, e.g. "10.0.128" for 10.0.128.0/20. */
  prefix: string;
  public: boolean;
}

export interface Network {
  vpcId: string;
  subnets: Subnet[];
  taskSecurityGroupId: string;
  albSecurityGroupId: string;
}

export interface Quotas {
  rulesPerListener: number;
  targetGroupsPerAlb: number;
  /** Account-wide target groups per Region (AWS default 3000). */
  targetGroupsPerRegion: number;
}

export interface Cloud {
  account: Account;
  clusterName: string;
  capacityProviderName: string;
  /** The capacity provider's managed scaling targetCapacity (%): below 100 keeps spare instances. */
  targetCapacity: number;
  logGroup: string;
  executionRoleArn: string;
  taskRoleArn: string;
  network: Network;
  state: CloudState;
  clock: Clock;
  rng: Rng;
  timingConfig: TimingConfig;
  timing: LocalcloudTiming;
  quotas: Quotas;
  /** Re-entrancy guard for reconcile: a mutation inside a reconcile asks for another pass. */
  reconcile: { running: boolean; again: boolean; dirty: Set<string>; all: boolean; generation: number };
  /** Stops the managed-scaling evaluation loop. */
  stopLoops: () => void;
  /** The tasks' containers on this machine and the runtime that runs them. */
  dataPlane: DataPlane;
}

export const clusterArn = (c: Cloud): string =>
  `arn:aws:ecs:${c.account.region}:${c.account.accountId}:cluster/${c.clusterName}`;

/** A seeded UUID-shaped id, for resources (request ids use crypto.randomUUID). */
export const uuid = (c: Cloud): string =>
  `${c.rng.hex(8)}-${c.rng.hex(4)}-4${c.rng.hex(3)}-a${c.rng.hex(3)}-${c.rng.hex(12)}`;
