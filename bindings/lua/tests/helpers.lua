-- SPDX-License-Identifier: MIT
-- Assertions and fixtures shared by the Lua tests.
local rpmsg = require "rpmsg"

local H = {}

function H.eq(actual, expected, what)
	if actual ~= expected then
		error(string.format("%s: expected %s, got %s", what or "value", tostring(expected),
			tostring(actual)), 2)
	end
end

-- fn(...) must return nil, message, errno with this errno.
function H.fails(errno, fn, ...)
	local ok, msg, err = fn(...)
	if ok ~= nil or err ~= errno or type(msg) ~= "string" then
		error(string.format("expected nil, message, %d; got %s, %s, %s", errno, tostring(ok),
			tostring(msg), tostring(err)), 2)
	end
	return msg
end

-- fn(...) must raise an error whose message contains `text` (plain).
function H.raises(text, fn, ...)
	local ok, err = pcall(fn, ...)
	if ok then
		error("expected an error containing '" .. text .. "', got success", 2)
	end
	if not tostring(err):find(text, 1, true) then
		error("expected an error containing '" .. text .. "', got: " .. tostring(err), 2)
	end
	return err
end

-- Skip the running test: the runner counts and reports it apart from the passed ones.
H.Skipped = {}
function H.skip(reason)
	error(setmetatable({ reason = reason }, H.Skipped))
end

-- A context, a simulated remote and an endpoint to its echo at address 30.
function H.echo_endpoint(flags)
	local ctx = assert(rpmsg.Context())
	local sim = assert(ctx:sim(flags))
	local ept = assert(sim:ctrl():create_ept("lua-test", rpmsg.ADDR_ANY, 30))
	ept:set_send_timeout(2000)
	return ctx, sim, ept
end

-- One dispatch of up to timeout_ms. EINTR is a wait cut short, not a failure: io_uring's
-- task work (from a ring another test closed) interrupts epoll_wait too.
function H.dispatch(ctx, timeout_ms)
	local n, msg, err = ctx:dispatch(timeout_ms)
	if n == nil and err ~= rpmsg.EINTR then
		error("dispatch: " .. msg, 2)
	end
	return n or 0
end

-- Dispatch until cond() is true; fails after timeout_ms (default 2000).
function H.wait(ctx, cond, timeout_ms)
	local deadline = os.time() + math.ceil((timeout_ms or 2000) / 1000) + 1
	while not cond() do
		if os.time() > deadline then
			error("timed out waiting", 2)
		end
		H.dispatch(ctx, 100)
	end
end

return H
