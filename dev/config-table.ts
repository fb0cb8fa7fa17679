import { envSpec } from '../shared/config.js';

/** The README's configuration table, made from the config schema so the two cannot drift. */
export function configTableMarkdown(): string {
  const rows = envSpec.map((s) => {
    const value = s.secret
      ? '(secret)'
      : s.default !== undefined
        ? `\`${s.default}\``
        : s.required
          ? '**required**'
          : '';
    return `| \`${s.name}\` | ${s.services.join(', ')} | ${value} | ${s.description} |`;
  });
  return ['| Variable | Used by | Default | Meaning |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(configTableMarkdown());
