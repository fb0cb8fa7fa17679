import { z } from '@hono/zod-openapi';
import { pinnedImageRules } from '../../shared/config/fields.js';
import {
  INSTANCE_ROLLOUT_STATES,
  ROLLOUT_ID_PATTERN,
  ROLLOUT_STATES,
} from '../../shared/rollouts/rollout.js';

export const RolloutRequest = z
  .strictObject({
    image: z
      .string()
      .min(1)
      .max(512)
      .refine(pinnedImageRules[0].test, pinnedImageRules[0].message)
      .refine(pinnedImageRules[1].test, pinnedImageRules[1].message)
      .openapi({
        description: 'The gateway image to move every running instance to, pinned by tag or digest',
        example: 'ghcr.io/openclaw/gateway:2026.12.1',
      }),
    canary: z
      .number()
      .int()
      .min(1)
      .max(100)
      .default(1)
      .openapi({ description: 'Instances in the first batch; any failure there stops the rollout' }),
    batchSize: z
      .number()
      .int()
      .min(1)
      .max(500)
      .default(5)
      .openapi({ description: 'Instances per later batch' }),
    maxFailures: z.number().int().min(0).max(10_000).default(0).openapi({
      description: 'Failed instances tolerated after the canary; one more stops the rollout and rolls back',
    }),
    pauseBetweenMs: z
      .number()
      .int()
      .min(0)
      .max(3_600_000)
      .default(0)
      .openapi({ description: 'Wait between batches' }),
  })
  .openapi('RolloutRequest');

export const RolloutIdParams = z.object({
  id: z
    .string()
    .regex(ROLLOUT_ID_PATTERN)
    .openapi({ param: { name: 'id', in: 'path' }, example: 'ro-3f9a0c1b2d4e' }),
});

const Counts = Object.fromEntries(INSTANCE_ROLLOUT_STATES.map((s) => [s, z.number().int()])) as Record<
  (typeof INSTANCE_ROLLOUT_STATES)[number],
  z.ZodNumber
>;

const BatchView = z
  .object({ index: z.number().int(), canary: z.boolean(), size: z.number().int(), ...Counts })
  .openapi('RolloutBatch');

const InstanceRolloutView = z
  .object({
    id: z.string(),
    batch: z.number().int(),
    state: z.enum(INSTANCE_ROLLOUT_STATES),
    previousImage: z.string().nullable(),
    revisionArn: z.string().nullable(),
    failure: z
      .string()
      .nullable()
      .openapi({ description: 'Why its update failed (it was then rolled back)' }),
    reason: z.string().nullable(),
  })
  .openapi('InstanceRollout');

export const RolloutView = z
  .object({
    id: z.string(),
    image: z.string(),
    canary: z.number().int(),
    batchSize: z.number().int(),
    maxFailures: z.number().int(),
    pauseBetweenMs: z.number().int(),
    state: z.enum(ROLLOUT_STATES),
    control: z.enum(['run', 'pause', 'abort']).openapi({ description: 'What an operator last asked for' }),
    reason: z.string().nullable().openapi({ description: 'Why it failed or was aborted' }),
    previousFleetImage: z.string().nullable(),
    totals: z.object({ instances: z.number().int(), failures: z.number().int(), ...Counts }),
    batchesDone: z.number().int(),
    batches: z.array(BatchView),
    instances: z.array(InstanceRolloutView),
    createdAt: z.string(),
    updatedAt: z.string(),
    finishedAt: z.string().nullable(),
    links: z.object({ self: z.string(), events: z.string() }),
  })
  .openapi('Rollout');

export const RolloutList = z.object({ items: z.array(RolloutView) }).openapi('RolloutList');
