import { z } from 'zod';
import { INSTANCE_ID_PATTERN } from './naming.js';
import { ROLLOUT_ID_PATTERN } from './rollouts/rollout.js';

/**
 * Every job the system runs: its queue, payload schema and retry policy. The worker's handler map is
 * typed from this catalog, so a job without a handler does not compile.
 * Payloads carry ids only: credentials live sealed on the instance record, never in job data, so Bull
 * Board and Redis dumps show nothing secret.
 */
const instanceJob = z.object({
  instanceId: z.string().regex(INSTANCE_ID_PATTERN),
  /** The HTTP request that caused the job, so one grep follows an instance across processes. */
  requestId: z.string().max(128),
  /** Why this job exists (signup, retry, reconcile), for people reading Bull Board. */
  reason: z.string().max(200).optional(),
});

/** One webhook delivery: an instance's events owed to one endpoint, from `sequence` (its trigger) on. */
const webhookJob = z.object({
  instanceId: z.string().regex(INSTANCE_ID_PATTERN),
  /** The endpoint's key (see shared/webhooks/endpoints.ts): a digest of its URL, never the URL itself. */
  endpoint: z.string().regex(/^[0-9a-f]{12}$/),
  sequence: z.number().int().positive(),
});

/** One rollout, run batch by batch (worker/rollouts); its progress lives in Redis, not in the job. */
const rolloutJob = z.object({ rolloutId: z.string().regex(ROLLOUT_ID_PATTERN) });

export const QUEUE_NAMES = {
  instances: 'instances',
  rollouts: 'rollouts',
  capacity: 'capacity',
  reconcile: 'reconcile',
  webhooks: 'webhooks',
} as const;
export type QueueName = (typeof QUEUE_NAMES)[keyof typeof QUEUE_NAMES];

export const jobCatalog = {
  create: { queue: QUEUE_NAMES.instances, schema: instanceJob },
  delete: { queue: QUEUE_NAMES.instances, schema: instanceJob },
  'sample-capacity': { queue: QUEUE_NAMES.capacity, schema: z.object({}).passthrough() },
  reconcile: { queue: QUEUE_NAMES.reconcile, schema: z.object({}).passthrough() },
  'deliver-webhook': { queue: QUEUE_NAMES.webhooks, schema: webhookJob },
  'sweep-webhooks': { queue: QUEUE_NAMES.webhooks, schema: z.object({}).passthrough() },
  rollout: { queue: QUEUE_NAMES.rollouts, schema: rolloutJob },
} as const;

export type JobName = keyof typeof jobCatalog;
export type JobPayload<K extends JobName> = z.infer<(typeof jobCatalog)[K]['schema']>;
export type InstanceJobPayload = z.infer<typeof instanceJob>;
export type WebhookJobPayload = z.infer<typeof webhookJob>;

/** Job ids are deterministic so a double enqueue is a no-op; the sequence lets a retry add a fresh job. */
export const jobIds = {
  create: (instanceId: string, sequence: number) => `create-${instanceId}-${sequence}`,
  delete: (instanceId: string) => `delete-${instanceId}`,
  /** One job per rollout: starting it twice enqueues once. */
  rollout: (rolloutId: string) => `rollout-${rolloutId}`,
  /** One per event and endpoint: enqueueing an event's delivery twice is a no-op. */
  deliverWebhook: (p: WebhookJobPayload) => `webhook-${p.instanceId}-${p.endpoint}-${p.sequence}`,
};

/** The instance a `create` or `delete` job id (`jobIds`) belongs to; null for any other id. */
export function instanceIdOfJob(jobId: string): string | null {
  const match = /^(?:create-(.+)-\d+|delete-(.+))$/.exec(jobId);
  const id = match?.[1] ?? match?.[2];
  return id && INSTANCE_ID_PATTERN.test(id) ? id : null;
}
