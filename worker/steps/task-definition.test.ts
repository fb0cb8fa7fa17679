import type { TaskDefinition } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import type { WorkerConfig } from '../../shared/config.js';
import { gatewayContainer, reusable } from './task-definition.js';

const config = {
  GATEWAY_IMAGE: 'ghcr.io/openclaw/gateway:2026.11.1',
  LOG_GROUP: '/openclaw/gateways',
  AWS_REGION: 'us-west-2',
} as WorkerConfig;
const id = 'k3v7q2mzx4ab';
const secretArn =
  'arn:aws:secretsmanager:us-west-2:000000000000:secret:openclaw/instances/k3v7q2mzx4ab-AbCdEf';
const registered = (options: Record<string, string>): TaskDefinition => ({
  family: `openclaw-${id}`,
  status: 'ACTIVE',
  containerDefinitions: [
    { ...gatewayContainer(config, id, secretArn), logConfiguration: { logDriver: 'awslogs', options } },
  ],
});

describe('the gateway task definition', () => {
  it('streams each task under a prefix that names its instance', () => {
    expect(gatewayContainer(config, id, secretArn).logConfiguration?.options).toEqual({
      'awslogs-group': '/openclaw/gateways',
      'awslogs-region': 'us-west-2',
      'awslogs-stream-prefix': `openclaw-${id}`,
    });
  });

  it('reuses a revision only when its logs land where the logs API reads them', () => {
    const current = gatewayContainer(config, id, secretArn).logConfiguration?.options ?? {};
    expect(reusable(registered(current), config, id, secretArn)).toBe(true);
    // A revision from before the per-instance prefix: a resumed saga registers a new one.
    expect(
      reusable(registered({ ...current, 'awslogs-stream-prefix': 'gateway' }), config, id, secretArn),
    ).toBe(false);
    expect(reusable(registered({ ...current, 'awslogs-group': '/other' }), config, id, secretArn)).toBe(
      false,
    );
  });
});
