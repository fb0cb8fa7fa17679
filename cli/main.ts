import { Command, CommanderError, Option } from 'commander';
import { CliError, EXIT } from './cli-error.js';
import { registerCapacityAndCost } from './commands/capacity-cost.js';
import { registerInstances } from './commands/instances.js';
import { registerReconcile } from './commands/reconcile.js';
import { registerRollout } from './commands/rollout.js';
import { DEFAULT_API_URL } from './settings.js';

const HINT = '(add --help for usage)';

/** The command tree; flags on the root apply to every command (commander's optsWithGlobals). */
export function makeProgram(): Command {
  const program = new Command('openclaw-fleet')
    .description('Operate an OpenClaw Fleet through its HTTP API')
    .version('0.1.0')
    .addOption(
      new Option('--api-url <url>', `API base URL (env OPENCLAW_API_URL, default ${DEFAULT_API_URL})`),
    )
    .addOption(new Option('--token <token>', 'API bearer token (env API_TOKEN)'))
    .option('--json', 'machine-readable JSON on stdout')
    .showHelpAfterError(HINT)
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(text) });
  registerInstances(program);
  registerCapacityAndCost(program);
  registerReconcile(program);
  registerRollout(program);
  // Every subcommand: usage errors throw (exit 2), not process.exit(1).
  const all = (c: Command): Command[] => [c, ...c.commands.flatMap(all)];
  for (const c of all(program)) c.exitOverride().showHelpAfterError(HINT);
  return program;
}

/** Parses and runs; resolves with the exit code instead of exiting, so it stays testable. */
export async function run(argv: string[]): Promise<number> {
  try {
    await makeProgram().parseAsync(argv);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version end through exitOverride too, with exit code 0.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (error instanceof CliError) {
      process.stderr.write(`openclaw-fleet: ${error.message}\n`);
      return error.exitCode;
    }
    process.stderr.write(`openclaw-fleet: unexpected error: ${(error as Error).message ?? error}\n`);
    return EXIT.failed;
  }
}
