/**
 * The suite's one bounded wait: polls `check` until it returns a value (not undefined/false), or fails
 * naming what did not happen and the last value seen. Tests synchronise on an event or a state through
 * this, never on a sleep or a wall-clock margin; the timeout only bounds how long a broken run hangs.
 */
export async function waitFor<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  { timeoutMs = 10_000, intervalMs = 20, what = 'condition' } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined | false;
  while (Date.now() < deadline) {
    last = await check();
    if (last !== undefined && last !== false) return last;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${JSON.stringify(last)}`);
}

/** Awaits `promise`, or fails naming what did not happen if it has not settled within `timeoutMs`. */
export async function settles<T>(
  promise: Promise<T>,
  { timeoutMs = 10_000, what = 'promise' } = {},
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)),
      timeoutMs,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
