import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ECSClient } from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

export interface AwsClients {
  ecs: ECSClient;
  elbv2: ElasticLoadBalancingV2Client;
  secrets: SecretsManagerClient;
  autoscaling: AutoScalingClient;
  ec2: EC2Client;
  destroy(): void;
}

/**
 * The AWS clients, all pointed at one endpoint when AWS_ENDPOINT_URL is set (localcloud or any
 * faithful emulator). Retries are ours: the saga classifies errors and backs off per step, so the SDK's
 * own retry loop is limited to one quick extra attempt for transient network blips.
 */
export function makeAwsClients(config: {
  AWS_REGION: string;
  AWS_ENDPOINT_URL?: string | undefined;
}): AwsClients {
  const shared = {
    region: config.AWS_REGION,
    maxAttempts: 2,
    // No SDK default timeout exists: a silent connection would hold a job (and its lock) forever.
    requestHandler: { connectionTimeout: 3_000, requestTimeout: 20_000 },
    ...(config.AWS_ENDPOINT_URL ? { endpoint: config.AWS_ENDPOINT_URL } : {}),
  };
  const clients = {
    ecs: new ECSClient(shared),
    elbv2: new ElasticLoadBalancingV2Client(shared),
    secrets: new SecretsManagerClient(shared),
    autoscaling: new AutoScalingClient(shared),
    ec2: new EC2Client(shared),
  };
  return {
    ...clients,
    destroy() {
      for (const client of Object.values(clients)) client.destroy();
    },
  };
}
