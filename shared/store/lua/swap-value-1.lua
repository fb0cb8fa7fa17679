--[[
  Compare-and-swap of a string value (the idempotency keys): replaces it only while it still holds what
  this caller wrote, or deletes it when the new value is empty.

  KEYS[1] the key
  ARGV[1] the value expected   ARGV[2] the new value, or '' to delete   ARGV[3] its time to live (ms)
  Returns 1 when swapped (or deleted), else 0.
]]
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[2] == '' then return redis.call('DEL', KEYS[1]) end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1
