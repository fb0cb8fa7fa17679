import { createServer } from 'node:net';

/**
 * A loopback port free right now: the kernel picks it for a throwaway listener. Another process may
 * take it before the container binds; the container then fails to start and the task is retried.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => (port > 0 ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}
