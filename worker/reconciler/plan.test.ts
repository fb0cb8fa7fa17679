import { describe, expect, it } from 'vitest';
import { emptySteps, type InstanceRecord, type InstanceStatus } from '../../shared/domain.js';
import type { InstanceResources } from './list-aws-resources.js';
import { type PlanInput, planReconcile } from './plan.js';

const NOW = Date.parse('2026-11-27T12:00:00Z');
const MINUTE = 60_000;
const LISTENER = 'arn:aws:elasticloadbalancing:us-west-2:1:listener/app/a/1/2';
const OPTIONS = {
  graceMs: 15 * MINUTE,
  unhealthyMs: 10 * MINUTE,
  staleJobMs: MINUTE,
  maxAttempts: 3,
  dryRun: false,
};

function record(id: string, status: InstanceStatus, updatedMinutesAgo = 30): InstanceRecord {
  const at = new Date(NOW - updatedMinutesAgo * MINUTE).toISOString();
  return {
    id,
    userId: `user-${id}`,
    email: `${id}@example.com`,
    status,
    currentStep: null,
    steps: emptySteps(),
    listenerArn: LISTENER,
    albDnsName: 'alb.test',
    routingSlot: 0,
    url: `http://alb.test/${id}/`,
    error: null,
    requestId: 'r',
    createdAt: at,
    updatedAt: at,
    runningAt: status === 'running' ? at : null,
    deletedAt: null,
    leftovers: [],
  };
}

/** Everything a running instance has in AWS, minus what `without` names. */
function whole(id: string, without: string[] = []): InstanceResources {
  return {
    ...(without.includes('secret') ? {} : { secret: { name: `s/${id}`, createdAt: 0, tag: id } }),
    ...(without.includes('task-definition') ? {} : { taskFamily: `openclaw-${id}` }),
    ...(without.includes('target-group') ? {} : { targetGroup: { arn: `tg/${id}`, name: `openclaw-${id}` } }),
    rules: without.includes('listener-rule') ? [] : [{ arn: `rule/${id}`, listenerArn: LISTENER }],
    ...(without.includes('service')
      ? {}
      : { service: { arn: `svc/${id}`, status: 'ACTIVE', createdAt: 0, runningCount: 1 } }),
  };
}

function input(overrides: Partial<PlanInput>): PlanInput {
  return {
    now: NOW,
    options: OPTIONS,
    records: new Map(),
    aws: new Map(),
    orphans: new Map(),
    healthy: new Map(),
    unhealthySince: new Map(),
    attempts: new Map(),
    liveJobs: new Set(),
    ...overrides,
  };
}

