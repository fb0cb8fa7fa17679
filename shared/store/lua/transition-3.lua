--[[
  Moves an instance to a new status when its current one is allowed, keeping the status indexes true.
  The allowed statuses come from the store's transition table (transitions.ts), never from a caller.
  When the status really changes and an event body is given, the lifecycle event is appended to the
  instance's webhook log in the same step: its sequence (the record's `eventSeq`) and id are assigned
  here, so an event exists exactly when its transition happened, and a repeated transition (a retried
  job, a second delete) writes no second one. The instance also joins the owed set (score: the event's
  time), which the webhook sweep reads.

  KEYS[1] instance hash   KEYS[2] webhook log   KEYS[3] owed set
  ARGV[1] status-index key prefix   ARGV[2] new status   ARGV[3] allowed statuses (comma list)
  ARGV[4] fields to set (JSON; null or '' deletes)   ARGV[5] event body without id and sequence
  (a JSON object, or '')   ARGV[6] now (ms)   ARGV[7] event id prefix (the sequence follows)
  Returns {'ok', previous, currentStep or '', event sequence or 0} | {'conflict', current} | {'missing'}.
]]
local current = redis.call('HGET', KEYS[1], 'status')
if not current then return {'missing'} end
local ok = false
for status in string.gmatch(ARGV[3], '[^,]+') do
  if status == current then ok = true end
end
if not ok then return {'conflict', current} end
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
  local id = ARGV[7] .. sequence
  redis.call('RPUSH', KEYS[2], '{"id":"' .. id .. '","sequence":' .. sequence .. ',' .. string.sub(ARGV[5], 2))
  redis.call('ZADD', KEYS[3], tonumber(ARGV[6]), redis.call('HGET', KEYS[1], 'id'))
end
return {'ok', current, redis.call('HGET', KEYS[1], 'currentStep') or '', sequence}
