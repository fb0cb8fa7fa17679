import type { Cloud } from '../cloud.js';
import { bool, num, type Params, str, strList } from '../input.js';
import {
  compareEvents,
  decodeToken,
  encodeToken,
  eventBytes,
  eventId,
  groupOf,
  insertionIndex,
  invalid,
  streamNotFound,
} from '../logs/log-store.js';
import type { LogEvent, LogStream } from '../state.js';
import type { HandlerMap } from './handler.js';
import { groupName, limitOf } from './logs-groups.js';

/** A page holds at most 10,000 events or 1 MB (each event's message plus 26 bytes). */
const MAX_EVENTS = 10_000;
const MAX_PAGE_BYTES = 1_048_576;

/** A position between events: everything sorting after (timestamp, seq) comes next. */
type Position = Pick<LogEvent, 'timestamp' | 'seq'>;
const positionOf = (e: LogEvent): Position => ({ timestamp: e.timestamp, seq: e.seq });
const START: Position = { timestamp: -1, seq: 0 };
const isPosition = (p: unknown): p is Position =>
  typeof (p as Position | undefined)?.timestamp === 'number' && typeof (p as Position).seq === 'number';

/** Takes events in order until the count or the 1 MB budget is spent. */
function fill(events: Iterable<LogEvent>, limit: number): LogEvent[] {
  const out: LogEvent[] = [];
  let bytes = 0;
  for (const e of events) {
    const size = eventBytes(e.message);
    if (out.length >= limit || (out.length > 0 && bytes + size > MAX_PAGE_BYTES)) break;
    out.push(e);
    bytes += size;
  }
  return out;
}

function timeRange(input: Params): { start: number; end: number } {
  const start = num(input, 'startTime') ?? 0;
  const end = num(input, 'endTime') ?? Number.MAX_SAFE_INTEGER;
  if (start < 0 || end < 0) throw invalid('startTime and endTime must not be negative.');
  return { start, end };
}

/** Term patterns only ("ERROR", "ERROR timeout", quoted terms): every term must occur in the message. */
function matcher(pattern: string | undefined): (message: string) => boolean {
  const trimmed = pattern?.trim() ?? '';
  if (trimmed === '') return () => true;
  if (/^[{[]/.test(trimmed)) throw invalid('localcloud supports term filter patterns only.');
  const terms = [...trimmed.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? '');
  return (message) => terms.every((term) => message.includes(term));
}

function streamsOf(cloud: Cloud, input: Params): { group: string; streams: LogStream[] } {
  const group = groupOf(cloud, groupName(input));
  const names = strList(input, 'logStreamNames');
  const prefix = str(input, 'logStreamNamePrefix');
  if (names.length > 0 && prefix !== undefined)
    throw invalid('logStreamNames and logStreamNamePrefix are mutually exclusive.');
  const all = [...group.streams.values()];
  const streams =
    names.length > 0
      ? all.filter((s) => names.includes(s.name))
      : all.filter((s) => s.name.startsWith(prefix ?? ''));
  return { group: group.name, streams };
}

export const logsEvents: HandlerMap = {
  FilterLogEvents(cloud, input) {
    const { group, streams } = streamsOf(cloud, input);
    const { start, end } = timeRange(input);
    const limit = limitOf(input, MAX_EVENTS);
    const matches = matcher(str(input, 'filterPattern'));
    // A token names its query: one issued for another search is refused.
    // The request's own parameters, not the streams they matched: a stream created between pages (a
    // restarted task) must not void the token.
    const query = JSON.stringify([
      group,
      strList(input, 'logStreamNames'),
      str(input, 'logStreamNamePrefix') ?? null,
      start,
      end,
      str(input, 'filterPattern') ?? '',
    ]);
    let after = START;
    const token = str(input, 'nextToken');
    if (token) {
      const decoded = decodeToken(token) as { p?: unknown; q?: string } | null;
      if (decoded?.q !== query || !isPosition(decoded.p))
        throw invalid('The specified nextToken is invalid.');
      after = decoded.p;
    }
    const owner = new Map<LogEvent, string>();
    const candidates: LogEvent[] = [];
    // Each stream is sorted, so the page's events are among the first limit+1 matches of each stream.
    for (const stream of streams) {
      let taken = 0;
      for (let i = insertionIndex(stream.events, after); i < stream.events.length && taken <= limit; i++) {
        const e = stream.events[i]!;
        if (e.timestamp > end) break;
        if (e.timestamp < start || !matches(e.message)) continue;
        owner.set(e, stream.name);
        candidates.push(e);
        taken += 1;
      }
    }
    candidates.sort(compareEvents);
    const page = fill(candidates, limit);
    const last = page[page.length - 1];
    const more = last !== undefined && page.length < candidates.length;
    return {
      events: page.map((e) => ({
        logStreamName: owner.get(e),
        timestamp: e.timestamp,
        message: e.message,
        ingestionTime: e.ingestionTime,
        eventId: eventId(e),
      })),
      searchedLogStreams: [],
      ...(more ? { nextToken: encodeToken({ p: positionOf(last), q: query }) } : {}),
    };
  },

  GetLogEvents(cloud, input) {
    const group = groupOf(cloud, groupName(input));
    const stream = group.streams.get(str(input, 'logStreamName') ?? '');
    if (!stream) throw streamNotFound();
    const { start, end } = timeRange(input);
    const limit = limitOf(input, MAX_EVENTS);
    // GetLogEvents' endTime is exclusive (FilterLogEvents' is inclusive).
    const inRange = stream.events.filter((e) => e.timestamp >= start && e.timestamp < end);
    const token = str(input, 'nextToken');
    let forward = bool(input, 'startFromHead') ?? false;
    let position: Position | undefined;
    if (token) {
      const match = /^([fb])\/(.+)$/.exec(token);
      const decoded = match ? decodeToken(match[2]!) : undefined;
      if (!match || !isPosition(decoded)) throw invalid('The specified nextToken is invalid.');
      forward = match[1] === 'f';
      position = decoded;
    }
    const cut = position ? insertionIndex(inRange, position) : forward ? 0 : inRange.length;
    let page: LogEvent[];
    if (forward) page = fill(inRange.slice(cut), limit);
    else {
      // Backward: the newest events before the position, returned oldest first.
      const at = inRange[cut - 1];
      const before = position && at && compareEvents(at, position) === 0 ? cut - 1 : cut;
      page = fill(inRange.slice(0, before).reverse(), limit).reverse();
    }
    const first = page[0];
    const last = page[page.length - 1];
    // At the end of the stream the token passed in comes back unchanged.
    const here = position ?? START;
    return {
      events: page.map((e) => ({
        timestamp: e.timestamp,
        message: e.message,
        ingestionTime: e.ingestionTime,
      })),
      nextForwardToken:
        token?.startsWith('f/') && !last ? token : `f/${encodeToken(last ? positionOf(last) : here)}`,
      nextBackwardToken:
        token?.startsWith('b/') && !first ? token : `b/${encodeToken(first ? positionOf(first) : here)}`,
    };
  },
};
