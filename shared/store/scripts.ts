import { createHash } from 'node:crypto';

/**
 * Lua scripts that change an instance atomically: several API and worker processes race on the same
 * records, and each of these must be all-or-nothing (no half-created instance, no lost index entry).
 *
 * Routing slots. Each listener has two keys:
 * - `route:<arn>`, a hash slot -> holder id (or `blocked`): who holds what, and `HLEN` = slots used;
 * - `route-next:<arn>`, a sorted set (score = slot) of the slots a create may take next: every slot
 *   handed out and given back, plus the member `top` at the high-water mark (the lowest slot never
 *   handed out). Freed slots are all below the mark, so its lowest member is the lowest free slot.
 * Every slot below the mark is either held (in the hash) or free (in the set); none above it is either.
 * One `ZRANGE 0 0` per listener answers "which slot", or "full" when that lowest score is at or above
 * capacity (so a lowered capacity never hands out a slot at or above it): a create is O(log n).
 * A third key, `route-full` (one per deployment), remembers listeners found full, with the capacity
 * they were full at: a create reads it for the whole pool in one HMGET and skips those listeners
 * without a command each (a pool fills in order, so most of it is full). Only a release makes room
 * in a full listener, and it deletes the mark; a mark at another capacity is ignored. Marks are
 * written only by a create that succeeds: a refused one writes nothing at all.
 */

/**
 * `build` makes the set from the hash, once per listener (the set of a listener that has handed out
 * anything always holds `top`, so an empty set means "not built yet": a new listener, or a pool
 * written before the set existed). `allocate` takes the lowest free slot below capacity; HSETNX stays
 * as a guard, so a pool that is somehow inconsistent never hands a held slot out.
 */
const slotFunctions = `
local function build(route, nextSlots)
  local held = {}
  local high = -1
  for _, field in ipairs(redis.call('HKEYS', route)) do
    local n = tonumber(field)
    if n then
      held[n] = true
      if n > high then high = n end
    end
  end
  for slot = 0, high - 1 do
    if not held[slot] then redis.call('ZADD', nextSlots, slot, tostring(slot)) end
  end
  redis.call('ZADD', nextSlots, high + 1, 'top')
end

local function allocate(route, nextSlots, capacity, id)
  while true do
    local lowest = redis.call('ZRANGE', nextSlots, 0, 0, 'WITHSCORES')
    if not lowest[1] then
      build(route, nextSlots)
      lowest = redis.call('ZRANGE', nextSlots, 0, 0, 'WITHSCORES')
    end
    local slot = tonumber(lowest[2])
    if slot >= capacity then return -1 end
    if lowest[1] == 'top' then
      redis.call('ZADD', nextSlots, slot + 1, 'top')
    else
      redis.call('ZREM', nextSlots, lowest[1])
    end
    if redis.call('HSETNX', route, tostring(slot), id) == 1 then return slot end
  end
end
`;

/** A Lua string literal for any text: printable ASCII as is, every other byte (and `"`, `\\`) as `\\ddd`. */
function luaString(text: string): string {
  let out = '"';
  for (const byte of Buffer.from(text, 'utf8')) {
    out +=
      byte >= 0x20 && byte < 0x7f && byte !== 0x22 && byte !== 0x5c
        ? String.fromCharCode(byte)
        : `\\${String(byte).padStart(3, '0')}`;
  }
  return `${out}"`;
}

/**
 * The create script of one routing pool. The pool's ARNs and DNS names are constants in the script's
 * text, so a create sends neither: passed as arguments they were ~3.5 KB per create at 25 listeners,
 * and splitting them in Lua was most of the script's Redis time (the Node side paid to write them).
 * A deployment has one pool, so Redis caches one such script; a process with another pool (a config
 * change mid-rollout) simply has its own. The per-listener keys are built here from prefix .. ARN (as
 * the existing user's record is from the instance prefix) rather than passed as KEYS; fine on one Redis
 * (the deployment's), as BullMQ's own scripts do the same. The pool is walked only up to the first
 * listener with room.
 * KEYS: user, instance, index-all, index-queued, full-listener marks.
 * ARGV: id, capacity, index member, instance key prefix, the routing hash and next-slots key
 * prefixes, then the record's fields as name, value pairs.
 * Returns {'exists', id, ...record as HGETALL} | {'full'} | {'created', listener index (1-based), slot}.
 */
