import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { InstanceRecord, InstanceStatus } from '../shared/domain.js';
import type { InstanceEvent } from '../shared/store/instance-store.js';
import { instanceNotFound } from './api-error.js';
import type { AppEnv } from './app-env.js';
import { requestLog } from './middleware/request-id.js';

/** A stream ends once the instance reaches one of these: nothing more will happen without a new request. */
export const STREAM_END_STATUSES: ReadonlySet<InstanceStatus> = new Set(['running', 'failed', 'deleted']);

export const DEFAULT_HEARTBEAT_MS = 15_000;

/** Optional bounds a public stream adds (the signup page's). */
export interface StreamBounds {
  /** Statuses that end the stream (default STREAM_END_STATUSES). */
  endStatuses?: ReadonlySet<InstanceStatus>;
  /** The stream ends after this long; the client reconnects (EventSource does) and gets a new snapshot. */
  maxMs?: number;
  /** Called once when the stream is over (the caller's open-stream count). */
  onClose?: () => void;
}

export interface StreamProjection {
  snapshot(record: InstanceRecord): unknown;
  event(event: InstanceEvent): unknown;
}

/**
 * Events waiting to be sent, in arrival order: `next()` resolves with the next one, or with null once
 * `stop()` was called (the client went away, or the stream's time is up).
 */
function makeEventQueue() {
  const pending: InstanceEvent[] = [];
  let wake: (() => void) | null = null;
  let stopped = false;
  return {
    push(event: InstanceEvent) {
      pending.push(event);
      wake?.();
    },
    stop() {
      stopped = true;
      wake?.();
    },
    async next(): Promise<InstanceEvent | null> {
      while (!stopped) {
        const event = pending.shift();
        if (event) return event;
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = null;
      }
      return null;
    },
  };
}

/**
 * Server-sent events for one instance: subscribe first, THEN read the snapshot, so no change can fall
 * between the two (a change that lands in between is sent after the snapshot; a repeat is harmless).
 * Events: `snapshot` (first), then `status` or `step` with JSON data; a comment every heartbeat keeps
 * proxies from closing an idle stream. The stream closes at running, failed or deleted.
 */
export async function streamInstanceEvents(
  c: Context<AppEnv>,
  id: string,
  projection: StreamProjection,
  heartbeatMs = DEFAULT_HEARTBEAT_MS,
  bounds: StreamBounds = {},
): Promise<Response> {
  const endStatuses = bounds.endStatuses ?? STREAM_END_STATUSES;
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    bounds.onClose?.();
  };
  const log = requestLog(c).child({ instanceId: id });
  const queue = makeEventQueue();
  const { first, unsubscribe } = await subscribeThenRead(c, id, queue, log, close);

  return streamSSE(c, async (stream) => {
    stream.onAbort(() => queue.stop());
    const heartbeat = setInterval(() => void stream.write(': heartbeat\n\n'), heartbeatMs);
    const deadline = bounds.maxMs ? setTimeout(() => queue.stop(), bounds.maxMs) : undefined;
    try {
      await stream.writeSSE({
        event: 'snapshot',
        data: JSON.stringify(projection.snapshot(first)),
        id: first.updatedAt,
        retry: 3000,
      });
      if (endStatuses.has(first.status)) return;
      for (let next = await queue.next(); next; next = await queue.next()) {
        await stream.writeSSE({
          event: next.step ? 'step' : 'status',
          data: JSON.stringify(projection.event(next)),
          id: next.at,
        });
        if (endStatuses.has(next.status)) break;
      }
    } catch (error) {
      // Handled here rather than by streamSSE's onError, which would send the raw message to the client.
      log.error({ err: error }, 'event stream failed');
      await stream.writeSSE({ event: 'error', data: JSON.stringify({ code: 'internal_error' }) });
    } finally {
      clearInterval(heartbeat);
      clearTimeout(deadline);
      await unsubscribe();
      close();
    }
  });
}

/** Subscribes to the instance's events into `queue`, then reads its snapshot; 404 when there is none. */
async function subscribeThenRead(
  c: Context<AppEnv>,
  id: string,
  queue: ReturnType<typeof makeEventQueue>,
  log: ReturnType<typeof requestLog>,
  close: () => void,
): Promise<{ first: InstanceRecord; unsubscribe: () => Promise<void> }> {
  const { store } = c.var.deps;
  const unsubscribe = await c.var.events.subscribe(store.keys.events(id), (message) => {
    try {
      queue.push(JSON.parse(message) as InstanceEvent);
    } catch {
      log.warn('unreadable instance event ignored');
    }
  });
  let snapshot: InstanceRecord | null;
  try {
    snapshot = await store.get(id);
  } catch (error) {
    await unsubscribe();
    close();
    throw error;
  }
  if (!snapshot) {
    await unsubscribe();
    close();
    throw instanceNotFound(id);
  }
  return { first: snapshot, unsubscribe };
}
