import type { ApiClient } from './api-client.js';
import { CliError } from './cli-error.js';
import type { Output } from './output.js';
import { progressBar, type StepView } from './progress.js';
import { readSse } from './sse.js';

interface Snapshot {
  id: string;
  status: string;
  currentStep: string | null;
  steps: StepView[];
  error: { step: string; code: string; message: string } | null;
}
interface ChangeEvent {
  id: string;
  status: string;
  currentStep: string | null;
  step?: StepView;
}

/** Statuses after which the API ends the stream (api/instance-stream.ts). */
const FINAL = new Set(['running', 'failed', 'deleted']);

/**
 * Follows /v1/instances/{id}/events to its end: a redrawn bar on a TTY, one line per change otherwise,
 * one JSON object per event under --json. Resolves with the final status; a `failed` end is exit 1.
 */
export async function followInstance(api: ApiClient, out: Output, id: string): Promise<string> {
  const res = await api.stream(`/v1/instances/${encodeURIComponent(id)}/events`);
  const tty = !out.json && process.stderr.isTTY;
  let steps: StepView[] = [];
  let status = 'unknown';
  let current: string | null = null;
  let error: Snapshot['error'] = null;
  const draw = () => {
    const line = progressBar(steps, status, current);
    if (tty) process.stderr.write(`\r\x1b[2K${line}`);
    else out.note(line);
  };
  for await (const event of readSse(res.body as ReadableStream<Uint8Array>)) {
    if (out.json)
      process.stdout.write(`${JSON.stringify({ event: event.event, data: JSON.parse(event.data) })}\n`);
    if (event.event === 'snapshot') {
      const snap = JSON.parse(event.data) as Snapshot;
      steps = snap.steps;
      ({ status, currentStep: current, error } = snap);
    } else if (event.event === 'status' || event.event === 'step') {
      const change = JSON.parse(event.data) as ChangeEvent;
      ({ status, currentStep: current } = change);
      const step = change.step;
      if (step) steps = steps.map((s) => (s.id === step.id ? { ...s, state: step.state } : s));
    } else if (event.event === 'error') {
      throw new CliError(`the event stream of ${id} broke off on the server side`);
    } else continue;
    draw();
  }
  if (tty) process.stderr.write('\n');
  if (!FINAL.has(status)) throw new CliError(`the event stream of ${id} ended while it was ${status}`);
  if (status === 'failed') {
    // The stream's status events carry no error; the record does.
    const final = await api.request<Snapshot>('GET', `/v1/instances/${encodeURIComponent(id)}`);
    error = final.body.error ?? error;
    const reason = error ? `: ${error.step} ${error.code}: ${error.message}` : '';
    throw new CliError(`instance ${id} failed${reason}`);
  }
  out.note(`instance ${id} is ${status}`);
  return status;
}
