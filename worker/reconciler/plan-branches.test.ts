import { describe, expect, it } from 'vitest';
import { emptySteps, type InstanceRecord, type InstanceStatus } from '../../shared/domain.js';
import type { InstanceResources } from './list-aws-resources.js';
import type { OrphanFacts } from './orphan-facts.js';
import { type PlanInput, planReconcile } from './plan.js';

/**
 * The plan's branches and boundaries that mutation testing found unpinned (docs/mutation-report.md):
 * deleted, deleting and failed instances, the exact grace and staleness boundaries, and which resource
 * alone makes an id worth acting on. plan.test.ts covers the main cases.
 */
const NOW = Date.parse('2026-11-27T12:00:00Z');
const MINUTE = 60_000;
const LISTENER = 'arn:aws:elasticloadbalancing:us-west-2:1:listener/app/a/1/2';
const OTHER = 'arn:aws:elasticloadbalancing:us-west-2:1:listener/app/b/3/4';
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
    ...{ id, userId: `u-${id}`, email: `${id}@example.com`, status, currentStep: null, steps: emptySteps() },
    ...{ listenerArn: LISTENER, albDnsName: 'alb.test', routingSlot: 0, url: `http://alb.test/${id}/` },
    ...{ error: null, requestId: 'r', createdAt: at, updatedAt: at, deletedAt: null, leftovers: [] },
    runningAt: status === 'running' ? at : null,
  };
}

const secret = (id: string) => ({ secret: { name: `s/${id}`, createdAt: 0, tag: id } });
const family = (id: string) => ({ taskFamily: `openclaw-${id}` });
const group = (id: string) => ({ targetGroup: { arn: `tg/${id}`, name: `openclaw-${id}` } });
const service = (id: string) => ({
  service: { arn: `svc/${id}`, status: 'ACTIVE', createdAt: 0, runningCount: 1 },
});
const rule = (id: string, listenerArn = LISTENER) => ({
  arn: `rule/${id}/${listenerArn.slice(-3)}`,
  listenerArn,
});
const whole = (id: string): InstanceResources => ({
  ...secret(id),
  ...family(id),
  ...group(id),
  ...service(id),
  rules: [rule(id)],
});
const facts = (youngestAgoMs: number, tagged = true): OrphanFacts => ({
  youngestAt: NOW - youngestAgoMs,
  tagged,
  resources: ['secret'],
  vanished: [],
});

function input(overrides: Partial<PlanInput>): PlanInput {
  return {
    ...{ now: NOW, options: OPTIONS, records: new Map(), aws: new Map(), orphans: new Map() },
    ...{ healthy: new Map(), unhealthySince: new Map(), attempts: new Map(), liveJobs: new Set<string>() },
    ...overrides,
  };
}

const one = (
  id: string,
  r: InstanceRecord | null,
  found?: InstanceResources,
  more: Partial<PlanInput> = {},
) =>
  planReconcile(
    input({ records: new Map([[id, r]]), ...(found ? { aws: new Map([[id, found]]) } : {}), ...more }),
  );

describe('planReconcile: orphans of unknown and deleted instances', () => {
  it('names why, and deletes on every listener a rule or the record names, once the grace period is over', () => {
    const deleted = { ...record('d', 'deleted'), listenerArn: OTHER };
    // Its rules are all on one listener (twice over); the record names another, which has none left.
    const found = { ...whole('d'), rules: [rule('d'), rule('d', LISTENER)] };
    const plan = one('d', deleted, found, { orphans: new Map([['d', facts(OPTIONS.graceMs)]]) });
    expect(plan.actions).toEqual([
      {
        kind: 'delete-orphan',
        instanceId: 'd',
        reason: 'resources of a deleted instance',
        resources: ['secret'],
        listenerArns: [LISTENER, OTHER],
      },
    ]);
    const unknown = one('x', null, whole('x'), { orphans: new Map([['x', facts(OPTIONS.graceMs)]]) });
    expect(unknown.actions).toMatchObject([
      { reason: 'resources of an unknown instance', listenerArns: [LISTENER] },
    ]);
    // One ms younger than the grace period: it waits.
    const young = one('x', null, whole('x'), { orphans: new Map([['x', facts(OPTIONS.graceMs - 1)]]) });
    expect(young).toMatchObject({ actions: [], waitingForGrace: 1 });
  });

  it.each([
    ['a secret', secret('x')],
    ['a task family', family('x')],
    ['a target group', group('x')],
    ['a service', service('x')],
  ])('acts on an id with only %s left', (_label, part) => {
    const plan = one(
      'x',
      null,
      { rules: [], ...part },
      { orphans: new Map([['x', facts(OPTIONS.graceMs)]]) },
    );
    expect(plan.actions).toMatchObject([{ kind: 'delete-orphan', instanceId: 'x' }]);
  });

  it('acts on an id with only a rule left, and not on one with nothing, or with no facts gathered', () => {
    const orphans = new Map([['x', facts(OPTIONS.graceMs)]]);
    expect(one('x', null, { rules: [rule('x')] }, { orphans }).actions).toHaveLength(1);
    expect(one('x', null, { rules: [] }, { orphans })).toMatchObject({ actions: [], waitingForGrace: 0 });
    expect(one('x', null, whole('x'))).toMatchObject({ actions: [], waitingForGrace: 0 });
  });
});

