import { describe, expect, it } from 'vitest';
import { chooseDefault, spikeFloor } from './report.js';
import type { Cell } from './run-cell.js';
import type { Trace } from './traces.js';

const cell = (trace: Cell['trace'], strategy: string, p95: number, dollarsPerMonth: number) =>
  ({ trace, strategy, p95, dollarsPerMonth }) as Cell;

describe('chooseDefault', () => {
  it('takes the cheapest strategy on the steady trace among those meeting both targets', () => {
    const lines = chooseDefault([
      cell('steady', 'none', 300, 100),
      cell('spike', 'none', 300, 1000),
      cell('steady', 'a', 50, 114),
      cell('spike', 'a', 55, 1000),
      cell('steady', 'b', 50, 110),
      cell('spike', 'b', 59, 1000),
    ]);
    expect(lines.at(-1)).toBe('default chosen: b');
  });

  it('when none meets both, says so and takes the lowest spike p95 within +15% on steady', () => {
    const lines = chooseDefault([
      cell('steady', 'none', 300, 100),
      cell('spike', 'none', 300, 1000),
      cell('steady', 'predictive', 100, 105),
      cell('spike', 'predictive', 200, 1100),
      cell('steady', 'warm', 60, 160),
      cell('spike', 'warm', 90, 2000),
    ]);
    expect(lines).toContain(
      'warm: spike p95 90 s (target < 60), steady 60.0% over none (target <= +15%): NOT MET',
    );
    expect(lines.at(-1)).toBe(
      'default chosen: predictive (none meets both targets; the lowest spike p95 within +15% on steady)',
    );
  });
});

describe('spikeFloor', () => {
  it('counts the signups arriving before capacity launched at the first one could serve them', () => {
    // 40 s to start a placed task leaves 20 s to wait; a launch takes 180 s: arrivals before 160 s count.
    const trace = { id: 'spike', arrivalsMs: [0, 10_000, 159_000, 161_000, 300_000] } as Trace;
    const [line] = spikeFloor(trace, 2);
    expect(line).toContain('The 3 signups (60%) arriving in the first 160 s');
    expect(line).toContain('needs 2 spare instances (2 tasks each)');
  });
});
