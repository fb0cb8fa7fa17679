import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM sealing of credentials before they enter Redis. The instance id is bound as associated
 * data, so a sealed value copied onto another instance does not open.
 * Format: `v1.<iv>.<tag>.<ciphertext>`, each part base64url.
 */
export interface Sealer {
  seal(plaintext: string, instanceId: string): string;
  open(sealed: string, instanceId: string): string;
}

const IV_BYTES = 12;

export function makeSealer(base64Key: string): Sealer {
  const key = Buffer.from(base64Key, 'base64');
  if (key.length !== 32) throw new Error('data encryption key must be 32 bytes');
  return {
    seal(plaintext, instanceId) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(instanceId));
      const head = cipher.update(plaintext, 'utf8');
      const tail = cipher.final();
      const ciphertext = tail.length === 0 ? head : Buffer.concat([head, tail]);
      return `v1.${iv.toString('base64url')}.${cipher.getAuthTag().toString('base64url')}.${ciphertext.toString('base64url')}`;
    },
    open(sealed, instanceId) {
      const [version, iv, tag, ciphertext] = sealed.split('.');
      if (version !== 'v1' || !iv || !tag || ciphertext === undefined) throw new Error('not a sealed value');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(instanceId));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([
        decipher.update(Buffer.from(ciphertext, 'base64url')),
        decipher.final(),
      ]).toString('utf8');
    },
  };
}
