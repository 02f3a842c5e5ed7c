-- SPDX-License-Identifier: MIT
-- Discovery and control devices on a fabricated sysfs tree.
local rpmsg = require "rpmsg"
local H = require "helpers"

local T = {}

local function scratch()
	local dir = os.tmpname()
	os.remove(dir)
	assert(os.execute("mkdir -p '" .. dir .. "/sys' '" .. dir .. "/dev'"))
	return dir
end

local function write(path, text)
	assert(os.execute("mkdir -p \"$(dirname '" .. path .. "')\""))
	local f = assert(io.open(path, "w"))
	f:write(text)
	f:close()
end

function T.empty_tree_lists_nothing()
	local dir = scratch()
	local ctx <close> = assert(rpmsg.Context())
	assert(ctx:set_roots(dir .. "/sys", dir .. "/dev"))
	for _, kind in ipairs({ rpmsg.DEV_CTRL, rpmsg.DEV_EPT, rpmsg.DEV_CHANNEL }) do
		local list = assert(ctx:list(kind))
		H.eq(#list, 0, "entries")
	end
	H.fails(rpmsg.EINVAL, ctx.list, ctx, 99)
	H.fails(rpmsg.ENODEV, ctx.open_ctrl_rproc, ctx, "remoteproc7")
	os.execute("rm -rf '" .. dir .. "'")
end

function T.endpoint_device_listed()
	local dir = scratch()
	local ept = dir .. "/sys/class/rpmsg/rpmsg3"
	write(ept .. "/name", "rpmsg-raw\n")
	write(ept .. "/src", "1024\n")
	write(ept .. "/dst", "30\n")
	write(ept .. "/dev", "240:3\n")
	local ctx <close> = assert(rpmsg.Context())
	assert(ctx:set_roots(dir .. "/sys", dir .. "/dev"))
	local list = assert(ctx:list(rpmsg.DEV_EPT))
	os.execute("rm -rf '" .. dir .. "'")
	H.eq(#list, 1, "entries")
	local e = list[1]
	H.eq(e.type, rpmsg.DEV_EPT)
	H.eq(e.devname, "rpmsg3")
	H.eq(e.name, "rpmsg-raw")
	H.eq(e.src, 1024)
	H.eq(e.dst, 30)
	H.eq(e.dev_path, dir .. "/dev/rpmsg3")
	assert(e.sysfs_path:find("rpmsg3", 1, true), e.sysfs_path)
end

function T.open_ctrl_errors()
	local ctx <close> = assert(rpmsg.Context())
	H.fails(rpmsg.ENOENT, ctx.open_ctrl, ctx, "/nonexistent/rpmsg_ctrl0")
	H.fails(rpmsg.ENOTTY, ctx.open_ctrl, ctx, "/")
	H.raises("got 'table'", ctx.open_ctrl, ctx, {})
end

return T
