import { z } from '@hono/zod-openapi';
import type { CostReport } from '../../shared/cost/cost-report.js';
import type { HeadroomTable } from '../../shared/cost/headroom.js';
import type { CostOption } from '../../shared/cost/options.js';
import { NAT_MODES } from '../../shared/cost/prices.js';
import type { Projection } from '../../shared/cost/projection.js';
import type { QuotaCheck } from '../../shared/cost/quotas.js';
import { PurchaseOption, Resources } from './capacity-schemas.js';
import { agrees, type Same } from './same-type.js';

/**
 * The cost answers as zod schemas: the current report with its waste (idle, stranded, free slots) and
 * headroom, the never-capped projection for N users, and the price of each design choice. The `Same<>`
 * checks at the end fail to compile when a shared type and its schema part ways. Money is USD.
 */

const PerPeriod = z.object({ perHour: z.number(), perMonth: z.number() });
const PackingLimit = z
  .enum(['eni', 'cpu', 'memory'])
  .openapi({ description: 'The resource that runs out first on the type (ENIs win ties)' });

const StrandedSchema = z
  .object({
    byType: z.array(
      z.object({
        instanceType: z.string(),
        instances: z.number(),
        tasksPerInstance: z.number(),
        limit: PackingLimit,
        registered: Resources,
        strandedPerInstance: Resources,
        perMonth: z.number(),
      }),
    ),
    perMonth: z.number(),
    freeSlots: z.number().openapi({ description: 'Task slots on instances that host users, not taken' }),
    freeSlotsPerMonth: z.number(),
    assumption: z.string(),
  })
  .openapi('StrandedCapacity', {
    description: 'CPU and memory paid for and unusable because of the ENI, CPU or memory limit',
  });

const CostReportSchema = z
  .object({
    currency: z.string().openapi({ example: 'USD' }),
    hoursPerMonth: z.number(),
    users: z.number(),
    components: z.array(
      z.object({
        id: z.enum([
          'ec2-spot',
          'ec2-on-demand',
          'nat-gateway',
          'alb',
          'public-ipv4',
          'elasticache',
          'fargate-control-plane',
          'container-insights',
          'secrets-manager',
          'cloudwatch-logs',
          'ecr',
        ]),
        label: z.string(),
        perHour: z.number(),
        perMonth: z.number(),
        detail: z.string().openapi({ description: 'How the figure was reached, assumptions included' }),
      }),
    ),
    total: PerPeriod,
    perUser: PerPeriod.nullable(),
    instances: z.array(
      z.object({
        instanceId: z.string(),
        instanceType: z.string(),
        purchaseOption: PurchaseOption,
        idle: z.boolean(),
        perHour: z.number().nullable().openapi({ description: 'null when the price book lacks the type' }),
      }),
    ),
    waste: z.object({
      idleInstances: z.number(),
      idlePerHour: z.number(),
      idlePerMonth: z.number(),
      stranded: StrandedSchema,
    }),
    unpriced: z.array(z.string()).openapi({ description: 'Instance types counted at 0 for want of a price' }),
  })
  .openapi('CostReport');

const HeadroomTableSchema = z
  .object({
    rows: z.array(
      z.object({
        targetCapacity: z.number(),
        spareInstances: z.number(),
        spareSlots: z.number(),
        extraPerMonth: z.number(),
        signups: z.number(),
        waited: z.number(),
        wouldNotHaveWaited: z.number(),
        stillWaiting: z.number(),
      }),
    ),
    scaleUpWaitMs: z.number(),
    signupToRunning: z.object({
      p50Ms: z.number().nullable(),
      p90Ms: z.number().nullable(),
      waitedP50Ms: z.number().nullable(),
    }),
  })
  .openapi('HeadroomTable');

export const CostResponse = z
  .object({ at: z.number(), report: CostReportSchema, headroom: HeadroomTableSchema })
  .openapi('Cost');

const QuotaCheckSchema = z
  .object({
    id: z.enum([
      'target-groups-per-region',
      'albs-per-region',
      'network-interfaces-per-region',
      'private-subnet-addresses',
    ]),
    name: z.string(),
    limit: z.number(),
    used: z.number().openapi({ description: 'What the projected users use' }),
    maxUsers: z.number().openapi({ description: 'The most users the limit allows' }),
    exceeded: z.boolean(),
    adjustable: z.boolean().openapi({ description: 'AWS raises it on request' }),
  })
  .openapi('QuotaCheck');

export const ProjectionResponse = z
  .object({
    users: z.number(),
    natMode: z.enum(NAT_MODES),
    awsvpcTrunking: z.boolean(),
    packing: z.array(
      z.object({
        instanceType: z.string(),
        tasks: z.number(),
        limit: PackingLimit,
        byLimit: z.object({ eni: z.number(), cpu: z.number(), memory: z.number() }),
      }),
    ),
    usersPerInstance: z.number(),
    observedUsersPerInstance: z.number().nullable(),
    instances: z
      .number()
      .openapi({ description: 'Instances the group runs, headroom and min size included' }),
    neededInstances: z.number(),
    spareInstances: z.number(),
    instancesByType: z.array(
      z.object({ instanceType: z.string(), purchaseOption: PurchaseOption, count: z.number() }),
    ),
    asg: z.object({
      maxSizeRequired: z.number(),
      currentMaxSize: z.number(),
      maxSizeTooLow: z.boolean().openapi({ description: 'Reported, never applied: the count is not capped' }),
    }),
    routing: z.object({
      usersPerAlb: z.number(),
      albs: z.number(),
      listeners: z.number(),
      rules: z.number(),
      targetGroups: z.number(),
    }),
    quotas: z.array(QuotaCheckSchema).openapi({ description: '`binding` is the one that binds first' }),
    binding: QuotaCheckSchema,
    report: CostReportSchema,
  })
  .openapi('CostProjection');

const CostOptionSchema = z
  .object({
    choice: z.enum(['egress', 'trunking', 'instance-mix', 'savings-plan', 'container-insights']),
    option: z.string(),
    current: z.boolean().openapi({ description: "The deployment's current setting" }),
    instances: z.number(),
    perMonth: z.number(),
    perUserPerMonth: z.number().nullable(),
    deltaPerMonth: z.number().openapi({ description: 'Against the current setting of the same choice' }),
    caveat: z.string().nullable(),
  })
  .openapi('CostOption');

export const CostOptionsResponse = z
  .object({ users: z.number(), options: z.array(CostOptionSchema) })
  .openapi('CostOptions');

agrees<Same<z.infer<typeof CostReportSchema>, CostReport>>(true);
agrees<Same<z.infer<typeof HeadroomTableSchema>, HeadroomTable>>(true);
agrees<Same<z.infer<typeof QuotaCheckSchema>, QuotaCheck>>(true);
agrees<Same<z.infer<typeof ProjectionResponse>, Projection>>(true);
agrees<Same<z.infer<typeof CostOptionSchema>, CostOption>>(true);
