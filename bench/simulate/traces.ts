/**
 * The arrival traces `npm run simulate` replays: signup times in simulated AWS milliseconds from the
 * start, and the time scale each runs at (real ms per simulated ms). Every strategy sees the same
 * arrivals. The sparse traces run at a harder scale than the busy ones: their hours would otherwise
 * take hours, and there the worker's own real milliseconds (which scaling inflates) matter least.
 */
export interface Trace {
  id: 'steady' | 'spike' | 'diurnal' | 'burst';
  /** One line for the output: what is replayed, and any compression. */
  describe: string;
  arrivalsMs: number[];
  /** The span cost and instance-hours are measured over (simulated ms from the first arrival). */
  windowMs: number;
  timeScale: number;
}

const MIN = 60_000;
const HOUR = 60 * MIN;
/** Busy traces: 20x faster than AWS. The rate buckets scale by the same factor (see scaled-cloud.ts). */
const BUSY_SCALE = 0.05;
/** Sparse traces: 200x. */
const SPARSE_SCALE = 0.005;

/** A small deterministic generator (mulberry32), so every strategy and every run sees the same trace. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function steady(hours: number): Trace {
  const count = 10 * hours;
  return {
    id: 'steady',
    describe: `steady: 10 signups/hour for ${hours} h (one every 6 min), scale ${SPARSE_SCALE}`,
    arrivalsMs: Array.from({ length: count }, (_, i) => i * 6 * MIN),
    windowMs: hours * HOUR,
    timeScale: SPARSE_SCALE,
  };
}

function spike(count: number, spanMin: number): Trace {
  const rng = seeded(500);
  const arrivalsMs = Array.from({ length: count }, () => rng() * spanMin * MIN).sort((a, b) => a - b);
  return {
    id: 'spike',
    describe: `launch spike: ${count} signups at random over ${spanMin} min, scale ${BUSY_SCALE}`,
    arrivalsMs,
    windowMs: (spanMin + 15) * MIN,
    timeScale: BUSY_SCALE,
  };
}

/**
 * A day's curve: the rate follows (1 - cos) from a trough at 04:00 to a peak at 16:00, 10x the
 * trough. The day is compressed `compress` times (arrivals keep their order and relative spacing) so
 * it fits the run; launches and health checks keep AWS's durations, so peaks are sharper than a day's.
 */
function diurnal(perDay: number, compress: number): Trace {
  const rate = (h: number) => 1 + 9 * ((1 - Math.cos((2 * Math.PI * (h - 4)) / 24)) / 2);
  const steps = 24 * 60;
  const cumulative: number[] = [];
  let total = 0;
  for (let m = 0; m < steps; m++) {
    total += rate(m / 60);
    cumulative.push(total);
  }
  const arrivalsMs: number[] = [];
  for (let i = 0; i < perDay; i++) {
    const target = ((i + 0.5) / perDay) * total;
    const minute = cumulative.findIndex((c) => c >= target);
    arrivalsMs.push((minute * MIN) / compress);
  }
  return {
    id: 'diurnal',
    describe: `diurnal: ${perDay} signups over a day's curve (peak 10x trough), the day compressed ${compress}x into ${24 / compress} simulated h, scale ${SPARSE_SCALE}`,
    arrivalsMs,
    windowMs: (24 * HOUR) / compress,
    timeScale: SPARSE_SCALE,
  };
}

function burst(count: number): Trace {
  return {
    id: 'burst',
    describe: `burst: ${count} signups at once, scale ${BUSY_SCALE}`,
    arrivalsMs: Array.from({ length: count }, () => 0),
    windowMs: 30 * MIN,
    timeScale: BUSY_SCALE,
  };
}

export function traces(quick: boolean): Trace[] {
  return quick
    ? [steady(1), spike(100, 2), diurnal(120, 24), burst(200)]
    : [steady(2), spike(500, 10), diurnal(240, 12), burst(1000)];
}
