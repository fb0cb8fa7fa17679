#!/usr/bin/env node
// The `openclaw-fleet` command. A built tree (npm run build: dist/cli/main.js) runs as plain JavaScript;
// a source checkout runs cli/main.ts through tsx. OPENCLAW_FLEET_FROM_SOURCE=1 forces the source, so a
// stale dist never hides a change while developing.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = join(root, 'dist', 'cli', 'main.js');
let cli;
if (existsSync(built) && process.env.OPENCLAW_FLEET_FROM_SOURCE !== '1') {
  cli = await import(pathToFileURL(built).href);
} else {
  const { tsImport } = await import('tsx/esm/api');
  cli = await tsImport(pathToFileURL(join(root, 'cli', 'main.ts')).href, import.meta.url);
}
process.exitCode = await cli.run(process.argv);
