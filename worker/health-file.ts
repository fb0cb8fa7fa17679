import { rm, writeFile } from 'node:fs/promises';

/**
 * A liveness signal for container health checks (docker compose, ECS): while every BullMQ worker of
 * this process is running, the file's modification time stays within `everyMs`; it goes away on close.
 * A worker has no HTTP port to probe, and a check that only reaches Redis would pass for a process
 * whose workers had stopped.
 */
export function startHealthFile(path: string, isHealthy: () => boolean, everyMs = 10_000) {
  const beat = async () => {
    if (isHealthy()) await writeFile(path, `${new Date().toISOString()}\n`).catch(() => {});
  };
  void beat();
  const timer = setInterval(() => void beat(), everyMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await rm(path, { force: true });
    },
  };
}
