import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseWorld, StateFileError } from './restore-state.js';
import type { SavedWorld } from './snapshot.js';

/** The saved world, or undefined when there is no file yet; a file that cannot be used throws StateFileError. */
export function readWorldFile(file: string): SavedWorld | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new StateFileError(file, `it cannot be read (${code ?? String(err)})`);
  }
  return parseWorld(file, text);
}

/**
 * Write to a temporary file, fsync, rename over the old one, fsync the directory: a crash at any
 * point leaves either the previous file or the new one, never a mix. Owner-only: it holds secrets.
 */
export function writeWorldFile(file: string, text: string): void {
  const dir = dirname(file);
  mkdirSync(dir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  try {
    const d = openSync(dir, 'r');
    try {
      fsyncSync(d);
    } finally {
      closeSync(d);
    }
  } catch {
    // Some filesystems refuse fsync on a directory; the rename itself is still atomic.
  }
}
