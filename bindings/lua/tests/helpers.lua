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

-- A context, a simulated remote and an endpoint to its echo at address 30.
function H.echo_endpoint(flags)
	local ctx = assert(rpmsg.Context())
	local sim = assert(ctx:sim(flags))
	local ept = assert(sim:ctrl():create_ept("lua-test", rpmsg.ADDR_ANY, 30))
	ept:set_send_timeout(2000)
	return ctx, sim, ept
end

-- Dispatch until cond() is true; fails after timeout_ms (default 2000).
function H.wait(ctx, cond, timeout_ms)
	local deadline = os.time() + math.ceil((timeout_ms or 2000) / 1000) + 1
	while not cond() do
		if os.time() > deadline then
			error("timed out waiting", 2)
		end
		assert(ctx:dispatch(100))
	end
end

return H
