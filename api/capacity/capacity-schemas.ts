import { z } from '@hono/zod-openapi';
import type { HistoryEntry } from '../../shared/capacity/history-point.js';
import type { CapacitySample } from '../../shared/capacity/sample-types.js';
import type { ReconcileReport, ReconcileTotals } from '../../shared/reconcile-report.js';
import { agrees, type Same } from './same-type.js';

/**
 * The capacity answers as zod schemas (cost answers: cost-schemas.ts): the routes declare them, so
 * `/openapi.json` types every field, and the handlers' return types are checked against them. The
 * `Same<>` checks below fail to compile when a shared type and its schema part ways. Times are epoch
 * milliseconds.
 */

export const Resources = z.object({ cpu: z.number(), memory: z.number() }).openapi('Resources');
export const PurchaseOption = z.enum(['spot', 'on-demand']);
const EnabledState = z.enum(['ENABLED', 'DISABLED']);

const TaskInfo = z
  .object({
    taskArn: z.string(),
    group: z.string().openapi({ description: '`service:<name>` for service tasks' }),
    lastStatus: z.string(),
    cpu: z.number(),
    memory: z.number(),
    createdAt: z.number(),
    containerInstanceArn: z.string().optional(),
  })
  .openapi('TaskInfo');

const FleetSnapshot = z
  .object({
    at: z.number(),
    capacityProvider: z.object({
      name: z.string(),
      status: z.string(),
      managedScaling: z.object({
        status: EnabledState,
        targetCapacity: z.number(),
        minimumScalingStepSize: z.number(),
        maximumScalingStepSize: z.number(),
        instanceWarmupPeriod: z.number(),
      }),
      managedTerminationProtection: EnabledState,
      managedDraining: EnabledState,
    }),
    asg: z.object({
      name: z.string(),
      desired: z.number(),
      min: z.number(),
      max: z.number(),
      instanceTypes: z.array(z.string()),
      instances: z.array(
        z.object({
          instanceId: z.string(),
          instanceType: z.string(),
          availabilityZone: z.string(),
          lifecycleState: z.string().openapi({ description: 'Pending, InService, Terminating, ...' }),
          purchaseOption: PurchaseOption,
          protectedFromScaleIn: z.boolean(),
          healthStatus: z.string(),
        }),
      ),
    }),
    containerInstances: z.array(
      z.object({
        arn: z.string(),
        ec2InstanceId: z.string(),
        instanceType: z.string(),
        availabilityZone: z.string(),
        purchaseOption: PurchaseOption,
        status: z.string(),
        agentConnected: z.boolean(),
        registeredAt: z.number(),
        registered: Resources,
        remaining: Resources,
        runningTasks: z.number(),
        pendingTasks: z.number(),
        tasks: z.array(TaskInfo),
      }),
    ),
    waitingTasks: z.array(TaskInfo).openapi({ description: 'PROVISIONING with no container instance' }),
  })
  .openapi('FleetSnapshot');

const TaskCounts = z.object({ running: z.number(), pending: z.number(), waitingForCapacity: z.number() });

export const CapacitySampleSchema = z
  .object({
    bucket: z.number(),
    at: z.number(),
    gap: z.literal(false).optional(),
    resolutionMs: z.number(),
    fleet: FleetSnapshot,
    reservation: z.object({
      m: z.number().openapi({ description: 'Instances needed to run every task, waiting ones included' }),
      n: z.number().openapi({ description: 'Instances running (InService)' }),
      value: z.number().openapi({ description: 'CapacityProviderReservation, M / N x 100' }),
    }),
    scaling: z.object({
      action: z.enum(['scale-out', 'hold', 'scale-in']),
      targetInstances: z.number(),
      reason: z.string(),
    }),
    utilisation: z.object({ registered: Resources, reserved: Resources, percent: Resources }),
    idle: z.array(
      z.object({
        ec2InstanceId: z.string(),
        containerInstanceArn: z.string(),
        idleSince: z.number(),
        idleForMs: z.number(),
      }),
    ),
    waitingSignups: z.array(z.object({ instanceId: z.string(), since: z.number(), waitingMs: z.number() })),
    tasks: TaskCounts,
    cost: z.object({
      perHour: z.number(),
      perMonth: z.number(),
      users: z.number(),
      perUserPerMonth: z.number().nullable(),
      idlePerMonth: z.number(),
    }),
  })
  .openapi('CapacitySample');

