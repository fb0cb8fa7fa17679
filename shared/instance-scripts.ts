/**
 * Lua scripts that change an instance atomically: several API and worker processes race on the same
 * records, and each of these must be all-or-nothing (no half-created instance, no lost index entry).
 */

/** Lowest free routing slot of one listener: HSETNX makes it safe across any number of processes. */
const allocateSlot = `
local function allocate(key, capacity, id)
  for slot = 0, capacity - 1 do
    if redis.call('HSETNX', key, tostring(slot), id) == 1 then return slot end
  end
  return -1
end
`;

/**
 * KEYS: user, instance, index-all, index-queued, routing key per listener.
 * ARGV: id, capacity, index member, record fields (JSON), instance key prefix, then listener ARN and
 * DNS name pairs.
 * Returns {'exists', id} | {'full'} | {'created', listenerArn, slot}.
 */
export const createInstanceScript = `${allocateSlot}
local existing = redis.call('GET', KEYS[1])
if existing then
  local status = redis.call('HGET', ARGV[5] .. existing, 'status')
  if status and status ~= 'deleted' then return {'exists', existing} end
end
local id = ARGV[1]
local capacity = tonumber(ARGV[2])
local listeners = (#ARGV - 5) / 2
for i = 1, listeners do
  local slot = allocate(KEYS[4 + i], capacity, id)
  if slot >= 0 then
    local arn = ARGV[4 + i * 2]
    local dns = ARGV[5 + i * 2]
    local fields = cjson.decode(ARGV[4])
    fields['listenerArn'] = arn
    fields['albDnsName'] = dns
    fields['routingSlot'] = tostring(slot)
    fields['url'] = 'http://' .. dns .. '/' .. id .. '/'
    for name, value in pairs(fields) do redis.call('HSET', KEYS[2], name, value) end
    redis.call('SET', KEYS[1], id)
    redis.call('ZADD', KEYS[3], 0, ARGV[3])
    redis.call('ZADD', KEYS[4], 0, ARGV[3])
    return {'created', arn, slot}
  end
end
return {'full'}
`;

/**
 * Moves an instance to a new status when its current one is allowed, keeping the status indexes true.
 * KEYS: instance. ARGV: status-index prefix, new status, allowed statuses (comma list, or '*'),
 * index member field name, fields to set (JSON).
 * Returns the previous status, or {'conflict', current} | {'missing'}.
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
return current
`;

/** Frees a routing slot only if this instance still holds it. KEYS: routing. ARGV: slot, id. */
export const releaseSlotScript = `
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then return redis.call('HDEL', KEYS[1], ARGV[1]) end
return 0
`;

/**
 * Marks a slot whose priority something outside the platform took, and gives the instance another.
 * KEYS: routing. ARGV: old slot, id, capacity. Returns the new slot or -1.
 */
export const reassignSlotScript = `${allocateSlot}
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then
  redis.call('HSET', KEYS[1], ARGV[1], 'blocked')
end
return allocate(KEYS[1], tonumber(ARGV[3]), ARGV[2])
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