export function createInstanceScript(listeners: readonly { listenerArn: string; dnsName: string }[]): string {
  const arns = listeners.map((l) => luaString(l.listenerArn)).join(', ');
  const dnsNames = listeners.map((l) => luaString(l.dnsName)).join(', ');
  return `${slotFunctions}
local existing = redis.call('GET', KEYS[1])
if existing then
  local record = redis.call('HGETALL', ARGV[4] .. existing)
  local status
  for i = 1, #record, 2 do
    if record[i] == 'status' then status = record[i + 1] end
  end
  if status and status ~= 'deleted' then return {'exists', existing, record} end
end
local arns = {${arns}}
local dnsNames = {${dnsNames}}
local id = ARGV[1]
local capacity = tonumber(ARGV[2])
local fullAt = redis.call('HMGET', KEYS[5], unpack(arns))
local foundFull = {}
for i, arn in ipairs(arns) do
  if tonumber(fullAt[i]) ~= capacity then
    local slot = allocate(ARGV[5] .. arn, ARGV[6] .. arn, capacity, id)
    if slot < 0 then
      foundFull[#foundFull + 1] = arn
      foundFull[#foundFull + 1] = capacity
    else
      if #foundFull > 0 then redis.call('HSET', KEYS[5], unpack(foundFull)) end
      local dns = dnsNames[i]
      redis.call('HSET', KEYS[2], 'listenerArn', arn, 'albDnsName', dns, 'routingSlot', tostring(slot),
        'url', 'http://' .. dns .. '/' .. id .. '/', unpack(ARGV, 7))
      redis.call('SET', KEYS[1], id)
      redis.call('ZADD', KEYS[3], 0, ARGV[3])
      redis.call('ZADD', KEYS[4], 0, ARGV[3])
      return {'created', i, slot}
    end
  end
end
return {'full'}
`;
}

/**
 * Moves an instance to a new status when its current one is allowed, keeping the status indexes true.
 * When the status really changes and an event body is given, the lifecycle event is appended to the
 * instance's webhook log in the same step: its sequence (the record's `eventSeq`) and id are assigned
 * here, so an event exists exactly when its transition happened, and a repeated transition (a retried
 * job, a second `markDeleted`) writes no second one.
 * The instance also joins the owed set (score: the event's time), which the webhook sweep reads.
 * KEYS: instance, webhook log, owed set. ARGV: status-index prefix, new status, allowed statuses (comma
 * list, or '*'), fields to set (JSON), event body without id and sequence (a JSON object, or ''), now (ms).
 * Returns {'ok', previous, currentStep or '', event sequence or 0} | {'conflict', current} | {'missing'}.
 */
export const transitionScript = `
local current = redis.call('HGET', KEYS[1], 'status')
if not current then return {'missing'} end
local allowed = ARGV[3]
if allowed ~= '*' then
  local ok = false
  for status in string.gmatch(allowed, '[^,]+') do
    if status == current then ok = true end
  end
  if not ok then return {'conflict', current} end
end
local member = redis.call('HGET', KEYS[1], 'indexMember')
if member and current ~= ARGV[2] then
  redis.call('ZREM', ARGV[1] .. current, member)
  redis.call('ZADD', ARGV[1] .. ARGV[2], 0, member)
end
redis.call('HSET', KEYS[1], 'status', ARGV[2])
local fields = cjson.decode(ARGV[4])
for name, value in pairs(fields) do
  if value == cjson.null or value == '' then redis.call('HDEL', KEYS[1], name) else redis.call('HSET', KEYS[1], name, value) end
end
local sequence = 0
if ARGV[5] ~= '' and current ~= ARGV[2] then
  sequence = redis.call('HINCRBY', KEYS[1], 'eventSeq', 1)
  local id = 'evt_' .. redis.call('HGET', KEYS[1], 'id') .. '_' .. sequence
  redis.call('RPUSH', KEYS[2], '{"id":"' .. id .. '","sequence":' .. sequence .. ',' .. string.sub(ARGV[5], 2))
  redis.call('ZADD', KEYS[3], tonumber(ARGV[6]), redis.call('HGET', KEYS[1], 'id'))
end
return {'ok', current, redis.call('HGET', KEYS[1], 'currentStep') or '', sequence}
`;

/**
 * Frees a routing slot only if this instance still holds it, so a repeated release is a no-op, and
 * clears the listener's full mark.
 * KEYS: routing hash, next-slots set, full-listener marks. ARGV: slot, id, listener ARN.
 * Returns 1 when freed, else 0.
 */
export const releaseSlotScript = `${slotFunctions}
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
if redis.call('EXISTS', KEYS[2]) == 0 then build(KEYS[1], KEYS[2]) end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[2], tonumber(ARGV[1]), ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[3])
return 1
`;

