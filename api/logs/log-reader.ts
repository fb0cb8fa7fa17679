import {
  type CloudWatchLogsClient,
  type FilteredLogEvent,
  FilterLogEventsCommand,
  type FilterLogEventsCommandOutput,
} from '@aws-sdk/client-cloudwatch-logs';
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { instanceLogStreams, resourceNames } from '../../shared/naming.js';
import { ApiError } from '../api-error.js';
import { makeRedactor, type Redactor } from './redaction.js';

/** One line of an instance's gateway, as the API returns it. */
export interface LogLine {
  eventId: string;
  timestamp: string;
  /** The ECS task that wrote it: streams are `openclaw-<id>/gateway/<task id>`. */
  taskId: string;
  message: string;
}

export interface LogQuery {
  startTime: number;
  endTime?: number | undefined;
  limit: number;
  nextToken?: string | undefined;
}

export interface LogPage {
  lines: LogLine[];
  nextToken: string | undefined;
}

export interface LogReader {
  /** The instance's secrets as a redactor; read once per request, never stored. */
  redactorFor(instanceId: string): Promise<Redactor>;
  page(instanceId: string, query: LogQuery, redact: Redactor): Promise<LogPage>;
}

/** AWS may answer empty pages with a token; a request follows at most this many before answering. */
const MAX_CALLS_PER_PAGE = 5;

/** Secrets Manager's answers for a secret that no longer exists (deleted, or scheduled for deletion). */
const SECRET_GONE = new Set(['ResourceNotFoundException', 'InvalidRequestException']);

const errorName = (error: unknown): string => (error as { name?: string } | null)?.name ?? '';

/**
 * Reads an instance's gateway logs from CloudWatch Logs: FilterLogEvents on the stream prefix that
 * carries the instance id, so every task the service ever ran (restarts included) is one query, in
 * timestamp order (AWS sorts FilterLogEvents by event timestamp, then ingestion).
 */
export function makeLogReader(deps: {
  logs: CloudWatchLogsClient;
  secrets: SecretsManagerClient;
  logGroup: string;
}): LogReader {
  return {
    async redactorFor(instanceId) {
      try {
        const out = await deps.secrets.send(
          new GetSecretValueCommand({ SecretId: resourceNames(instanceId).secretName }),
        );
        const parsed = JSON.parse(out.SecretString ?? '{}') as Record<string, unknown>;
        return makeRedactor(Object.values(parsed).filter((v): v is string => typeof v === 'string'));
      } catch (error) {
        if (SECRET_GONE.has(errorName(error))) return makeRedactor(null);
        if (error instanceof SyntaxError) return makeRedactor(null);
        throw unavailable(error);
      }
    },

    async page(instanceId, query, redact) {
      const lines: LogLine[] = [];
      let nextToken = query.nextToken;
      for (let call = 0; call < MAX_CALLS_PER_PAGE && lines.length < query.limit; call++) {
        let out: FilterLogEventsCommandOutput;
        try {
          out = await deps.logs.send(
            new FilterLogEventsCommand({
              logGroupName: deps.logGroup,
              logStreamNamePrefix: instanceLogStreams(instanceId),
              startTime: query.startTime,
              ...(query.endTime !== undefined ? { endTime: query.endTime } : {}),
              limit: query.limit - lines.length,
              ...(nextToken ? { nextToken } : {}),
            }),
          );
        } catch (error) {
          if (errorName(error) === 'InvalidParameterException' && nextToken)
            throw new ApiError(400, 'invalid_cursor', 'query: cursor is not one we issued, or has expired');
          // No stream was ever written (the group itself is missing): nothing to show yet.
          if (errorName(error) === 'ResourceNotFoundException') return { lines, nextToken: undefined };
          throw unavailable(error);
        }
        for (const event of out.events ?? []) lines.push(toLine(event, redact));
        nextToken = out.nextToken;
        if (!nextToken) break;
      }
      return { lines, nextToken };
    },
  };
}

function toLine(event: FilteredLogEvent, redact: Redactor): LogLine {
  return {
    eventId: event.eventId ?? '',
    timestamp: new Date(event.timestamp ?? 0).toISOString(),
    taskId: event.logStreamName?.split('/').pop() ?? '',
    message: redact(event.message ?? ''),
  };
}

/** AWS could not be read (throttled, down, denied): the client may try again; no AWS detail leaks. */
function unavailable(error: unknown): ApiError {
  return new ApiError(
    503,
    'logs_unavailable',
    'The logs could not be read right now; try again',
    { code: errorName(error) || 'Error' },
    { 'Retry-After': '2' },
    { cause: error },
  );
}
