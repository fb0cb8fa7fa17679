import { DescribeTargetGroupsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { DescribeSecretCommand } from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import { useSagaWorld } from './saga-bench.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * A pristine instance's create, driven through runCreate against localcloud: which AWS calls it makes, in
 * which order, with which parameters, and what each step checkpoints. Fast enough for mutation runs.
 */
describe('create saga, first run', () => {
  const w = useSagaWorld();

  it('creates each resource without looking first, in step order, then polls placement and the gate', async () => {
    const { id } = await w.submit();
    const value = await w.createUntilDone(id);
    const calls = await w.calls();
    // Pristine: no Describe before any create; each create once.
    expect(calls.slice(0, 5)).toEqual([
      'CreateSecret',
      'RegisterTaskDefinition',
      'CreateTargetGroup',
      'CreateRule',
      'CreateService',
    ]);
    const rest = calls.slice(5);
    expect(
      rest.every((c) => /^(Describe|List|Get)/.test(c)),
      rest.join(),
    ).toBe(true);
    expect(rest).toContain('DescribeTargetHealth');
    expect(rest.at(-1)).toBe('GetSecretValue');
    const record = await w.store.get(id);
    expect(value).toEqual({
      instanceId: id,
      status: 'running',
      taskArn: record?.steps.placement.output?.taskArn,
      waitedForCapacity: record?.steps.placement.output?.waitedForCapacity,
      placementWaitMs: record?.steps.placement.output?.placementWaitMs,
    });
    expect(record?.status).toBe('running');
    expect(record?.error).toBeNull();
    expect(Date.parse(record?.runningAt ?? '')).toBeGreaterThan(0);
  });

  it('checkpoints every step done, once, with the ARNs AWS answered', async () => {
    const { id } = await w.submit();
    await w.createUntilDone(id);
    const record = (await w.store.get(id))!;
    for (const [stepId, step] of Object.entries(record.steps)) {
      expect(step.state, stepId).toBe('done');
      expect(step.attempts, stepId).toBe(1);
      expect(step.lastError, stepId).toBeUndefined();
      expect(Date.parse(step.startedAt!), stepId).toBeLessThanOrEqual(Date.parse(step.endedAt!));
    }
    // What a real account would answer for the same names.
    const secret = await w.ctx.aws.secrets.send(
      new DescribeSecretCommand({ SecretId: `openclaw/instances/${id}` }),
    );
    expect(record.steps.secret.output).toEqual({ secretArn: secret.ARN });
    const groups = await w.ctx.aws.elbv2.send(new DescribeTargetGroupsCommand({ Names: [`openclaw-${id}`] }));
    expect(record.steps['target-group'].output).toEqual({
      targetGroupArn: groups.TargetGroups?.[0]?.TargetGroupArn,
    });
    expect(record.steps['task-definition'].output?.taskDefinitionArn).toMatch(
      new RegExp(`:task-definition/openclaw-${id}:1$`),
    );
    expect(record.steps['listener-rule'].output).toEqual({
      ruleArn: expect.stringContaining(':listener-rule/'),
      priority: String(1000 + record.routingSlot),
    });
    expect(record.steps.service.output).toEqual({
      serviceArn: expect.stringMatching(new RegExp(`:service/[^/]+/openclaw-${id}$`)),
    });
    expect(Object.keys(record.steps.placement.output ?? {}).sort()).toEqual([
      'placementWaitMs',
      'taskArn',
      'waitedForCapacity',
    ]);
    expect(record.steps.placement.output?.taskArn).toContain(':task/');
    expect(record.steps.reachable.output?.answer).toBe('HTTP 200');
    expect(Number(record.steps.reachable.output?.reachableWaitMs)).toBeGreaterThanOrEqual(0);
    // The steps ran one after the other.
    const order = Object.values(record.steps).map((s) => Date.parse(s.startedAt!));
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('sends the documented parameters with every create', async () => {
    const { id } = await w.submit();
    await w.createUntilDone(id);
    const record = (await w.store.get(id))!;
    const tags = [
      { Key: 'openclaw:instance-id', Value: id },
      { Key: 'openclaw:managed-by', Value: 'openclaw-fleet' },
    ];
    const lower = tags.map((t) => ({ key: t.Key, value: t.Value }));
    const [secret] = w.inputsOf('CreateSecret');
    expect(secret).toEqual({
      Name: `openclaw/instances/${id}`,
      Description: `OpenClaw gateway credentials of instance ${id}`,
      SecretString: expect.any(String),
      ClientRequestToken: expect.stringMatching(UUID),
      Tags: tags,
    });
    const values = JSON.parse(String(secret!.SecretString));
    expect(Object.keys(values).sort()).toEqual(['ANTHROPIC_API_KEY', 'OPENCLAW_GATEWAY_TOKEN']);
    expect(values.ANTHROPIC_API_KEY).toBe(w.config.DEFAULT_ANTHROPIC_API_KEY.reveal());

    const [taskDefinition] = w.inputsOf('RegisterTaskDefinition');
    expect(taskDefinition).toMatchObject({
      family: `openclaw-${id}`,
      requiresCompatibilities: ['EC2'],
      networkMode: 'awsvpc',
      cpu: '512',
      memory: '1536',
      executionRoleArn: w.config.EXECUTION_ROLE_ARN,
      taskRoleArn: w.config.TASK_ROLE_ARN,
      tags: lower,
    });
    const container = (taskDefinition!.containerDefinitions as Record<string, unknown>[])[0]!;
    const secretArn = record.steps.secret.output!.secretArn!;
    expect(container).toMatchObject({
      image: w.config.GATEWAY_IMAGE,
      essential: true,
      portMappings: [{ containerPort: 8080, protocol: 'tcp' }],
      secrets: [
        { name: 'ANTHROPIC_API_KEY', valueFrom: `${secretArn}:ANTHROPIC_API_KEY::` },
        { name: 'OPENCLAW_GATEWAY_TOKEN', valueFrom: `${secretArn}:OPENCLAW_GATEWAY_TOKEN::` },
      ],
      environment: [
        { name: 'INSTANCE_ID', value: id },
        { name: 'BASE_PATH', value: `/${id}` },
      ],
    });

    expect(w.inputsOf('CreateTargetGroup')).toEqual([
      {
        Name: `openclaw-${id}`,
        Protocol: 'HTTP',
        Port: 8080,
        TargetType: 'ip',
        VpcId: w.config.VPC_ID,
        HealthCheckEnabled: true,
        HealthCheckProtocol: 'HTTP',
        HealthCheckPath: '/health',
        HealthCheckPort: 'traffic-port',
        HealthCheckIntervalSeconds: 15,
        HealthyThresholdCount: 2,
        UnhealthyThresholdCount: 3,
        Matcher: { HttpCode: '200' },
        Tags: tags,
      },
    ]);
    expect(w.inputsOf('CreateRule')).toEqual([
      {
        ListenerArn: record.listenerArn,
        Priority: 1000 + record.routingSlot,
        Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: [`/${id}`, `/${id}/*`] } }],
        Actions: [{ Type: 'forward', TargetGroupArn: record.steps['target-group'].output!.targetGroupArn }],
        Tags: tags,
      },
    ]);
    const [service] = w.inputsOf('CreateService');
    expect(service).toEqual({
      cluster: w.config.ECS_CLUSTER,
      serviceName: `openclaw-${id}`,
      taskDefinition: record.steps['task-definition'].output!.taskDefinitionArn,
      desiredCount: 1,
      capacityProviderStrategy: [{ capacityProvider: w.config.CAPACITY_PROVIDER, weight: 1 }],
      networkConfiguration: {
        awsvpcConfiguration: {
          subnets: w.config.SUBNET_IDS,
          securityGroups: w.config.SECURITY_GROUP_IDS,
          assignPublicIp: 'DISABLED',
        },
      },
      loadBalancers: [
        {
          targetGroupArn: record.steps['target-group'].output!.targetGroupArn,
          containerName: 'gateway',
          containerPort: 8080,
        },
      ],
      healthCheckGracePeriodSeconds: w.config.HEALTH_CHECK_GRACE_SECONDS,
      deploymentConfiguration: {
        deploymentCircuitBreaker: { enable: true, rollback: true },
        maximumPercent: 200,
        minimumHealthyPercent: 100,
      },
      tags: lower,
      propagateTags: 'SERVICE',
      enableECSManagedTags: true,
      clientToken: expect.stringMatching(UUID),
    });
  });

  it('drops the sealed credentials once the secret exists, and opens them into the secret', async () => {
    const { id, gatewayToken } = await w.submit();
    expect(await w.store.sealedCredentials(id)).not.toBeNull();
    await w.createUntilDone(id);
    expect(await w.store.sealedCredentials(id)).toBeNull();
    const values = JSON.parse(String(w.inputsOf('CreateSecret')[0]!.SecretString));
    expect(values.OPENCLAW_GATEWAY_TOKEN).toBe(gatewayToken);
  });

  it('a running instance is left alone: no AWS call, no transition', async () => {
    const { id } = await w.submit();
    await w.createUntilDone(id);
    const before = await w.store.get(id);
    await w.resetCalls();
    expect(await w.create(id)).toEqual({ kind: 'done', value: { alreadyRunning: true } });
    expect(await w.calls()).toEqual([]);
    expect((await w.store.get(id))?.updatedAt).toBe(before?.updatedAt);
  });

  it('ends quietly when the record is gone', async () => {
    expect(await w.create('nosuchinstance')).toMatchObject({
      kind: 'done',
      value: { superseded: true, reason: 'instance record is gone' },
    });
    expect(await w.calls()).toEqual([]);
  });
});
