import { DeleteTaskDefinitionsCommand } from '@aws-sdk/client-ecs';
import { DeleteRuleCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Localcloud, startLocalcloud } from '../../localcloud/index.js';
import { classifyAwsError } from '../../shared/errors/classify-aws-error.js';
import { clients, errorOf, inspect } from './helpers.js';

describe('localcloud: faults of another implementation', () => {
  let lc: Localcloud;
  beforeAll(async () => {
    lc = await startLocalcloud({ port: 0, timeScale: 0.002 });
  });
  afterAll(async () => {
    await lc?.close();
  });

  it('answers an unsupported operation as AWS documents it, on JSON and query services, every time', async () => {
    const { ecs, elb } = clients(lc);
    await inspect(lc, 'faults', {
      rules: [
        { operation: 'ecs:DeleteTaskDefinitions', errorRate: 1, error: 'unsupported' },
        { operation: 'elasticloadbalancing:DeleteRule', errorRate: 1, error: 'unsupported' },
      ],
    });
    for (let i = 0; i < 3; i++) {
      const json = await errorOf(() =>
        ecs.send(new DeleteTaskDefinitionsCommand({ taskDefinitions: ['openclaw-x:1'] })),
      );
      expect(json).toMatchObject({ name: 'UnknownOperationException', $metadata: { httpStatusCode: 400 } });
      expect(classifyAwsError(json, 'delete').action).toBe('fatal');
    }
    const query = await errorOf(() => elb.send(new DeleteRuleCommand({ RuleArn: 'arn:x' })));
    expect(query).toMatchObject({ name: 'InvalidAction', $metadata: { httpStatusCode: 400 } });
    expect(classifyAwsError(query, 'delete').action).toBe('fatal');
  });

  it('rejects a fault it does not know, and logs calls in order', async () => {
    const bad = await fetch(`${lc.url}/_localcloud/faults`, {
      method: 'POST',
      body: JSON.stringify({ rules: [{ operation: '*', error: 'teapot' }] }),
    });
    expect(bad.status).toBe(400);
    const badFields = await fetch(`${lc.url}/_localcloud/faults`, {
      method: 'POST',
      body: JSON.stringify({ rules: [{ operation: '*', omitFields: 'createdAt' }] }),
    });
    expect(badFields.status).toBe(400);

    await inspect(lc, 'calls/reset', {});
    const { ecs, elb } = clients(lc);
    await errorOf(() => ecs.send(new DeleteTaskDefinitionsCommand({ taskDefinitions: ['openclaw-x:1'] })));
    await errorOf(() => elb.send(new DeleteRuleCommand({ RuleArn: 'arn:x' })));
    const log = await inspect<{ seq: number; operation: string }[]>(lc, 'calls/log');
    expect(log.map((c) => c.operation)).toEqual([
      'ecs:DeleteTaskDefinitions',
      'elasticloadbalancing:DeleteRule',
    ]);
    expect(log.map((c) => c.seq)).toEqual([1, 2]);
  });
});
