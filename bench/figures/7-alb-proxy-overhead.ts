import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startAlbServer } from '../../localcloud/dataplane/alb-server.js';
import { routeRequest } from '../../localcloud/dataplane/route-request.js';
import type { Figure, FigureRun } from '../support/figure.js';

const RULES = 100;
const REQUESTS = 2000;
const WARMUP = 200;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

/** One keep-alive GET, its latency in ms. */
function timedGet(agent: Agent, port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = request({ host: '127.0.0.1', port, path, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(performance.now() - t0));
    });
    req.on('error', reject);
    req.end();
  });
}

async function latencies(port: number, path: string): Promise<number[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    for (let i = 0; i < WARMUP; i++) await timedGet(agent, port, path);
    const out: number[] = [];
    for (let i = 0; i < REQUESTS; i++) out.push(await timedGet(agent, port, path));
    return out;
  } finally {
    agent.destroy();
  }
}

/**
 * What localcloud's load balancer adds to a request (issue 11): sequential keep-alive GETs to a
 * gateway-sized answer, once straight to the target and once through an ALB listener holding 100
 * instances' rules (`/<id>` and `/<id>/*`), the matching rule last in priority order.
 */
export const albProxyOverhead: Figure = {
  id: 7,
  name: 'ALB proxy overhead',
  sizes: `${REQUESTS} sequential keep-alive GETs each way after ${WARMUP} warm-up, ${RULES} instances' rules`,
  unavailable: async () => null,
  async run(): Promise<FigureRun> {
    const body = JSON.stringify({ instanceId: 'bench', status: 'ok' });
    const target = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(body);
    });
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    const endpoint = { host: '127.0.0.1', port: (target.address() as AddressInfo).port };
    const rules = Array.from({ length: RULES }, (_, i) => ({
      priority: 1000 + i,
      conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: [`/i${i}`, `/i${i}/*`] } }],
      actions: [{ Type: 'forward', TargetGroupArn: `tg-${i}` }],
    }));
    const fallback = [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404' } }];
    const alb = await startAlbServer({
      host: '127.0.0.1',
      port: 0,
      resolve: (path) => {
        const action = routeRequest(rules, fallback, { path });
        return action.type === 'forward'
          ? { kind: 'forward', endpoint }
          : { kind: 'answer', answer: { status: 404, contentType: 'text/plain', body: 'not found' } };
      },
    });
    try {
      const path = `/i${RULES - 1}/health`;
      const direct = median(await latencies(endpoint.port, path));
      const proxied = median(await latencies(alb.port, path));
      return {
        metrics: [
          { label: 'direct p50', unit: 'ms', value: direct },
          { label: 'through the ALB p50', unit: 'ms', value: proxied, baseline: direct },
          {
            label: 'proxy overhead p50',
            unit: 'ms',
            value: proxied - direct,
            target: { on: 'value', op: '<=', limit: 1, text: '<= 1 ms' },
          },
        ],
        notes: ['in-process target and listener in the bench process; loopback only'],
      };
    } finally {
      await alb.close();
      await new Promise<void>((resolve) => target.close(() => resolve()));
    }
  },
};
