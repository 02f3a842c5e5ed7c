-- SPDX-License-Identifier: MIT
-- Context: creation, engines, fd, dispatch, roots, closing.
local rpmsg = require "rpmsg"
local H = require "helpers"

local T = {}

function T.create_and_describe()
	local ctx = assert(rpmsg.Context())
	H.eq(getmetatable(ctx), rpmsg.Context, "class")
	assert(tostring(ctx):match("^rpmsg.Context %((.+)%)$") == ctx:engine())
	H.eq(math.type(ctx:fd()), "integer", "fd type")
	assert(ctx:fd() >= 0)
	ctx:close()
	H.eq(tostring(ctx), "rpmsg.Context (closed)")
end

function T.engines_forced()
	local ctx = assert(rpmsg.Context(rpmsg.CTX_FORCE_EPOLL))
	H.eq(ctx:engine(), "epoll")
	ctx:close()
	ctx = assert(rpmsg.Context(rpmsg.CTX_FORCE_URING))
	H.eq(ctx:engine(), "io_uring")
	ctx:close()
end

function T.engine_from_environment()
	local want = os.getenv("RPMSG_ENGINE") == "epoll" and "epoll" or "io_uring"
	local ctx <close> = assert(rpmsg.Context())
	H.eq(ctx:engine(), want)
end

function T.conflicting_flags_are_einval()
	H.fails(rpmsg.EINVAL, rpmsg.Context, rpmsg.CTX_FORCE_URING | rpmsg.CTX_FORCE_EPOLL)
	H.fails(rpmsg.EINVAL, rpmsg.Context, 1 << 7)
	H.raises("must be an integer", rpmsg.Context, -1)
	H.raises("must be an integer", rpmsg.Context, 0.5)
end

function T.engine_name()
	H.eq(rpmsg.engine_name(rpmsg.ENGINE_URING), "io_uring")
	H.eq(rpmsg.engine_name(rpmsg.ENGINE_EPOLL), "epoll")
	H.raises("engine_name: Invalid argument", rpmsg.engine_name, 99)
end

function T.constants()
	H.eq(rpmsg.ADDR_ANY, 0xFFFFFFFF)
	H.eq(rpmsg.MTU_DEFAULT, 496)
	H.eq(rpmsg.MTU_MAX, 65536)
	H.eq(rpmsg.NAME_SIZE, 32)
	H.eq(rpmsg.SEND_TIMEOUT_DEFAULT_MS, 15000)
	H.eq(rpmsg.EVENT_DOWN, 1)
	H.eq(rpmsg.DEV_CTRL, 1)
	H.eq(rpmsg.DEV_EPT, 2)
	H.eq(rpmsg.DEV_CHANNEL, 3)
	H.eq(rpmsg.SIM_POLLOUT, 1)
	assert(rpmsg.version():match("^%d+%.%d+%.%d+"))
	H.eq(type(rpmsg.c.rpmsg_ctx_new), "function", "flat layer")
end

function T.dispatch_timeouts()
	local ctx <close> = assert(rpmsg.Context())
	H.eq(ctx:dispatch(0), 0, "nothing to do")
	H.eq(ctx:dispatch(10), 0, "timeout")
	H.raises("timeout out of range", ctx.dispatch, ctx, -2)
end

function T.roots()
	local ctx <close> = assert(rpmsg.Context())
	H.eq(ctx:sysfs_root(), os.getenv("RPMSG_SYSFS_ROOT") or "/sys")
	assert(ctx:set_roots("/tmp/sys", "/tmp/dev"))
	H.eq(ctx:sysfs_root(), "/tmp/sys")
	H.eq(ctx:dev_root(), "/tmp/dev")
	assert(ctx:set_roots(nil, nil))
	H.eq(ctx:sysfs_root(), "/sys")
	H.eq(ctx:dev_root(), "/dev")
	H.raises("set_roots: Invalid argument", ctx.set_roots, ctx, "", nil)
	H.raises("set_roots: File name too long", ctx.set_roots, ctx, ("x"):rep(5000), nil)
end

function T.closed_context_raises()
	local ctx = assert(rpmsg.Context())
	ctx:close()
	ctx:close()
	H.raises("context is closed", ctx.fd, ctx)
	H.raises("context is closed", ctx.dispatch, ctx, 0)
	H.raises("context is closed", ctx.sim, ctx)
	H.raises("context is closed", ctx.open_ept, ctx, "/dev/null")
end

function T.to_be_closed_variable()
	local outer
	do
		local ctx <close> = assert(rpmsg.Context())
		outer = ctx
		assert(ctx:fd())
	end
	H.raises("context is closed", outer.fd, outer)
end

function T.flat_layer_rejects_nil()
	H.raises("argument 1 is nil", rpmsg.c.rpmsg_ctx_get_fd, nil)
	H.raises("argument 1 is nil", rpmsg.c.rpmsg_ctrl_open, nil, "/dev/null")
	H.raises("argument 1 is nil", rpmsg.c.rpmsg_ctrl_get_path, nil)
	H.raises("argument 1 is nil", rpmsg.c.rpmsg_ctrl_create_ept, nil, "x", rpmsg.ADDR_ANY, 30)
	H.raises("argument 1 is nil", rpmsg.c.rpmsg_ctrl_create_channel, nil, "x", 1, 30)
	H.raises("argument 1 is nil", rpmsg.c.rpmsg_ctrl_release_channel, nil, "x", 1, 30)
	H.raises("argument 1 is nil", rpmsg.c.rpmsg_ctrl_open_channel, nil, "x", 30)
	H.raises("argument 1 is nil", rpmsg.c.rpmsg_ctrl_close, nil)
end

return T
