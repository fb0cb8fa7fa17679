import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { clientAddress } from './client-address.js';

const addressOf = async (headers: Record<string, string>, hops: number) => {
  const app = new Hono();
  app.get('/', (c) => c.text(clientAddress(c, hops)));
  return (await app.request('/', { headers })).text();
};

describe('clientAddress', () => {
  it('ignores X-Forwarded-For unless proxies are trusted', async () => {
    expect(await addressOf({ 'x-forwarded-for': '203.0.113.9' }, 0)).toBe('local');
  });

  it('takes the entry the trusted proxy appended, not what the caller claimed before it', async () => {
    const headers = { 'x-forwarded-for': '10.0.0.1, 198.51.100.7' };
    expect(await addressOf(headers, 1)).toBe('198.51.100.7');
    expect(await addressOf({ 'x-forwarded-for': '1.1.1.1, 198.51.100.7, 10.0.3.4' }, 2)).toBe('198.51.100.7');
  });

  it('falls back to the socket when the header is missing or shorter than the hops', async () => {
    expect(await addressOf({}, 1)).toBe('local');
    expect(await addressOf({ 'x-forwarded-for': '198.51.100.7' }, 2)).toBe('local');
  });
});
