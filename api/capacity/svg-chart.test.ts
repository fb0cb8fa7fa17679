import { describe, expect, it } from 'vitest';
import { costJumpMarkers } from './cost-markers.js';
import { formatTime, formatValue, lineChart, niceTicks } from './svg-chart.js';

describe('chart ticks and labels', () => {
  it.each([
    { max: 0, scale: 'count', ticks: [0, 1] },
    { max: 3, scale: 'count', ticks: [0, 1, 2, 3] },
    { max: 8.8, scale: 'count', ticks: [0, 5, 10] },
    { max: 0.55, scale: 'count', ticks: [0, 1] },
    { max: 110, scale: 'percent', ticks: [0, 25, 50, 75, 100] },
    { max: 190, scale: 'money', ticks: [0, 50, 100, 150, 200] },
    { max: 12.25, scale: 'money', ticks: [0, 5, 10, 15] },
  ] as const)('$scale up to $max -> $ticks', ({ max, scale, ticks }) => {
    expect(niceTicks(max, scale)).toEqual(ticks);
  });
  it('formats whole instances, whole percent and dollars', () => {
    expect([formatValue(2, 'count'), formatValue(50, 'percent'), formatValue(50, 'money')]).toEqual([
      '2',
      '50%',
      '$50',
    ]);
    expect(formatValue(12.25, 'money')).toBe('$12.3');
    expect(formatValue(0.5, 'money')).toBe('$0.50');
  });
  it('labels times by clock within a day, by day and hour beyond', () => {
    const t = Date.UTC(2026, 10, 29, 14, 5);
    expect(formatTime(t, 3600_000)).toBe('14:05');
    expect(formatTime(t, 7 * 86_400_000)).toBe('11-29 14h');
  });
  it('every point is focusable with its time and value; gaps break the line', () => {
    const t0 = Date.UTC(2026, 0, 1, 10, 0);
    const svg = String(
      lineChart({
        id: 'c',
        title: 'Instances',
        times: [t0, t0 + 60_000, t0 + 120_000],
        scale: 'count',
        series: [{ name: 'instances', color: '#000', values: [1, null, 3] }],
      }),
    );
    expect(svg.match(/tabindex="0"/g)).toHaveLength(2);
    expect(svg).toContain('data-label="10:02 UTC · instances: 3"');
    expect(svg).toMatch(/d="M[\d.]+,[\d.]+ M[\d.]+,[\d.]+"/);
  });
});

describe('cost-per-user jump markers', () => {
  const point = (at: number, perUser: number | null, instances: number, users: number, waiting = 0) => ({
    bucket: at,
    at,
    resolutionMs: 60_000,
    reservation: 100,
    m: instances,
    n: instances,
    desired: instances,
    action: 'hold',
    instances: { total: instances, spot: instances - 1, onDemand: 1 },
    idle: 0,
    tasks: { running: users, pending: 0, waitingForCapacity: waiting },
    waitingSignups: waiting,
    utilisation: { cpu: 50, memory: 50 },
    cost: { perHour: 1, perUserPerMonth: perUser, idlePerMonth: 0, users },
  });
  it('explains a scale-up with its waiting signups, and ignores small moves', () => {
    const markers = costJumpMarkers([
      point(1, 40, 1, 2),
      point(2, 41, 1, 2),
      point(3, 95, 2, 2, 1),
      point(4, 60, 2, 3),
    ]);
    expect(markers).toEqual([
      { index: 2, label: '1', text: '$41.00 → $95.00 per user: scale-up +1 instance for 1 waiting signup' },
      { index: 3, label: '2', text: '$95.00 → $60.00 per user: users 2 → 3' },
    ]);
  });
});
