import { createHmac } from 'node:crypto';

/** The HMAC key of a Standard Webhooks secret: the bytes after `whsec_`, base64-decoded. */
export function webhookKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64');
}

/**
 * The Standard Webhooks headers of one send: `webhook-signature` is `v1,` and the base64 HMAC-SHA256 of
 * `<id>.<timestamp>.<body>`. The timestamp (unix seconds) is the send's own, so a retry is signed anew;
 * the id is the event's, so the receiver deduplicates on it.
 */
export function signedHeaders(key: Buffer, id: string, body: string, nowMs: number): Record<string, string> {
  const timestamp = String(Math.floor(nowMs / 1000));
  const signature = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
  return {
    'webhook-id': id,
    'webhook-timestamp': timestamp,
    'webhook-signature': `v1,${signature}`,
  };
}
