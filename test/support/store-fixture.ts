import { afterEach, beforeEach } from 'vitest';
import type { RoutingConfig } from '../../shared/config.js';
import { newInstanceId } from '../../shared/naming.js';
import { makeInstanceStore } from '../../shared/store/instance-store.js';
import { makeTestNamespace } from './redis-namespace.js';

/** A fresh instance store per test (its own key prefix on the shared Redis), and a one-line create. */
export function storeFixture(routing: RoutingConfig) {
  let ns: ReturnType<typeof makeTestNamespace>;
  let store: ReturnType<typeof makeInstanceStore>;
  beforeEach(() => {
    ns = makeTestNamespace();
    store = makeInstanceStore(ns.redis, { prefix: ns.prefix, routing });
  });
  afterEach(() => ns.cleanup());
  return {
    get store() {
      return store;
    },
    /** A new instance of `userId`; throws unless it was created. */
    async create(userId: string) {
      const made = await store.create({
        id: newInstanceId(),
        userId,
        email: `${userId}@x.test`,
        requestId: 'r',
        sealed: { gatewayToken: 'sealed' },
      });
      if (made.kind !== 'created') throw new Error(`create for ${userId}: ${made.kind}`);
      return made.instance;
    },
  };
}