const ReconcileCounts = {
  driftFound: z.number(),
  repaired: z.number(),
  deleted: z.number(),
  reenqueued: z.number(),
  failed: z.number(),
  errors: z.number(),
  slotsFreed: z.number(),
};

const ReconcileReportSchema = z
  .object({
    ...ReconcileCounts,
    at: z.string(),
    durationMs: z.number(),
    dryRun: z.boolean(),
    scanned: z.object({
      instances: z.number(),
      secrets: z.number(),
      taskFamilies: z.number(),
      targetGroups: z.number(),
      rules: z.number(),
      services: z.number(),
    }),
    waitingForGrace: z.number(),
    vanished: z
      .array(z.string())
      .optional()
      .openapi({ description: 'Listed, then gone before they could be read (`<instance id>:<resource>`)' }),
    actions: z.array(
      z.object({
        kind: z.enum([
          'delete-orphan',
          'delete-abandoned',
          'repair',
          'fail',
          'credentials-lost',
          'reenqueue',
        ]),
        instanceId: z.string(),
        reason: z.string(),
        detail: z.string().optional(),
        applied: z.boolean(),
        error: z.string().optional(),
      }),
    ),
  })
  .openapi('ReconcileReport');

const ReconcileTotalsSchema = z.object({ ...ReconcileCounts, runs: z.number() }).openapi('ReconcileTotals');

export const CapacityResponse = z
  .object({
    sample: CapacitySampleSchema.nullable().openapi({ description: 'null before the first sample' }),
    stale: z
      .object({ bucket: z.number(), reason: z.string() })
      .nullable()
      .openapi({ description: 'Set when the newest history entry is a gap: `sample` is older' }),
    routing: z.object({
      used: z.number(),
      capacity: z.number(),
      left: z.number(),
      listeners: z.array(
        z.object({
          listenerArn: z.string(),
          dnsName: z.string(),
          used: z.number(),
          capacity: z.number(),
          free: z.number(),
        }),
      ),
    }),
    reconcile: z.object({ last: ReconcileReportSchema.nullable(), totals: ReconcileTotalsSchema }),
  })
  .openapi('Capacity');

const HistoryPointSchema = z.object({
  bucket: z.number(),
  at: z.number(),
  resolutionMs: z.number(),
  gap: z.literal(false).optional(),
  reservation: z.number(),
  m: z.number(),
  n: z.number(),
  desired: z.number(),
  action: z.string(),
  instances: z.object({ total: z.number(), spot: z.number(), onDemand: z.number() }),
  idle: z.number(),
  tasks: TaskCounts,
  waitingSignups: z.number(),
  utilisation: z.object({ cpu: z.number(), memory: z.number() }),
  cost: z.object({
    perHour: z.number(),
    perUserPerMonth: z.number().nullable(),
    idlePerMonth: z.number(),
    users: z.number(),
  }),
});
const HistoryGapSchema = z.object({
  bucket: z.number(),
  at: z.number(),
  resolutionMs: z.number(),
  gap: z.literal(true),
  reason: z.string(),
});
const HistoryEntrySchema = z
  .union([HistoryPointSchema, HistoryGapSchema])
  .openapi('HistoryEntry', { description: 'A point, or a gap (`gap: true`) where no sample was taken' });

export const HistoryResponse = z
  .object({
    from: z.number(),
    to: z.number(),
    step: z.number().nullable(),
    points: z.array(HistoryEntrySchema),
  })
  .openapi('CapacityHistory');

agrees<Same<z.infer<typeof CapacitySampleSchema>, CapacitySample>>(true);
agrees<Same<z.infer<typeof ReconcileReportSchema>, ReconcileReport>>(true);
agrees<Same<z.infer<typeof ReconcileTotalsSchema>, ReconcileTotals>>(true);
agrees<Same<z.infer<typeof HistoryEntrySchema>, HistoryEntry>>(true);
