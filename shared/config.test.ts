import { describe, expect, it } from 'vitest';
import { ConfigError, envSpec, loadApiConfig, loadWorkerConfig } from './config.js';

const key = Buffer.alloc(32, 7).toString('base64');
const api = {
  API_TOKEN: 'a'.repeat(24),
  ADMIN_PASSWORD: 'hunter22',
  DATA_ENCRYPTION_KEY: key,
  ALB_LISTENER_ARN: 'arn:l',
  ALB_DNS_NAME: 'alb.test',
};
const worker = {
  DATA_ENCRYPTION_KEY: key,
  ALB_LISTENER_ARNS: 'arn:l1, arn:l2',
  ALB_DNS_NAMES: 'one.test,two.test',
  ECS_CLUSTER: 'openclaw-cluster',
  CAPACITY_PROVIDER: 'openclaw-spot',
  ASG_NAME: 'openclaw-ecs-asg',
  VPC_ID: 'vpc-1',
  SUBNET_IDS: 'subnet-a,subnet-b',
  SECURITY_GROUP_IDS: 'sg-1',
  EXECUTION_ROLE_ARN: 'arn:aws:iam::1:role/exec',
  TASK_ROLE_ARN: 'arn:aws:iam::1:role/task',
  GATEWAY_IMAGE: 'ghcr.io/openclaw/gateway:1.2.3',
  LOG_GROUP: '/openclaw/gateways',
  DEFAULT_ANTHROPIC_API_KEY: 'sk-ant-default',
};

describe('config', () => {
  it('applies defaults and builds the routing pool from the single-listener form', () => {
    const config = loadApiConfig(api);
    expect(config.PORT).toBe(3000);
    expect(config.REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(config.routing).toEqual({
      listeners: [{ listenerArn: 'arn:l', dnsName: 'alb.test' }],
      rulesPerListener: 100,
      targetGroupsPerAlb: 100,
      margin: 2,
    });
  });

  it('splits comma lists and pairs listeners with DNS names', () => {
    const config = loadWorkerConfig(worker);
    expect(config.SUBNET_IDS).toEqual(['subnet-a', 'subnet-b']);
    expect(config.routing.listeners.map((l) => l.dnsName)).toEqual(['one.test', 'two.test']);
  });

  it.each([
    [
      { ...worker, GATEWAY_IMAGE: 'ghcr.io/openclaw/gateway:latest' },
      /GATEWAY_IMAGE: must not use the mutable "latest" tag/,
    ],
    [{ ...worker, GATEWAY_IMAGE: 'ghcr.io/openclaw/gateway' }, /GATEWAY_IMAGE: must be pinned/],
    [{ ...worker, DATA_ENCRYPTION_KEY: 'short' }, /DATA_ENCRYPTION_KEY: must be 32 bytes/],
    [{ ...worker, WORKER_CONCURRENCY: 'ten' }, /WORKER_CONCURRENCY/],
    [
      { ...worker, ALB_DNS_NAMES: 'one.test' },
      /ALB_DNS_NAMES: needs one DNS name per listener \(2 listeners, 1 names\)/,
    ],
    [{ ...worker, ECS_CLUSTER: '' }, /^ECS_CLUSTER: .*\(ECS cluster that runs the gateways\)/],
  ])('stops with one line naming the variable (%#)', (env, message) => {
    expect(() => loadWorkerConfig(env)).toThrow(ConfigError);
    expect(() => loadWorkerConfig(env)).toThrow(message);
  });

  it('never shows a secret when the config is serialised', () => {
    const text = JSON.stringify(loadWorkerConfig(worker));
    expect(text).not.toContain('sk-ant-default');
    expect(text).not.toContain(key);
    expect(text).toContain('[redacted]');
  });

  it('describes every variable of both schemas', () => {
    for (const spec of envSpec) expect(spec.description, spec.name).not.toBe('');
    expect(envSpec.find((s) => s.name === 'API_TOKEN')).toMatchObject({
      required: true,
      secret: true,
      services: ['api'],
    });
  });

  it('takes webhook endpoints only with a Standard Webhooks secret, and hides the secret', () => {
    const secret = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;
    const urls = 'https://backend.test/hooks, http://127.0.0.1:9/h';
    expect(() => loadWorkerConfig({ ...worker, WEBHOOK_URLS: urls })).toThrow(/^WEBHOOK_SECRET: required/);
    expect(() => loadWorkerConfig({ ...worker, WEBHOOK_URLS: urls, WEBHOOK_SECRET: 'plain-secret' })).toThrow(
      /^WEBHOOK_SECRET: must be whsec_/,
    );
    expect(() =>
      loadWorkerConfig({ ...worker, WEBHOOK_URLS: 'ftp://x.test/h', WEBHOOK_SECRET: secret }),
    ).toThrow(/^WEBHOOK_URLS/);
    const config = loadWorkerConfig({ ...worker, WEBHOOK_URLS: urls, WEBHOOK_SECRET: secret });
    expect(config.WEBHOOK_URLS).toEqual(['https://backend.test/hooks', 'http://127.0.0.1:9/h']);
    expect(JSON.stringify(config)).not.toContain(secret);
    expect(loadApiConfig({ ...api, WEBHOOK_URLS: urls }).WEBHOOK_URLS).toHaveLength(2);
  });
});
