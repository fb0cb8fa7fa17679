// Per-file scores and the surviving mutants of a Stryker JSON report, for docs/mutation-report.md.
// Usage: node test/mutations/summarize.mjs reports/mutation/mutation.json [more.json ...]
import { readFileSync } from 'node:fs';

for (const file of process.argv.slice(2)) {
  const report = JSON.parse(readFileSync(file, 'utf8'));
  console.log(`## ${file}`);
  for (const [path, { mutants, source }] of Object.entries(report.files)) {
    const count = (...statuses) => mutants.filter((m) => statuses.includes(m.status)).length;
    const killed = count('Killed', 'Timeout');
    const survived = count('Survived');
    const noCoverage = count('NoCoverage');
    const total = killed + survived + noCoverage;
    const score = total === 0 ? 100 : (100 * killed) / total;
    console.log(
      `${path}: ${score.toFixed(1)}% (${killed} killed incl. ${count('Timeout')} timeouts, ${survived} survived, ${noCoverage} no coverage)`,
    );
    const lines = source.split('\n');
    for (const m of mutants.filter((x) => x.status === 'Survived' || x.status === 'NoCoverage')) {
      const { line, column } = m.location.start;
      const original = lines[line - 1].trim().slice(0, 90);
      console.log(
        `  ${m.status === 'Survived' ? 'S' : 'N'} L${line}:${column} ${m.mutatorName} -> ${JSON.stringify(m.replacement ?? '').slice(0, 60)} | ${original}`,
      );
    }
  }
}
