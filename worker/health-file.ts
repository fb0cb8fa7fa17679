import { rename, rm, writeFile } from 'node:fs/promises';

/**
 * A liveness signal for container health checks (docker compose, ECS): while every BullMQ worker of
 * this process is running, the file's modification time stays within `everyMs`; it goes away on close.
 * A worker has no HTTP port to probe, and a check that only reaches Redis would pass for a process
 * whose workers had stopped. `onBeat` hears each beat once it is over (whether it wrote), so a test
 * waits for beats instead of sleeping through intervals.
 */
export function startHealthFile(
  path: string,
  isHealthy: () => boolean,
  everyMs = 10_000,
  onBeat?: (wrote: boolean) => void,
) {
  // Written aside and renamed into place: a reader never sees the file empty halfway through a write.
  const next = `${path}.next`;
  // One beat at a time: a slow disk never has two writes racing, and beats end in the order they began.
  let beating = false;
  let inFlight: Promise<void> = Promise.resolve();
  const beat = async () => {
    beating = true;
    const wrote =
      isHealthy() &&
      (await writeFile(next, `${new Date().toISOString()}\n`)
        .then(() => rename(next, path))
        .then(
          () => true,
          () => false,
        ));
    beating = false;
    onBeat?.(wrote);
  };
  const start = () => {
    if (!beating) inFlight = beat();
  };
  start();
  const timer = setInterval(start, everyMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      // A beat under way would put the file back after the rm.
      await inFlight;
      await Promise.all([rm(path, { force: true }), rm(next, { force: true })]);
    },
  };
}
