import { describe, expect, it } from 'vitest';
import { emptySteps, type InstanceRecord } from '../domain.js';
import { findIdleInstances } from './idle-instances.js';
import { computeUtilisation } from './utilisation.js';
import { findWaitingSignups } from './waiting-signups.js';

const T0 = Date.parse('2025-01-01T00:00:00Z');
const ci = (
  id: string,
  o: Partial<{ running: number; pending: number; status: string; agent: boolean; registeredAt: number }> = {},
) => ({
  arn: `arn:ci/${id}`,
  ec2InstanceId: id,
  status: o.status ?? 'ACTIVE',
  agentConnected: o.agent ?? true,
  runningTasks: o.running ?? 0,
  pendingTasks: o.pending ?? 0,
  registeredAt: o.registeredAt ?? T0,
});

describe('findIdleInstances', () => {
  it.each([
    { name: 'busy is not idle', inst: ci('a', { running: 1 }), prev: null, idle: false, since: 0 },
    { name: 'pending is not idle', inst: ci('a', { pending: 1 }), prev: null, idle: false, since: 0 },
    {
      name: 'draining is not idle',
      inst: ci('a', { status: 'DRAINING' }),
      prev: null,
      idle: false,
      since: 0,
    },
    {
      name: 'agent disconnected is not idle',
      inst: ci('a', { agent: false }),
      prev: null,
      idle: false,
      since: 0,
    },
    { name: 'first sample: idle since now', inst: ci('a'), prev: null, idle: true, since: T0 + 600_000 },
    {
      name: 'carried from the previous sample',
      inst: ci('a'),
      prev: { at: T0 + 540_000, seen: new Set(['a']), idleSince: new Map([['a', T0 + 60_000]]) },
      idle: true,
      since: T0 + 60_000,
    },
    {
      name: 'busy before: idle since now',
      inst: ci('a'),
      prev: { at: T0 + 540_000, seen: new Set(['a']), idleSince: new Map() },
      idle: true,
      since: T0 + 600_000,
    },
    {
      name: 'new since previous: idle since it registered',
      inst: ci('a', { registeredAt: T0 + 570_000 }),
      prev: { at: T0 + 540_000, seen: new Set<string>(), idleSince: new Map() },
      idle: true,
      since: T0 + 570_000,
    },
  ])('$name', ({ inst, prev, idle, since }) => {
    const now = T0 + 600_000;
    const out = findIdleInstances([inst], now, prev);
    expect(out.length === 1).toBe(idle);
    if (idle) expect(out[0]).toMatchObject({ idleSince: since, idleForMs: now - since });
  });
});

describe('computeUtilisation', () => {
  it('sums reserved against registered, skipping INACTIVE', () => {
    const u = computeUtilisation([
      { status: 'ACTIVE', registered: { cpu: 2048, memory: 3828 }, remaining: { cpu: 1024, memory: 756 } },
      { status: 'ACTIVE', registered: { cpu: 2048, memory: 7763 }, remaining: { cpu: 2048, memory: 7763 } },
      { status: 'INACTIVE', registered: { cpu: 2048, memory: 3828 }, remaining: { cpu: 0, memory: 0 } },
    ]);
    expect(u.registered).toEqual({ cpu: 4096, memory: 11591 });
    expect(u.reserved).toEqual({ cpu: 1024, memory: 3072 });
    expect(u.percent.cpu).toBe(25);
    expect(u.percent.memory).toBeCloseTo((3072 / 11591) * 100, 10);
  });
  it('is 0% on an empty fleet', () => {
    expect(computeUtilisation([]).percent).toEqual({ cpu: 0, memory: 0 });
  });
});

describe('findWaitingSignups', () => {
  const rec = (
    id: string,
    status: InstanceRecord['status'],
    step: InstanceRecord['currentStep'],
    state: string,
    startedAt?: string,
  ) => {
    const steps = emptySteps();
    steps.placement = { state: state as never, attempts: 1, ...(startedAt ? { startedAt } : {}) };
    return { id, status, currentStep: step, steps };
  };
  it('lists provisioning instances waiting in placement, oldest first', () => {
    const now = T0 + 300_000;
    const out = findWaitingSignups(
      [
        rec('b', 'provisioning', 'placement', 'waiting', new Date(T0 + 120_000).toISOString()),
        rec('a', 'provisioning', 'placement', 'waiting', new Date(T0).toISOString()),
        rec('c', 'provisioning', 'service', 'pending'),
        rec('d', 'running', 'placement', 'done', new Date(T0).toISOString()),
        rec('e', 'provisioning', 'placement', 'done', new Date(T0).toISOString()),
      ],
      now,
    );
    expect(out).toEqual([
      { instanceId: 'a', since: T0, waitingMs: 300_000 },
      { instanceId: 'b', since: T0 + 120_000, waitingMs: 180_000 },
    ]);
  });
});
