-- SPDX-License-Identifier: MIT
-- The send family: results, echoes, and every error as a value or a raise.
local rpmsg = require "rpmsg"
local H = require "helpers"

local T = {}

local function collect(ctx, ept)
	local got = {}
	ept:set_rx_cb(function(data, src)
		got[#got + 1] = { data = data, src = src }
	end)
	return got
end

function T.every_sender_echoes()
	local ctx <close>, sim, ept = H.echo_endpoint()
	local got = collect(ctx, ept)
	H.eq(ept:send("one"), true)
	H.eq(ept:timedsend("two", 1000), true)
	H.eq(ept:trysend("three"), true)
	H.eq(ept:sendto("four", 30), true)
	H.eq(ept:trysendto("five", 30), true)
	H.eq(ept:send(""), true)
	-- Queued: leaves from the next dispatch, after the synchronous ones.
	H.eq(ept:send_async("seven"), true)
	H.wait(ctx, function() return #got == 7 end)
	local want = { "one", "two", "three", "four", "five", "", "seven" }
	for i, w in ipairs(want) do
		H.eq(got[i].data, w, "echo " .. i)
		H.eq(got[i].src, 30, "src " .. i)
	end
end

function T.binary_payload()
	local ctx <close>, sim, ept = H.echo_endpoint()
	local got = collect(ctx, ept)
	local bytes = {}
	for i = 0, 255 do bytes[#bytes + 1] = string.char(i) end
	local payload = table.concat(bytes) .. "\0end"
	assert(ept:send(payload))
	H.wait(ctx, function() return #got == 1 end)
	H.eq(got[1].data, payload)
end

function T.sendto_other_address()
	local ctx <close>, sim, ept = H.echo_endpoint()
	local got = collect(ctx, ept)
	assert(ept:sendto("elsewhere", 40))
	H.wait(ctx, function() return #got == 1 end)
	H.eq(got[1].data, "elsewhere")
	H.eq(got[1].src, 40)
end

function T.message_too_long_is_a_value()
	local ctx <close>, sim, ept = H.echo_endpoint()
	local big = ("x"):rep(rpmsg.MTU_DEFAULT + 1)
	H.fails(rpmsg.EMSGSIZE, ept.send, ept, big)
	H.fails(rpmsg.EMSGSIZE, ept.trysend, ept, big)
	H.fails(rpmsg.EMSGSIZE, ept.timedsend, ept, big, 10)
	H.fails(rpmsg.EMSGSIZE, ept.sendto, ept, big, 30)
	H.fails(rpmsg.EMSGSIZE, ept.trysendto, ept, big, 30)
	H.fails(rpmsg.EMSGSIZE, ept.send_async, ept, big)
	assert(ept:send(("x"):rep(rpmsg.MTU_DEFAULT)))
end

function T.full_ring_eagain_and_etimedout()
	local ctx <close>, sim, ept = H.echo_endpoint()
	-- As the C suite does: once the paused remote holds its credits, only the
	-- socket's slack remains before EAGAIN, and EAGAIN then stays.
	assert(sim:set_tx_credits(2))
	sim:pause()
	for _ = 1, 2000 do
		if sim:held_count() >= 2 then break end
		ept:trysend("f")
		ctx:dispatch(1)
	end
	H.eq(sim:held_count(), 2, "held")
	local sent = 0
	while true do
		local ok, msg, err = ept:trysend("fill")
		if not ok then
			H.eq(err, rpmsg.EAGAIN, "errno of a full ring")
			H.eq(type(msg), "string")
			break
		end
		sent = sent + 1
		assert(sent < 10000, "the ring never filled")
	end
	H.fails(rpmsg.EAGAIN, ept.trysendto, ept, "x", 30)
	H.fails(rpmsg.ETIMEDOUT, ept.timedsend, ept, "x", 0)
	H.fails(rpmsg.ETIMEDOUT, ept.timedsend, ept, "x", 20)
	assert(ept:set_send_timeout(20))
	H.fails(rpmsg.ETIMEDOUT, ept.send, ept, "x")
	H.fails(rpmsg.ETIMEDOUT, ept.sendto, ept, "x", 30)
	sim:resume()
end

-- A destination of ANY is misuse: it raises, with the errno's text.
function T.destination_any_raises()
	local ctx <close>, sim, ept = H.echo_endpoint()
	H.raises("sendto: Invalid argument", ept.sendto, ept, "x", rpmsg.ADDR_ANY)
	H.raises("trysendto: Invalid argument", ept.trysendto, ept, "x", rpmsg.ADDR_ANY)
end

function T.down_endpoint_epipe()
	local ctx <close>, sim, ept = H.echo_endpoint()
	local down
	ept:set_event_cb(function(msg, err) down = err end)
	sim:crash()
	H.wait(ctx, function() return down ~= nil end)
	H.eq(down, rpmsg.EPIPE)
	H.eq(ept:is_down(), true)
	H.fails(rpmsg.EPIPE, ept.send, ept, "x")
	H.fails(rpmsg.EPIPE, ept.trysend, ept, "x")
	H.fails(rpmsg.EPIPE, ept.send_async, ept, "x")
end

function T.payload_must_be_a_string()
	local ctx <close>, sim, ept = H.echo_endpoint()
	H.raises("got 'table'", ept.send, ept, {})
	H.raises("got 'nil'", ept.trysend, ept, nil)
	H.raises("string expected", ept.send_async, ept, nil)
	H.raises("bad argument", ept.send_async, ept, "x", 42)
end

function T.send_async_completions()
	local ctx <close>, sim, ept = H.echo_endpoint()
	local results = {}
	for i = 1, 3 do
		assert(ept:send_async("m" .. i, function(...) results[#results + 1] = { ... } end))
	end
	H.wait(ctx, function() return #results == 3 end)
	for i = 1, 3 do
		H.eq(results[i][1], true, "completion " .. i)
		H.eq(#results[i], 1)
	end
end

function T.send_async_cancelled_by_close()
	local ctx <close>, sim, ept = H.echo_endpoint()
	local got = {}
	-- Queued, not yet handed to the kernel: closing completes it with ECANCELED.
	assert(ept:send_async("late", function(ok, msg, err) got = { ok, msg, err } end))
	ept:close()
	H.eq(got[1], nil, "ok")
	H.eq(got[3], rpmsg.ECANCELED, "errno")
	H.eq(type(got[2]), "string", "message")
end

return T
