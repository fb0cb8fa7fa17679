import type { z } from '@hono/zod-openapi';
import { type InstanceRecord, STEP_IDS } from '../shared/domain.js';
import type { InstanceView } from './schemas.js';

export const instanceLinks = (id: string) => ({
  self: `/v1/instances/${id}`,
  events: `/v1/instances/${id}/events`,
  delete: `/v1/instances/${id}`,
});

/** The public shape of an instance: no sealed credentials, no checkpoint internals (the steps' ARNs). */
export function toInstanceView(record: InstanceRecord): z.infer<typeof InstanceView> {
  return {
    id: record.id,
    userId: record.userId,
    email: record.email,
    status: record.status,
    currentStep: record.currentStep,
    steps: STEP_IDS.map((id) => {
      const step = record.steps[id];
      return {
        id,
        state: step.state,
        startedAt: step.startedAt ?? null,
        endedAt: step.endedAt ?? null,
        attempts: step.attempts,
        lastError: step.lastError ?? null,
      };
    }),
    url: record.url,
    image: record.image ?? null,
    error: record.error,
    requestId: record.requestId,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    runningAt: record.runningAt,
    deletedAt: record.deletedAt,
    // Operators remove these by hand if the reconciler cannot; ARNs of deregistered revisions, no secret.
    leftovers: record.leftovers.map(({ step, resources, code, message, at }) => ({
      step,
      resources,
      code,
      message,
      at,
    })),
    links: instanceLinks(record.id),
  };
}
