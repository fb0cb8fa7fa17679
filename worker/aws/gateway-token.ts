import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import type { WorkerContext } from '../context.js';
import { fatal } from '../errors/classified-error.js';
import { awsCall } from './aws-call.js';

/** The secret's JSON key the gateway reads its token from (the task definition maps it by `valueFrom`). */
export const GATEWAY_TOKEN_KEY = 'OPENCLAW_GATEWAY_TOKEN';

/**
 * The instance's gateway token, read from its secret: Redis dropped its sealed copy once the secret
 * existed, and the secret is what the gateway itself is given, so the gate asks with the very token the
 * gateway holds. The value stays in this call's stack: errors name the secret and the key, never the value
 * (a JSON parse error would quote it, so none is passed on as a cause).
 */
export async function readGatewayToken(ctx: WorkerContext, secretArn: string): Promise<string> {
  const read = await awsCall('read', 'GetSecretValue', () =>
    ctx.aws.secrets.send(new GetSecretValueCommand({ SecretId: secretArn })),
  );
  if (!read.ok) {
    throw fatal('SecretGone', `secret ${secretArn} is gone: the gateway token cannot be read`);
  }
  let token: unknown;
  try {
    token = (JSON.parse(read.value.SecretString ?? '') as Record<string, unknown>)?.[GATEWAY_TOKEN_KEY];
  } catch {
    throw fatal('SecretUnreadable', `secret ${secretArn} does not hold JSON`);
  }
  if (typeof token !== 'string' || token === '') {
    throw fatal('GatewayTokenMissing', `secret ${secretArn} has no ${GATEWAY_TOKEN_KEY} key`);
  }
  return token;
}
