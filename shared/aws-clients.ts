import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import type { EC2Client } from '@aws-sdk/client-ec2';
import { ECSClient } from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { awsClientSettings } from './aws-client-settings.js';
import { keepErrorBodies } from './aws-error-body.js';
import { type AwsRateBudget, budgetRequests } from './aws-rate-budget.js';

/** The clients only the capacity sampler needs (EC2 and Auto Scaling), built on first use. */
export interface FleetClients {
  ec2: EC2Client;
  autoscaling: AutoScalingClient;
}

export interface AwsClients {
  ecs: ECSClient;
  elbv2: ElasticLoadBalancingV2Client;
  secrets: SecretsManagerClient;
  /**
   * EC2 and Auto Scaling, loaded and constructed on the first call (then cached). `@aws-sdk/client-ec2`
   * alone is about 76 MB resident, and only the capacity sampler uses either: a process that never
   * samples never loads them.
   */
  fleet(): Promise<FleetClients>;
  destroy(): void;
}

/**
 * The AWS clients, all pointed at one endpoint when AWS_ENDPOINT_URL is set (localcloud or any
 * faithful emulator). Retries are ours: the saga classifies errors and backs off per step, so the SDK's
 * own retry loop is limited to one quick extra attempt for transient network blips.
 */
export function makeAwsClients(
  config: {
    AWS_REGION: string;
    AWS_ENDPOINT_URL?: string | undefined;
  },
  /** With a budget, every request waits for its family's share of AWS's rate (AWS_RATE_BUDGET). */
  options: { budget?: AwsRateBudget } = {},
): AwsClients {
  const { budget } = options;
  const shared = awsClientSettings(config, 20_000);
  const clients = {
    ecs: new ECSClient(shared),
    elbv2: new ElasticLoadBalancingV2Client(shared),
    secrets: new SecretsManagerClient(shared),
  };
  for (const client of Object.values(clients)) keepErrorBodies(client);
  if (budget) {
    budgetRequests(clients.ecs, 'ecs', budget);
    budgetRequests(clients.elbv2, 'elasticloadbalancing', budget);
    budgetRequests(clients.secrets, 'secretsmanager', budget);
  }
  let fleet: Promise<FleetClients> | null = null;
  let built: FleetClients | null = null;
  let destroyed = false;
  return {
    ...clients,
    fleet() {
      fleet ??= (async () => {
        const [{ EC2Client }, { AutoScalingClient }] = await Promise.all([
          import('@aws-sdk/client-ec2'),
          import('@aws-sdk/client-auto-scaling'),
        ]);
        built = { ec2: new EC2Client(shared), autoscaling: new AutoScalingClient(shared) };
        if (budget) {
          budgetRequests(built.ec2, 'ec2', budget);
          budgetRequests(built.autoscaling, 'autoscaling', budget);
        }
        // destroy() ran while the modules loaded: the caller gets clients that are already closed.
        if (destroyed) for (const client of Object.values(built)) client.destroy();
        return built;
      })();
      // A failed import (a broken install) is not cached: the next sample tries again.
      fleet.catch(() => {
        fleet = null;
      });
      return fleet;
    },
    destroy() {
      destroyed = true;
      for (const client of [...Object.values(clients), ...Object.values(built ?? {})]) client.destroy();
    },
  };
}
