import autocannon from 'autocannon';

export interface LoadResult {
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  sent: number;
  ok: number;
  non2xx: number;
  errors: number;
  durationS: number;
}

/**
 * `POST /v1/instances` at a fixed number of connections with autocannon, every request a new userId
 * (setupRequest numbers them), so each one is a real signup and none is the idempotent repeat.
 */
export async function postSignups(options: {
  url: string;
  token?: string;
  connections: number;
  amount: number;
  tag: string;
}): Promise<LoadResult> {
  let n = 0;
  const t0 = performance.now();
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    amount: options.amount,
    // autocannon ends an `amount` run on its next sample tick (every sampleInt ms, 1000 by default), so
    // with 1 s ticks a 0.6 s burst measured as 1.0 s and every figure-1 throughput came out as
    // amount / whole seconds (the ratio could only be 1/2, 1/3, ...). 10 ms ticks bound that error to 10 ms.
    sampleInt: 10,
    timeout: 30,
    requests: [
      {
        method: 'POST',
        path: '/v1/instances',
        headers: {
          'content-type': 'application/json',
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        },
        setupRequest(req) {
          n += 1;
          const userId = `${options.tag}-${n}`;
          return { ...req, body: JSON.stringify({ userId, email: `${userId}@bench.example` }) };
        },
      },
    ],
  });
  // autocannon rounds its own duration; the wall clock around the run (within one 10 ms tick of the last
  // response) is exact enough for short bursts.
  const durationS = (performance.now() - t0) / 1000;
  return {
    requestsPerSec: result['2xx'] / durationS,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    sent: result.requests.sent,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    durationS,
  };
}
