import { CreateServiceCommand, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { CreateRuleCommand, CreateTargetGroupCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import type { AwsClients } from '../../shared/aws-clients.js';
import type { WorkerConfig } from '../../shared/config.js';
import { INSTANCE_TAG, resourceNames } from '../../shared/naming.js';

/**
 * What an operator (or a create that crashed before recording anything) leaves in AWS: the five resources
 * of an instance id, named as the saga names them, tagged with the id unless `tagged` is false.
 */
export async function makeByHand(
  aws: AwsClients,
  config: WorkerConfig,
  id: string,
  options: { listenerArn: string; priority: number; tagged?: boolean },
) {
  const names = resourceNames(id);
  const upper = options.tagged === false ? [] : [{ Key: INSTANCE_TAG, Value: id }];
  const lower = options.tagged === false ? [] : [{ key: INSTANCE_TAG, value: id }];
  await aws.secrets.send(
    new CreateSecretCommand({ Name: names.secretName, SecretString: '{"x":"y"}', Tags: upper }),
  );
  const td = await aws.ecs.send(
    new RegisterTaskDefinitionCommand({
      family: names.taskFamily,
      requiresCompatibilities: ['EC2'],
      networkMode: 'awsvpc',
      cpu: '256',
      memory: '512',
      containerDefinitions: [
        {
          name: 'gateway',
          image: config.GATEWAY_IMAGE,
          essential: true,
          portMappings: [{ containerPort: 8080 }],
        },
      ],
      ...(lower.length ? { tags: lower } : {}),
    }),
  );
  const tg = await aws.elbv2.send(
    new CreateTargetGroupCommand({
      Name: names.targetGroupName,
      Protocol: 'HTTP',
      Port: 8080,
      TargetType: 'ip',
      VpcId: config.VPC_ID,
      ...(upper.length ? { Tags: upper } : {}),
    }),
  );
  const targetGroupArn = tg.TargetGroups![0]!.TargetGroupArn!;
  await aws.elbv2.send(
    new CreateRuleCommand({
      ListenerArn: options.listenerArn,
      Priority: options.priority,
      Conditions: [
        { Field: 'path-pattern', PathPatternConfig: { Values: [names.basePath, `${names.basePath}/*`] } },
      ],
      Actions: [{ Type: 'forward', TargetGroupArn: targetGroupArn }],
      ...(upper.length ? { Tags: upper } : {}),
    }),
  );
  await aws.ecs.send(
    new CreateServiceCommand({
      cluster: config.ECS_CLUSTER,
      serviceName: names.serviceName,
      taskDefinition: td.taskDefinition!.taskDefinitionArn!,
      desiredCount: 0,
      networkConfiguration: {
        awsvpcConfiguration: { subnets: config.SUBNET_IDS, securityGroups: config.SECURITY_GROUP_IDS },
      },
      ...(lower.length ? { tags: lower } : {}),
    }),
  );
  return { targetGroupArn };
}
