--[[
  Frees a routing slot only if this holder still holds it, so a repeated release is a no-op, and clears
  the listener's full mark (only a release makes room in a full listener).

  KEYS[1] routing hash   KEYS[2] next-slots set   KEYS[3] full-listener marks
  ARGV[1] slot           ARGV[2] holder (instance id, or `blocked`)   ARGV[3] listener ARN
  Returns 1 when freed, else 0.
]]
--- @include "slot-functions"

if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
if redis.call('EXISTS', KEYS[2]) == 0 then build(KEYS[1], KEYS[2]) end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[2], tonumber(ARGV[1]), ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[3])
return 1
