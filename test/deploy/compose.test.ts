import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PRODUCTION_NODE_OPTIONS } from '../../bench/support/child-process.js';
import { type Localcloud, startLocalcloud } from '../../localcloud/index.js';
import { envSpec } from '../../shared/config.js';

/** No Docker engine runs here, so the compose file and Dockerfile are checked by reading them. */
interface ComposeService {
  command?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  deploy?: { replicas?: number };
  build?: string;
  restart?: string;
  ports?: string[];
}

const compose = parse(readFileSync('docker-compose.yml', 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
  volumes: Record<string, unknown>;
};
const dockerfile = readFileSync('Dockerfile', 'utf8');
const services = compose.services;

describe('docker-compose.yml', () => {
  let cloud: Localcloud;
  beforeAll(async () => {
    cloud = await startLocalcloud({ port: 0 });
  });
  afterAll(() => cloud.close());

  it('runs redis, localcloud, the api and two workers, each with a health check', () => {
    expect(Object.keys(services).sort()).toEqual(['api', 'localcloud', 'redis', 'worker']);
    for (const [name, service] of Object.entries(services)) {
      expect(service.healthcheck?.test.length, `${name} health check`).toBeGreaterThan(1);
    }
    expect(services.worker!.deploy?.replicas).toBe(2);
    // The worker has no port: its check reads the age of the file it touches while its queues run.
    expect(services.worker!.environment!.HEALTH_FILE).toBeTruthy();
    expect(services.worker!.healthcheck!.test.join(' ')).toContain('process.env.HEALTH_FILE');
    // A crashed process (one clear line, exit 1) comes back by itself.
    for (const service of Object.values(services)) expect(service.restart).toBe('unless-stopped');
  });

  it('runs Redis with AOF, noeviction and a named volume', () => {
    const command = services.redis!.command!.join(' ');
    expect(command).toContain('--appendonly yes');
    expect(command).toContain('--maxmemory-policy noeviction');
    const volume = services.redis!.volumes![0]!.split(':')[0]!;
    expect(Object.keys(compose.volumes)).toContain(volume);
  });

  it('starts the api and workers only after Redis and localcloud are healthy', () => {
    for (const name of ['api', 'worker']) {
      expect(services[name]!.depends_on).toEqual({
        redis: { condition: 'service_healthy' },
        localcloud: { condition: 'service_healthy' },
      });
    }
  });

  it('gives the api and workers every required variable, and only variables the config knows', () => {
    const known = new Set([...envSpec.map((s) => s.name), 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']);
    const fromLocalcloud = Object.keys(cloud.ids);
    for (const name of ['api', 'worker'] as const) {
      const given = new Set([...Object.keys(services[name]!.environment ?? {}), ...fromLocalcloud]);
      for (const variable of Object.keys(services[name]!.environment ?? {})) {
        expect(known.has(variable), `${name}: ${variable} is not in the config schema`).toBe(true);
      }
      const missing = envSpec
        .filter((s) => s.required && s.services.includes(name) && !given.has(s.name))
        .map((s) => s.name);
      expect(missing, `${name} lacks required variables`).toEqual([]);
      // The ids file, written by localcloud, is sourced before the process starts.
      expect(services[name]!.command!.join(' ')).toContain('. /ids/localcloud.env');
    }
    expect(services.localcloud!.environment!.LOCALCLOUD_IDS_FILE).toBe('/ids/localcloud.env');
  });

  it("publishes the load balancer's port on loopback only, at the port its DNSName names", () => {
    const albPort = services.localcloud!.environment!.LOCALCLOUD_ALB_PORTS;
    expect(albPort).toMatch(/^\d+$/);
    // DNSName is 127.0.0.1:<port> inside the container too, so the host port must be the same.
    expect(services.localcloud!.ports).toContain(`127.0.0.1:${albPort}:${albPort}`);
  });
});

describe('Dockerfile', () => {
  it('builds in stages with npm ci and ships production dependencies only', () => {
    expect(dockerfile.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile).toMatch(/RUN npm ci /);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    expect(dockerfile).toMatch(/npm run build/);
  });

  it('caps the heap as the benchmarks measured it', () => {
    expect(dockerfile).toContain(`ENV NODE_OPTIONS=${PRODUCTION_NODE_OPTIONS}`);
  });

  it('runs as a non-root user with a health check', () => {
    const user = dockerfile.match(/^USER (\S+)/m)?.[1];
    expect(user).toBeDefined();
    expect(['root', '0']).not.toContain(user);
    expect(dockerfile).toMatch(/^HEALTHCHECK /m);
    // The ids volume is written by localcloud running as that user.
    const idsMount = services.localcloud!.volumes![0]!.split(':')[1]!;
    expect(dockerfile).toContain(`mkdir -p ${idsMount} && chown ${user}:${user} ${idsMount}`);
    expect(dockerfile.indexOf('chown')).toBeLessThan(dockerfile.indexOf('USER '));
  });

  it('copies only paths that exist and starts compiled output', () => {
    const copied = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => m[1]!.split(' '));
    for (const path of copied) expect(existsSync(path), path).toBe(true);
    for (const service of ['localcloud', 'api', 'worker']) {
      const main = services[service]!.command!.join(' ').match(/dist\/(\S+)\.js/)![1]!;
      expect(existsSync(`${main}.ts`), `${service} entry ${main}.ts`).toBe(true);
    }
  });
});
