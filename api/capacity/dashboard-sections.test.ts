import { describe, expect, it } from 'vitest';
import { renderSections } from './dashboard-sections.js';
import { lineChart } from './svg-chart.js';

describe('dashboard HTML', () => {
  it('escapes text from AWS and the sampler, in text and in attributes', () => {
    const hostile = `<img src=x onerror="alert(1)">'`;
    const sections = renderSections({
      now: 0,
      sample: null,
      lastEntry: { bucket: 0, at: 0, gap: true, reason: hostile, resolutionMs: 60_000 },
      history: [],
      cost: null,
      headroom: null,
    });
    const summary = String(sections.summary);
    expect(summary).not.toContain('<img');
    expect(summary).toContain('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&#39;');
    const chart = String(
      lineChart({
        id: hostile,
        title: hostile,
        times: [0],
        scale: 'count',
        series: [{ name: hostile, color: '#000', values: [1] }],
      }),
    );
    expect(chart).not.toMatch(/<img|id="<|onerror="/);
  });
});
