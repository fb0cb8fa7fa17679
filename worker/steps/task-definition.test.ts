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

  it('is one essential container: the gateway port, secrets by JSON key, its id and path, a health check', () => {
    expect(gatewayContainer(config, id, secretArn, 2, 'img:1')).toEqual({
      name: 'gateway',
      image: 'img:1',
      essential: true,
      portMappings: [{ containerPort: 8080, protocol: 'tcp' }],
      secrets: [
        { name: 'ANTHROPIC_API_KEY', valueFrom: `${secretArn}:ANTHROPIC_API_KEY::` },
        { name: 'OPENCLAW_GATEWAY_TOKEN', valueFrom: `${secretArn}:OPENCLAW_GATEWAY_TOKEN::` },
      ],
      environment: [
        { name: 'INSTANCE_ID', value: id },
        { name: 'BASE_PATH', value: `/${id}` },
        { name: 'OPENCLAW_CREDENTIALS_ROTATION', value: '2' },
      ],
      logConfiguration: {
        logDriver: 'awslogs',
        options: {
          'awslogs-group': '/openclaw/gateways',
          'awslogs-region': 'us-west-2',
          'awslogs-stream-prefix': `openclaw-${id}`,
        },
      },
      healthCheck: {
        command: ['CMD-SHELL', 'curl -f http://localhost:8080/health || exit 1'],
        interval: 30,
        timeout: 5,
        retries: 3,
        startPeriod: 60,
      },
    });
    // Before the first rotation the variable is absent, as in revisions registered before rotations.
    expect(gatewayContainer(config, id, secretArn).environment?.map((e) => e.name)).toEqual([
      'INSTANCE_ID',
      'BASE_PATH',
    ]);
  });

  it('reuses a revision only of this family, ACTIVE, with this image, secret and rotation', () => {
    const logs = gatewayContainer(config, id, secretArn).logConfiguration?.options ?? {};
    const good = registered(logs);
    const container = good.containerDefinitions![0]!;
    const other = (change: Partial<typeof container>) => ({
      ...good,
      containerDefinitions: [{ ...container, ...change }],
    });
    expect(reusable(good, config, id, secretArn)).toBe(true);
    expect(reusable(undefined, config, id, secretArn)).toBe(false);
    expect(reusable({ ...good, family: 'openclaw-other' }, config, id, secretArn)).toBe(false);
    expect(reusable({ ...good, status: 'INACTIVE' }, config, id, secretArn)).toBe(false);
    expect(reusable(other({ image: 'other:1' }), config, id, secretArn)).toBe(false);
    expect(reusable(good, config, id, secretArn, 0, 'other:1')).toBe(false);
    expect(reusable(good, config, id, `${secretArn}x`)).toBe(false);
    // A revision without secrets has nothing that names another secret.
    expect(reusable(other({ secrets: undefined }), config, id, secretArn)).toBe(true);
    // Rotation: a revision without the variable is rotation 0; one of rotation 1 only serves rotation 1.
    expect(reusable(good, config, id, secretArn, 1)).toBe(false);
    const rotated = other({ environment: gatewayContainer(config, id, secretArn, 1).environment });
    expect(reusable(rotated, config, id, secretArn, 1)).toBe(true);
    expect(reusable(rotated, config, id, secretArn)).toBe(false);
  });
});