describe('planReconcile: running instances', () => {
  it('leaves a whole, healthy instance alone and forgets any unhealthy stamp', () => {
    const plan = planReconcile(
      input({
        records: new Map([['a', record('a', 'running')]]),
        aws: new Map([['a', whole('a')]]),
        healthy: new Map([['a', true]]),
      }),
    );
    expect(plan.actions).toEqual([]);
    expect(plan.markHealthy).toEqual(['a']);
  });

  it('repairs a missing target group from its step, undoing the rule and service bound to the old one', () => {
    const plan = planReconcile(
      input({
        records: new Map([['a', record('a', 'running')]]),
        aws: new Map([['a', whole('a', ['target-group'])]]),
      }),
    );
    expect(plan.actions).toEqual([
      {
        kind: 'repair',
        instanceId: 'a',
        reason: 'target-group resource is missing',
        fromStep: 'target-group',
        undo: ['service', 'listener-rule'],
        missing: 'target-group',
      },
    ]);
  });

  it('marks the credentials of an instance whose secret is gone as lost, never failed, and never retries it', () => {
    const plan = planReconcile(
      input({
        records: new Map([['a', record('a', 'running')]]),
        aws: new Map([['a', whole('a', ['secret'])]]),
        // Even out of repairs: lost credentials are the backend's to give back, not a repair.
        attempts: new Map([['a', 3]]),
      }),
    );
    expect(plan.actions).toEqual([
      { kind: 'credentials-lost', instanceId: 'a', missing: 'secret', reason: expect.any(String) },
    ]);
    // Degraded with credentials_lost and no job: left waiting, not re-enqueued (its create cannot run).
    const waiting = {
      ...record('a', 'degraded'),
      error: { step: 'secret' as const, code: 'credentials_lost', message: 'gone' },
    };
    const later = planReconcile(
      input({ records: new Map([['a', waiting]]), aws: new Map([['a', whole('a', ['secret'])]]) }),
    );
    expect(later.actions).toEqual([]);
  });

  it('stamps a first unhealthy sighting, then repairs from the service step past the threshold', () => {
    const base = {
      records: new Map([['a', record('a', 'running')]]),
      aws: new Map([['a', whole('a')]]),
      healthy: new Map([['a', false]]),
    };
    const first = planReconcile(input(base));
    expect(first.markUnhealthy).toEqual(['a']);
    expect(first.actions).toEqual([]);

    const early = planReconcile(input({ ...base, unhealthySince: new Map([['a', NOW - 9 * MINUTE]]) }));
    expect(early.actions).toEqual([]);

    const late = planReconcile(input({ ...base, unhealthySince: new Map([['a', NOW - 11 * MINUTE]]) }));
    expect(late.actions).toEqual([
      { kind: 'repair', instanceId: 'a', reason: 'no healthy task for 660 s', fromStep: 'service', undo: [] },
    ]);
  });

  it('fails with the reason once repairs are used up', () => {
    const plan = planReconcile(
      input({
        records: new Map([['a', record('a', 'running')]]),
        aws: new Map([['a', whole('a', ['service'])]]),
        attempts: new Map([['a', 3]]),
      }),
    );
    expect(plan.actions).toMatchObject([
      { kind: 'fail', reason: 'service resource is missing, after 3 repairs', missing: 'service' },
    ]);
  });

  it('never touches an instance with a live job, whatever AWS shows', () => {
    const plan = planReconcile(
      input({
        records: new Map([['a', record('a', 'running')]]),
        aws: new Map([['a', whole('a', ['secret', 'service'])]]),
        liveJobs: new Set(['a']),
      }),
    );
    expect(plan.actions).toEqual([]);
  });
});

describe('planReconcile: orphans and lost jobs', () => {
  const facts = (
    youngestMinutesAgo: number,
    tagged = true,
    resources = ['secret'],
    vanished: string[] = [],
  ) => ({
    youngestAt: NOW - youngestMinutesAgo * MINUTE,
    tagged,
    resources,
    vanished,
  });

  it('leaves an orphan whose every resource vanished during the scan: nothing is left to delete', () => {
    const aws = new Map([['x', whole('x')]]);
    const plan = planReconcile(
      input({
        records: new Map([['x', null]]),
        aws,
        orphans: new Map([['x', facts(20, true, [], ['task-definition', 'service'])]]),
      }),
    );
    expect(plan.actions).toEqual([]);
    expect(plan.waitingForGrace).toBe(0);
  });

  it('deletes tagged resources of an unknown instance only after the grace period, never untagged ones', () => {
    const aws = new Map([['x', whole('x')]]);
    const young = planReconcile(
      input({ records: new Map([['x', null]]), aws, orphans: new Map([['x', facts(5)]]) }),
    );
    expect(young.actions).toEqual([]);
    expect(young.waitingForGrace).toBe(1);

    const old = planReconcile(
      input({ records: new Map([['x', null]]), aws, orphans: new Map([['x', facts(20)]]) }),
    );
    expect(old.actions).toMatchObject([{ kind: 'delete-orphan', instanceId: 'x', listenerArns: [LISTENER] }]);

    const untagged = planReconcile(
      input({ records: new Map([['x', null]]), aws, orphans: new Map([['x', facts(20, false)]]) }),
    );
    expect(untagged.actions).toEqual([]);
  });

  it('re-enqueues the job of a stale provisioning instance, and leaves a fresh one to its job', () => {
    const stale = planReconcile(input({ records: new Map([['p', record('p', 'provisioning', 5)]]) }));
    expect(stale.actions).toEqual([
      { kind: 'reenqueue', instanceId: 'p', reason: 'provisioning with no create job', job: 'create' },
    ]);
    const fresh = planReconcile(
      input({
        records: new Map([['p', { ...record('p', 'provisioning'), updatedAt: new Date(NOW).toISOString() }]]),
      }),
    );
    expect(fresh.actions).toEqual([]);
  });
});
