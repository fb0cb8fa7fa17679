--[[
  Gives a degraded instance whose credentials were lost new sealed ones and sets its create saga to run
  again from the given steps, all at once: the rotation count goes up (the secret step's token), the
  error is cleared (so a second request finds nothing to restore), and a job sequence is reserved.

  KEYS[1] instance hash
  ARGV[1] the error code that means lost   ARGV[2] sealed gateway token   ARGV[3] sealed key, or ''
  ARGV[4] updatedAt   ARGV[5] pending step record (JSON)   ARGV[6..] the step ids to reset
  Returns {'ok', rotation, job sequence} | {'conflict', status} | {'missing'}.
]]
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return {'missing'} end
local code = ''
local raw = redis.call('HGET', KEYS[1], 'error')
if raw then
  local ok, decoded = pcall(cjson.decode, raw)
  if ok and type(decoded) == 'table' and type(decoded.code) == 'string' then code = decoded.code end
end
if status ~= 'degraded' or code ~= ARGV[1] then return {'conflict', status} end
redis.call('HDEL', KEYS[1], 'error', 'sealed:anthropicApiKey')
redis.call('HSET', KEYS[1], 'sealed:gatewayToken', ARGV[2], 'updatedAt', ARGV[4])
if ARGV[3] ~= '' then redis.call('HSET', KEYS[1], 'sealed:anthropicApiKey', ARGV[3]) end
for i = 6, #ARGV do redis.call('HSET', KEYS[1], 'step:' .. ARGV[i], ARGV[5]) end
local rotation = redis.call('HINCRBY', KEYS[1], 'credentialsRotation', 1)
return {'ok', rotation, redis.call('HINCRBY', KEYS[1], 'jobSeq', 1)}
