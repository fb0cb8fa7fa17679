--[[
  Routing-slot helpers shared by the create, release and reassign scripts (included, not run alone).

  Each listener has two keys:
  - `route:<arn>`, a hash slot -> holder id (or `blocked`): who holds what, and HLEN = slots used;
  - `route-next:<arn>`, a sorted set (score = slot) of the slots a create may take next: every slot
    handed out and given back, plus the member `top` at the high-water mark (the lowest slot never
    handed out). Freed slots are all below the mark, so its lowest member is the lowest free slot.
  Every slot below the mark is either held (in the hash) or free (in the set); none above it is either.
  One ZRANGE 0 0 per listener answers "which slot", or "full" when that lowest score is at or above
  capacity (so a lowered capacity never hands out a slot at or above it): a create is O(log n).

  build(route, nextSlots) makes the set from the hash, once per listener (the set of a listener that has
  handed out anything always holds `top`, so an empty set means "not built yet": a new listener, or a
  pool written before the set existed).
  allocate(route, nextSlots, capacity, id) takes the lowest free slot below capacity, or answers -1;
  HSETNX stays as a guard, so a pool that is somehow inconsistent never hands a held slot out.
]]
local function build(route, nextSlots)
  local held = {}
  local high = -1
  for _, field in ipairs(redis.call('HKEYS', route)) do
    local n = tonumber(field)
    if n then
      held[n] = true
      if n > high then high = n end
    end
  end
  for slot = 0, high - 1 do
    if not held[slot] then redis.call('ZADD', nextSlots, slot, tostring(slot)) end
  end
  redis.call('ZADD', nextSlots, high + 1, 'top')
end

local function allocate(route, nextSlots, capacity, id)
  while true do
    local lowest = redis.call('ZRANGE', nextSlots, 0, 0, 'WITHSCORES')
    if not lowest[1] then
      build(route, nextSlots)
      lowest = redis.call('ZRANGE', nextSlots, 0, 0, 'WITHSCORES')
    end
    local slot = tonumber(lowest[2])
    if slot >= capacity then return -1 end
    if lowest[1] == 'top' then
      redis.call('ZADD', nextSlots, slot + 1, 'top')
    else
      redis.call('ZREM', nextSlots, lowest[1])
    end
    if redis.call('HSETNX', route, tostring(slot), id) == 1 then return slot end
  end
end
