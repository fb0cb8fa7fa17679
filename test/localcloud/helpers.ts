import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ECSClient } from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Localcloud } from '../../localcloud/index.js';

/** Real SDK clients pointed at a localcloud, as the worker builds them (endpoint only differs). */
export function clients(lc: Localcloud, maxAttempts = 1) {
  const config = {
    endpoint: lc.url,
    region: 'us-west-2',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts,
  };
  return {
    ecs: new ECSClient(config),
    elb: new ElasticLoadBalancingV2Client(config),
    sm: new SecretsManagerClient(config),
    asg: new AutoScalingClient(config),
    ec2: new EC2Client(config),
  };
}

export { waitFor } from '../support/wait-for.js';

export async function inspect<T = Record<string, unknown>>(
  lc: Localcloud,
  path: string,
  body?: unknown,
): Promise<T> {
  const res = await fetch(`${lc.url}/_localcloud/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return (await res.json()) as T;
}

/** Runs fn and returns the error it throws (fails when it does not throw). */
export async function errorOf(
  fn: () => Promise<unknown>,
): Promise<Error & { name: string; $metadata?: { httpStatusCode?: number } }> {
  try {
    await fn();
  } catch (err) {
    return err as Error & { name: string };
  }
  throw new Error('expected an error');
}
