import type { Cloud } from '../cloud.js';
import { errorPage } from './alb-responses.js';
import type { ProxyRoute } from './alb-server.js';
import { type AlbServer, startAlbServer } from './alb-server.js';
import { cloudRoutes } from './cloud-routes.js';

/**
 * Every emulated ALB's real listener. The servers listen before the cloud is built, so each load
 * balancer's DNSName can be the address that opens (`127.0.0.1:4580`); `attach` then routes
 * server i to the cloud's i-th load balancer (the same ARNs after a reset, which reuses the seed).
 */
export interface DataPlane {
  addresses: string[];
  attach(cloud: Cloud): void;
  close(): Promise<void>;
}

export interface DataPlaneOptions {
  host: string;
  count: number;
  /** Port per load balancer; missing or 0 = a random free port. */
  ports?: readonly number[];
  idleTimeoutMs?: number;
}

const NOT_READY: ProxyRoute = { kind: 'answer', answer: errorPage(503) };

export async function startDataPlane(options: DataPlaneOptions): Promise<DataPlane> {
  let routes: ((path: string) => ProxyRoute)[] = [];
  const servers: AlbServer[] = [];
  try {
    for (let i = 0; i < options.count; i++) {
      servers.push(
        await startAlbServer({
          host: options.host,
          port: options.ports?.[i] ?? 0,
          idleTimeoutMs: options.idleTimeoutMs,
          resolve: (path) => routes[i]?.(path) ?? NOT_READY,
        }),
      );
    }
  } catch (err) {
    await Promise.all(servers.map((s) => s.close()));
    throw err;
  }
  return {
    addresses: servers.map((s) => s.address),
    attach(cloud) {
      routes = [...cloud.state.loadBalancers.keys()].map((arn) => cloudRoutes(cloud, arn));
    },
    async close() {
      await Promise.all(servers.map((s) => s.close()));
    },
  };
}
