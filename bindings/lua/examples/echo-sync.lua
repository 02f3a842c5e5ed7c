-- SPDX-License-Identifier: MIT
-- Synchronous echo, as examples/echo-sync.c: send a message, dispatch until
-- its echo arrived, check it.   lua5.4 echo-sync.lua [--ctrl /dev/rpmsg_ctrl0] [-n 5]
package.path = (arg[0]:match("^(.*)/") or ".") .. "/?.lua;" .. package.path
local common = require "common"
local clock = os.clock

local o = common.parse(arg, { count = 5 })
local r <close> = setmetatable(common.open(o), { __close = function(r) r.ctx:close() end })
local echo, down
r.ept:set_rx_cb(function(data) echo = data end)
r.ept:set_event_cb(function(msg) down = msg end)

for i = 1, o.count do
	local text = "hello " .. i
	echo = nil
	local ok, msg = r.ept:send(text)
	if not ok then common.die("send", msg) end
	local deadline = os.time() + common.TIMEOUT_MS // 1000 + 1
	while not echo and not down do
		if os.time() > deadline then common.die("echo", "timed out") end
		local n, err = r.ctx:dispatch(100)
		if not n then common.die("dispatch", err) end
	end
	if down then common.die("endpoint went down", down) end
	if echo ~= text then common.die("echo", "got '" .. echo .. "'") end
	print(string.format("%s: sent '%s' → echoed '%s'", r.label, text, echo))
end
print(string.format("%d of %d echoes received and verified", o.count, o.count))
