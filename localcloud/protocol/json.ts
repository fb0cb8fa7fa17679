import type { AwsError } from '../aws-error.js';

/** AWS JSON 1.1 (ECS, Secrets Manager): `X-Amz-Target: Prefix.Operation`, JSON in and out. */
export interface WireResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export const JSON_CONTENT_TYPE = 'application/x-amz-json-1.1';

export function parseTarget(target: string): { prefix: string; operation: string } | undefined {
  const dot = target.lastIndexOf('.');
  if (dot < 0) return undefined;
  return { prefix: target.slice(0, dot), operation: target.slice(dot + 1) };
}

export function parseJsonBody(body: string): Record<string, unknown> {
  if (body.trim() === '') return {};
  const parsed: unknown = JSON.parse(body);
  return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
    ? (parsed as Record<string, unknown>)
    : {};
}

export function jsonOk(result: unknown, requestId: string): WireResponse {
  return {
    status: 200,
    headers: { 'content-type': JSON_CONTENT_TYPE, 'x-amzn-requestid': requestId },
    body: JSON.stringify(result ?? {}),
  };
}

export function jsonError(err: AwsError, requestId: string): WireResponse {
  return {
    status: err.status,
    headers: {
      'content-type': JSON_CONTENT_TYPE,
      'x-amzn-requestid': requestId,
      'x-amzn-errortype': err.code,
    },
    body: JSON.stringify({ __type: err.code, message: err.message }),
  };
}

/** JSON protocols carry timestamps as epoch seconds. */
export const epoch = (ms: number | undefined): number | undefined =>
  ms === undefined ? undefined : ms / 1000;