/**
 * Marks a slot whose priority something outside the platform took (for good: it never returns to the
 * next-slots set), and gives the instance another.
 * KEYS: routing hash, next-slots set. ARGV: old slot, id, capacity. Returns the new slot or -1.
 */
export const reassignSlotScript = `${slotFunctions}
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then
  redis.call('HSET', KEYS[1], ARGV[1], 'blocked')
end
return allocate(KEYS[1], KEYS[2], tonumber(ARGV[3]), ARGV[2])
`;

/**
 * Gives a degraded instance whose credentials were lost new sealed ones and sets its create saga to run
 * again from the given steps, all at once: the rotation count goes up (the secret step's token), the
 * error is cleared (so a second request finds nothing to restore), and a job sequence is reserved.
 * KEYS: instance. ARGV: the error code that means lost, sealed token, sealed key or '', updatedAt,
 * pending step record (JSON), then the step ids to reset.
 * Returns {'ok', rotation, job sequence} | {'conflict', status} | {'missing'}.
 */
export const restoreCredentialsScript = `
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return {'missing'} end
local code = ''
local raw = redis.call('HGET', KEYS[1], 'error')
if raw then
  local ok, decoded = pcall(cjson.decode, raw)
  if ok and type(decoded) == 'table' and type(decoded.code) == 'string' then code = decoded.code end
end
if status ~= 'degraded' or code ~= ARGV[1] then return {'conflict', status} end
redis.call('HDEL', KEYS[1], 'error', 'sealed:anthropicApiKey')
redis.call('HSET', KEYS[1], 'sealed:gatewayToken', ARGV[2], 'updatedAt', ARGV[4])
if ARGV[3] ~= '' then redis.call('HSET', KEYS[1], 'sealed:anthropicApiKey', ARGV[3]) end
for i = 6, #ARGV do redis.call('HSET', KEYS[1], 'step:' .. ARGV[i], ARGV[5]) end
local rotation = redis.call('HINCRBY', KEYS[1], 'credentialsRotation', 1)
return {'ok', rotation, redis.call('HINCRBY', KEYS[1], 'jobSeq', 1)}
`;

/** Deletes the lock only when we still own it. KEYS: lock. ARGV: token. */
export const releaseLockScript = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/** Extends the lock only when we still own it. KEYS: lock. ARGV: token, ttl ms. Returns 1 or 0. */
export const renewLockScript = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`;

/** The scripts every store shares, by the command name each is registered under (prefixed: BullMQ defines its own). */
const scripts = {
  fleetTransition: { lua: transitionScript, numberOfKeys: 3 },
  fleetReleaseSlot: { lua: releaseSlotScript, numberOfKeys: 3 },
  fleetReassignSlot: { lua: reassignSlotScript, numberOfKeys: 2 },
  fleetRestoreCredentials: { lua: restoreCredentialsScript, numberOfKeys: 1 },
  fleetReleaseLock: { lua: releaseLockScript, numberOfKeys: 1 },
  fleetRenewLock: { lua: renewLockScript, numberOfKeys: 1 },
} as const;

type ScriptName = keyof typeof scripts | 'fleetCreateInstance';
type ScriptArg = string | number;
type ScriptCaller = (...args: ScriptArg[]) => Promise<unknown>;
export type InstanceScripts = Record<ScriptName, ScriptCaller>;

/**
 * Registers the scripts on a connection with `defineCommand`, so each call is an EVALSHA (ioredis
 * loads the script and retries on NOSCRIPT, e.g. after a Redis restart or SCRIPT FLUSH). Several
 * stores may share one connection: a name already defined there is not defined again. The create
 * script is the pool's own (see createInstanceScript), named by a digest of its text.
 */
export function registerInstanceScripts(
  redis: { defineCommand(name: string, definition: { lua: string; numberOfKeys?: number }): void },
  listeners: readonly { listenerArn: string; dnsName: string }[],
): InstanceScripts {
  const target = redis as unknown as Record<string, ScriptCaller | undefined>;
  const create = createInstanceScript(listeners);
  const definitions: Record<string, { lua: string; numberOfKeys: number }> = {
    ...scripts,
    [`fleetCreateInstance_${createHash('sha1').update(create).digest('hex').slice(0, 16)}`]: {
      lua: create,
      numberOfKeys: 5,
    },
  };
  const callers = {} as InstanceScripts;
  for (const [command, definition] of Object.entries(definitions)) {
    if (typeof target[command] !== 'function') redis.defineCommand(command, definition);
    const call = target[command] as ScriptCaller;
    const name = (command.startsWith('fleetCreateInstance_') ? 'fleetCreateInstance' : command) as ScriptName;
    callers[name] = call.bind(redis);
  }
  return callers;
}
