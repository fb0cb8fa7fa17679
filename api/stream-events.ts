import { z } from '@hono/zod-openapi';
import { INSTANCE_STATUSES, STEP_IDS } from '../shared/domain.js';
import { LogLineView } from './logs/log-schemas.js';
import { InstanceView, StepView } from './schemas.js';

/**
 * The data of each server-sent event, by event name, for the event streams. The document lists
 * them as components (an event stream's body is text to OpenAPI 3.1), the routes type their
 * projections with them, and the tests check every event they read against them.
 */
const Status = z.enum(INSTANCE_STATUSES);
const CurrentStep = z.enum(STEP_IDS).nullable();

export const InstanceStatusEvent = z
  .object({ id: z.string(), status: Status, currentStep: CurrentStep, at: z.string() })
  .openapi('InstanceStatusEvent', { description: 'Event `status`: the instance changed status' });

export const InstanceStepEvent = InstanceStatusEvent.extend({ step: StepView }).openapi('InstanceStepEvent', {
  description: 'Event `step`: a step started, waited, finished or failed',
});

export const StreamErrorEvent = z
  .object({ code: z.literal('internal_error') })
  .openapi('StreamErrorEvent', { description: 'Event `error`: the stream failed and ends' });

const StepState = StepView.shape.state;

export const SignupSnapshotEvent = z
  .object({
    status: Status,
    currentStep: CurrentStep,
    steps: z.array(z.object({ id: z.enum(STEP_IDS), state: StepState })),
  })
  .openapi('SignupSnapshotEvent', { description: 'Event `snapshot` of a signup: states only' });

export const SignupProgressEvent = z
  .object({
    status: Status,
    currentStep: CurrentStep,
    step: z.object({ id: z.enum(STEP_IDS), state: StepState }).optional(),
  })
  .openapi('SignupProgressEvent', { description: 'Events `status` and `step` of a signup: states only' });

/** Event name to data schema, by the route's path in the document. */
export const STREAM_EVENTS = {
  '/v1/instances/{id}/events': {
    snapshot: InstanceView,
    status: InstanceStatusEvent,
    step: InstanceStepEvent,
    error: StreamErrorEvent,
  },
  '/v1/instances/{id}/logs': { log: LogLineView, error: StreamErrorEvent },
  '/signup/{id}/events': {
    snapshot: SignupSnapshotEvent,
    status: SignupProgressEvent,
    step: SignupProgressEvent,
    error: StreamErrorEvent,
  },
} as const;

/** Lists a stream's event schemas under components, so clients get their types. */
export function registerStreamEvents(registry: { register(name: string, schema: z.ZodType): unknown }): void {
  for (const [name, schema] of Object.entries({
    InstanceStatusEvent,
    InstanceStepEvent,
    StreamErrorEvent,
    SignupSnapshotEvent,
    SignupProgressEvent,
  })) {
    registry.register(name, schema);
  }
}
