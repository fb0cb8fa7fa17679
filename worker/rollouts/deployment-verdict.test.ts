import type { Service } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { judgeDeployment } from './deployment-verdict.js';

const NEW = 'arn:aws:ecs:us-west-2:1:task-definition/openclaw-a:2';
const OLD = 'arn:aws:ecs:us-west-2:1:task-definition/openclaw-a:1';
const service = (over: Partial<Service>): Service => ({
  status: 'ACTIVE',
  taskDefinition: NEW,
  desiredCount: 1,
  deployments: [{ status: 'PRIMARY', taskDefinition: NEW, rolloutState: 'IN_PROGRESS', runningCount: 0 }],
  ...over,
});

describe('judgeDeployment', () => {
  it('waits while the deployment is in progress, and is complete once ECS says COMPLETED', () => {
    expect(judgeDeployment(service({}), NEW)).toEqual({
      kind: 'wait',
      state: 'deployment IN_PROGRESS, 0/1 running',
    });
    const done = service({
      deployments: [{ status: 'PRIMARY', taskDefinition: NEW, rolloutState: 'COMPLETED' }],
    });
    expect(judgeDeployment(done, NEW)).toEqual({ kind: 'completed' });
  });

  it("fails on the circuit breaker's FAILED, or once ECS moved the service back (quoting its events)", () => {
    const failed = service({
      deployments: [
        { status: 'PRIMARY', taskDefinition: OLD, rolloutState: 'IN_PROGRESS' },
        {
          status: 'ACTIVE',
          taskDefinition: NEW,
          rolloutState: 'FAILED',
          rolloutStateReason: 'ECS deployment circuit breaker: tasks failed to start.',
        },
      ],
      taskDefinition: OLD,
    });
    expect(judgeDeployment(failed, NEW)).toMatchObject({
      kind: 'failed',
      reason: expect.stringMatching(/tasks failed/),
    });
    const movedBack = service({
      taskDefinition: OLD,
      deployments: [{ status: 'PRIMARY', taskDefinition: OLD, rolloutState: 'COMPLETED' }],
      events: [
        { message: '(deployment x) rolling back to deployment y.' },
        { message: '(deployment x) deployment failed: tasks failed to start.' },
      ],
    });
    const verdict = judgeDeployment(movedBack, NEW);
    expect(verdict).toMatchObject({ kind: 'failed' });
    expect(verdict.kind === 'failed' && verdict.reason).toMatch(
      /^ECS moved the service back to openclaw-a:1: deployment failed: tasks failed to start\.$/,
    );
  });

  it('calls a service that is gone or draining gone (the instance was deleted)', () => {
    expect(judgeDeployment(null, NEW)).toEqual({ kind: 'gone' });
    expect(judgeDeployment(service({ status: 'DRAINING' }), NEW)).toEqual({ kind: 'gone' });
  });
});
