-- SPDX-License-Identifier: MIT
-- SPDX-FileCopyrightText: librpmsg authors

-- The object layer of the Lua module "rpmsg": Context, Sim, Ctrl and Endpoint
-- over the flat wrappers, with methods, __gc, __close and __tostring. The
-- build embeds this file in the module; luaopen_rpmsg runs it once, with the
-- module table as its argument (objects.i).
--
-- Lifetimes: every object holds its parent (an endpoint its context, a
-- simulator's control device its simulator), so the collector cannot free a
-- parent first; a parent also lists its children weakly and closes them
-- before itself, so an explicit close, or finalizers running in any order
-- within one cycle, never leave a child pointing at freed memory. A closed
-- object raises an error when used; closing twice is harmless.
--
-- Errors: I/O (opening, sending, dispatching) returns nil, message, errno;
-- misuse (a closed object, a bad argument, dispatching or closing a context
-- from one of its callbacks) raises.

local M = ...
-- require "rpmsg" from this directory would find this file before rpmsg.so.
if type(M) ~= "table" then
	error("rpmsg.lua is part of the C module rpmsg: require it through rpmsg.so", 2)
end
local c = {}

-- The flat C functions move to rpmsg.c; constants lose their RPMSG_ prefix.
local names = {}
for k in pairs(M) do
	names[#names + 1] = k
end
for _, k in ipairs(names) do
	local v = M[k]
	if k:match("^rpmsg_") or k:match("^lua_") then
		c[k] = v
		M[k] = nil
	elseif k:match("^RPMSG_") then
		M[k:sub(7)] = v
		M[k] = nil
	end
end
M.c = c

-- Sending on a receive-only endpoint, dispatching from a callback: misuse.
local errors_raised = { [M.EINVAL] = true, [M.EBUSY] = true }

-- nil, message, errno stays a value unless it is misuse.
local function result(what, ok, msg, err)
	if ok ~= nil then
		return ok
	end
	if errors_raised[err] then
		error(what .. ": " .. msg, 3)
	end
	return ok, msg, err
end

-- Opening, creating and the simulator's I/O: every failure is a value (EINVAL too:
-- the kernel reports an address in use that way).
local function io_result(what, ok, msg, err)
	return ok, msg, err
end

-- A setter's failure is always misuse.
local function check(what, ok, msg)
	if ok == nil then
		error(what .. ": " .. msg, 3)
	end
	return ok
end

-- Several errors raised by callbacks during one call (dispatch, close), raised
-- together: { count = n, [1] = first, ... } in the order they were raised.
-- count may exceed #errors when some could not be kept (out of memory).
local CallbackErrors = c.lua_callback_errors()
CallbackErrors.__tostring = function(errors)
	local lines = { string.format("%d errors in rpmsg callbacks", errors.count) }
	if errors.count > #errors then
		lines[1] = lines[1] .. string.format(" (%d could not be kept: out of memory)",
			errors.count - #errors)
	end
	for i, e in ipairs(errors) do
		lines[#lines + 1] = string.format("[%d] %s", i, tostring(e))
	end
	return table.concat(lines, "\n")
end
M.CallbackErrors = CallbackErrors

-- Raise the errors of several calls as dispatch would: nothing when empty, one
-- unchanged, several (an rpmsg.CallbackErrors among them is spread) as one
-- rpmsg.CallbackErrors.
local function raise_all(errors)
	if #errors == 0 then
		return
	end
	if #errors == 1 then
		error(errors[1], 0)
	end
	local all = setmetatable({ count = 0 }, CallbackErrors)
	for _, e in ipairs(errors) do
		if getmetatable(e) == CallbackErrors then
			table.move(e, 1, #e, #all + 1, all)
			all.count = all.count + e.count
		else
			all[#all + 1] = e
			all.count = all.count + 1
		end
	end
	error(all, 0)
end

local function weak_set()
	return setmetatable({}, { __mode = "k" })
end

local function class(name)
	local cls = {}
	cls.__index = cls
	cls.__name = "rpmsg." .. name
	cls.__tostring = function(self)
		return string.format("rpmsg.%s (%s)", name, self._p and self:_describe() or "closed")
	end
	cls.__gc = function(self) self:_close(true) end
	cls.__close = function(self) self:close() end
	cls.close = function(self) self:_close(false) end
	M[name] = cls
	return cls
end

-- The C pointer of an open object, or an error naming the method.
local function ptr(self, method, what)
	local p = self._p
	if not p then
		error(string.format("%s:%s: %s is closed", what, method, what), 3)
	end
	return p
end

---------------------------------------------------------------- Context

local Context = class("Context")

-- rpmsg.Context([flags]): ctx | nil, message, errno.
setmetatable(Context, { __call = function(cls, flags)
	local p, msg, err = c.rpmsg_ctx_new(flags or 0)
	if not p then
		return io_result("rpmsg.Context", p, msg, err)
	end
	return setmetatable({ _p = p, _children = weak_set() }, cls)
end })

function Context:_describe()
	return self:engine()
end

function Context:_adopt(child)
	self._children[child] = true
	return child
end

function Context:_close(discard)
	local p = self._p
	if not p then
		return
	end
	-- From one of its own callbacks rpmsg_ctx_free would refuse (EBUSY) and the
	-- context would leak: refuse first, closing nothing (misuse: raises). A
	-- finalizer cannot run then: the running call holds the context.
	local busy = c.lua_ctx_busy(p)
	if busy then
		if discard then
			return
		end
		error("close: " .. busy, 3)
	end
	-- Children first: endpoints, then control devices, then simulators. A
	-- close that raises (a completion's error) stops neither the others nor
	-- the context's: every error is raised once all are closed.
	local errors = {}
	for _, kind in ipairs({ "Endpoint", "Ctrl", "Sim" }) do
		for child in pairs(self._children) do
			if getmetatable(child) == M[kind] then
				local ok, err = pcall(child._close, child, discard)
				if not ok then
					errors[#errors + 1] = err
				end
			end
		end
	end
	self._p = nil
	local ok, err = pcall(c.lua_ctx_free, p, discard)
	if not ok then
		errors[#errors + 1] = err
	end
	raise_all(errors)
end

function Context:fd()
	return c.rpmsg_ctx_get_fd(ptr(self, "fd", "context"))
end

-- dispatch([timeout_ms = -1]): callbacks run | nil, message, errno (EINTR).
function Context:dispatch(timeout_ms)
	return result("dispatch", c.lua_dispatch(ptr(self, "dispatch", "context"), timeout_ms))
end

function Context:engine()
	return c.rpmsg_engine_name(c.rpmsg_ctx_get_engine(ptr(self, "engine", "context")))
end

function Context:set_roots(sysfs_root, dev_root)
	return check("set_roots",
		c.rpmsg_ctx_set_roots(ptr(self, "set_roots", "context"), sysfs_root, dev_root))
end

function Context:sysfs_root()
	return c.rpmsg_ctx_get_sysfs_root(ptr(self, "sysfs_root", "context"))
end

function Context:dev_root()
	return c.rpmsg_ctx_get_dev_root(ptr(self, "dev_root", "context"))
end

local devinfo_fields = {
	"type", "devname", "name", "src", "dst", "dev_path", "sysfs_path", "ctrl", "rproc",
	"rproc_name",
}

-- list(type): an array of plain tables, one per device | nil, message, errno.
function Context:list(dev_type)
	local p = ptr(self, "list", "context")
	local list, msg, err = c.rpmsg_ctx_list(p, dev_type)
	if not list then
		return io_result("list", list, msg, err)
	end
	local out = {}
	for i = 0, c.rpmsg_devlist_count(list) - 1 do
		local info = c.rpmsg_devlist_get(list, i)
		local entry = {}
		for _, field in ipairs(devinfo_fields) do
			entry[field] = c["rpmsg_devinfo_get_" .. field](info)
		end
		out[#out + 1] = entry
	end
	c.rpmsg_devlist_free(list)
	return out
end

local Ctrl, Endpoint, Sim

function Context:open_ctrl(path)
	local p, msg, err = c.rpmsg_ctrl_open(ptr(self, "open_ctrl", "context"), path)
	if not p then
		return io_result("open_ctrl", p, msg, err)
	end
	return self:_adopt(setmetatable({ _p = p, _ctx = self }, Ctrl))
end

function Context:open_ctrl_rproc(rproc)
	local p, msg, err = c.rpmsg_ctrl_open_rproc(ptr(self, "open_ctrl_rproc", "context"), rproc)
	if not p then
		return io_result("open_ctrl_rproc", p, msg, err)
	end
	return self:_adopt(setmetatable({ _p = p, _ctx = self }, Ctrl))
end

local function new_endpoint(ctx, p, msg, err)
	if not p then
		return p, msg, err
	end
	return ctx:_adopt(setmetatable({ _p = p, _ctx = ctx }, Endpoint))
end

function Context:open_ept(path)
	return new_endpoint(self, c.rpmsg_ept_open(ptr(self, "open_ept", "context"), path))
end

function Context:open_ept_fd(fd)
	return new_endpoint(self, c.rpmsg_ept_open_fd(ptr(self, "open_ept_fd", "context"), fd))
end

-- sim([flags]): a simulated remote attached to this context | nil, message, errno.
function Context:sim(flags)
	local p, msg, err = c.rpmsg_sim_new(ptr(self, "sim", "context"), flags or 0)
	if not p then
		return io_result("sim", p, msg, err)
	end
	return self:_adopt(setmetatable({ _p = p, _ctx = self }, Sim))
end

---------------------------------------------------------------- Sim

Sim = class("Sim")

function Sim:_describe()
	return string.format("%d messages received", self:rx_count())
end

function Sim:_close(discard)
	local p = self._p
	if not p then
		return
	end
	-- The control device belongs to the simulator and goes with it.
	if self._ctrl then
		self._ctrl._p = nil
	end
	self._p = nil
	c.rpmsg_sim_free(p)
end

-- ctrl(): the simulator's control device (always the same object).
function Sim:ctrl()
	local p = ptr(self, "ctrl", "simulator")
	if not self._ctrl then
		self._ctrl = setmetatable({ _p = c.rpmsg_sim_get_ctrl(p), _ctx = self._ctx, _sim = self },
			Ctrl)
	end
	return self._ctrl
end

function Sim:send(from, to, data)
	return io_result("send", c.rpmsg_sim_send(ptr(self, "send", "simulator"), from, to, data))
end

function Sim:set_tx_credits(credits)
	return check("set_tx_credits",
		c.rpmsg_sim_set_tx_credits(ptr(self, "set_tx_credits", "simulator"), credits))
end

function Sim:set_mtu(mtu)
	return check("set_mtu", c.rpmsg_sim_set_mtu(ptr(self, "set_mtu", "simulator"), mtu))
end

function Sim:pause() c.rpmsg_sim_pause(ptr(self, "pause", "simulator")) end
function Sim:resume() c.rpmsg_sim_resume(ptr(self, "resume", "simulator")) end
function Sim:crash() c.rpmsg_sim_crash(ptr(self, "crash", "simulator")) end
function Sim:restart() c.rpmsg_sim_restart(ptr(self, "restart", "simulator")) end

function Sim:rx_count()
	return c.rpmsg_sim_get_rx_count(ptr(self, "rx_count", "simulator"))
end

-- held_count(): messages taken in but not processed (while paused).
function Sim:held_count()
	return c.rpmsg_sim_get_held_count(ptr(self, "held_count", "simulator"))
end

function Sim:announce(name, addr)
	return io_result("announce", c.rpmsg_sim_announce(ptr(self, "announce", "simulator"), name, addr))
end

function Sim:withdraw(name, addr)
	return io_result("withdraw", c.rpmsg_sim_withdraw(ptr(self, "withdraw", "simulator"), name, addr))
end

---------------------------------------------------------------- Ctrl

Ctrl = class("Ctrl")

function Ctrl:_describe()
	return self:path()
end

function Ctrl:_close(discard)
	local p = self._p
	if not p then
		return
	end
	self._p = nil
	-- A simulator's control device is the simulator's: closing it is a no-op in C too.
	if not self._sim then
		c.rpmsg_ctrl_close(p)
	end
end

function Ctrl:path()
	return c.rpmsg_ctrl_get_path(ptr(self, "path", "control device"))
end

function Ctrl:create_ept(name, src, dst)
	return new_endpoint(self._ctx, c.rpmsg_ctrl_create_ept(ptr(self, "create_ept", "control device"),
		name, src or M.ADDR_ANY, dst))
end

function Ctrl:open_channel(name, dst)
	return new_endpoint(self._ctx, c.rpmsg_ctrl_open_channel(
		ptr(self, "open_channel", "control device"), name, dst or M.ADDR_ANY))
end

function Ctrl:create_channel(name, src, dst)
	return io_result("create_channel", c.rpmsg_ctrl_create_channel(
		ptr(self, "create_channel", "control device"), name, src, dst))
end

function Ctrl:release_channel(name, src, dst)
	return io_result("release_channel", c.rpmsg_ctrl_release_channel(
		ptr(self, "release_channel", "control device"), name, src or M.ADDR_ANY,
		dst or M.ADDR_ANY))
end

---------------------------------------------------------------- Endpoint

Endpoint = class("Endpoint")

function Endpoint:_describe()
	return string.format("%s, %s", self:path() or "fd " .. self:fd(), self:name())
end

function Endpoint:_close(discard)
	local p = self._p
	if not p then
		return
	end
	self._p = nil
	c.lua_ept_close(p, discard)
end

function Endpoint:ctx()
	ptr(self, "ctx", "endpoint")
	return self._ctx
end

local function getter(method, cfunc)
	Endpoint[method] = function(self)
		return cfunc(ptr(self, method, "endpoint"))
	end
end
getter("name", c.rpmsg_ept_get_name)
getter("src", c.rpmsg_ept_get_src)
getter("dst", c.rpmsg_ept_get_dst)
getter("path", c.rpmsg_ept_get_path)
getter("fd", c.rpmsg_ept_get_fd)
getter("is_down", c.rpmsg_ept_is_down)
getter("mtu", c.rpmsg_ept_get_mtu)
getter("get_send_timeout", c.rpmsg_ept_get_send_timeout)

function Endpoint:set_mtu(mtu)
	return check("set_mtu", c.rpmsg_ept_set_mtu(ptr(self, "set_mtu", "endpoint"), mtu))
end

function Endpoint:set_send_timeout(timeout_ms)
	return check("set_send_timeout",
		c.rpmsg_ept_set_send_timeout(ptr(self, "set_send_timeout", "endpoint"), timeout_ms))
end

-- set_destroy_on_close(boolean): whether close destroys the kernel endpoint device.
-- EOPNOTSUPP (a simulated endpoint or an adopted socket) raises, like any setter's failure.
function Endpoint:set_destroy_on_close(destroy)
	return check("set_destroy_on_close", c.rpmsg_ept_set_destroy_on_close(
		ptr(self, "set_destroy_on_close", "endpoint"), destroy))
end

-- destroy(): the kernel endpoint device, now: true | nil, message, errno (EPIPE: already
-- down; EOPNOTSUPP: an adopted socket; the kernel's error). The endpoint goes down.
function Endpoint:destroy()
	local ok, msg, err = c.rpmsg_ept_destroy(ptr(self, "destroy", "endpoint"))
	if ok then
		return true
	end
	return result("destroy", ok, msg, err)
end

-- set_rx_cb(fn(data, src) | nil)
function Endpoint:set_rx_cb(fn)
	c.lua_set_rx_cb(ptr(self, "set_rx_cb", "endpoint"), fn)
end

-- set_event_cb(fn(message, errno) | nil)
function Endpoint:set_event_cb(fn)
	c.lua_set_event_cb(ptr(self, "set_event_cb", "endpoint"), fn)
end

-- The send family: true | nil, message, errno; EINVAL (a receive-only endpoint) raises.
local send_sync = c.rpmsg_ept_send
function Endpoint:send(data)
	local ok, msg, err = send_sync(ptr(self, "send", "endpoint"), data)
	if ok then
		return true
	end
	return result("send", ok, msg, err)
end

local function sender(method, cfunc, with_arg)
	Endpoint[method] = function(self, data, arg)
		local ok, msg, err
		if with_arg then
			ok, msg, err = cfunc(ptr(self, method, "endpoint"), data, arg)
		else
			ok, msg, err = cfunc(ptr(self, method, "endpoint"), data)
		end
		if ok then
			return true
		end
		return result(method, ok, msg, err)
	end
end
-- timedsend(data, timeout_ms), trysend(data), sendto(data, dst), trysendto(data, dst)
sender("timedsend", c.rpmsg_ept_timedsend, true)
sender("trysend", c.rpmsg_ept_trysend, false)
sender("sendto", c.rpmsg_ept_sendto, true)
sender("trysendto", c.rpmsg_ept_trysendto, true)

-- send_async(data [, done(ok | nil, message, errno)]): true | nil, message, errno.
local send_async = c.lua_send_async
function Endpoint:send_async(data, done)
	return result("send_async", send_async(ptr(self, "send_async", "endpoint"), data, done))
end

---------------------------------------------------------------- Module

M.version = c.rpmsg_api_version
M.engine_name = function(engine)
	return check("engine_name", c.rpmsg_engine_name(engine))
end
