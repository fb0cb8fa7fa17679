import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeSealer } from '../shared/crypto.js';
import { makeLogger } from '../shared/logger.js';
import type { InstanceQueue } from '../shared/queues.js';
import { makeInstanceStore } from '../shared/store/instance-store.js';
import { makeTestNamespace } from '../test/support/redis-namespace.js';
import { provisionInstance } from './provision.js';

const routing = {
  listeners: [{ listenerArn: 'arn:listener/a', dnsName: 'a.example' }],
  rulesPerListener: 10,
  targetGroupsPerAlb: 10,
  margin: 0,
};

describe('provisionInstance when the queue refuses', () => {
  let ns: ReturnType<typeof makeTestNamespace>;
  beforeEach(() => {
    ns = makeTestNamespace();
  });
  afterEach(() => ns.cleanup());

  it('still answers with the one-time token: the queued record is durable and the reconciler enqueues it', async () => {
    const store = makeInstanceStore(ns.redis, { prefix: ns.prefix, routing });
    // Fault injection at the boundary: Redis took the record, then the job add failed.
    const refusing = {
      enqueueCreate: () => Promise.reject(new Error('Connection is closed.')),
    } as unknown as InstanceQueue;
    const result = await provisionInstance(
      {
        store,
        instanceQueue: refusing,
        sealer: makeSealer(randomBytes(32).toString('base64')),
        log: makeLogger({ level: 'silent', name: 'test' }),
      },
      { userId: 'ada', email: 'ada@example.com', requestId: 'r1', reason: 'test' },
    );
    expect(result.kind).toBe('created');
    if (result.kind !== 'created') return;
    expect(result.gatewayToken.length).toBeGreaterThanOrEqual(32);
    expect((await store.get(result.instance.id))?.status).toBe('queued');
  });
});
