import type { Service } from '@aws-sdk/client-ecs';

export type DeploymentVerdict =
  | { kind: 'completed' }
  | { kind: 'wait'; state: string }
  | { kind: 'failed'; reason: string }
  | { kind: 'gone' };

/**
 * What ECS says of the service's move to `revisionArn`: COMPLETED once its PRIMARY deployment on that
 * revision is (its new task healthy, the old one gone); failed once the deployment circuit breaker failed
 * it (`rolloutState: FAILED`), or the service has moved to another revision (ECS rolled it back, or someone
 * changed it by hand); gone when the service is (the instance was deleted meanwhile).
 */
export function judgeDeployment(service: Service | null, revisionArn: string): DeploymentVerdict {
  if (service?.status !== 'ACTIVE') return { kind: 'gone' };
  const deployments = service.deployments ?? [];
  const ours = deployments.find((d) => d.taskDefinition === revisionArn);
  if (ours?.rolloutState === 'FAILED')
    return {
      kind: 'failed',
      reason: `ECS failed the deployment: ${ours.rolloutStateReason ?? 'no reason given'}`,
    };
  const primary = deployments.find((d) => d.status === 'PRIMARY');
  if (service.taskDefinition !== revisionArn || (primary && primary.taskDefinition !== revisionArn)) {
    // A rolled-back deployment leaves the list once the rollback completes; its events stay (newest first).
    const said = (pattern: RegExp) =>
      service.events?.find((e) => pattern.test(e.message ?? ''))?.message?.replace(/^(\([^)]*\) )+/, '');
    const why = said(/deployment failed/);
    const to = service.taskDefinition?.split('/').pop() ?? 'another revision';
    return {
      kind: 'failed',
      reason: `ECS moved the service back to ${to}${why ? `: ${why}` : ''}`,
    };
  }
  if (primary?.rolloutState === 'COMPLETED') return { kind: 'completed' };
  const running = `${primary?.runningCount ?? 0}/${primary?.desiredCount ?? service.desiredCount ?? 1} running`;
  return { kind: 'wait', state: `deployment ${primary?.rolloutState ?? 'IN_PROGRESS'}, ${running}` };
}
