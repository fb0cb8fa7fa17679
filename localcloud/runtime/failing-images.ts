/**
 * localcloud's `failingImages` setting: images whose stand-in gateway misbehaves, so a test can drive a
 * bad release. Each rule is `mode=pattern`; mode `exit` (the container exits at start) or `unhealthy`
 * (it answers 500 on /health). A pattern is a glob (`*` any run of characters, `?` one) on the whole
 * image reference, or a regular expression between slashes (`/:broken$/`).
 *   LOCALCLOUD_FAILING_IMAGES='exit=ghcr.io/openclaw/gateway:bad-*,unhealthy=/:sick$/'
 */
export interface FailingImageRule {
  mode: 'exit' | 'unhealthy';
  pattern: string;
}

function toRegExp(pattern: string): RegExp {
  if (pattern.length > 2 && pattern.startsWith('/') && pattern.endsWith('/'))
    return new RegExp(pattern.slice(1, -1));
  const escaped = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`);
}

export function parseFailingImages(raw: string | undefined): FailingImageRule[] {
  if (!raw?.trim()) return [];
  return raw.split(',').map((entry) => {
    const eq = entry.indexOf('=');
    const mode = entry.slice(0, eq).trim();
    const pattern = entry.slice(eq + 1).trim();
    if (eq < 0 || (mode !== 'exit' && mode !== 'unhealthy') || !pattern)
      throw new Error(`failing image rule "${entry}" must be exit=<pattern> or unhealthy=<pattern>`);
    toRegExp(pattern);
    return { mode, pattern };
  });
}

export function failureFor(
  rules: readonly FailingImageRule[],
  image: string,
): FailingImageRule['mode'] | undefined {
  return rules.find((r) => toRegExp(r.pattern).test(image))?.mode;
}
