import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPipeline } from '../support/pipeline.js';

/**
 * The headroom report counts signups that waited for a scale-up: placement must say so exactly. The
 * starting instance holds two awsvpc tasks; the third signup waits for the ASG to add one.
 */
describe('placement records whether a signup waited for capacity', () => {
  let p: Awaited<ReturnType<typeof startPipeline>>;
  beforeAll(async () => {
    p = await startPipeline();
  });
  afterAll(() => p?.close());

  it('is false for tasks placed at once and true for the one that waited for a new instance', async () => {
    const first = await Promise.all([p.submit('fits-1'), p.submit('fits-2')]);
    const placed = await p.waitForStatus(
      first.map((s) => s.id),
      ['running'],
    );
    expect(placed.map((r) => r.steps.placement.output?.waitedForCapacity)).toEqual(['false', 'false']);

    const third = await p.submit('waits');
    const [waited] = await p.waitForStatus([third.id], ['running']);
    expect(waited!.steps.placement.output?.waitedForCapacity).toBe('true');
    expect(Number(waited!.steps.placement.output?.placementWaitMs)).toBeGreaterThan(0);
  });
});
