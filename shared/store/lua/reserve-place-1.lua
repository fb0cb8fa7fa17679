--[[
  Takes a place in a bounded set (the public signup page's share of the routing pool) while it holds
  fewer than the limit; a member already in it keeps its place.

  KEYS[1] the set
  ARGV[1] limit   ARGV[2] member
  Returns 1 when the member has a place, else 0.
]]
if redis.call('SISMEMBER', KEYS[1], ARGV[2]) == 1 then return 1 end
if redis.call('SCARD', KEYS[1]) >= tonumber(ARGV[1]) then return 0 end
redis.call('SADD', KEYS[1], ARGV[2])
return 1