describe('planReconcile: lost jobs', () => {
  it.each(['queued', 'provisioning', 'degraded'] as const)(
    're-enqueues the create of a %s instance exactly stale, and fails it out of attempts',
    (status) => {
      const r = record('p', status, 1);
      expect(one('p', r).actions).toEqual([
        { kind: 'reenqueue', instanceId: 'p', reason: `${status} with no create job`, job: 'create' },
      ]);
      expect(one('p', r, undefined, { attempts: new Map([['p', 3]]) }).actions).toEqual([
        {
          kind: 'fail',
          instanceId: 'p',
          reason: 'its create job was lost or failed 3 times',
          from: [status],
        },
      ]);
    },
  );

  it('re-enqueues the delete of a stale deleting instance, leaves a fresh one, and reports one out of attempts as stuck', () => {
    expect(one('g', record('g', 'deleting', 1)).actions).toEqual([
      { kind: 'reenqueue', instanceId: 'g', reason: 'deleting with no delete job', job: 'delete' },
    ]);
    expect(one('g', record('g', 'deleting', 0))).toMatchObject({ actions: [], stuck: [] });
    const stuck = one('g', record('g', 'deleting', 5), undefined, { attempts: new Map([['g', 3]]) });
    expect(stuck).toMatchObject({ actions: [], stuck: ['g'] });
  });
});

describe('planReconcile: failed instances', () => {
  const failedFor = (updatedMinutesAgo: number, youngestAgoMs: number, tagged = true, found = whole('f')) =>
    one('f', record('f', 'failed', updatedMinutesAgo), found, {
      orphans: new Map([['f', facts(youngestAgoMs, tagged)]]),
    });

  it('deletes what a failed instance left once it and its resources are past the grace period', () => {
    expect(failedFor(15, OPTIONS.graceMs).actions).toEqual([
      { kind: 'delete-abandoned', instanceId: 'f', reason: 'failed and untouched for 900 s' },
    ]);
  });

  it('waits while the record or its youngest resource is inside the grace period', () => {
    expect(failedFor(14, OPTIONS.graceMs)).toMatchObject({ actions: [], waitingForGrace: 1 });
    expect(failedFor(30, OPTIONS.graceMs - 1)).toMatchObject({ actions: [], waitingForGrace: 1 });
  });

  it('leaves untagged resources, an instance with nothing left, and one with no facts', () => {
    expect(failedFor(30, OPTIONS.graceMs, false)).toMatchObject({ actions: [], waitingForGrace: 0 });
    expect(failedFor(30, OPTIONS.graceMs, true, { rules: [] })).toMatchObject({
      actions: [],
      waitingForGrace: 0,
    });
    expect(one('f', record('f', 'failed'), whole('f'))).toMatchObject({ actions: [], waitingForGrace: 0 });
  });
});

describe('planReconcile: running instances, edges', () => {
  const running = (found: InstanceResources, more: Partial<PlanInput> = {}) =>
    one('a', record('a', 'running'), found, more);

  it('repairs a missing task definition from its step, and a rule only on another listener from the rule step', () => {
    const { taskFamily: _gone, ...noFamily } = whole('a');
    expect(running(noFamily).actions).toEqual([
      {
        kind: 'repair',
        instanceId: 'a',
        reason: 'task-definition resource is missing',
        fromStep: 'task-definition',
        undo: [],
        missing: 'task-definition',
      },
    ]);
    expect(running({ ...whole('a'), rules: [rule('a', OTHER)] }).actions).toMatchObject([
      { kind: 'repair', fromStep: 'listener-rule', missing: 'listener-rule' },
    ]);
    // Its own rule among others: whole.
    expect(running({ ...whole('a'), rules: [rule('a'), rule('a', OTHER)] }).actions).toEqual([]);
  });

  it('undoes only what exists when the target group is missing', () => {
    const { targetGroup: _tg, service: _svc, ...rest } = whole('a');
    expect(running({ ...rest, rules: [] }).actions).toMatchObject([{ fromStep: 'target-group', undo: [] }]);
    expect(running({ ...rest, ...service('a'), rules: [] }).actions).toMatchObject([{ undo: ['service'] }]);
  });

  it('says how to get lost credentials back', () => {
    const { secret: _s, ...rest } = whole('a');
    expect(running(rest).actions).toEqual([
      {
        kind: 'credentials-lost',
        instanceId: 'a',
        reason: 'its secret was deleted and the credentials are not kept: PUT new credentials',
        missing: 'secret',
      },
    ]);
  });

  it('neither marks nor repairs an instance whose health is not known, and repairs at exactly the threshold', () => {
    expect(running(whole('a'))).toMatchObject({ actions: [], markHealthy: [], markUnhealthy: [], stuck: [] });
    const at = running(whole('a'), {
      healthy: new Map([['a', false]]),
      unhealthySince: new Map([['a', NOW - OPTIONS.unhealthyMs]]),
    });
    expect(at.actions).toMatchObject([
      { kind: 'repair', reason: 'no healthy task for 600 s', fromStep: 'service' },
    ]);
  });

  it('fails a running instance from running only, once its repairs are used up', () => {
    const plan = running(whole('a'), {
      healthy: new Map([['a', false]]),
      unhealthySince: new Map([['a', NOW - OPTIONS.unhealthyMs]]),
      attempts: new Map([['a', 3]]),
    });
    expect(plan.actions).toEqual([
      {
        kind: 'fail',
        instanceId: 'a',
        reason: 'no healthy task for 600 s, after 3 repairs',
        from: ['running'],
      },
    ]);
  });
});
