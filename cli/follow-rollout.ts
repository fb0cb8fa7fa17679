import type { ApiClient } from './api-client.js';
import { CliError } from './cli-error.js';
import type { Output } from './output.js';
import { FINAL_ROLLOUT_STATES, type RolloutView, rolloutBar, rolloutText } from './rollout-view.js';
import { readSse } from './sse.js';

/**
 * Follows /v1/rollouts/{id}/events to its end: a redrawn bar on a TTY, one line per change otherwise, one
 * JSON object per event under --json. Completed is exit 0; failed or aborted is exit 1 (a CliError).
 */
export async function followRollout(api: ApiClient, out: Output, id: string): Promise<RolloutView> {
  const res = await api.stream(`/v1/rollouts/${encodeURIComponent(id)}/events`);
  const tty = !out.json && process.stderr.isTTY;
  let last: RolloutView | null = null;
  let drawn = '';
  for await (const event of readSse(res.body as ReadableStream<Uint8Array>)) {
    if (event.event === 'error') throw new CliError(`the event stream of ${id} broke off on the server side`);
    if (event.event !== 'snapshot' && event.event !== 'progress') continue;
    last = JSON.parse(event.data) as RolloutView;
    if (out.json) process.stdout.write(`${JSON.stringify({ event: event.event, data: last })}\n`);
    else if (rolloutBar(last) !== drawn) {
      // A change the bar does not show (a checkpoint's revision) draws nothing new.
      drawn = rolloutBar(last);
      if (tty) process.stderr.write(`\r\x1b[2K${drawn}`);
      else out.note(drawn);
    }
  }
  if (tty) process.stderr.write('\n');
  if (!last || !FINAL_ROLLOUT_STATES.has(last.state))
    throw new CliError(`the event stream of rollout ${id} ended while it was ${last?.state ?? 'unknown'}`);
  if (!out.json) process.stdout.write(`${rolloutText(last)}\n`);
  if (last.state !== 'completed')
    throw new CliError(`rollout ${id} ${last.state}: ${last.reason ?? 'no reason given'}`);
  return last;
}
