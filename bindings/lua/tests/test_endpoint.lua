-- SPDX-License-Identifier: MIT
-- Endpoint: attributes, settings, opening errors, closing.
local rpmsg = require "rpmsg"
local H = require "helpers"

local T = {}

function T.attributes()
	local ctx <close>, sim, ept = H.echo_endpoint()
	H.eq(getmetatable(ept), rpmsg.Endpoint, "class")
	H.eq(ept:name(), "lua-test")
	H.eq(ept:dst(), 30)
	H.eq(math.type(ept:src()), "integer", "src")
	H.eq(ept:path(), nil, "a simulated endpoint has no node")
	H.eq(math.type(ept:fd()), "integer", "fd")
	H.eq(ept:is_down(), false)
	H.eq(ept:mtu(), rpmsg.MTU_DEFAULT)
	H.eq(ept:get_send_timeout(), 2000)
	assert(ept:ctx() == ctx)
	assert(tostring(ept):find("lua-test", 1, true))
end

function T.settings()
	local ctx <close>, sim, ept = H.echo_endpoint()
	assert(ept:set_mtu(100))
	H.eq(ept:mtu(), 100)
	H.raises("set_mtu: Invalid argument", ept.set_mtu, ept, 0)
	H.raises("set_mtu: Invalid argument", ept.set_mtu, ept, rpmsg.MTU_MAX + 1)
	H.raises("must be an integer", ept.set_mtu, ept, -1)
	assert(ept:set_send_timeout(-1))
	H.eq(ept:get_send_timeout(), -1)
	H.raises("set_send_timeout: Invalid argument", ept.set_send_timeout, ept, -2)
	H.raises("bad argument", ept.set_rx_cb, ept, 42)
	H.raises("bad argument", ept.set_event_cb, ept, "not a function")
end

function T.open_errors()
	local ctx <close> = assert(rpmsg.Context())
	H.fails(rpmsg.ENOENT, ctx.open_ept, ctx, "/nonexistent/rpmsg0")
	H.fails(rpmsg.ENOTTY, ctx.open_ept, ctx, "/")
	H.fails(rpmsg.EBADF, ctx.open_ept_fd, ctx, -1)
	H.fails(rpmsg.ENOENT, ctx.open_ctrl, ctx, "/nonexistent/rpmsg_ctrl0")
end

function T.create_errors()
	local ctx <close>, sim = H.echo_endpoint()
	local ctrl = sim:ctrl()
	H.fails(rpmsg.EINVAL, ctrl.create_ept, ctrl, "", rpmsg.ADDR_ANY, 30)
	H.fails(rpmsg.ENAMETOOLONG, ctrl.create_ept, ctrl, ("n"):rep(32), rpmsg.ADDR_ANY, 30)
	H.raises("must be an integer", ctrl.create_ept, ctrl, "x", rpmsg.ADDR_ANY, -1)
	H.raises("must be an integer", ctrl.create_ept, ctrl, "x", rpmsg.ADDR_ANY, 1 << 32)
end

function T.closed_endpoint_raises()
	local ctx <close>, sim, ept = H.echo_endpoint()
	ept:close()
	ept:close()
	H.eq(tostring(ept), "rpmsg.Endpoint (closed)")
	for _, method in ipairs({ "name", "src", "dst", "fd", "mtu", "is_down", "ctx" }) do
		H.raises("endpoint is closed", ept[method], ept)
	end
	H.raises("endpoint is closed", ept.send, ept, "x")
	H.raises("endpoint is closed", ept.send_async, ept, "x")
	H.raises("endpoint is closed", ept.set_rx_cb, ept, nil)
end

function T.to_be_closed_endpoint()
	local ctx <close>, sim = H.echo_endpoint()
	local kept
	do
		local ept <close> = assert(sim:ctrl():create_ept("scoped", rpmsg.ADDR_ANY, 31))
		kept = ept
	end
	H.raises("endpoint is closed", kept.send, kept, "x")
end

return T
