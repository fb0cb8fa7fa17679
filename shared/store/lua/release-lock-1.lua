--[[
  Deletes a lock only while we still own it (every lock of ours: instance, reconciler run, webhook).

  KEYS[1] lock
  ARGV[1] our token
  Returns 1 when deleted, else 0.
]]
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
