import { bool, num, type Params, records, str } from '../input.js';
import {
  appendEvents,
  createLogGroup,
  createLogStream,
  eventBytes,
  groupOf,
  invalid,
  streamNotFound,
} from '../logs/log-store.js';
import { paginate } from '../pagination.js';
import type { LogStream } from '../state.js';
import type { HandlerMap } from './handler.js';

const DAY = 86_400_000;
const MAX_BATCH_EVENTS = 10_000;
const MAX_BATCH_BYTES = 1_048_576;

/** logGroupName or logGroupIdentifier (a name or an ARN), exactly one of them. */
export function groupName(input: Params): string {
  const name = str(input, 'logGroupName');
  const identifier = str(input, 'logGroupIdentifier');
  if (name !== undefined && identifier !== undefined)
    throw invalid('LogGroupName and LogGroupIdentifier are mutually exclusive.');
  const chosen =
    name ?? identifier?.replace(/^arn:[^:]+:logs:[^:]*:[^:]*:log-group:/, '').replace(/:\*$/, '');
  if (!chosen) throw invalid('Either LogGroupName or LogGroupIdentifier must be specified.');
  return chosen;
}

/** A limit in [1, max], or the default. */
export function limitOf(input: Params, max: number, fallback = max): number {
  const limit = num(input, 'limit');
  if (limit === undefined) return fallback;
  if (!Number.isInteger(limit) || limit < 1 || limit > max)
    throw invalid(
      `1 validation error detected: Value '${limit}' at 'limit' failed to satisfy constraint: Member must have value between 1 and ${max}`,
    );
  return limit;
}

function streamView(s: LogStream): Record<string, unknown> {
  const first = s.events[0];
  const last = s.events[s.events.length - 1];
  return {
    logStreamName: s.name,
    creationTime: s.createdAt,
    ...(first ? { firstEventTimestamp: first.timestamp } : {}),
    ...(last ? { lastEventTimestamp: last.timestamp } : {}),
    ...(s.lastIngestionTime !== undefined ? { lastIngestionTime: s.lastIngestionTime } : {}),
    arn: s.arn,
    storedBytes: 0,
  };
}

const badToken = () => invalid('The specified nextToken is invalid.');

