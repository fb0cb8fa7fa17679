import { randomBytes } from 'node:crypto';

/**
 * Deterministic AWS names for an instance: every step finds its resource by name before creating it.
 * Ids are 12 lowercase base32 characters (60 bits): URL-safe, and `openclaw-<id>` (21 characters) fits
 * the 32-character target group limit.
 */
const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
export const INSTANCE_ID_PATTERN = /^[a-z2-7]{12}$/;

export function newInstanceId(): string {
  const bytes = randomBytes(12);
  let id = '';
  for (const byte of bytes) id += alphabet[byte & 31];
  return id;
}

export function newGatewayToken(): string {
  return randomBytes(32).toString('base64url');
}

export const INSTANCE_TAG = 'openclaw:instance-id';

export const resourceNames = (instanceId: string) => ({
  secretName: `openclaw/instances/${instanceId}`,
  taskFamily: `openclaw-${instanceId}`,
  targetGroupName: `openclaw-${instanceId}`,
  serviceName: `openclaw-${instanceId}`,
  containerName: 'gateway',
  basePath: `/${instanceId}`,
  /**
   * The awslogs stream prefix: ECS names each task's stream `<prefix>/<container>/<task id>`, so every
   * stream of this instance, across task restarts, starts with `<logStreamPrefix>/`.
   */
  logStreamPrefix: `openclaw-${instanceId}`,
});

/** The stream-name prefix that selects exactly this instance's streams (the slash ends the id). */
export const instanceLogStreams = (instanceId: string): string =>
  `${resourceNames(instanceId).logStreamPrefix}/`;

export const RULE_PRIORITY_BASE = 1000;
