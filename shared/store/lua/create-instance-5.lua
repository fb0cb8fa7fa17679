--[[
  Creates an instance record and takes it a routing slot, or answers why not, all at once.

  The pool's ARNs and DNS names are constants the loader puts before this text (POOL_ARNS,
  POOL_DNS_NAMES), so a create sends neither: passed as arguments they were ~3.5 KB per create at 25
  listeners, and splitting them in Lua was most of the script's Redis time. A deployment has one pool,
  so Redis caches one such script. The per-listener keys are built here from prefix .. ARN (as the
  existing user's record is from the instance prefix) rather than passed as KEYS; fine on one Redis, as
  BullMQ's own scripts do the same. The pool is walked only up to the first listener with room.
  `route-full` remembers listeners found full, with the capacity they were full at: one HMGET skips
  them (a pool fills in order). Marks are written only by a create that succeeds.

  KEYS[1] user pointer          KEYS[2] instance hash      KEYS[3] index of all
  KEYS[4] index of `queued`     KEYS[5] full-listener marks
  ARGV[1] id                    ARGV[2] capacity           ARGV[3] index member
  ARGV[4] instance key prefix   ARGV[5] routing hash prefix   ARGV[6] next-slots prefix
  ARGV[7..] the record's fields as name, value pairs
  Returns {'exists', id, ...record as HGETALL} | {'full'} | {'created', listener index (1-based), slot}.
]]
--- @include "slot-functions"

local existing = redis.call('GET', KEYS[1])
if existing then
  local record = redis.call('HGETALL', ARGV[4] .. existing)
  local status
  for i = 1, #record, 2 do
    if record[i] == 'status' then status = record[i + 1] end
  end
  if status and status ~= 'deleted' then return {'exists', existing, record} end
end
local id = ARGV[1]
local capacity = tonumber(ARGV[2])
local fullAt = redis.call('HMGET', KEYS[5], unpack(POOL_ARNS))
local foundFull = {}
for i, arn in ipairs(POOL_ARNS) do
  if tonumber(fullAt[i]) ~= capacity then
    local slot = allocate(ARGV[5] .. arn, ARGV[6] .. arn, capacity, id)
    if slot < 0 then
      foundFull[#foundFull + 1] = arn
      foundFull[#foundFull + 1] = capacity
    else
      if #foundFull > 0 then redis.call('HSET', KEYS[5], unpack(foundFull)) end
      redis.call('HSET', KEYS[2], 'listenerArn', arn, 'albDnsName', POOL_DNS_NAMES[i],
        'routingSlot', tostring(slot), unpack(ARGV, 7))
      redis.call('SET', KEYS[1], id)
      redis.call('ZADD', KEYS[3], 0, ARGV[3])
      redis.call('ZADD', KEYS[4], 0, ARGV[3])
      return {'created', i, slot}
    end
  end
end
return {'full'}
