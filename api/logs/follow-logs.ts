import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import { ApiError } from '../api-error.js';
import type { AppEnv } from '../app-env.js';
import { requestLog } from '../middleware/request-id.js';
import type { LogReader } from './log-reader.js';
import type { Redactor } from './redaction.js';

/**
 * Lines reach CloudWatch Logs some seconds after the gateway wrote them (the awslogs driver batches),
 * stamped with the time written: each poll re-reads this much of the past, and event ids keep a line
 * from being sent twice.
 */
export const FOLLOW_LAG_MS = 30_000;

export interface FollowOptions {
  since: number;
  pollMs: number;
  heartbeatMs: number;
}

/**
 * `follow=true`: server-sent `log` events (data: a LogLine, id: its event id) for every new line, a
 * `: heartbeat` comment in between, until the client goes away. A throttled or failed read waits and
 * tries again; the stream only ends with an `error` event on something unexpected.
 */
export function followLogs(
  c: Context<AppEnv>,
  reader: LogReader,
  id: string,
  redact: Redactor,
  options: FollowOptions,
): Response {
  const log = requestLog(c).child({ instanceId: id });
  return streamSSE(c, async (stream) => {
    let aborted = false;
    let wake: () => void = () => {};
    stream.onAbort(() => {
      aborted = true;
      wake();
    });
    const pause = (ms: number) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    const heartbeat = setInterval(() => void stream.write(': heartbeat\n\n'), options.heartbeatMs);
    const seen = new Map<string, number>();
    try {
      await stream.write(': following\n\n');
      // The first poll reads everything from `since`; later ones only the lag window before they began.
      let startTime = options.since;
      while (!aborted) {
        const began = Date.now();
        let nextToken: string | undefined;
        let failed = false;
        do {
          try {
            const page = await reader.page(id, { startTime, limit: 1000, nextToken }, redact);
            for (const line of page.lines) {
              if (seen.has(line.eventId)) continue;
              seen.set(line.eventId, Date.parse(line.timestamp));
              await stream.writeSSE({ event: 'log', id: line.eventId, data: JSON.stringify(line) });
            }
            nextToken = page.nextToken;
          } catch (error) {
            if (!(error instanceof ApiError && error.status === 503)) throw error;
            failed = true;
            nextToken = undefined;
          }
        } while (nextToken && !aborted);
        if (!failed) startTime = Math.max(options.since, began - FOLLOW_LAG_MS);
        // Ids older than the next poll's window cannot come back: forget them.
        for (const [eventId, at] of seen) if (at < startTime) seen.delete(eventId);
        await pause(failed ? options.pollMs * 5 : options.pollMs);
      }
    } catch (error) {
      log.error({ err: error }, 'log stream failed');
      await stream.writeSSE({ event: 'error', data: JSON.stringify({ code: 'internal_error' }) });
    } finally {
      clearInterval(heartbeat);
    }
  });
}
