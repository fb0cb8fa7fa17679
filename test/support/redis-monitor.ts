import { connect } from 'node:net';
import { TEST_REDIS_URL } from './redis-namespace.js';

/**
 * Redis's MONITOR over a plain socket: each command Redis runs, as its arguments. ioredis's own monitor()
 * can throw "Command queue state error" when a busy server streams lines before the client has switched
 * modes; a line-by-line reader has no such state.
 */
export interface RedisMonitor {
  close(): void;
}

// `1700000000.123456 [0 127.0.0.1:5000] "set" "k" "v"`: the quoted arguments, with \" and \\ unescaped.
function argumentsOf(line: string): string[] {
  const quoted = line.slice(line.indexOf(']') + 1).match(/"(?:[^"\\]|\\.)*"/g) ?? [];
  return quoted.map((q) => q.slice(1, -1).replace(/\\(.)/g, '$1'));
}

export async function monitorRedis(onCommand: (args: string[]) => void): Promise<RedisMonitor> {
  const { hostname, port } = new URL(TEST_REDIS_URL);
  const socket = connect(Number(port || 6379), hostname);
  let buffered = '';
  let started!: () => void;
  const ready = new Promise<void>((resolve) => {
    started = resolve;
  });
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffered += chunk;
    for (let end = buffered.indexOf('\r\n'); end >= 0; end = buffered.indexOf('\r\n')) {
      const line = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      if (line === '+OK') started();
      else if (line.startsWith('+')) onCommand(argumentsOf(line.slice(1)));
    }
  });
  socket.write('MONITOR\r\n');
  await ready;
  return { close: () => socket.destroy() };
}
