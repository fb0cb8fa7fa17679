import type { Cloud } from './cloud.js';

/** The settings the worker needs, named as its environment variables. */
export interface LocalcloudIds {
  AWS_ENDPOINT_URL: string;
  AWS_REGION: string;
  ECS_CLUSTER: string;
  CAPACITY_PROVIDER: string;
  ASG_NAME: string;
  ALB_LISTENER_ARN: string;
  ALB_DNS_NAME: string;
  ALB_LISTENER_ARNS: string;
  ALB_DNS_NAMES: string;
  VPC_ID: string;
  SUBNET_IDS: string;
  SECURITY_GROUP_IDS: string;
  EXECUTION_ROLE_ARN: string;
  TASK_ROLE_ARN: string;
  LOG_GROUP: string;
}

export function idsOf(cloud: Cloud, url: string): LocalcloudIds {
  const lbs = [...cloud.state.loadBalancers.values()];
  const listeners = lbs.map((lb) => lb.listenerArns[0] ?? '');
  return {
    AWS_ENDPOINT_URL: url,
    AWS_REGION: cloud.account.region,
    ECS_CLUSTER: cloud.clusterName,
    CAPACITY_PROVIDER: cloud.capacityProviderName,
    ASG_NAME: cloud.state.asg.name,
    ALB_LISTENER_ARN: listeners[0] ?? '',
    ALB_DNS_NAME: lbs[0]?.dnsName ?? '',
    ALB_LISTENER_ARNS: listeners.join(','),
    ALB_DNS_NAMES: lbs.map((lb) => lb.dnsName).join(','),
    VPC_ID: cloud.network.vpcId,
    SUBNET_IDS: cloud.network.subnets
      .filter((s) => !s.public)
      .map((s) => s.id)
      .join(','),
    SECURITY_GROUP_IDS: cloud.network.taskSecurityGroupId,
    EXECUTION_ROLE_ARN: cloud.executionRoleArn,
    TASK_ROLE_ARN: cloud.taskRoleArn,
    LOG_GROUP: cloud.logGroup,
  };
}
