--[[
  Marks a slot whose priority something outside the platform took (for good: it never returns to the
  next-slots set), and gives the instance another.

  KEYS[1] routing hash   KEYS[2] next-slots set
  ARGV[1] old slot       ARGV[2] instance id      ARGV[3] capacity
  Returns the new slot, or -1 when the listener is full.
]]
--- @include "slot-functions"

if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then
  redis.call('HSET', KEYS[1], ARGV[1], 'blocked')
end
return allocate(KEYS[1], KEYS[2], tonumber(ARGV[3]), ARGV[2])
