-- SPDX-License-Identifier: MIT
-- librpmsg inside a libuv loop (Debian lua-luv), as examples/poll-loop.c does
-- with poll(): the loop watches the context's fd and calls dispatch(0) when it
-- is readable; a timer queues a message every 100 ms.   lua5.4 luv-loop.lua [-n 5]
package.path = (arg[0]:match("^(.*)/") or ".") .. "/?.lua;" .. package.path
local common = require "common"
local uv = require "luv"

local o = common.parse(arg, { count = 5 })
local r <close> = setmetatable(common.open(o), { __close = function(r) r.ctx:close() end })
local start = uv.hrtime()
local function ms() return (uv.hrtime() - start) / 1e6 end
local ticks, echoes = 0, 0

local poll = uv.new_poll(r.ctx:fd())
local timer = uv.new_timer()
local guard = uv.new_timer()
local failure

local function stop(err)
	failure = failure or err
	poll:stop()
	timer:stop()
	guard:stop()
end

r.ept:set_rx_cb(function(data, src)
	echoes = echoes + 1
	print(string.format("%7.1f ms  echo from %d: '%s'", ms(), src, data))
	if echoes == o.count then stop() end
end)
r.ept:set_event_cb(function(msg) stop("endpoint went down: " .. msg) end)

-- The context's fd is readable: dispatch without blocking.
poll:start("r", function(err)
	if err then return stop(err) end
	local ok, perr = pcall(r.ctx.dispatch, r.ctx, 0)
	if not ok then stop(perr) end
end)

timer:start(100, 100, function()
	ticks = ticks + 1
	if ticks > o.count then return end
	local text = "tick " .. ticks
	print(string.format("%7.1f ms  send '%s'", ms(), text))
	-- Queued: it leaves from the next dispatch, which the context fd asks for.
	local ok, msg = r.ept:send_async(text, function(sent, why)
		if not sent then stop("asynchronous send: " .. why) end
	end)
	if not ok then stop("send_async: " .. msg) end
	-- Stop waiting when nothing came back in time.
	if ticks == o.count then
		guard:start(common.TIMEOUT_MS, 0, function() stop("timed out") end)
	end
end)

uv.run()
poll:close()
timer:close()
guard:close()
-- Let libuv finish closing the handles before Lua goes away.
uv.run()
if failure then common.die("loop", failure) end
print(string.format("%d echoes in %.1f ms", echoes, ms()))
