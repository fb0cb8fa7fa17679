import { createHash } from 'node:crypto';
import { createChallenge, type Payload, verifySolution } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/sha';
import type { Redis } from 'ioredis';
import type { makeKeys } from '../../shared/store/keys.js';

export interface PowOptions {
  /** SHA-256 rounds per try. */
  cost: number;
  /** Hex prefix the derived key must start with: each hex digit is 16 times the work. */
  keyPrefix: string;
  /** How long a challenge may be solved and spent, in seconds. */
  ttlSeconds: number;
}

/** About 40k tries of 10 SHA-256 rounds: a second or two in a browser, real cost for a flood. */
export const DEFAULT_POW: PowOptions = { cost: 10, keyPrefix: '000', ttlSeconds: 300 };

/**
 * ALTCHA proof of work, self-hosted (no third party, works offline): signed challenges from
 * altcha-lib, the browser widget solves one, `POST /signup` verifies it. A solution is spent once
 * (SET NX on its signature's hash, until the challenge expires), so one solve buys one request.
 */
export function makeProofOfWork(deps: {
  redis: Redis;
  keys: ReturnType<typeof makeKeys>;
  hmacKey: string;
  options: PowOptions;
}) {
  return {
    challenge() {
      return createChallenge({
        algorithm: 'SHA-256',
        cost: deps.options.cost,
        keyPrefix: deps.options.keyPrefix,
        deriveKey,
        hmacSignatureSecret: deps.hmacKey,
        expiresAt: Math.floor(Date.now() / 1000) + deps.options.ttlSeconds,
      });
    },

    /** True once per valid, unexpired solution; the payload is the widget's base64 JSON. */
    async spend(encoded: string): Promise<boolean> {
      let payload: Payload;
      try {
        payload = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8')) as Payload;
      } catch {
        return false;
      }
      if (!payload?.challenge?.parameters || !payload.solution || !payload.challenge.signature) return false;
      // Only our own algorithm and difficulty: the signature covers them, this keeps the check cheap.
      if (payload.challenge.parameters.algorithm !== 'SHA-256') return false;
      if (payload.challenge.parameters.cost !== deps.options.cost) return false;
      let verified = false;
      try {
        const result = await verifySolution({
          challenge: payload.challenge,
          solution: payload.solution,
          deriveKey,
          hmacSignatureSecret: deps.hmacKey,
        });
        verified = result.verified;
      } catch {
        return false;
      }
      if (!verified) return false;
      const spent = deps.keys.signupPow(
        createHash('sha256').update(payload.challenge.signature).digest('hex'),
      );
      return (await deps.redis.set(spent, '1', 'EX', deps.options.ttlSeconds, 'NX')) === 'OK';
    },
  };
}
export type ProofOfWork = ReturnType<typeof makeProofOfWork>;
