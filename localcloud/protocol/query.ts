import type { AwsError } from '../aws-error.js';
import type { WireResponse } from './json.js';

/**
 * AWS Query (ELBv2, Auto Scaling) and EC2 Query: form-encoded requests, XML responses.
 * `Tags.member.1.Key=a` becomes `{ Tags: [{ Key: 'a' }] }`; EC2's flattened `InstanceType.1=x`
 * becomes `{ InstanceType: ['x'] }`.
 */
type Node = string | Node[] | { [key: string]: Node };

const isIndex = (s: string): boolean => /^[0-9]+$/.test(s);

export function parseQueryBody(body: string): Record<string, unknown> {
  const root: Record<string, Node> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const parts = key.split('.');
    let node: Record<string, Node> = root;
    for (let i = 0; i < parts.length - 1; i++) {
      const part = parts[i] as string;
      const child = node[part];
      if (typeof child === 'object' && !Array.isArray(child)) node = child;
      else {
        const created: Record<string, Node> = {};
        node[part] = created;
        node = created;
      }
    }
    node[parts[parts.length - 1] as string] = value;
  }
  return normalize(root) as Record<string, unknown>;
}

function normalize(node: Node): Node {
  if (typeof node === 'string' || Array.isArray(node)) return node;
  const keys = Object.keys(node);
  const member = node.member;
  if (keys.length === 1 && member !== undefined && typeof member === 'object' && !Array.isArray(member)) {
    return toArray(member);
  }
  if (keys.length > 0 && keys.every(isIndex)) return toArray(node);
  const out: Record<string, Node> = {};
  for (const k of keys) out[k] = normalize(node[k] as Node);
  return out;
}

function toArray(node: Record<string, Node>): Node[] {
  return Object.keys(node)
    .filter(isIndex)
    .sort((a, b) => Number(a) - Number(b))
    .map((k) => normalize(node[k] as Node));
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};
export const escapeXml = (s: string): string => s.replace(/[&<>"']/g, (c) => ESCAPES[c] as string);

/** Serializes plain data: arrays become `<member>` (or EC2's `<item>`) lists, undefined is omitted. */
export function toXml(name: string, value: unknown, item = 'member'): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return `<${name}>${value.map((v) => toXml(item, v, item)).join('')}</${name}>`;
  if (typeof value === 'object') {
    let inner = '';
    for (const [k, v] of Object.entries(value)) inner += toXml(k, v, item);
    return `<${name}>${inner}</${name}>`;
  }
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

const XML_HEADERS = (requestId: string): Record<string, string> => ({
  'content-type': 'text/xml',
  'x-amzn-requestid': requestId,
});

/** `<XResponse><XResult>...</XResult><ResponseMetadata>`; operations with no output omit XResult. */
export function queryOk(
  action: string,
  xmlns: string,
  result: Record<string, unknown> | undefined,
  requestId: string,
): WireResponse {
  const body =
    `<${action}Response xmlns="${xmlns}">` +
    (result ? toXml(`${action}Result`, result) : '') +
    `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`;
  return { status: 200, headers: XML_HEADERS(requestId), body };
}

export function queryError(err: AwsError, requestId: string): WireResponse {
  const body =
    `<ErrorResponse xmlns="http://webservices.amazon.com/AWSFault/2005-15-09"><Error><Type>${err.faultType}</Type>` +
    `<Code>${escapeXml(err.code)}</Code><Message>${escapeXml(err.message)}</Message></Error>` +
    `<RequestId>${requestId}</RequestId></ErrorResponse>`;
  return { status: err.status, headers: XML_HEADERS(requestId), body };
}

/** EC2 has no Result wrapper, a lowercase `requestId`, and `<item>` lists. */
export function ec2Ok(
  action: string,
  xmlns: string,
  result: Record<string, unknown>,
  requestId: string,
): WireResponse {
  let inner = `<requestId>${requestId}</requestId>`;
  for (const [k, v] of Object.entries(result)) inner += toXml(k, v, 'item');
  return {
    status: 200,
    headers: XML_HEADERS(requestId),
    body: `<${action}Response xmlns="${xmlns}">${inner}</${action}Response>`,
  };
}

export function ec2Error(err: AwsError, requestId: string): WireResponse {
  const body =
    `<Response><Errors><Error><Code>${escapeXml(err.code)}</Code><Message>${escapeXml(err.message)}</Message>` +
    `</Error></Errors><RequestID>${requestId}</RequestID></Response>`;
  return { status: err.status, headers: XML_HEADERS(requestId), body };
}

/** Query protocols carry timestamps as ISO 8601. */
export const iso = (ms: number | undefined): string | undefined =>
  ms === undefined ? undefined : new Date(ms).toISOString();
