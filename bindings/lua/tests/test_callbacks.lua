-- SPDX-License-Identifier: MIT
-- Callbacks: where they run, replacing and clearing, errors, no leaks.
local rpmsg = require "rpmsg"
local H = require "helpers"

local T = {}

function T.replace_and_clear_rx()
	local ctx <close>, sim, ept = H.echo_endpoint()
	local first, second = {}, {}
	ept:set_rx_cb(function(d) first[#first + 1] = d end)
	assert(ept:send("a"))
	H.wait(ctx, function() return #first == 1 end)
	ept:set_rx_cb(function(d) second[#second + 1] = d end)
	assert(ept:send("b"))
	H.wait(ctx, function() return #second == 1 end)
	H.eq(#first, 1, "old callback no longer called")
	-- Cleared: messages wait until a callback is set again.
	ept:set_rx_cb(nil)
	assert(ept:send("c"))
	for _ = 1, 5 do ctx:dispatch(20) end
	H.eq(#second, 1, "nothing delivered without a callback")
	ept:set_rx_cb(function(d) second[#second + 1] = d end)
	H.wait(ctx, function() return #second == 2 end)
	H.eq(second[2], "c")
end

function T.event_callback_on_withdraw()
	local ctx <close>, sim = H.echo_endpoint()
	assert(sim:announce("svc", 77))
	local ept = assert(sim:ctrl():open_channel("svc", 77))
	local events = {}
	ept:set_event_cb(function(msg, err) events[#events + 1] = { msg, err } end)
	assert(sim:withdraw("svc", 77))
	H.wait(ctx, function() return #events == 1 end)
	H.eq(type(events[1][1]), "string")
	assert(events[1][2] == rpmsg.EPIPE or events[1][2] == rpmsg.ENETRESET
		or events[1][2] == rpmsg.ECONNRESET, "cause " .. tostring(events[1][2]))
	for _ = 1, 3 do ctx:dispatch(10) end
	H.eq(#events, 1, "delivered once")
end

function T.error_propagates_with_traceback()
	local ctx <close>, sim, ept = H.echo_endpoint()
	local function explode() error("boom from rx") end
	ept:set_rx_cb(function() explode() end)
	assert(ept:send("x"))
	local err
	for _ = 1, 50 do
		local ok, e = pcall(ctx.dispatch, ctx, 100)
		if not ok then err = e break end
	end
	assert(err, "the error did not come out of dispatch")
	assert(err:find("boom from rx", 1, true), err)
	assert(err:find("stack traceback", 1, true), err)
	assert(err:find("explode", 1, true), "traceback names the function: " .. err)
	-- The context keeps working afterwards.
	local got
	ept:set_rx_cb(function(d) got = d end)
	assert(ept:send("after"))
	H.wait(ctx, function() return got ~= nil end)
	H.eq(got, "after")
end

function T.error_objects_pass_unchanged()
	local ctx <close>, sim, ept = H.echo_endpoint()
	local obj = { code = 7 }
	ept:set_rx_cb(function() error(obj) end)
	assert(ept:send("x"))
	local err
	for _ = 1, 50 do
		local ok, e = pcall(ctx.dispatch, ctx, 100)
		if not ok then err = e break end
	end
	assert(err == obj, "error object replaced: " .. tostring(err))
end

function T.completion_error_propagates()
	local ctx <close>, sim, ept = H.echo_endpoint()
	assert(ept:send_async("x", function() error("done failed") end))
	H.raises("done failed", function()
		for _ = 1, 50 do ctx:dispatch(100) end
	end)
end

function T.completion_error_from_close()
	local ctx <close>, sim, ept = H.echo_endpoint()
	assert(ept:send_async("x", function() error("cancel failed") end))
	H.raises("cancel failed", ept.close, ept)
	H.raises("endpoint is closed", ept.send, ept, "y")
end

function T.runs_in_calling_coroutine()
	local ctx <close>, sim, ept = H.echo_endpoint()
	local seen
	ept:set_rx_cb(function() seen = coroutine.running() end)
	assert(ept:send("x"))
	local co = coroutine.create(function()
		H.wait(ctx, function() return seen ~= nil end)
	end)
	assert(coroutine.resume(co))
	assert(seen == co, "callback ran outside the dispatching coroutine")
end

function T.callback_can_yield_nothing_but_dispatch_elsewhere()
	-- Dispatching the same context from its own callback is misuse (EBUSY).
	local ctx <close>, sim, ept = H.echo_endpoint()
	ept:set_rx_cb(function() ctx:dispatch(0) end)
	assert(ept:send("x"))
	H.raises("dispatch: Device or resource busy", function()
		for _ = 1, 50 do ctx:dispatch(100) end
	end)
	-- Another context may be dispatched from a callback.
	local other <close>, osim, oept = H.echo_endpoint()
	local inner
	oept:set_rx_cb(function(d) inner = d end)
	assert(oept:send("inner"))
	local outer
	ept:set_rx_cb(function(d)
		outer = d
		H.wait(other, function() return inner ~= nil end)
	end)
	assert(ept:send("outer"))
	H.wait(ctx, function() return outer ~= nil end)
	H.eq(inner, "inner")
end

function T.close_from_own_callback()
	local ctx <close>, sim, ept = H.echo_endpoint()
	local calls = 0
	ept:set_rx_cb(function() calls = calls + 1; ept:close() end)
	assert(ept:send("a"))
	assert(ept:send("b"))
	H.wait(ctx, function() return calls > 0 end)
	for _ = 1, 5 do ctx:dispatch(10) end
	H.eq(calls, 1, "no callback after close")
	H.raises("endpoint is closed", ept.send, ept, "c")
end

-- Replacing a callback 100 000 times leaves memory where it was.
function T.no_leak_replacing_callbacks()
	local ctx <close>, sim, ept = H.echo_endpoint()
	local function round(n)
		for i = 1, n do
			local t = { i }
			ept:set_rx_cb(function() return t end)
			ept:set_event_cb(function() return t end)
		end
		ept:set_rx_cb(nil)
		ept:set_event_cb(nil)
		collectgarbage()
		collectgarbage()
		return collectgarbage("count")
	end
	local before = round(1000)
	local after = round(100000)
	assert(after - before < 64, string.format("grew by %.1f KiB", after - before))
end

-- 20 000 completion callbacks, each run once and then released.
function T.no_leak_completions()
	local ctx <close>, sim, ept = H.echo_endpoint()
	ept:set_rx_cb(function() end)
	local function round(n)
		local done = 0
		for i = 1, n do
			local t = { i }
			assert(ept:send_async("x", function() done = done + #t end))
			if i % 32 == 0 then
				H.wait(ctx, function() return done == i end)
			end
		end
		H.wait(ctx, function() return done == n end)
		for _ = 1, 3 do ctx:dispatch(10) end
		collectgarbage()
		collectgarbage()
		return collectgarbage("count")
	end
	local before = round(1000)
	local after = round(20000)
	assert(after - before < 64, string.format("grew by %.1f KiB", after - before))
end

-- The sorted messages of an rpmsg.CallbackErrors, without their tracebacks.
local function messages(errors)
	local out = {}
	for i, e in ipairs(errors) do
		out[i] = tostring(e):match("(%w[%w ]* failed)")
	end
	table.sort(out)
	return table.concat(out, ",")
end

-- Every error of one call comes out, together, in the order they were raised.
function T.every_error_of_a_close_is_raised()
	local ctx <close>, sim, ept = H.echo_endpoint()
	sim:pause()
	for i = 1, 3 do
		assert(ept:send_async("x", function() error("send " .. i .. " failed") end))
	end
	local err = H.raises("3 errors in rpmsg callbacks", ept.close, ept)
	H.eq(getmetatable(err), rpmsg.CallbackErrors, "metatable")
	H.eq(err.count, 3, "count")
	H.eq(#err, 3, "kept")
	for i = 1, 3 do
		assert(err[i]:find("send " .. i .. " failed", 1, true), err[i])
		assert(err[i]:find("stack traceback", 1, true), err[i])
	end
	assert(tostring(err):find("[3] ", 1, true), tostring(err))
	sim:resume()
end

function T.every_error_of_a_dispatch_is_raised()
	local ctx <close>, sim, ept = H.echo_endpoint()
	local ran = 0
	ept:set_rx_cb(function(data)
		ran = ran + 1
		error(data .. " failed")
	end)
	for i = 1, 5 do
		assert(sim:send(30, ept:src(), "message " .. i))
	end
	-- However the messages split across dispatches, every error comes out once.
	local raised = {}
	local deadline = os.time() + 5
	while ran < 5 or #raised < ran do
		assert(os.time() <= deadline, string.format("%d ran, %d raised", ran, #raised))
		local ok, err = pcall(ctx.dispatch, ctx, 100)
		if not ok then
			if getmetatable(err) == rpmsg.CallbackErrors then
				H.eq(err.count, #err, "count")
				table.move(err, 1, #err, #raised + 1, raised)
			else
				raised[#raised + 1] = err
			end
		end
	end
	H.eq(messages(raised), "message 1 failed,message 2 failed,message 3 failed,"
		.. "message 4 failed,message 5 failed")
end

-- A context's close closes every child even when their completions raise, and
-- raises every error.
function T.context_close_raises_every_error_and_closes_everything()
	local ctx, sim, a = H.echo_endpoint()
	local b = assert(sim:ctrl():create_ept("other", rpmsg.ADDR_ANY, 30))
	sim:pause()
	assert(a:send_async("x", function() error("a failed") end))
	assert(b:send_async("x", function() error("b failed") end))
	local err = H.raises("2 errors in rpmsg callbacks", ctx.close, ctx)
	H.eq(err.count, 2, "count")
	H.eq(messages(err), "a failed,b failed")
	H.raises("context is closed", ctx.fd, ctx)
	H.raises("endpoint is closed", a.send, a, "y")
	H.raises("endpoint is closed", b.send, b, "y")
end

-- Errors of a close nested in a callback join the outer call's, spread.
function T.nested_close_errors_are_spread()
	local ctx <close>, sim, ept = H.echo_endpoint()
	local other <close>, osim, oept = H.echo_endpoint()
	for i = 1, 2 do
		assert(oept:send_async("x", function() error("inner " .. i .. " failed") end))
	end
	-- Both completions run inside ept:close(), cancelled, in order.
	assert(ept:send_async("x", function()
		oept:close()	-- raises the two inner errors together
	end))
	assert(ept:send_async("x", function() error("outer failed") end))
	local err = H.raises("3 errors in rpmsg callbacks", ept.close, ept)
	H.eq(err.count, 3, "count")
	H.eq(#err, 3, "kept")
	H.eq(messages(err), "inner 1 failed,inner 2 failed,outer failed")
end

-- rpmsg_ctx_free refuses inside a callback (EBUSY): ctx:close() raises before
-- it closes anything, so nothing leaks and the context keeps working.
function T.close_context_from_own_callback_raises()
	local ctx <close>, sim, ept = H.echo_endpoint()
	local err
	ept:set_rx_cb(function()
		local ok, e = pcall(ctx.close, ctx)
		err = ok and "closed without error" or tostring(e)
	end)
	assert(ept:send("x"))
	H.wait(ctx, function() return err ~= nil end)
	assert(err:find("close: Device or resource busy", 1, true), err)
	H.eq(sim:ctrl():path(), "sim:", "the simulator's control device is open")
	local got
	ept:set_rx_cb(function(d) got = d end)
	assert(ept:send("after"))
	H.wait(ctx, function() return got ~= nil end)
	H.eq(got, "after")
end

-- A completion that ept:close() runs (ECANCELED) is a callback of the context too.
function T.close_context_from_completion_of_ept_close_raises()
	local ctx <close>, sim = H.echo_endpoint()
	local ept = assert(sim:ctrl():create_ept("queued", rpmsg.ADDR_ANY, 30))
	local seen = {}
	assert(ept:send_async("x", function(ok, msg, errno)
		seen[#seen + 1] = errno
		local closed, e = pcall(ctx.close, ctx)
		seen[#seen + 1] = closed and "closed without error" or tostring(e)
	end))
	ept:close()
	H.eq(seen[1], rpmsg.ECANCELED)
	assert(seen[2]:find("close: Device or resource busy", 1, true), seen[2])
	H.eq(sim:rx_count(), 0, "the simulator is open")
	ctx:close()
	H.raises("simulator is closed", sim.rx_count, sim)
end

-- Endpoints, the simulator and its control device may be closed from a callback.
function T.close_children_from_callback()
	local ctx <close>, sim, ept = H.echo_endpoint()
	local ctrl = sim:ctrl()
	local other = assert(ctrl:create_ept("other", rpmsg.ADDR_ANY, 31))
	local calls = 0
	ept:set_rx_cb(function()
		calls = calls + 1
		ept:close()
		other:close()
		sim:close()
		ctrl:close()
	end)
	assert(ept:send("x"))
	H.wait(ctx, function() return calls > 0 end)
	for _ = 1, 3 do H.dispatch(ctx, 10) end
	H.eq(calls, 1)
	H.raises("endpoint is closed", other.send, other, "x")
	H.raises("simulator is closed", sim.pause, sim)
	local again = assert(ctx:sim())
	assert(again:ctrl():create_ept("again", rpmsg.ADDR_ANY, 30)):close()
	again:close()
end

return T
