-- SPDX-License-Identifier: MIT
-- Lifetimes: garbage collection in any order, explicit closes, parents kept alive.
local rpmsg = require "rpmsg"
local H = require "helpers"

local T = {}

-- Everything unreachable at once, callbacks and queued sends included: no crash.
function T.collect_context_with_live_endpoints()
	local dropped, late = false, 0
	for round = 1, 50 do
		dropped = false
		local ctx = assert(rpmsg.Context())
		local sim = assert(ctx:sim())
		for i = 1, 4 do
			local ept = assert(sim:ctrl():create_ept("gc", rpmsg.ADDR_ANY, 30 + i))
			ept:set_rx_cb(function() return ept, ctx end)
			ept:set_event_cb(function() return sim end)
			assert(ept:send_async("pending", function()
				if dropped then late = late + 1 end
			end))
		end
		if round % 2 == 0 then
			ctx:dispatch(0)
		end
		ctx, sim = nil, nil
		dropped = true
		collectgarbage()
	end
	collectgarbage()
	H.eq(late, 0, "completions run by the collector")
end

-- An endpoint keeps its context alive: dropping the context reference is harmless.
function T.endpoint_keeps_context_alive()
	local _, _, ept = H.echo_endpoint()
	collectgarbage()
	collectgarbage()
	local got
	ept:set_rx_cb(function(d) got = d end)
	assert(ept:send("still here"))
	H.wait(ept:ctx(), function() return got ~= nil end)
	H.eq(got, "still here")
end

-- A simulator's control device keeps the simulator alive.
function T.ctrl_keeps_sim_alive()
	local ctx <close> = assert(rpmsg.Context())
	local ctrl = assert(ctx:sim()):ctrl()
	collectgarbage()
	collectgarbage()
	H.eq(ctrl:path(), "sim:")
	assert(ctrl:create_ept("alive", rpmsg.ADDR_ANY, 30))
end

-- Closing the context closes its children; using them then raises.
function T.close_context_closes_children()
	local ctx, sim, ept = H.echo_endpoint()
	local ctrl = sim:ctrl()
	local cancelled
	assert(ept:send_async("x", function(ok, msg, err) cancelled = err end))
	ctx:close()
	H.eq(cancelled, rpmsg.ECANCELED, "queued send completed by the close")
	H.raises("endpoint is closed", ept.send, ept, "x")
	H.raises("simulator is closed", sim.pause, sim)
	H.raises("control device is closed", ctrl.path, ctrl)
	ept:close()
	sim:close()
	ctrl:close()
end

-- Closing the simulator takes its control device; endpoints stay objects but go down.
function T.close_sim()
	local ctx <close>, sim, ept = H.echo_endpoint()
	local ctrl = sim:ctrl()
	local down
	ept:set_event_cb(function(msg, err) down = err end)
	sim:close()
	H.raises("control device is closed", ctrl.create_ept, ctrl, "x", rpmsg.ADDR_ANY, 1)
	H.raises("simulator is closed", sim.ctrl, sim)
	H.wait(ctx, function() return down ~= nil end)
	H.eq(down, rpmsg.EPIPE)
	H.fails(rpmsg.EPIPE, ept.send, ept, "x")
end

-- Closing the simulator's control device changes nothing for the simulator.
function T.close_sim_ctrl()
	local ctx <close>, sim, ept = H.echo_endpoint()
	local ctrl = sim:ctrl()
	ctrl:close()
	H.raises("control device is closed", ctrl.path, ctrl)
	assert(ept:send("x"))
end

-- Orphans collected in a later cycle than their context's explicit close.
function T.close_then_collect()
	local ctx, sim, ept = H.echo_endpoint()
	ctx:close()
	ctx = nil
	collectgarbage()
	H.raises("endpoint is closed", ept.fd, ept)
	ept, sim = nil, nil
	collectgarbage()
end

return T