export const logsGroups: HandlerMap = {
  CreateLogGroup(cloud, input) {
    const name = str(input, 'logGroupName');
    if (!name || !/^[.\-_/#A-Za-z0-9]{1,512}$/.test(name)) throw invalid('Invalid log group name.');
    createLogGroup(cloud, name);
    return {};
  },

  DescribeLogGroups(cloud, input) {
    const prefix = str(input, 'logGroupNamePrefix') ?? '';
    const all = [...cloud.state.logGroups.values()]
      .filter((g) => g.name.startsWith(prefix))
      .sort((a, b) => (a.name < b.name ? -1 : 1));
    const page = paginate(all, str(input, 'nextToken'), limitOf(input, 50), `groups:${prefix}`, badToken);
    return {
      logGroups: page.items.map((g) => ({
        logGroupName: g.name,
        creationTime: g.createdAt,
        ...(g.retentionInDays !== undefined ? { retentionInDays: g.retentionInDays } : {}),
        metricFilterCount: 0,
        arn: `${g.arn}:*`,
        logGroupArn: g.arn,
        storedBytes: 0,
      })),
      ...(page.next ? { nextToken: page.next } : {}),
    };
  },

  CreateLogStream(cloud, input) {
    const group = groupOf(cloud, str(input, 'logGroupName'));
    const name = str(input, 'logStreamName');
    if (!name || !/^[^:*]{1,512}$/.test(name)) throw invalid('Invalid log stream name.');
    createLogStream(cloud, group, name);
    return {};
  },

  DescribeLogStreams(cloud, input) {
    const group = groupOf(cloud, groupName(input));
    const prefix = str(input, 'logStreamNamePrefix');
    const orderBy = str(input, 'orderBy') ?? 'LogStreamName';
    if (orderBy !== 'LogStreamName' && orderBy !== 'LastEventTime') throw invalid('Invalid orderBy.');
    if (orderBy === 'LastEventTime' && prefix !== undefined)
      throw invalid('Cannot order by LastEventTime with a logStreamNamePrefix.');
    const lastTime = (s: LogStream) => s.events[s.events.length - 1]?.timestamp ?? 0;
    const all = [...group.streams.values()]
      .filter((s) => s.name.startsWith(prefix ?? ''))
      .sort((a, b) => (orderBy === 'LogStreamName' ? (a.name < b.name ? -1 : 1) : lastTime(a) - lastTime(b)));
    if (bool(input, 'descending')) all.reverse();
    const scope = `streams:${group.name}:${prefix ?? ''}:${orderBy}:${bool(input, 'descending') ?? false}`;
    const page = paginate(all, str(input, 'nextToken'), limitOf(input, 50), scope, badToken);
    return { logStreams: page.items.map(streamView), ...(page.next ? { nextToken: page.next } : {}) };
  },

  PutLogEvents(cloud, input) {
    const group = groupOf(cloud, str(input, 'logGroupName'));
    const stream = group.streams.get(str(input, 'logStreamName') ?? '');
    if (!stream) throw streamNotFound();
    const events = records(input, 'logEvents').map((e) => ({
      timestamp: num(e, 'timestamp') ?? Number.NaN,
      message: str(e, 'message') ?? '',
    }));
    if (events.length < 1 || events.length > MAX_BATCH_EVENTS)
      throw invalid(`A batch holds 1 to ${MAX_BATCH_EVENTS} log events.`);
    if (events.some((e) => !Number.isInteger(e.timestamp) || e.timestamp < 0 || e.message === ''))
      throw invalid('Each log event needs a timestamp and a non-empty message.');
    if (events.reduce((sum, e) => sum + eventBytes(e.message), 0) > MAX_BATCH_BYTES)
      throw invalid(`The batch is larger than ${MAX_BATCH_BYTES} bytes.`);
    if (events.some((e, i) => i > 0 && e.timestamp < events[i - 1]!.timestamp))
      throw invalid('Log events in a single PutLogEvents request must be in chronological order.');
    const times = events.map((e) => e.timestamp);
    if (Math.max(...times) - Math.min(...times) > DAY)
      throw invalid('A batch of log events in a single request cannot span more than 24 hours.');
    // Too old (14 days, or past the retention) or too new (2 hours ahead) are rejected, not stored.
    const now = cloud.clock.now();
    const oldest = now - Math.min(14, group.retentionInDays ?? 14) * DAY;
    const sorted = events.map((e, i) => ({ ...e, i }));
    const tooOld = sorted.filter((e) => e.timestamp < oldest).map((e) => e.i);
    const tooNew = sorted.filter((e) => e.timestamp > now + 2 * 3_600_000).map((e) => e.i);
    appendEvents(
      cloud,
      stream,
      sorted.filter((e) => e.timestamp >= oldest && e.timestamp <= now + 2 * 3_600_000),
    );
    const rejected = {
      ...(tooOld.length > 0 ? { tooOldLogEventEndIndex: Math.max(...tooOld) } : {}),
      ...(tooNew.length > 0 ? { tooNewLogEventStartIndex: Math.min(...tooNew) } : {}),
    };
    return {
      nextSequenceToken: String(cloud.state.logSeq).padStart(56, '0'),
      ...(Object.keys(rejected).length > 0 ? { rejectedLogEventsInfo: rejected } : {}),
    };
  },

  PutRetentionPolicy(cloud, input) {
    const group = groupOf(cloud, str(input, 'logGroupName'));
    const days = num(input, 'retentionInDays');
    const valid = [
      1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
    ];
    if (days === undefined || !valid.includes(days)) throw invalid('Invalid retentionInDays.');
    group.retentionInDays = days;
    return {};
  },
};
