import { AutoScalingServiceException, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { DescribeSpotPriceHistoryCommand, EC2ServiceException } from '@aws-sdk/client-ec2';
import { DescribeServicesCommand, ECSServiceException } from '@aws-sdk/client-ecs';
import {
  DescribeLoadBalancersCommand,
  ElasticLoadBalancingV2ServiceException,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { GetSecretValueCommand, SecretsManagerServiceException } from '@aws-sdk/client-secrets-manager';
import { afterEach, describe, expect, it } from 'vitest';
import { type Localcloud, startLocalcloud } from '../../localcloud/index.js';
import { classifyAwsError } from '../../shared/errors/classify-aws-error.js';
import { clients, errorOf, inspect } from './helpers.js';

/** A bucket of one token that refills in ~17 minutes: the second call in a test is always throttled. */
const ONE = { burst: 1, refillPerSecond: 0.001 };

describe('localcloud: AWS request rate limits', () => {
  let lc: Localcloud | undefined;
  afterEach(async () => {
    await lc?.close();
    lc = undefined;
  });

  it('are off by default', async () => {
    lc = await startLocalcloud({ port: 0, taskRuntime: 'none' });
    const { ecs } = clients(lc);
    await Promise.all(
      Array.from({ length: 150 }, () =>
        errorOf(() => ecs.send(new DescribeServicesCommand({ cluster: 'x', services: ['y'] }))).catch(
          () => undefined,
        ),
      ),
    );
    expect(await inspect(lc, 'throttles')).toEqual({ mode: 'off', total: 0, byFamily: {}, byOperation: {} });
  });

  it('answer each protocol with AWS own throttling error, which the SDK and our classifier recognise', async () => {
    lc = await startLocalcloud({
      port: 0,
      taskRuntime: 'none',
      rateLimits: {
        overrides: {
          'ecs:service-read': ONE,
          'secretsmanager:read': ONE,
          'elasticloadbalancing:read': ONE,
          'autoscaling:read': ONE,
          'ec2:DescribeSpotPriceHistory': ONE,
        },
      },
    });
    // maxAttempts 1: the SDK retries throttles by default and would hide the error.
    const { ecs, sm, elb, asg, ec2 } = clients(lc, 1);
    const twice = async (call: () => Promise<unknown>) => {
      await call().catch(() => undefined); // the bucket's one token, answered normally or not
      return errorOf(call);
    };
    const cases = [
      [
        await twice(() => ecs.send(new DescribeServicesCommand({ cluster: 'c', services: ['s'] }))),
        ECSServiceException,
        'ThrottlingException',
        400,
      ],
      [
        await twice(() => sm.send(new GetSecretValueCommand({ SecretId: 'nope' }))),
        SecretsManagerServiceException,
        'ThrottlingException',
        400,
      ],
      [
        await twice(() => elb.send(new DescribeLoadBalancersCommand({}))),
        ElasticLoadBalancingV2ServiceException,
        'Throttling',
        400,
      ],
      [
        await twice(() => asg.send(new DescribeAutoScalingGroupsCommand({}))),
        AutoScalingServiceException,
        'Throttling',
        400,
      ],
      [
        await twice(() => ec2.send(new DescribeSpotPriceHistoryCommand({}))),
        EC2ServiceException,
        'RequestLimitExceeded',
        503,
      ],
    ] as const;
    for (const [err, cls, name, status] of cases) {
      expect(err).toBeInstanceOf(cls);
      expect(err).toMatchObject({ name, $metadata: { httpStatusCode: status } });
      expect(classifyAwsError(err, 'read').action).toBe('retry');
    }
    expect(cases.slice(0, 4).map(([err]) => err.message)).toEqual(Array(4).fill('Rate exceeded'));
    expect(await inspect(lc, 'throttles')).toMatchObject({
      mode: 'aws',
      total: 5,
      byOperation: {
        'ecs:DescribeServices': 1,
        'secretsmanager:GetSecretValue': 1,
        'elasticloadbalancing:DescribeLoadBalancers': 1,
        'autoscaling:DescribeAutoScalingGroups': 1,
        'ec2:DescribeSpotPriceHistory': 1,
      },
    });
  });

  it("'aws' lets a family's documented burst through and throttles the rest (ECS service read: 100)", async () => {
    lc = await startLocalcloud({ port: 0, taskRuntime: 'none', rateLimits: 'aws' });
    const { ecs } = clients(lc, 1);
    const errors = await Promise.all(
      Array.from({ length: 400 }, () =>
        errorOf(() => ecs.send(new DescribeServicesCommand({ cluster: 'c', services: ['s'] }))).catch(
          () => undefined,
        ),
      ),
    );
    const throttled = errors.filter((e) => e?.name === 'ThrottlingException').length;
    const t = await inspect<{ total: number; byFamily: Record<string, number> }>(lc, 'throttles');
    expect(400 - throttled).toBeGreaterThanOrEqual(100);
    expect(throttled).toBeGreaterThan(0);
    expect(t.byFamily).toEqual({ 'ecs:service-read': throttled });
  });

  it('switches at run time through /_localcloud/rate-limits and rejects an unknown mode', async () => {
    lc = await startLocalcloud({ port: 0, taskRuntime: 'none' });
    expect(await inspect(lc, 'rate-limits', { mode: 'aws' })).toEqual({ mode: 'aws' });
    expect(await inspect(lc, 'throttles')).toMatchObject({ mode: 'aws', total: 0 });
    const bad = await fetch(`${lc.url}/_localcloud/rate-limits`, { method: 'POST', body: '{"mode":"on"}' });
    expect(bad.status).toBe(400);
    expect(await inspect(lc, 'throttles')).toMatchObject({ mode: 'aws' });
  });
});
