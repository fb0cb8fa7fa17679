import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Sealer } from '../../shared/crypto.js';
import type { makeKeys } from '../../shared/store/keys.js';
import type { TokenSigner } from './signed-token.js';

/** What a link opens: sealed in Redis under the hash of the link's nonce, never in the link itself. */
export interface PendingLink {
  purpose: 'signup' | 'token';
  email: string;
  anthropicApiKey?: string;
}

const hashOf = (nonce: string) => createHash('sha256').update(nonce).digest('hex');

/**
 * Mailed links: a signed token naming a random nonce, and the pending request sealed in Redis (AES-GCM,
 * the key name as associated data) under the nonce's hash, with the link's lifetime. Opening the link
 * GETDELs it: a link works once, and Redis holds neither the link nor the email in the clear.
 */
export function makePendingLinks(deps: {
  redis: Redis;
  keys: ReturnType<typeof makeKeys>;
  sealer: Sealer;
  signer: TokenSigner;
  ttlSeconds: number;
}) {
  return {
    async issue(pending: PendingLink, now = Date.now()): Promise<string> {
      const nonce = randomBytes(24).toString('base64url');
      const key = deps.keys.signupLink(hashOf(nonce));
      await deps.redis.set(key, deps.sealer.seal(JSON.stringify(pending), key), 'EX', deps.ttlSeconds);
      return deps.signer.sign({ p: pending.purpose, s: nonce, x: Math.floor(now / 1000) + deps.ttlSeconds });
    },

    /** The pending request, once; `invalid` for a forged or other-purpose token, `used` when spent or expired. */
    async open(
      token: string,
      purpose: PendingLink['purpose'],
    ): Promise<{ ok: true; pending: PendingLink } | { ok: false; reason: 'invalid' | 'expired' | 'used' }> {
      const verified = deps.signer.verify(token, purpose);
      if (!verified.ok) return verified;
      const key = deps.keys.signupLink(hashOf(verified.claims.s));
      const sealed = await deps.redis.getdel(key);
      if (!sealed) return { ok: false, reason: 'used' };
      const pending = JSON.parse(deps.sealer.open(sealed, key)) as PendingLink;
      if (pending.purpose !== purpose) return { ok: false, reason: 'invalid' };
      return { ok: true, pending };
    },
  };
}
export type PendingLinks = ReturnType<typeof makePendingLinks>;
