-- SPDX-License-Identifier: MIT
-- The simulated remote through the binding.
local rpmsg = require "rpmsg"
local H = require "helpers"

local T = {}

function T.remote_sends_to_endpoint()
	local ctx <close>, sim, ept = H.echo_endpoint()
	local got
	ept:set_rx_cb(function(d, src) got = { d, src } end)
	assert(sim:send(30, ept:src(), "from remote"))
	H.wait(ctx, function() return got ~= nil end)
	H.eq(got[1], "from remote")
	H.eq(got[2], 30)
	H.fails(rpmsg.ENOENT, sim.send, sim, 30, 4000, "nobody")
	H.fails(rpmsg.EMSGSIZE, sim.send, sim, 30, ept:src(), ("x"):rep(rpmsg.MTU_DEFAULT + 1))
end

function T.settings()
	local ctx <close>, sim = H.echo_endpoint()
	H.raises("set_tx_credits: Invalid argument", sim.set_tx_credits, sim, 0)
	H.raises("set_mtu: Invalid argument", sim.set_mtu, sim, 0)
	assert(sim:set_mtu(100))
	local ept = assert(sim:ctrl():create_ept("small", rpmsg.ADDR_ANY, 31))
	H.eq(ept:mtu(), 100)
	H.fails(rpmsg.EMSGSIZE, ept.send, ept, ("x"):rep(101))
end

function T.rx_count_and_pause()
	local ctx <close>, sim, ept = H.echo_endpoint()
	local got = 0
	ept:set_rx_cb(function() got = got + 1 end)
	local before = sim:rx_count()
	H.eq(math.type(before), "integer")
	sim:pause()
	assert(ept:send("held"))
	for _ = 1, 3 do ctx:dispatch(10) end
	H.eq(got, 0, "held while paused")
	sim:resume()
	H.wait(ctx, function() return got == 1 end)
	H.eq(sim:rx_count() - before, 1)
end

function T.announce_withdraw()
	local ctx <close>, sim = H.echo_endpoint()
	local ctrl = sim:ctrl()
	H.fails(rpmsg.ENOENT, ctrl.open_channel, ctrl, "svc", 5)
	assert(sim:announce("svc", 5))
	H.fails(rpmsg.EEXIST, sim.announce, sim, "svc", 5)
	H.fails(rpmsg.EINVAL, sim.announce, sim, "", 5)
	H.fails(rpmsg.ENAMETOOLONG, sim.announce, sim, ("n"):rep(40), 5)
	local ept = assert(ctrl:open_channel("svc", 5))
	H.eq(ept:name(), "svc")
	H.eq(ept:dst(), 5)
	local got
	ept:set_rx_cb(function(d) got = d end)
	assert(ept:send("ping"))
	H.wait(ctx, function() return got ~= nil end)
	assert(sim:withdraw("svc", 5))
	H.fails(rpmsg.ENOENT, sim.withdraw, sim, "svc", 5)
end

function T.channels_unsupported_on_sim()
	local ctx <close>, sim = H.echo_endpoint()
	local ctrl = sim:ctrl()
	H.eq(ctrl:path(), "sim:")
	H.fails(rpmsg.EOPNOTSUPP, ctrl.create_channel, ctrl, "rpmsg-raw", 1024, 1025)
	H.fails(rpmsg.EPERM, ctrl.release_channel, ctrl, "rpmsg_ns", 53, 53)
end

function T.crash_restart()
	local ctx <close>, sim = H.echo_endpoint()
	local ctrl = sim:ctrl()
	sim:crash()
	H.fails(rpmsg.EPIPE, ctrl.create_ept, ctrl, "x", rpmsg.ADDR_ANY, 3)
	H.fails(rpmsg.EPIPE, sim.announce, sim, "svc", 5)
	sim:restart()
	local ept = assert(ctrl:create_ept("x", rpmsg.ADDR_ANY, 3))
	local got
	ept:set_rx_cb(function(d) got = d end)
	assert(ept:send("back"))
	H.wait(ctx, function() return got ~= nil end)
end

return T
