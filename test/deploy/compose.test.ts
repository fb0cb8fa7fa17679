import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PRODUCTION_NODE_OPTIONS } from '../../bench/support/child-process.js';
import { makeComposeCredentials, writeComposeCredentials } from '../../dev/compose-credentials.js';
import { type Localcloud, startLocalcloud } from '../../localcloud/index.js';
import { envSpec } from '../../shared/config.js';

/** No Docker engine runs here, so the compose file and Dockerfile are checked by reading them. */
interface ComposeService {
  command?: string[];
  user?: string;
  environment?: Record<string, string>;
  volumes?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  deploy?: { replicas?: number };
  build?: string;
  restart?: string;
  ports?: string[];
  network_mode?: string;
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

  /** The long-running services (the credentials service runs once, before them). */
  const longRunning = Object.entries(services).filter(([name]) => name !== 'credentials');

  it('runs redis, localcloud, the api and two workers, each with a health check', () => {
    expect(Object.keys(services).sort()).toEqual(['api', 'credentials', 'localcloud', 'redis', 'worker']);
    for (const [name, service] of longRunning) {
      expect(service.healthcheck?.test.length, `${name} health check`).toBeGreaterThan(1);
    }
    expect(services.worker!.deploy?.replicas).toBe(2);
    // The worker has no port: its check reads the age of the file it touches while its queues run.
    expect(services.worker!.environment!.HEALTH_FILE).toBeTruthy();
    expect(services.worker!.healthcheck!.test.join(' ')).toContain('process.env.HEALTH_FILE');
    // A crashed process (one clear line, exit 1) comes back by itself.
    for (const [, service] of longRunning) expect(service.restart).toBe('unless-stopped');
    expect(services.credentials!.restart).toBe('no');
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
        credentials: { condition: 'service_completed_successfully' },
        redis: { condition: 'service_healthy' },
        localcloud: { condition: 'service_healthy' },
      });
    }
  });

  it('gives the api and workers every required variable, and only variables the config knows', () => {
    const known = new Set([...envSpec.map((s) => s.name), 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']);
    const fromLocalcloud = [...Object.keys(cloud.ids), ...Object.keys(makeComposeCredentials())];
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
      // And the credentials file the credentials service wrote.
      expect(services[name]!.command!.join(' ')).toContain('. /creds/compose.env');
    }
    expect(services.localcloud!.environment!.LOCALCLOUD_IDS_FILE).toBe('/ids/localcloud.env');
  });

  it("publishes the load balancer's port on loopback only, at the port its DNSName names", () => {
    const albPort = services.localcloud!.environment!.LOCALCLOUD_ALB_PORTS;
    expect(albPort).toMatch(/^\d+$/);
    // DNSName is 127.0.0.1:<port> inside the container too, so the host port must be the same.
    expect(services.localcloud!.ports).toContain(`127.0.0.1:${albPort}:${albPort}`);
  });

  it('lets the workers reach instance URLs at the address users open (the gate asks through the ALB)', () => {
    // 127.0.0.1 inside the worker must be localcloud's loopback, where the ALB listens.
    expect(services.worker!.network_mode).toBe('service:localcloud');
    expect(services.worker!.ports).toBeUndefined();
  });
});

describe('docker-compose.yml is safe by default', () => {
  it('publishes ports on 127.0.0.1 only, and Redis not at all unless asked for', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const port of service.ports ?? []) expect(port, name).toMatch(/^127\.0\.0\.1:\d+:\d+$/);
    }
    expect(services.api!.ports).toEqual(['127.0.0.1:3000:3000']);
    expect(services.redis!.ports).toBeUndefined();
    const override = parse(readFileSync('docker-compose.redis-port.yml', 'utf8')) as {
      services: Record<string, ComposeService>;
    };
    expect(override.services.redis!.ports).toEqual(['127.0.0.1:6379:6379']);
  });

  it('fixes no credential: each is made at random on first start into a git-ignored file', () => {
    const secretNames = envSpec.filter((spec) => spec.secret).map((spec) => spec.name);
    for (const name of ['api', 'worker']) {
      const environment = services[name]!.environment ?? {};
      for (const secret of secretNames.filter((n) => n !== 'DEFAULT_ANTHROPIC_API_KEY')) {
        expect(environment, `${name}: ${secret} must come from the credentials file`).not.toHaveProperty(
          secret,
        );
      }
    }
    const made = makeComposeCredentials();
    expect(Object.keys(made).sort()).toEqual(
      [
        'ADMIN_PASSWORD',
        'API_TOKEN',
        'DATA_ENCRYPTION_KEY',
        'METRICS_TOKEN',
        'REDIS_PASSWORD',
        'REDIS_URL',
      ].sort(),
    );
    const again = makeComposeCredentials();
    for (const key of Object.keys(made)) expect(again[key], key).not.toBe(made[key]);
    expect(Buffer.from(made.DATA_ENCRYPTION_KEY!, 'base64')).toHaveLength(32);
    expect(made.REDIS_URL).toBe(`redis://:${made.REDIS_PASSWORD}@redis:6379`);
    // The file lives under .local/, which git ignores, and every service reads it from there.
    expect(readFileSync('.gitignore', 'utf8').split('\n')).toContain('.local/');
    expect(services.credentials!.command!.join(' ')).toContain('/creds/compose.env');
    expect(services.credentials!.volumes).toEqual(['./.local:/creds']);
    for (const name of ['redis', 'api', 'worker'])
      expect(services[name]!.volumes).toContain('./.local:/creds:ro');
    // Redis wants the generated password, and its health check uses it (`$$`: compose's escape for `$`).
    expect(services.redis!.command!.join(' ')).toContain('--requirepass "$$REDIS_PASSWORD"');
    expect(services.redis!.healthcheck!.test.join(' ')).toContain('-a "$$REDIS_PASSWORD"');
  });
});

describe('the credentials service', () => {
  it('writes the file once, readable by its owner only, and keeps it on the next start', () => {
    const dir = mkdtempSync(join(tmpdir(), 'compose-creds-'));
    try {
      const path = join(dir, 'sub', 'compose.env');
      expect(writeComposeCredentials(path)).toBe('created');
      const first = readFileSync(path, 'utf8');
      expect(statSync(path).mode & 0o777).toBe(0o600);
      expect(first).toMatch(/^API_TOKEN=\S{32}$/m);
      expect(writeComposeCredentials(path)).toBe('kept');
      expect(readFileSync(path, 'utf8')).toBe(first);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
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
    // So is its state file, on a named volume, so a restart keeps the account (issue 11).
    const stateFile = services.localcloud!.environment!.LOCALCLOUD_STATE_FILE!;
    const stateVolume = services.localcloud!.volumes!.find((v) =>
      stateFile.startsWith(`${v.split(':')[1]}/`),
    );
    expect(stateVolume, 'a volume holding LOCALCLOUD_STATE_FILE').toBeDefined();
    expect(Object.keys(compose.volumes)).toContain(stateVolume!.split(':')[0]);
    const stateMount = stateVolume!.split(':')[1]!;
    expect(dockerfile).toContain(`mkdir -p ${stateMount} && chown ${user}:${user} ${stateMount}`);
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
