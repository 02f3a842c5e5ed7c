-- SPDX-License-Identifier: MIT
-- Asynchronous echo, as examples/echo-async.c: keep -k messages in flight with
-- send_async, send the next one from the rx callback, check the order, report
-- the rate.   lua5.4 echo-async.lua [-n 10000] [-k 32]
package.path = (arg[0]:match("^(.*)/") or ".") .. "/?.lua;" .. package.path
local common = require "common"

local o = common.parse(arg, { count = 10000, inflight = 32 })
local r <close> = setmetatable(common.open(o), { __close = function(r) r.ctx:close() end })
local ept, ctx = r.ept, r.ctx
local sent, echoed, completed = 0, 0, 0
local pack, unpack = string.pack, string.unpack

local function on_sent(ok, msg)
	if not ok then error("asynchronous send: " .. msg) end
	completed = completed + 1
end

local function fill()
	while sent < o.count and sent - echoed < o.inflight do
		local ok, msg = ept:send_async(pack("<I8", sent) .. "async #" .. sent, on_sent)
		if not ok then error("send_async: " .. msg) end
		sent = sent + 1
	end
end

ept:set_rx_cb(function(data)
	local seq = unpack("<I8", data)
	if seq ~= echoed then
		error(string.format("echo #%d arrived where #%d was due", seq, echoed))
	end
	echoed = echoed + 1
	fill()
end)
ept:set_event_cb(function(msg) error("endpoint went down: " .. msg) end)

-- A monotonic clock: luv's when installed, else CPU time.
local has_uv, uv = pcall(require, "luv")
local now = has_uv and function() return uv.hrtime() / 1e9 end or os.clock

local t0 = now()
fill()
local last, idle = -1, 0
while echoed < o.count or completed < sent do
	local n, msg = ctx:dispatch(common.TIMEOUT_MS)
	if not n then common.die("dispatch", msg) end
	if echoed + completed == last then
		idle = idle + 1
		if idle > 1 then common.die("waiting for echoes", "stalled after " .. echoed) end
	else
		last, idle = echoed + completed, 0
	end
end
local secs = now() - t0
print(string.format("%s: %d messages echoed in order, %d in flight, in %.3f s: %.0f messages/s",
	r.label, echoed, o.inflight, secs, echoed / secs))
