import { createHmac, timingSafeEqual } from 'node:crypto';

/** What a signed token can be for: a mailed link (signup or lost token) or a progress stream. */
export type TokenPurpose = 'signup' | 'token' | 'stream';

export interface TokenClaims {
  /** Purpose: a token made for one use is refused for another. */
  p: TokenPurpose;
  /** A random nonce (links) or an instance id (streams). */
  s: string;
  /** Expiry, in seconds since the epoch. */
  x: number;
}

const b64 = (data: Buffer | string) => Buffer.from(data).toString('base64url');

/**
 * Compact HMAC-SHA256 tokens: `base64url(claims).base64url(mac)`. They carry no email and no secret,
 * only what says which pending link or instance they open; the key never leaves the API.
 */
export function makeTokenSigner(key: string) {
  const mac = (body: string) => createHmac('sha256', key).update(body).digest();
  return {
    sign(claims: TokenClaims): string {
      const body = b64(JSON.stringify(claims));
      return `${body}.${b64(mac(body))}`;
    },
    /** The claims when the token is ours, for this purpose and unexpired; otherwise why not. */
    verify(
      token: string,
      purpose: TokenPurpose,
      now = Date.now(),
    ): { ok: true; claims: TokenClaims } | { ok: false; reason: 'invalid' | 'expired' } {
      const [body, signature, extra] = token.split('.');
      if (!body || !signature || extra !== undefined) return { ok: false, reason: 'invalid' };
      const given = Buffer.from(signature, 'base64url');
      const expected = mac(body);
      if (given.length !== expected.length || !timingSafeEqual(given, expected))
        return { ok: false, reason: 'invalid' };
      let claims: TokenClaims;
      try {
        claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as TokenClaims;
      } catch {
        return { ok: false, reason: 'invalid' };
      }
      if (claims.p !== purpose || typeof claims.s !== 'string') return { ok: false, reason: 'invalid' };
      if (!(claims.x * 1000 > now)) return { ok: false, reason: 'expired' };
      return { ok: true, claims };
    },
  };
}
export type TokenSigner = ReturnType<typeof makeTokenSigner>;

/** The configured key, or outside production one derived from DATA_ENCRYPTION_KEY (stable across restarts). */
export function signingKeyOf(config: {
  SIGNUP_SIGNING_KEY?: { reveal(): string } | undefined;
  DATA_ENCRYPTION_KEY: { reveal(): string };
}): string {
  if (config.SIGNUP_SIGNING_KEY) return config.SIGNUP_SIGNING_KEY.reveal();
  return createHmac('sha256', config.DATA_ENCRYPTION_KEY.reveal()).update('signup-signing-key').digest('hex');
}
