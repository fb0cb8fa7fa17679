import { describe, expect, it } from 'vitest';
import { waitedForScaleUp } from './placement.js';

const at = (s: number) => new Date(Date.UTC(2026, 10, 27, 12, 0, s));

describe('waitedForScaleUp', () => {
  it.each([
    ['placed on an instance that was there before the task', at(30), at(0), false],
    ['placed on an instance that registered after the task was created', at(0), at(200), true],
    ['registered the same instant (no wait)', at(10), at(10), false],
  ])('%s', (_name, createdAt, registeredAt, expected) => {
    expect(waitedForScaleUp({ createdAt }, { registeredAt })).toBe(expected);
  });

  it('says no when ECS gave no times', () => {
    expect(waitedForScaleUp({}, { registeredAt: at(5) })).toBe(false);
    expect(waitedForScaleUp({ createdAt: at(5) }, {})).toBe(false);
  });
});
