/**
 * The one registry of our Redis keys (BullMQ's queues keep their own, under `<prefix>:<queue>:`). Every
 * key is under the deployment's prefix (QUEUE_PREFIX), so tests and several deployments can share one
 * Redis without seeing each other.
 */
export function makeKeys(prefix: string) {
  return {
    reconciler: reconcileKeys(prefix),
    capacity: capacityKeys(prefix),
    instance: (id: string) => `${prefix}:inst:${id}`,
    user: (userId: string) => `${prefix}:user:${userId}`,
    indexAll: `${prefix}:idx:all`,
    indexStatus: (status: string) => `${prefix}:idx:status:${status}`,
    /** Index members of records set to expire (score = when, ms), so their index entries go with them. */
    indexExpiring: `${prefix}:idx:expiring`,
    events: (id: string) => `${prefix}:events:${id}`,
    lock: (id: string) => `${prefix}:lock:${id}`,
    routing: (listenerArn: string) => `${prefix}:route:${listenerArn}`,
    /** Slots a create may take next (sorted set, score = slot): freed ones, and `top` at the high-water mark. */
    routingNext: (listenerArn: string) => `${prefix}:route-next:${listenerArn}`,
    /** Listeners found full (hash ARN -> the capacity they were full at), so creates skip them. */
    routingFull: `${prefix}:route-full`,
    /** Deleted instances whose delete left housekeeping undone (hash id -> leftovers JSON), for the reconciler. */
    leftovers: `${prefix}:leftovers`,
    /** Failed admin logins per client address (rate-limiter-flexible appends `:<address>`). */
    adminLoginFailures: `${prefix}:admin-login-failures`,
    /** The workers' shared AWS request budget, one window counter per action family (appended). */
    awsRateBudget: `${prefix}:aws-budget`,
    /** A mailed signup link waiting to be opened (sealed email and key), by the hash of its nonce; GETDEL once. */
    signupLink: (nonceHash: string) => `${prefix}:signup:link:${nonceHash}`,
    /** A spent proof of work (by the hash of its challenge signature), until the challenge expires. */
    signupPow: (hash: string) => `${prefix}:signup:pow:${hash}`,
    /** Live instances made from the public page (set of ids): their share of the routing slots. */
    signupHeld: `${prefix}:signup:held`,
    /** Signup rate counters (rate-limiter-flexible appends `:<kind>:<key>`). */
    signupLimits: `${prefix}:signup:limit`,
    /** One API caller's Idempotency-Key (both hashed): its in-flight mark, then its sealed response. */
    idempotency: (callerHash: string, keyHash: string) => `${prefix}:idem:${callerHash}:${keyHash}`,
    /** An instance's lifecycle events (list, oldest first; event n is at index n - 1), as signed bodies. */
    webhookLog: (id: string) => `${prefix}:wh:log:${id}`,
    /** Per endpoint (hash endpoint key -> sequence): the next event of this instance it is owed. */
    webhookNext: (id: string) => `${prefix}:wh:next:${id}`,
    /** Delivery attempts of an instance's events (list of JSON, oldest first, bounded). */
    webhookAttempts: (id: string) => `${prefix}:wh:tries:${id}`,
    /** A rollout (hash): `meta` JSON, `control` (run | pause | abort), `i:<instance id>` per-instance checkpoints. */
    rollout: (id: string) => `${prefix}:rollout:${id}`,
    /** The id of the one rollout not yet finished (SET NX: a second start is refused). */
    rolloutActive: `${prefix}:rollout-active`,
    /** Rollouts by start time (sorted set, score = ms), newest last. */
    rollouts: `${prefix}:rollouts`,
    /** The image new instances get (absent: GATEWAY_IMAGE); a rollout sets it to where it is heading. */
    fleetImage: `${prefix}:fleet-image`,
    /** Instances with events possibly still owed (sorted set, score = newest event ms): the sweep's list. */
    webhookOwed: `${prefix}:wh:owed`,
    /** One delivery job per instance and endpoint at a time: what keeps events in order. */
    webhookLock: (id: string, endpoint: string) => `${prefix}:wh:lock:${id}:${endpoint}`,
  };
}

/** Index members sort by creation time, then id: `<ms, 15 digits>:<id>`. */
export function indexMember(createdAtMs: number, id: string): string {
  return `${String(createdAtMs).padStart(15, '0')}:${id}`;
}

/**
 * The reconciler's report (the last run, running totals) and its own bookkeeping. `reconciler:` and not
 * `reconcile:`, which is the BullMQ queue's namespace under the same prefix.
 */
export function reconcileKeys(prefix: string) {
  const base = `${prefix}:reconciler`;
  return {
    report: `${base}:report`,
    counters: `${base}:counters`,
    /** Target groups and rules carry no creation time (nor, from some implementations, services and task
     * definitions): when the reconciler first saw each (ms). */
    firstSeen: `${base}:first-seen`,
    /** Running instances whose service has no healthy task: since when (ms). */
    unhealthySince: `${base}:unhealthy-since`,
    /** Repairs and re-enqueues per instance, to bound them. */
    attempts: `${base}:attempts`,
    /** One run at a time across every worker, even when a run outlasts the interval. */
    lock: `${base}:lock`,
  };
}

/** Capacity samples (see sample-store.ts). */
export function capacityKeys(prefix: string) {
  const base = `${prefix}:cap`;
  return {
    /** SET NX, so of several sampler processes exactly one samples a tick. */
    claim: (bucket: number) => `${base}:claim:${bucket}`,
    /** Sorted set of history points (JSON) scored by bucket start, 1-minute resolution. */
    raw: `${base}:raw`,
    /** One point per coarse step, folded from raw points past the raw window. */
    coarse: `${base}:coarse`,
    /** The latest full sample (every instance and task), overwritten each tick. */
    latest: `${base}:latest`,
    spotPrices: `${base}:spot-prices`,
  };
}

/** Each worker process's published metrics (see shared/metrics/worker-snapshots.ts). */
export function workerMetricsKeys(prefix: string) {
  return {
    /** Sorted set: process id, scored by its last publish (ms). */
    index: `${prefix}:metrics:workers`,
    /** One process's registry as JSON (getMetricsAsJSON), expiring unless renewed. */
    snapshot: (processId: string) => `${prefix}:metrics:worker:${processId}`,
  };
}
