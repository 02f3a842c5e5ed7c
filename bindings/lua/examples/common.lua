-- SPDX-License-Identifier: MIT
-- What the Lua examples share: options and opening the remote, as in examples/common.c.
local rpmsg = require "rpmsg"

local common = { TIMEOUT_MS = 2000 }

-- Options: --ctrl PATH, --rproc NAME, --dst ADDR, --name NAME, -n COUNT, -k COUNT.
function common.parse(args, defaults)
	local o = { dst = 30, name = "librpmsg-example", count = defaults.count,
		inflight = defaults.inflight }
	local i = 1
	while i <= #args do
		local a, v = args[i], args[i + 1]
		if a == "--sim" then
			i = i - 1
		elseif a == "--ctrl" then o.ctrl = v
		elseif a == "--rproc" then o.rproc = v
		elseif a == "--dst" then o.dst = math.tointeger(tonumber(v))
		elseif a == "--name" then o.name = v
		elseif a == "-n" then o.count = math.tointeger(tonumber(v))
		elseif a == "-k" then o.inflight = math.tointeger(tonumber(v))
		else
			io.stderr:write("usage: [--sim | --ctrl PATH | --rproc NAME] [--dst ADDR] ",
				"[--name NAME] [-n COUNT] [-k COUNT]\n")
			os.exit(2)
		end
		i = i + 2
	end
	return o
end

local function die(what, msg)
	io.stderr:write(string.format("%s: %s: %s\n", arg[0], what, msg))
	os.exit(1)
end
common.die = die

-- A context and an endpoint bound to o.dst: on a device, or on a simulated remote.
function common.open(o)
	local ctx, msg = rpmsg.Context()
	if not ctx then die("rpmsg.Context", msg) end
	local ctrl, sim, label
	if o.ctrl then
		ctrl, msg = ctx:open_ctrl(o.ctrl)
		label = o.ctrl
	elseif o.rproc then
		ctrl, msg = ctx:open_ctrl_rproc(o.rproc)
		label = "remote processor " .. o.rproc
	else
		sim, msg = ctx:sim()
		ctrl = sim and sim:ctrl()
		label = "simulated remote"
	end
	if not ctrl then die("control device", msg) end
	local ept
	ept, msg = ctrl:create_ept(o.name, rpmsg.ADDR_ANY, o.dst)
	if not ept then die("create_ept", msg) end
	ept:set_send_timeout(common.TIMEOUT_MS)
	print(string.format("librpmsg %s, %s engine, %s → remote address %d", rpmsg.version(),
		ctx:engine(), label, o.dst))
	return { ctx = ctx, sim = sim, ctrl = ctrl, ept = ept, label = label }
end

return common
