/** Exit codes the CLI promises scripts: 0 ok, 1 failed (API error, instance failed), 2 usage. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** An error the CLI reports as one line (no stack) and exits with its code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failed,
  ) {
    super(message);
  }
}

/** A wrong or missing flag or setting: the message names it. */
export const usageError = (message: string) => new CliError(message, EXIT.usage);
