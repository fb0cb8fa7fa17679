/** The Auto Scaling side of the account: groups, their warm pools, their EC2 instances (see state.ts). */
export type InstanceType = 'c7i-flex.large' | 'm7i-flex.large';

/** Auto Scaling's LifecycleState values, the warm pool's included (`Warmed:*`). */
export type InstanceLifecycle =
  | 'Pending'
  | 'InService'
  | 'Terminating'
  | 'Terminated'
  | 'Warmed:Pending'
  | 'Warmed:Stopped'
  | 'Warmed:Running'
  | 'Warmed:Hibernated'
  | 'Warmed:Terminating'
  | 'Warmed:Terminated';

export interface Ec2Instance {
  id: string;
  type: InstanceType;
  az: string;
  subnetId: string;
  market: 'on-demand' | 'spot';
  lifecycle: InstanceLifecycle;
  /** The Auto Scaling group it belongs to; absent = the spot group (`asg`), as in files saved before. */
  group?: string;
  protectedFromScaleIn: boolean;
  launchedAt: number;
  terminatedAt?: number;
  privateIp: string;
  containerInstanceArn?: string;
}

export interface ScalingActivity {
  id: string;
  description: string;
  cause: string;
  startedAt: number;
  endedAt?: number;
  status: 'InProgress' | 'Successful' | 'Cancelled' | 'Failed';
  details: string;
}

export interface AutoScalingGroup {
  name: string;
  arn: string;
  min: number;
  max: number;
  desired: number;
  onDemandBase: number;
  createdAt: number;
  instanceIds: string[];
  activities: ScalingActivity[];
  /** Counts launches so instance type and AZ choices are deterministic (alternate). */
  launches: number;
  spotLaunches: number;
  /** Why desired capacity last changed; the next launch activity quotes it. */
  lastCause?: string;
  /**
   * Set for a group launched from a plain launch template: every instance on-demand, of this type.
   * Absent: the spot group, with its mixed instances policy (which AWS forbids a warm pool).
   */
  onDemandType?: InstanceType;
  warmPool?: WarmPool;
}

/** PutWarmPool's configuration and the instances in the pool (not part of the group's capacity). */
export interface WarmPool {
  minSize: number;
  /** MaxGroupPreparedCapacity; undefined (or -1 given) = the group's max size. */
  maxGroupPreparedCapacity?: number;
  poolState: 'Stopped' | 'Running' | 'Hibernated';
  reuseOnScaleIn: boolean;
  /** Set while a DeleteWarmPool without ForceDelete waits for the pool's instances to terminate. */
  status?: 'PendingDelete';
  instanceIds: string[];
}
