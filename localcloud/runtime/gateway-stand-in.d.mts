import type { Server } from 'node:http';

/** Types for gateway-stand-in.mjs (plain JavaScript, so a child process starts without a compiler). */
export type FailMode = 'exit' | 'unhealthy' | undefined;

export function createStandIn(
  env: Record<string, string | undefined>,
  options?: { fail?: FailMode; log?: (line: string) => void },
): Server;
