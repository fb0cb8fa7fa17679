--[[
  Drops an instance from the webhook owed set when every endpoint has settled its whole log, atomically,
  so an event appended meanwhile (which adds it again) is never lost from the set.

  KEYS[1] the instance's event log   KEYS[2] next-owed hash   KEYS[3] owed set
  ARGV[1] instance id   ARGV[2..] the endpoint keys
  Returns 1 when dropped, else 0.
]]
local length = redis.call('LLEN', KEYS[1])
for i = 2, #ARGV do
  if tonumber(redis.call('HGET', KEYS[2], ARGV[i]) or '1') <= length then return 0 end
end
redis.call('ZREM', KEYS[3], ARGV[1])
return 1
