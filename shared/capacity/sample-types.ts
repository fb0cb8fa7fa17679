/**
 * The shape of one capacity sample: what the sampler read from ECS and Auto Scaling, and what it
 * computed from that. Samples are stored as JSON, so every field is plain data (times are epoch ms).
 */

export type PurchaseOption = 'spot' | 'on-demand';

export interface ManagedScalingSettings {
  status: 'ENABLED' | 'DISABLED';
  targetCapacity: number;
  minimumScalingStepSize: number;
  maximumScalingStepSize: number;
  instanceWarmupPeriod: number;
}

export interface CapacityProviderInfo {
  name: string;
  status: string;
  managedScaling: ManagedScalingSettings;
  managedTerminationProtection: 'ENABLED' | 'DISABLED';
  managedDraining: 'ENABLED' | 'DISABLED';
}

export interface AsgInstanceInfo {
  instanceId: string;
  instanceType: string;
  availabilityZone: string;
  /** Auto Scaling's lifecycle state: Pending, InService, Terminating, ... */
  lifecycleState: string;
  purchaseOption: PurchaseOption;
  protectedFromScaleIn: boolean;
  healthStatus: string;
}

export interface AsgInfo {
  name: string;
  desired: number;
  min: number;
  max: number;
  instanceTypes: string[];
  instances: AsgInstanceInfo[];
}

export interface Resources {
  cpu: number;
  memory: number;
}

export interface TaskInfo {
  taskArn: string;
  /** `service:<name>` for service tasks. */
  group: string;
  lastStatus: string;
  cpu: number;
  memory: number;
  createdAt: number;
  containerInstanceArn?: string;
}

export interface ContainerInstanceInfo {
  arn: string;
  ec2InstanceId: string;
  instanceType: string;
  availabilityZone: string;
  purchaseOption: PurchaseOption;
  status: string;
  agentConnected: boolean;
  registeredAt: number;
  registered: Resources;
  remaining: Resources;
  runningTasks: number;
  pendingTasks: number;
  tasks: TaskInfo[];
}

/** Everything the sampler reads in one pass; the computations below take only this. */
export interface FleetSnapshot {
  at: number;
  capacityProvider: CapacityProviderInfo;
  asg: AsgInfo;
  containerInstances: ContainerInstanceInfo[];
  /** Tasks PROVISIONING with no container instance: waiting for capacity. */
  waitingTasks: TaskInfo[];
}

export interface IdleInstance {
  ec2InstanceId: string;
  containerInstanceArn: string;
  idleSince: number;
  idleForMs: number;
}

export interface WaitingSignup {
  instanceId: string;
  since: number;
  waitingMs: number;
}

export interface Reservation {
  /** Instances needed to run every task, including those waiting for capacity. */
  m: number;
  /** Instances in the ASG that are running (InService). */
  n: number;
  value: number;
}

export type ScalingAction = 'scale-out' | 'hold' | 'scale-in';

export interface ScalingDecision {
  action: ScalingAction;
  /** The instance count managed scaling aims for, clamped to the ASG's min and max. */
  targetInstances: number;
  reason: string;
}

export interface Utilisation {
  registered: Resources;
  reserved: Resources;
  /** reserved / registered x 100, per resource; 0 on an empty fleet. */
  percent: Resources;
}

export interface SampleCost {
  perHour: number;
  perMonth: number;
  users: number;
  perUserPerMonth: number | null;
  idlePerMonth: number;
}

export interface CapacitySample {
  bucket: number;
  at: number;
  gap?: false;
  /** Milliseconds between bucket starts: 60 000 for raw samples, larger once downsampled. */
  resolutionMs: number;
  fleet: FleetSnapshot;
  reservation: Reservation;
  scaling: ScalingDecision;
  utilisation: Utilisation;
  idle: IdleInstance[];
  waitingSignups: WaitingSignup[];
  tasks: { running: number; pending: number; waitingForCapacity: number };
  cost: SampleCost;
}

export interface SampleGap {
  bucket: number;
  at: number;
  gap: true;
  reason: string;
  resolutionMs: number;
}

export type SampleEntry = CapacitySample | SampleGap;
