import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

/** The machine a run measured on, for the table's header and the README. */
export function machine() {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? cpus()[0]?.model ?? 'unknown';
  return {
    nproc: cpus().length,
    cpuModel: model.trim(),
    memGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  };
}
