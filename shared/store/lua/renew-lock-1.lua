--[[
  Extends a lock's lease only while we still own it.

  KEYS[1] lock
  ARGV[1] our token   ARGV[2] new lease (ms)
  Returns 1 when extended, else 0.
]]
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
