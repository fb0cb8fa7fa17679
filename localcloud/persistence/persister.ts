import type { Cloud } from '../cloud.js';
import { snapshotWorld } from './snapshot.js';
import { writeWorldFile } from './state-file.js';

/** Writes at most this often; a change is on disk within about this long. */
export const SAVE_INTERVAL_MS = 500;
/** Even with no sign of change, look again this often (a timer may have moved something quietly). */
const FORCED_EVERY_TICKS = 10;

export interface Persister {
  /** Saves now if anything changed; stops the loop. */
  close(): void;
  /** How many times the file was written (for tests and the bench). */
  writes(): number;
}

/**
 * Debounced saving: every SAVE_INTERVAL_MS (or ten times the last serialization's duration, if longer), if `changeMark` moved (an AWS call arrived, the scheduler
 * ran) or every few ticks regardless, the world is serialized, and written only when the text differs
 * from what is on disk. A failed write is reported once per message and tried again next tick.
 */
export function startPersister(file: string, cloud: Cloud, changeMark: () => string): Persister {
  let lastText = '';
  let lastMark = '';
  let ticks = 0;
  let writes = 0;
  let lastError = '';
  // A big world costs more to serialize: never spend more than a tenth of the time saving.
  let notBefore = 0;
  const save = (): void => {
    const started = Date.now();
    try {
      write();
    } finally {
      notBefore = Date.now() + (Date.now() - started) * 10;
    }
  };
  const write = (): void => {
    const text = JSON.stringify(snapshotWorld(cloud));
    if (text === lastText) return;
    try {
      writeWorldFile(file, text);
      lastText = text;
      writes += 1;
      lastError = '';
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (message !== lastError) console.error(`localcloud: cannot save state to ${file}: ${message}`);
      lastError = message;
    }
  };
  const tick = (): void => {
    ticks += 1;
    const mark = changeMark();
    if (Date.now() < notBefore || (mark === lastMark && ticks % FORCED_EVERY_TICKS !== 0)) return;
    lastMark = mark;
    save();
  };
  save();
  const timer = setInterval(tick, SAVE_INTERVAL_MS);
  timer.unref();
  return {
    close() {
      clearInterval(timer);
      save();
    },
    writes: () => writes,
  };
}
