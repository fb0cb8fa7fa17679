/**
 * Every Redis key the instance store and routing pool write, under the deployment's prefix (QUEUE_PREFIX),
 * so tests and several deployments can share one Redis without seeing each other.
 */
export function makeKeys(prefix: string) {
  return {
    instance: (id: string) => `${prefix}:inst:${id}`,
    user: (userId: string) => `${prefix}:user:${userId}`,
    indexAll: `${prefix}:idx:all`,
    indexStatus: (status: string) => `${prefix}:idx:status:${status}`,
    events: (id: string) => `${prefix}:events:${id}`,
    eventsPattern: `${prefix}:events:*`,
    lock: (id: string) => `${prefix}:lock:${id}`,
    routing: (listenerArn: string) => `${prefix}:route:${listenerArn}`,
    /** Slots handed out and given back (sorted set, score = slot), lowest reused first. */
    routingFree: (listenerArn: string) => `${prefix}:route-free:${listenerArn}`,
    /** High-water mark: the lowest slot never handed out (string counter). */
    routingTop: (listenerArn: string) => `${prefix}:route-top:${listenerArn}`,
    blockedSlots: (listenerArn: string) => `${prefix}:route-blocked:${listenerArn}`,
  };
}
export type Keys = ReturnType<typeof makeKeys>;

/** Index members sort by creation time, then id: `<ms, 15 digits>:<id>`. */
export function indexMember(createdAtMs: number, id: string): string {
  return `${String(createdAtMs).padStart(15, '0')}:${id}`;
}
