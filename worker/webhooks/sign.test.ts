import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import type { WorkerConfig } from '../../shared/config.js';
import { webhookBackoff } from './deliver-processor.js';
import { signedHeaders, webhookKey } from './sign.js';

describe('Standard Webhooks signing', () => {
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  const body = JSON.stringify({ id: 'evt_a_1', type: 'instance.running', data: { instanceId: 'a' } });

  it('signs so that the standardwebhooks package verifies it, and a changed body or id does not', () => {
    const headers = signedHeaders(webhookKey(secret), 'evt_a_1', body, Date.now());
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    const verifier = new Webhook(secret);
    expect(verifier.verify(body, headers)).toMatchObject({ id: 'evt_a_1' });
    expect(() => verifier.verify(body.replace('running', 'deleted'), headers)).toThrow();
    expect(() => verifier.verify(body, { ...headers, 'webhook-id': 'evt_a_2' })).toThrow();
    expect(() => new Webhook(`whsec_${randomBytes(32).toString('base64')}`).verify(body, headers)).toThrow();
  });

  it('backs off exponentially from the base, never past the cap', () => {
    const backoff = webhookBackoff({
      WEBHOOK_BACKOFF_BASE_MS: 1000,
      WEBHOOK_BACKOFF_MAX_MS: 60_000,
    } as WorkerConfig);
    for (let i = 0; i < 20; i++) {
      expect(backoff(1)).toBeGreaterThanOrEqual(750);
      expect(backoff(1)).toBeLessThanOrEqual(1250);
      expect(backoff(3)).toBeGreaterThanOrEqual(3000);
      expect(backoff(40)).toBeLessThanOrEqual(75_000);
      expect(backoff(40)).toBeGreaterThanOrEqual(45_000);
    }
  });
});
