-- SPDX-License-Identifier: MIT
-- Echo through the simulated remote: 10 000 messages, in order, both ways of sending.
local rpmsg = require "rpmsg"
local H = require "helpers"

local T = {}

local COUNT = 10000
local WINDOW = 32

function T.async_echo_10000_in_order()
	local ctx <close>, sim, ept = H.echo_endpoint()
	local sent, echoed, completed = 0, 0, 0
	local function done(ok, msg)
		assert(ok, msg)
		completed = completed + 1
	end
	local function fill()
		while sent < COUNT and sent - echoed < WINDOW do
			assert(ept:send_async(string.pack("<I4", sent) .. "payload", done))
			sent = sent + 1
		end
	end
	ept:set_rx_cb(function(data)
		local seq = string.unpack("<I4", data)
		if seq ~= echoed then
			error(string.format("echo #%d arrived where #%d was due", seq, echoed))
		end
		H.eq(data:sub(5), "payload")
		echoed = echoed + 1
		fill()
	end)
	fill()
	H.wait(ctx, function() return echoed == COUNT and completed == COUNT end, 30000)
	H.eq(sent, COUNT)
end

function T.sync_echo_in_order()
	local ctx <close>, sim, ept = H.echo_endpoint()
	local got = {}
	ept:set_rx_cb(function(d) got[#got + 1] = d end)
	for i = 1, 200 do
		assert(ept:send("sync " .. i))
		if i % 50 == 0 then
			H.wait(ctx, function() return #got == i end)
		end
	end
	H.wait(ctx, function() return #got == 200 end)
	for i = 1, 200 do
		H.eq(got[i], "sync " .. i)
	end
end

return T
