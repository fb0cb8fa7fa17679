import type { Logger } from '../../shared/logger.js';
import type { WebhookQueue } from '../../shared/queues.js';

/**
 * The store's `onLifecycleEvent` in a worker: enqueues the event's delivery to every endpoint right
 * after the transition that logged it. A failed enqueue loses nothing logged: the instance's next
 * event's delivery sends every earlier one still owed first.
 */
export function makeLifecycleEventHook(queue: WebhookQueue, endpointCount: number, log: Logger) {
  return async (instanceId: string, sequence: number): Promise<void> => {
    if (endpointCount === 0) return;
    try {
      await queue.enqueue(instanceId, sequence);
    } catch (error) {
      log.error(
        { instanceId, sequence, reason: error instanceof Error ? error.message : String(error) },
        'webhook delivery not enqueued',
      );
    }
  };
}
