import {
  CloudWatchLogsClient,
  CreateLogStreamCommand,
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
  InvalidParameterException,
  PutLogEventsCommand,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
} from '@aws-sdk/client-cloudwatch-logs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Localcloud, startLocalcloud } from '../../localcloud/index.js';
import { errorOf } from './helpers.js';

let lc: Localcloud;
let logs: CloudWatchLogsClient;
const group = '/ecs/openclaw';

beforeAll(async () => {
  lc = await startLocalcloud({ port: 0, seed: 19, taskRuntime: 'none' });
  logs = new CloudWatchLogsClient({
    endpoint: lc.url,
    region: 'us-west-2',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
});
afterAll(async () => {
  logs?.destroy();
  await lc?.close();
});

/** Fills a stream with `count` events through PutLogEvents, 10,000 (the batch maximum) at a time. */
async function fill(stream: string, count: number, at: number): Promise<void> {
  await logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: stream }));
  for (let i = 0; i < count; i += 10_000) {
    const logEvents = Array.from({ length: Math.min(10_000, count - i) }, (_, j) => ({
      timestamp: at + i + j,
      message: `${stream} line ${i + j}`,
    }));
    await logs.send(new PutLogEventsCommand({ logGroupName: group, logStreamName: stream, logEvents }));
  }
}

describe('CloudWatch Logs', () => {
  it('has the bootstrapped gateway log group', async () => {
    const { logGroups } = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/ecs/' }));
    expect(logGroups?.map((g) => g.logGroupName)).toEqual([group]);
  });

  it('pages FilterLogEvents over more than 10,000 events on a prefix, each once, in time order', async () => {
    const at = Date.now() - 60_000;
    await fill('pager-a/gateway/t1', 6_000, at);
    await fill('pager-a/gateway/t2', 6_000, at + 6_000);
    await fill('pager-b/gateway/t3', 10, at);
    const seen: string[] = [];
    const pageSizes: number[] = [];
    let nextToken: string | undefined;
    do {
      const page = await logs.send(
        new FilterLogEventsCommand({ logGroupName: group, logStreamNamePrefix: 'pager-a/', nextToken }),
      );
      pageSizes.push(page.events?.length ?? 0);
      for (const e of page.events ?? []) seen.push(e.message ?? '');
      nextToken = page.nextToken;
    } while (nextToken);
    expect(pageSizes).toEqual([10_000, 2_000]);
    expect(new Set(seen).size).toBe(12_000);
    expect(seen[0]).toBe('pager-a/gateway/t1 line 0');
    expect(seen[6_000]).toBe('pager-a/gateway/t2 line 0');
    expect(seen.at(-1)).toBe('pager-a/gateway/t2 line 5999');
  });

  it('keeps a FilterLogEvents token valid when a new stream (a restarted task) appears between pages', async () => {
    const at = Date.now() - 20_000;
    await fill('restart/gateway/t1', 3, at);
    const input = { logGroupName: group, logStreamNamePrefix: 'restart/', limit: 2 };
    const first = await logs.send(new FilterLogEventsCommand(input));
    await fill('restart/gateway/t2', 2, at + 10);
    const rest: string[] = [];
    let nextToken = first.nextToken;
    while (nextToken) {
      const page = await logs.send(new FilterLogEventsCommand({ ...input, nextToken }));
      rest.push(...(page.events ?? []).map((e) => e.message ?? ''));
      nextToken = page.nextToken;
    }
    expect(first.events?.map((e) => e.message)).toEqual([
      'restart/gateway/t1 line 0',
      'restart/gateway/t1 line 1',
    ]);
    expect(rest).toEqual([
      'restart/gateway/t1 line 2',
      'restart/gateway/t2 line 0',
      'restart/gateway/t2 line 1',
    ]);
  });

  it('GetLogEvents: newest first page by default, forward and backward tokens, the same token at the end', async () => {
    const at = Date.now() - 30_000;
    await fill('tokens/gateway/t1', 25, at);
    const input = { logGroupName: group, logStreamName: 'tokens/gateway/t1', limit: 10 };
    const latest = await logs.send(new GetLogEventsCommand(input));
    expect(latest.events?.map((e) => e.message)).toEqual(
      Array.from({ length: 10 }, (_, i) => `tokens/gateway/t1 line ${15 + i}`),
    );
    const older = await logs.send(new GetLogEventsCommand({ ...input, nextToken: latest.nextBackwardToken }));
    expect(older.events?.[0]?.message).toBe('tokens/gateway/t1 line 5');
    const head = await logs.send(new GetLogEventsCommand({ ...input, startFromHead: true }));
    expect(head.events?.[0]?.message).toBe('tokens/gateway/t1 line 0');
    const end = await logs.send(new GetLogEventsCommand({ ...input, nextToken: latest.nextForwardToken }));
    expect(end.events).toEqual([]);
    expect(end.nextForwardToken).toBe(latest.nextForwardToken);
  });

  it('keeps the newest 20,000 events of a stream (its memory bound), dropping the oldest', async () => {
    await fill('bounded/gateway/t1', 20_005, Date.now() - 60_000);
    const input = { logGroupName: group, logStreamName: 'bounded/gateway/t1', limit: 1, startFromHead: true };
    const head = await logs.send(new GetLogEventsCommand(input));
    expect(head.events?.[0]?.message).toBe('bounded/gateway/t1 line 5');
  });

  it('answers AWS error codes for missing groups and streams, bad parameters and duplicates', async () => {
    expect(
      await errorOf(() => logs.send(new FilterLogEventsCommand({ logGroupName: '/nope' }))),
    ).toBeInstanceOf(ResourceNotFoundException);
    expect(
      await errorOf(() =>
        logs.send(new GetLogEventsCommand({ logGroupName: group, logStreamName: 'missing' })),
      ),
    ).toBeInstanceOf(ResourceNotFoundException);
    expect(
      await errorOf(() => logs.send(new FilterLogEventsCommand({ logGroupName: group, limit: 10_001 }))),
    ).toBeInstanceOf(InvalidParameterException);
    expect(
      await errorOf(() =>
        logs.send(
          new FilterLogEventsCommand({
            logGroupName: group,
            logStreamNames: ['a'],
            logStreamNamePrefix: 'a',
          }),
        ),
      ),
    ).toBeInstanceOf(InvalidParameterException);
    expect(
      await errorOf(() => logs.send(new FilterLogEventsCommand({ logGroupName: group, nextToken: 'bogus' }))),
    ).toBeInstanceOf(InvalidParameterException);
    const now = Date.now();
    expect(
      await errorOf(() =>
        logs.send(
          new PutLogEventsCommand({
            logGroupName: group,
            logStreamName: 'tokens/gateway/t1',
            logEvents: [
              { timestamp: now, message: 'b' },
              { timestamp: now - 1, message: 'a' },
            ],
          }),
        ),
      ),
    ).toBeInstanceOf(InvalidParameterException);
    expect(
      await errorOf(() =>
        logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: 'tokens/gateway/t1' })),
      ),
    ).toBeInstanceOf(ResourceAlreadyExistsException);
    expect(
      await errorOf(() =>
        logs.send(
          new DescribeLogStreamsCommand({
            logGroupName: group,
            orderBy: 'LastEventTime',
            logStreamNamePrefix: 'x',
          }),
        ),
      ),
    ).toBeInstanceOf(InvalidParameterException);
  });
});
