/**
 * The one scheduler every simulated delay goes through: close() cancels everything still pending,
 * so a closed localcloud leaves no timer behind.
 */
export interface Clock {
  now(): number;
  /** Runs fn after ms; returns a cancel function. */
  after(ms: number, fn: () => void): () => void;
  /** Runs fn every ms until cancelled or closed. */
  every(ms: () => number, fn: () => void): () => void;
  close(): void;
}

export function makeClock(): Clock {
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;
  const after = (ms: number, fn: () => void): (() => void) => {
    if (closed) return () => {};
    const t = setTimeout(
      () => {
        timers.delete(t);
        fn();
      },
      Math.max(0, ms),
    );
    timers.add(t);
    return () => {
      clearTimeout(t);
      timers.delete(t);
    };
  };
  return {
    now: () => Date.now(),
    after,
    every(ms, fn) {
      let cancel = () => {};
      let stopped = false;
      const tick = (): void => {
        if (stopped) return;
        fn();
        cancel = after(ms(), tick);
      };
      cancel = after(ms(), tick);
      return () => {
        stopped = true;
        cancel();
      };
    },
    close() {
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
  };
}
