import type { Command } from 'commander';
import { type ApiClient, makeApiClient } from './api-client.js';
import { makeOutput, type Output } from './output.js';
import { type GlobalOptions, resolveSettings } from './settings.js';

export interface CommandContext {
  api: ApiClient;
  out: Output;
}

/** The API client and output for a command, from its flags and the root's (--api-url, --token, --json). */
export function contextOf(command: Command): CommandContext {
  const settings = resolveSettings(command.optsWithGlobals<GlobalOptions>());
  return { api: makeApiClient(settings), out: makeOutput(settings.json) };
}
