import { randomUUID } from 'node:crypto';
import {
  CloudWatchLogsClient,
  type InputLogEvent,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApi } from '../../api/start-api.js';
import { resourceNames } from '../../shared/naming.js';
import { sseReader } from '../api/sse-reader.js';
import { type Pipeline, startPipeline } from '../support/pipeline.js';
import { startPipelineApi } from '../support/pipeline-api.js';

const API_TOKEN = `token-${randomUUID()}`;

interface LogLine {
  eventId: string;
  timestamp: string;
  taskId: string;
  message: string;
}
interface LogPage {
  items: LogLine[];
  nextCursor: string | null;
}
interface DataPlaneTask {
  taskArn: string;
  serviceName?: string;
  lastStatus: string;
  pid?: number;
}

/** Polls until check gives a value, or fails saying what did not happen. */
async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** An instance's gateway logs through the API, as an operator or the signup backend reads them. */
describe('instance logs through the API', () => {
  let p: Pipeline;
  let api: RunningApi;
  let logs: CloudWatchLogsClient;
  let id: string;
  let gatewayToken: string;
  let taskIds: string[] = [];
  const anthropicApiKey = `sk-ant-logs-${'q'.repeat(24)}`;

  const get = (path: string) =>
    fetch(`${api.url}${path}`, { headers: { authorization: `Bearer ${API_TOKEN}` } });
  const readAll = async (query = ''): Promise<{ lines: LogLine[]; pages: number }> => {
    const lines: LogLine[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await get(
        `/v1/instances/${id}/logs?limit=1000${query}${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(res.status).toBe(200);
      const page = (await res.json()) as LogPage;
      lines.push(...page.items);
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor);
    return { lines, pages };
  };
  /** The gateway "printing" lines: PutLogEvents into the task's own awslogs stream. */
  const print = (taskId: string, logEvents: InputLogEvent[]) =>
    logs.send(
      new PutLogEventsCommand({
        logGroupName: p.config.LOG_GROUP,
        logStreamName: `${resourceNames(id).logStreamPrefix}/gateway/${taskId}`,
        logEvents,
      }),
    );
  const runningTask = (not?: string) =>
    waitFor(`a running gateway process of ${id}${not ? ` other than task ${not}` : ''}`, async () => {
      const state = await p.inspect<{ dataPlane: { tasks: DataPlaneTask[] } }>('state');
      return state.dataPlane.tasks.find(
        (t) =>
          t.serviceName === resourceNames(id).serviceName &&
          t.lastStatus === 'RUNNING' &&
          t.pid !== undefined &&
          !t.taskArn.endsWith(`/${not}`),
      );
    });

  beforeAll(async () => {
    p = await startPipeline();
    ({ api } = await startPipelineApi(p, { API_TOKEN, LOGS_FOLLOW_POLL_MS: '50' }));
    logs = new CloudWatchLogsClient({ endpoint: p.cloud.url, region: p.config.AWS_REGION });
  });
  afterAll(async () => {
    logs?.destroy();
    await api?.close();
    await p?.close();
  });

  it('reads both tasks of a restarted instance in order, with its token and key redacted', async () => {
    const created = await fetch(`${api.url}/v1/instances`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ userId: 'logs-user', email: 'logs@example.test', anthropicApiKey }),
    });
    ({ id, gatewayToken } = (await created.json()) as { id: string; gatewayToken: string });
    await p.waitForStatus([id], ['running']);
    const first = await runningTask();
    const firstId = first.taskArn.split('/').pop()!;
    await print(firstId, [
      { timestamp: Date.now(), message: `boot: token=${gatewayToken} key=${anthropicApiKey}` },
    ]);

    // The gateway dies; the service scheduler starts another task, which writes its own stream.
    process.kill(first.pid!, 'SIGKILL');
    const second = await runningTask(firstId);
    const secondId = second.taskArn.split('/').pop()!;
    await print(secondId, [{ timestamp: Date.now(), message: 'second task says hello' }]);
    taskIds = [firstId, secondId];

    const { lines } = await readAll();
    const messages = lines.map((l) => l.message);
    const leaked = lines.find((l) => l.message.startsWith('boot:'));
    expect(leaked).toMatchObject({ taskId: firstId, message: 'boot: token=[redacted] key=[redacted]' });
    const hello = lines.findIndex((l) => l.message === 'second task says hello');
    expect(lines[hello]?.taskId).toBe(secondId);
    expect(lines.indexOf(leaked!)).toBeLessThan(hello);
    // Each process printed its own "listening on" line first: both tasks, oldest first.
    const starts = lines.filter((l) => l.message.startsWith('listening on ')).map((l) => l.taskId);
    expect(starts).toEqual([firstId, secondId]);
    const times = lines.map((l) => Date.parse(l.timestamp));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    for (const message of messages) {
      expect(message).not.toContain(gatewayToken);
      expect(message).not.toContain(anthropicApiKey);
    }
  });

  it('follow=true streams a line written after the request (after the lines since `since`)', async () => {
    // A line stamped two minutes ago (older than the follow's re-read window): `since` must still reach it.
    const earlier = Date.now() - 120_000;
    await print(taskIds[1]!, [{ timestamp: earlier, message: 'backdated line' }]);
    const res = await get(`/v1/instances/${id}/logs?follow=true&since=${new Date(earlier).toISOString()}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const events = sseReader(res);
    expect((await events.next())?.comment).toBe(true); // ": following": the stream is open
    // The backlog first: the line at `since` comes before anything written now.
    for (;;) {
      const frame = await events.nextEvent(10_000);
      if (!frame) throw new Error('the log stream ended before the backlog line came');
      if (frame.event === 'log' && (frame.data as LogLine).message === 'backdated line') break;
    }
    const line = `written after the request ${randomUUID()} ${gatewayToken}`;
    await print(taskIds[1]!, [{ timestamp: Date.now(), message: line }]);
    for (;;) {
      const frame = await events.nextEvent(10_000);
      if (!frame) throw new Error('the log stream ended before the line came');
      const data = frame.data as LogLine;
      if (frame.event === 'log' && data.message.startsWith('written after the request')) {
        expect(data.message).toBe(line.replace(gatewayToken, '[redacted]'));
        expect(data.taskId).toBe(taskIds[1]);
        break;
      }
    }
    await events.cancel();
  });

  it('pages over more than 10,000 lines, each once', async () => {
    const at = Date.now();
    const batch = (from: number, count: number) =>
      Array.from({ length: count }, (_, i) => ({ timestamp: at, message: `fill ${from + i}` }));
    await print(taskIds[1]!, batch(0, 10_000));
    await print(taskIds[1]!, batch(10_000, 500));
    const { lines, pages } = await readAll(`&since=${new Date(at).toISOString()}`);
    const fill = lines.map((l) => l.message).filter((m) => m.startsWith('fill '));
    expect(fill).toHaveLength(10_500);
    expect(new Set(fill).size).toBe(10_500);
    expect(new Set(lines.map((l) => l.eventId)).size).toBe(lines.length);
    expect(pages).toBeGreaterThanOrEqual(11);
  });

  it('answers 404 for an unknown id and 400 for a cursor it did not issue', async () => {
    const unknown = await get('/v1/instances/aaaaaaaaaaaa/logs');
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('not_found');
    const bad = await get(`/v1/instances/${id}/logs?cursor=nope`);
    expect(bad.status).toBe(400);
  });

  it("keeps a deleted instance's logs readable, still redacted", async () => {
    const res = await fetch(`${api.url}/v1/instances/${id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${API_TOKEN}` },
    });
    expect(res.status).toBe(202);
    await p.waitForStatus([id], ['deleted']);
    const { lines } = await readAll();
    expect(lines.find((l) => l.message.startsWith('boot:'))?.message).toBe(
      'boot: token=[redacted] key=[redacted]',
    );
    expect(lines.some((l) => l.message === 'second task says hello')).toBe(true);
    for (const line of lines) expect(line.message).not.toContain(gatewayToken);
  });
});
