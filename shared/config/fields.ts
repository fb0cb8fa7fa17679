/** The shapes of configuration values: lists, numbers, flags, secrets, pinned images. */
import { z } from 'zod';

export const csv = z
  .string()
  .transform((raw) =>
    raw
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.string()).min(1));

export const positiveInt = z.coerce.number().int().positive();
export const booleanFlag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/** A secret string whose JSON form (logs, error dumps) never shows the value. */
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  toJSON(): string {
    return '[redacted]';
  }
  toString(): string {
    return '[redacted]';
  }
}
export const secret = (min: number) =>
  z
    .string()
    .min(min)
    .transform((v) => new Secret(v));

export const encryptionKey = z
  .string()
  .refine(
    (v) => Buffer.from(v, 'base64').length === 32,
    'must be 32 bytes, base64-encoded (openssl rand -base64 32)',
  )
  .transform((v) => new Secret(v));

/** Standard Webhooks' secret form: `whsec_` and 24-64 random bytes in base64 (the HMAC key). */
export const webhookSecret = z
  .string()
  .refine((v) => {
    const key = /^whsec_([A-Za-z0-9+/]+={0,2})$/.exec(v)?.[1];
    const bytes = key ? Buffer.from(key, 'base64').length : 0;
    return bytes >= 24 && bytes <= 64;
  }, 'must be whsec_ followed by 24-64 bytes in base64 (echo "whsec_$(openssl rand -base64 32)")')
  .transform((v) => new Secret(v));

/** An image pinned by tag or digest: `latest` or no tag would let a redeploy change what users run. */
export const pinnedImageRules = [
  {
    test: (image: string) => image.includes('@sha256:') || /:[^/:]+$/.test(image),
    message: 'must be pinned by tag or digest (repo:tag or repo@sha256:...)',
  },
  { test: (image: string) => !image.endsWith(':latest'), message: 'must not use the mutable "latest" tag' },
] as const;

export const pinnedImage = z
  .string()
  .min(1)
  .refine(pinnedImageRules[0].test, pinnedImageRules[0].message)
  .refine(pinnedImageRules[1].test, pinnedImageRules[1].message);
