/**
 * Log lines come from the user's gateway, which holds the instance's secrets: whatever it printed, the
 * gateway token and the Anthropic key never leave through the API. The current values (from the
 * instance's secret) are replaced exactly, in whatever text surrounds them; and since a line may hold a
 * value the secret no longer does (credentials were replaced since, or the instance is deleted and its
 * secret gone), anything shaped like an Anthropic key or a gateway token is replaced too.
 */
export const REDACTED = '[redacted]';

/** Anthropic keys as the API accepts them (`sk-ant-` and the key body). */
const ANTHROPIC_KEY_SHAPE = /sk-ant-[A-Za-z0-9_-]+/g;
/** Gateway tokens: 32 random bytes, base64url (43 characters), standing alone. */
const GATEWAY_TOKEN_SHAPE = /(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/g;

/** Shorter values would blank ordinary words; ours are 43+ characters. */
const MIN_SECRET_LENGTH = 8;

export type Redactor = (message: string) => string;

/** `secrets`: the instance's current values, or null when its secret cannot be read (the shapes still apply). */
export function makeRedactor(secrets: readonly string[] | null): Redactor {
  // Longest first, so a value containing another is replaced whole.
  const values = (secrets ?? [])
    .filter((s) => s.length >= MIN_SECRET_LENGTH)
    .sort((a, b) => b.length - a.length);
  return (message) => {
    let out = message;
    for (const value of values) out = out.replaceAll(value, REDACTED);
    out = out.replace(ANTHROPIC_KEY_SHAPE, REDACTED);
    return out.replace(GATEWAY_TOKEN_SHAPE, REDACTED);
  };
}
