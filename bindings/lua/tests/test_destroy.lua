-- SPDX-License-Identifier: MIT
-- destroy and set_destroy_on_close: the kernel device's lifetime.
local rpmsg = require "rpmsg"
local H = require "helpers"

local T = {}

function T.destroy_takes_the_endpoint_down()
	local ctx <close>, sim, ept = H.echo_endpoint()
	local downs, done = {}, {}
	ept:set_event_cb(function(msg, err) downs[#downs + 1] = err end)
	local before = sim:rx_count()
	assert(sim:set_tx_credits(1))
	sim:pause()
	for _ = 1, 5 do
		assert(ept:send_async("queued", function(ok, msg, err) done[#done + 1] = err end))
	end
	H.eq(ept:destroy(), true)
	H.eq(ept:is_down(), true)
	H.fails(rpmsg.EPIPE, ept.send, ept, "x")
	H.fails(rpmsg.EPIPE, ept.destroy, ept)
	H.wait(ctx, function() return #done == 5 and #downs == 1 end)
	for i = 1, 5 do
		H.eq(done[i], rpmsg.EPIPE, "completion " .. i)
	end
	H.eq(downs[1], rpmsg.EPIPE, "down")
	sim:resume()
	H.dispatch(ctx, 50)
	H.eq(#downs, 1, "down events")
	H.eq(#done, 5, "completions")
	-- The remote forgot the endpoint: nothing reached it, and nothing can.
	H.eq(sim:rx_count(), before, "received by the remote")
	H.fails(rpmsg.ENOENT, sim.send, sim, 30, ept:src(), "late")
	ept:close()
end

function T.destroy_after_down_is_epipe()
	local ctx <close>, sim, ept = H.echo_endpoint()
	local down
	ept:set_event_cb(function(msg, err) down = err end)
	sim:crash()
	H.wait(ctx, function() return down ~= nil end)
	H.fails(rpmsg.EPIPE, ept.destroy, ept)
end

function T.destroy_on_close_raises_on_simulated_endpoint()
	local ctx <close>, sim, ept = H.echo_endpoint()
	H.raises("set_destroy_on_close: Operation not supported", ept.set_destroy_on_close, ept, true)
	H.raises("set_destroy_on_close: Operation not supported", ept.set_destroy_on_close, ept, false)
	H.eq(ept:is_down(), false)
end

function T.adopted_socket_lives_with_its_handle()
	local ok, uv = pcall(require, "luv")
	if not ok then
		H.skip("a socket pair needs luv (Debian lua-luv)")
	end
	local fds = assert(uv.socketpair("seqpacket"))
	local ctx <close> = assert(rpmsg.Context())
	local ept = assert(ctx:open_ept_fd(fds[1]))
	H.fails(rpmsg.EOPNOTSUPP, ept.destroy, ept)
	H.raises("set_destroy_on_close: Operation not supported", ept.set_destroy_on_close, ept, true)
	H.eq(ept:is_down(), false)
	assert(ept:send("still up"))
	H.eq(uv.fs_read(fds[2], 100), "still up")
	ept:close()
	uv.fs_close(fds[2])
end

-- /dev/ptmx passed off as endpoint device rpmsg0 by a fabricated sysfs tree: a
-- device opened by path whose DESTROY ioctl the kernel refuses.
local function pty_endpoint(ctx)
	local stat = assert(io.popen("stat -L -c '%t %T' /dev/ptmx"))
	local major, minor = stat:read("l"):match("^(%x+) (%x+)$")
	stat:close()
	local dir = os.tmpname()
	os.remove(dir)
	local class = dir .. "/sys/class/rpmsg/rpmsg0"
	assert(os.execute("mkdir -p '" .. class .. "'"))
	local attrs = { dev = tonumber(major, 16) .. ":" .. tonumber(minor, 16), name = "rpmsg-raw",
		src = "1024", dst = "1040" }
	for name, value in pairs(attrs) do
		local f = assert(io.open(class .. "/" .. name, "w"))
		f:write(value, "\n")
		f:close()
	end
	assert(ctx:set_roots(dir .. "/sys", dir .. "/dev"))
	local ept, msg = ctx:open_ept("/dev/ptmx")
	os.execute("rm -rf '" .. dir .. "'")
	return assert(ept, msg)
end

function T.destroy_returns_the_kernel_error()
	local ctx <close> = assert(rpmsg.Context())
	local ept = pty_endpoint(ctx)
	H.eq(ept:name(), "rpmsg-raw")
	H.eq(ept:dst(), 1040)
	H.fails(rpmsg.ENOTTY, ept.destroy, ept)
	H.eq(ept:is_down(), false)
end

function T.set_destroy_on_close_on_a_device_opened_by_path()
	local ctx <close> = assert(rpmsg.Context())
	local ept = pty_endpoint(ctx)
	H.eq(ept:set_destroy_on_close(true), 0)
	H.eq(ept:set_destroy_on_close(false), 0)
	H.raises("expected 'bool'", ept.set_destroy_on_close, ept, 1)
	H.raises("expected 'bool'", ept.set_destroy_on_close, ept, nil)
end

function T.closed_endpoint_raises()
	local ctx <close>, sim, ept = H.echo_endpoint()
	ept:close()
	H.raises("endpoint:destroy: endpoint is closed", ept.destroy, ept)
	H.raises("endpoint:set_destroy_on_close: endpoint is closed", ept.set_destroy_on_close, ept,
		false)
end

-- A completion that close() runs sees the endpoint closed already.
function T.closing_endpoint_raises()
	local ctx <close>, sim, ept = H.echo_endpoint()
	sim:pause()
	assert(ept:send_async("x", function() ept:destroy() end))
	H.raises("endpoint is closed", ept.close, ept)
end

return T
