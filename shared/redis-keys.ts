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
    lock: (id: string) => `${prefix}:lock:${id}`,
    routing: (listenerArn: string) => `${prefix}:route:${listenerArn}`,
    /** Slots a create may take next (sorted set, score = slot): freed ones, and `top` at the high-water mark. */
    routingNext: (listenerArn: string) => `${prefix}:route-next:${listenerArn}`,
    /** Listeners found full (hash ARN -> the capacity they were full at), so creates skip them. */
    routingFull: `${prefix}:route-full`,
    /** Deleted instances whose delete left housekeeping undone (hash id -> leftovers JSON), for the reconciler. */
    leftovers: `${prefix}:leftovers`,
  };
}

/** Index members sort by creation time, then id: `<ms, 15 digits>:<id>`. */
export function indexMember(createdAtMs: number, id: string): string {
  return `${String(createdAtMs).padStart(15, '0')}:${id}`;
}
