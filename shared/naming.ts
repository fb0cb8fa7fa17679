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

/** What every instance's task family, target group, service and log streams are named: this, then the id. */
export const NAME_PREFIX = 'openclaw-';
/** What every instance's secret is named: this, then the id. */
export const SECRET_PREFIX = 'openclaw/instances/';

export const resourceNames = (instanceId: string) => ({
  secretName: `${SECRET_PREFIX}${instanceId}`,
  taskFamily: `${NAME_PREFIX}${instanceId}`,
  targetGroupName: `${NAME_PREFIX}${instanceId}`,
  serviceName: `${NAME_PREFIX}${instanceId}`,
  containerName: 'gateway',
  basePath: `/${instanceId}`,
  /** The listener rule's path pattern for everything below the base path. */
  rulePath: `/${instanceId}/*`,
  /**
   * The awslogs stream prefix: ECS names each task's stream `<prefix>/<container>/<task id>`, so every
   * stream of this instance, across task restarts, starts with `<logStreamPrefix>/`.
   */
  logStreamPrefix: `${NAME_PREFIX}${instanceId}`,
});

/** The stream-name prefix that selects exactly this instance's streams (the slash ends the id). */
export const instanceLogStreams = (instanceId: string): string =>
  `${resourceNames(instanceId).logStreamPrefix}/`;

export const RULE_PRIORITY_BASE = 1000;

/** The instance id a resource name carries (`prefix` then a well-formed id), or null when it is not ours. */
export function instanceIdFromName(name: string | undefined, prefix: string): string | null {
  if (!name?.startsWith(prefix)) return null;
  const id = name.slice(prefix.length);
  return INSTANCE_ID_PATTERN.test(id) ? id : null;
}

/** The parts of an ELBv2 listener rule the matcher reads (the SDK's `Rule`, structurally). */
export interface RoutedRule {
  IsDefault?: boolean | undefined;
  Conditions?: { Values?: string[] | undefined; PathPatternConfig?: { Values?: string[] | undefined } }[];
}

/**
 * The instance ids whose `rulePath` (`/<id>/*`, what the listener-rule step creates) a rule routes, in
 * the order its conditions list them; none for the listener's default rule.
 */
export function routedInstanceIds(rule: RoutedRule): string[] {
  if (rule.IsDefault) return [];
  const ids: string[] = [];
  for (const condition of rule.Conditions ?? []) {
    for (const value of [...(condition.Values ?? []), ...(condition.PathPatternConfig?.Values ?? [])]) {
      const id = value.endsWith('/*') ? instanceIdFromName(value.slice(0, -2), '/') : null;
      if (id) ids.push(id);
    }
  }
  return ids;
}
