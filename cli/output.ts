/** Where commands write: stdout for results, stderr for progress and errors (so `--json` stays parseable). */
export interface Output {
  json: boolean;
  /** A result: JSON when --json, else the readable text. */
  result(value: unknown, text: () => string): void;
  /** A line for humans on stderr (progress, notes); silent under --json. */
  note(line: string): void;
}

export function makeOutput(json: boolean): Output {
  return {
    json,
    result(value, text) {
      process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${text()}\n`);
    },
    note(line) {
      if (!json) process.stderr.write(`${line}\n`);
    },
  };
}
