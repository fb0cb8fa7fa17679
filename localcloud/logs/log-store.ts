import { arns } from '../arns.js';
import { AwsError } from '../aws-error.js';
import type { Cloud } from '../cloud.js';
import type { LogEvent, LogGroup, LogStream } from '../state.js';

/**
 * CloudWatch Logs' model: groups hold streams, streams hold events sorted by timestamp (then ingestion
 * order). The API handlers and the task log feed both write through here.
 */

/** Each event counts its UTF-8 message plus 26 bytes, as PutLogEvents and the 1 MB page limit do. */
export const EVENT_OVERHEAD_BYTES = 26;
export const eventBytes = (message: string): number => Buffer.byteLength(message) + EVENT_OVERHEAD_BYTES;

/**
 * localcloud keeps at most this many events per stream, dropping the oldest (AWS keeps all of them for the
 * retention period). Stand-in gateways log every ALB health check; a long dev session or a bench with a
 * hundred tasks would otherwise grow without bound.
 */
export const MAX_EVENTS_PER_STREAM = 20_000;

export const groupNotFound = () =>
  new AwsError('ResourceNotFoundException', 'The specified log group does not exist.');
export const streamNotFound = () =>
  new AwsError('ResourceNotFoundException', 'The specified log stream does not exist.');
export const invalid = (message: string) => new AwsError('InvalidParameterException', message);

export function createLogGroup(cloud: Cloud, name: string): LogGroup {
  if (cloud.state.logGroups.has(name))
    throw new AwsError('ResourceAlreadyExistsException', 'The specified log group already exists');
  const group: LogGroup = {
    name,
    arn: arns.logGroup(cloud.account, name),
    createdAt: cloud.clock.now(),
    streams: new Map(),
  };
  cloud.state.logGroups.set(name, group);
  return group;
}

export function createLogStream(cloud: Cloud, group: LogGroup, name: string): LogStream {
  if (group.streams.has(name))
    throw new AwsError('ResourceAlreadyExistsException', 'The specified log stream already exists');
  const stream: LogStream = {
    name,
    arn: arns.logStream(cloud.account, group.name, name),
    createdAt: cloud.clock.now(),
    events: [],
    storedBytes: 0,
  };
  group.streams.set(name, stream);
  return stream;
}

export function groupOf(cloud: Cloud, name: string | undefined): LogGroup {
  const group = name === undefined ? undefined : cloud.state.logGroups.get(name);
  if (!group) throw groupNotFound();
  return group;
}

/** Orders events by timestamp, then by ingestion (the order AWS documents for FilterLogEvents). */
export const compareEvents = (
  a: Pick<LogEvent, 'timestamp' | 'seq'>,
  b: Pick<LogEvent, 'timestamp' | 'seq'>,
): number => a.timestamp - b.timestamp || a.seq - b.seq;

/** Appends events (any order) to a stream, keeping it sorted; returns what was stored. */
export function appendEvents(
  cloud: Cloud,
  stream: LogStream,
  batch: readonly { timestamp: number; message: string }[],
): LogEvent[] {
  const ingestionTime = cloud.clock.now();
  const stored = batch.map((e) => ({
    timestamp: e.timestamp,
    message: e.message,
    ingestionTime,
    seq: ++cloud.state.logSeq,
  }));
  for (const event of stored) {
    const events = stream.events;
    const last = events[events.length - 1];
    if (!last || compareEvents(last, event) <= 0) events.push(event);
    else events.splice(insertionIndex(events, event), 0, event);
    stream.storedBytes += eventBytes(event.message);
  }
  const excess = stream.events.length - MAX_EVENTS_PER_STREAM;
  if (excess > 0) {
    for (const dropped of stream.events.splice(0, excess)) stream.storedBytes -= eventBytes(dropped.message);
  }
  if (stored.length > 0) stream.lastIngestionTime = ingestionTime;
  return stored;
}

/** First index whose event sorts after `event` (binary search). */
export function insertionIndex(
  events: readonly LogEvent[],
  event: Pick<LogEvent, 'timestamp' | 'seq'>,
): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compareEvents(events[mid]!, event) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Event ids are decimal strings, as AWS's are; ours is the ingestion sequence, zero-padded. */
export const eventId = (e: LogEvent): string => String(e.seq).padStart(20, '0');

/** Opaque tokens: base64url JSON of a position and the query it belongs to. */
export function encodeToken(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export function decodeToken(token: string): unknown {
  try {
    return JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw invalid('The specified nextToken is invalid.');
  }
}
