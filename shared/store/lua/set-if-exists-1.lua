--[[
  Sets one field of a hash only while the hash exists, so a record that expired (a deleted instance) is
  not brought back as a fragment (a rollout recording an instance's image).

  KEYS[1] the hash
  ARGV[1] the field   ARGV[2] its value
  Returns what HSET returns, or -1 when the hash does not exist.
]]
if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end
return -1
