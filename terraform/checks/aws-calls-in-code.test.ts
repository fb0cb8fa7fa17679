import { describe, expect, it } from 'vitest';
import { awsActionsInCode, stripComments } from './aws-calls-in-code.js';
import { requiredActions } from './implied-permissions.js';

const fixture = `
import { ECSClient, CreateServiceCommand, type DescribeServicesCommand, paginateListServices } from '@aws-sdk/client-ecs';
import { DescribeTagsCommand as ElbDescribeTags } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { DeleteSecretCommand } from '@aws-sdk/client-secrets-manager';
import * as asg from '@aws-sdk/client-auto-scaling';
import { RegisterTaskDefinitionCommand, DeleteServiceCommand } from '@aws-sdk/client-ecs';
import { GetRoleCommand } from '@aws-sdk/client-iam';

const ecs = new ECSClient({});
await ecs.send(new CreateServiceCommand({ serviceName: 'x' }));
for await (const page of paginateListServices({ client: ecs }, {})) void page;
await elb.send(new ElbDescribeTags({ ResourceArns: [] }));
await autoscaling.send(new asg.DescribeAutoScalingGroupsCommand({}));
await call(ecs, RegisterTaskDefinitionCommand, {});
// await ecs.send(new DeleteServiceCommand({}));
const url = 'https://example.com/'; const re = /'/g;
/* new asg.DescribeScalingActivitiesCommand({}) */
type T = DescribeServicesCommand;
`;

describe('awsActionsInCode', () => {
  const scan = awsActionsInCode([{ path: 'fixture.ts', text: fixture }]);

  it('finds commands, aliases, namespaces, paginators and classes handed to helpers', () => {
    expect([...scan.actions].sort()).toEqual([
      'autoscaling:DescribeAutoScalingGroups',
      'ecs:CreateService',
      'ecs:ListServices',
      'ecs:RegisterTaskDefinition',
      'elasticloadbalancing:DescribeTags',
    ]);
  });

  it('ignores type-only imports, commented-out calls and clients', () => {
    expect(scan.actions.has('ecs:DescribeServices')).toBe(false);
    expect(scan.actions.has('secretsmanager:DeleteSecret')).toBe(false);
    expect(scan.actions.has('ecs:DeleteService')).toBe(false);
    expect(scan.actions.has('autoscaling:DescribeScalingActivities')).toBe(false);
  });

  it('reports clients it has no IAM prefix for instead of guessing', () => {
    expect(scan.unknownClients).toEqual([{ path: 'fixture.ts', source: '@aws-sdk/client-iam' }]);
  });

  it('resolves a command name per file, since several clients share it', () => {
    const ec2 = awsActionsInCode([
      {
        path: 'a.ts',
        text: "import { DescribeTagsCommand } from '@aws-sdk/client-ec2';\nnew DescribeTagsCommand({});",
      },
    ]);
    expect([...ec2.actions]).toEqual(['ec2:DescribeTags']);
  });

  it('keeps strings while blanking comments', () => {
    expect(stripComments("const a = 'x // y'; // gone\n")).toBe("const a = 'x // y';        \n");
  });
});

describe('requiredActions', () => {
  it('adds what AWS authorizes alongside a call, only when that call is made', () => {
    expect([...requiredActions(new Set(['ecs:RegisterTaskDefinition']))].sort()).toEqual([
      'ecs:RegisterTaskDefinition',
      'ecs:TagResource',
      'iam:PassRole',
    ]);
    expect([...requiredActions(new Set(['ecs:DescribeServices']))]).toEqual(['ecs:DescribeServices']);
  });
});
