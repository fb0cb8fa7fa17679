import type { Task } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { startFailureReason } from './start-failure.js';

const SECRETS =
  'ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: retrieved secret from Secrets Manager did not contain json key OPENCLAW_GATEWAY_TOKEN';
const PULL = 'CannotPullContainerError: pull image manifest has been retried 5 time(s): not found';
const at = (s: number) => new Date(Date.UTC(2026, 10, 29, 12, 0, s));
const task = (stoppedReason: string, stoppedAt: Date, group = 'service:openclaw-abc'): Task => ({
  group,
  lastStatus: 'STOPPED',
  stoppedReason,
  stoppedAt,
});

describe('startFailureReason', () => {
  it("answers ECS's reason for a secret or an image the task cannot get", () => {
    expect(startFailureReason([task(SECRETS, at(1))], 'openclaw-abc')).toBe(SECRETS);
    expect(startFailureReason([task(PULL, at(1))], 'openclaw-abc')).toBe(PULL);
  });

  it('answers the latest such stop', () => {
    expect(startFailureReason([task(PULL, at(1)), task(SECRETS, at(9))], 'openclaw-abc')).toBe(SECRETS);
  });

  it.each([
    ['a scale-in', 'Scaling activity initiated by (deployment ecs-svc/1)'],
    ['a failed health check', 'Task failed ELB health checks in (target-group arn:…)'],
    ['a spot interruption', 'Your Spot Instance was interrupted'],
    ['a crash after start', 'Essential container in task exited'],
  ])('ignores %s: a replacement may run', (_name, reason) => {
    expect(startFailureReason([task(reason, at(1))], 'openclaw-abc')).toBeNull();
  });

  it("ignores another service's tasks", () => {
    expect(startFailureReason([task(SECRETS, at(1), 'service:openclaw-other')], 'openclaw-abc')).toBeNull();
    expect(startFailureReason([task(SECRETS, at(1), 'family:openclaw-abc')], 'openclaw-abc')).toBeNull();
  });
});
