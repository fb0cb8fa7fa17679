--[[
  Adds one observation to a duration histogram unless its id was counted before (ZADD NX on a bounded
  set of seen ids), so re-reading the same step record on the next tick adds nothing.

  KEYS[1] seen ids (sorted set, score = when)   KEYS[2] the series' hash (count, sum, one field per bucket)
  ARGV[1] now (ms)   ARGV[2] observation id   ARGV[3] seconds   ARGV[4] bucket field
  ARGV[5] seen ids older than this (ms) are forgotten
  Returns 1 when counted, 0 when seen before.
]]
if redis.call('ZADD', KEYS[1], 'NX', ARGV[1], ARGV[2]) == 0 then return 0 end
redis.call('HINCRBY', KEYS[2], 'count', 1)
redis.call('HINCRBYFLOAT', KEYS[2], 'sum', ARGV[3])
redis.call('HINCRBY', KEYS[2], ARGV[4], 1)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[5])
return 1
