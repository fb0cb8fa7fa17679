import type { AwsClients } from '../../shared/aws-clients.js';
import type { WorkerMetrics } from './worker-metrics.js';

type Handler = (args: unknown) => Promise<unknown>;
type AddMiddleware = (
  middleware: (next: Handler, context: { commandName?: string }) => Handler,
  options: { step: 'initialize'; name: string },
) => void;

/**
 * Counts every call `client` makes, by operation, and each failure by its AWS error code. In the
 * `initialize` step, before the SDK's retry middleware: one call is counted once, with its final outcome,
 * whichever code path made it (the saga's awsCall, the sampler, the reconciler's listings).
 */
export function countAwsCalls(
  client: { middlewareStack: object },
  service: string,
  metrics: Pick<WorkerMetrics, 'awsCall'>,
): void {
  const stack = client.middlewareStack as { add: AddMiddleware };
  stack.add(
    (next, context) => async (args) => {
      const operation = (context.commandName ?? 'Unknown').replace(/Command$/, '');
      try {
        const out = await next(args);
        metrics.awsCall(service, operation);
        return out;
      } catch (error) {
        metrics.awsCall(service, operation, error instanceof Error ? error.name : 'Unknown');
        throw error;
      }
    },
    { step: 'initialize', name: 'openclawCallMetrics' },
  );
}

/** The worker's clients with every call counted; EC2 and Auto Scaling once they are first built. */
export function withAwsCallMetrics(aws: AwsClients, metrics: Pick<WorkerMetrics, 'awsCall'>): AwsClients {
  countAwsCalls(aws.ecs, 'ecs', metrics);
  countAwsCalls(aws.elbv2, 'elasticloadbalancing', metrics);
  countAwsCalls(aws.secrets, 'secretsmanager', metrics);
  let counted: ReturnType<AwsClients['fleet']> | null = null;
  const fleet = aws.fleet.bind(aws);
  return {
    ...aws,
    fleet() {
      counted ??= fleet().then((clients) => {
        countAwsCalls(clients.ec2, 'ec2', metrics);
        countAwsCalls(clients.autoscaling, 'autoscaling', metrics);
        return clients;
      });
      // A failed import is not cached here either: the next sample tries again.
      counted.catch(() => {
        counted = null;
      });
      return counted;
    },
  };
}
