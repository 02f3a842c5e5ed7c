/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: librpmsg authors */

/*
 * Lua callbacks: C trampolines with a registry reference as user_data.
 *
 * A receive or event callback's function is kept with luaL_ref in the
 * registry; the reference is the callback's user_data, released when the
 * callback is replaced, cleared or the endpoint closed. A send_async
 * completion takes its own reference, released after its single run.
 *
 * Callbacks run only inside rpmsg_ctx_dispatch and rpmsg_ept_close (and so
 * rpmsg_ctx_free). Those calls are made through the functions below, which
 * publish a frame for the calling thread: the lua_State of the caller (the
 * running coroutine, never one saved at registration) and the first error a
 * callback raised. Trampolines call Lua with lua_pcall and a traceback
 * handler, so no Lua error ever unwinds through librpmsg's frames; the
 * stashed error is raised again once the C call returned. Frames nest: a
 * callback may dispatch another context.
 *
 * A frame that discards (closing from a __gc metamethod) drops completion
 * references without calling Lua: finalizers cannot report errors.
 */

%{
#include <stdint.h>

struct rpmsg_lua_frame {
	lua_State *L;
	int discard;		/* release references, call nothing */
	int error_ref;		/* registry reference of the first error, or LUA_NOREF */
	struct rpmsg_lua_frame *prev;
};

static __thread struct rpmsg_lua_frame *rpmsg_lua_current;

static void rpmsg_lua_enter(struct rpmsg_lua_frame *f, lua_State *L, int discard)
{
	f->L = L;
	f->discard = discard;
	f->error_ref = LUA_NOREF;
	f->prev = rpmsg_lua_current;
	rpmsg_lua_current = f;
}

/* Leave the frame; raises the error a callback stashed (does not return then). */
static void rpmsg_lua_leave(struct rpmsg_lua_frame *f)
{
	rpmsg_lua_current = f->prev;
	if (f->error_ref != LUA_NOREF) {
		lua_rawgeti(f->L, LUA_REGISTRYINDEX, f->error_ref);
		luaL_unref(f->L, LUA_REGISTRYINDEX, f->error_ref);
		lua_error(f->L);
	}
}

static int rpmsg_lua_ref_of(void *user_data)
{
	return (int)(intptr_t)user_data;
}

static void *rpmsg_lua_user_data(int ref)
{
	return (void *)(intptr_t)ref;
}

/* Message handler: add the traceback to string errors, keep other values as they are. */
static int rpmsg_lua_traceback(lua_State *L)
{
	const char *msg = lua_tostring(L, 1);

	if (msg)
		luaL_traceback(L, L, msg, 1);
	return 1;
}

/* What a trampoline hands to the protected call. */
struct rpmsg_lua_call {
	int ref;
	enum { RPMSG_LUA_RX, RPMSG_LUA_EVENT, RPMSG_LUA_DONE } kind;
	const void *data;
	size_t len;
	uint32_t src;
	int error;		/* event: errno; done: -status */
};

/* Runs protected: building the arguments may raise a memory error too. */
static int rpmsg_lua_call_protected(lua_State *L)
{
	struct rpmsg_lua_call *c = lua_touserdata(L, 1);
	int nargs;

	lua_rawgeti(L, LUA_REGISTRYINDEX, c->ref);
	switch (c->kind) {
	case RPMSG_LUA_RX:
		lua_pushlstring(L, c->data, c->len);
		lua_pushinteger(L, c->src);
		nargs = 2;
		break;
	case RPMSG_LUA_EVENT:
		lua_pushstring(L, strerror(c->error));
		lua_pushinteger(L, c->error);
		nargs = 2;
		break;
	default:
		if (!c->error) {
			lua_pushboolean(L, 1);
			nargs = 1;
		} else {
			lua_pushnil(L);
			lua_pushstring(L, strerror(c->error));
			lua_pushinteger(L, c->error);
			nargs = 3;
		}
		break;
	}
	lua_call(L, nargs, 0);
	return 0;
}

static void rpmsg_lua_call(struct rpmsg_lua_call *c)
{
	struct rpmsg_lua_frame *f = rpmsg_lua_current;
	lua_State *L;
	int base;

	/* Only dispatch and close run callbacks, and both publish a frame. */
	if (!f || f->discard)
		return;
	L = f->L;
	if (!lua_checkstack(L, 8))
		return;
	base = lua_gettop(L);
	lua_pushcfunction(L, rpmsg_lua_traceback);
	lua_pushcfunction(L, rpmsg_lua_call_protected);
	lua_pushlightuserdata(L, c);
	if (lua_pcall(L, 1, 0, base + 1) != LUA_OK) {
		if (f->error_ref == LUA_NOREF)
			f->error_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	}
	lua_settop(L, base);
}

static void rpmsg_lua_unref(int ref)
{
	struct rpmsg_lua_frame *f = rpmsg_lua_current;

	if (f && ref > 0)
		luaL_unref(f->L, LUA_REGISTRYINDEX, ref);
}

static void rpmsg_lua_on_rx(struct rpmsg_ept *ept, const void *data, size_t len, uint32_t src,
			    void *user_data)
{
	struct rpmsg_lua_call c = {
		.ref = rpmsg_lua_ref_of(user_data), .kind = RPMSG_LUA_RX,
		.data = data, .len = len, .src = src,
	};

	rpmsg_lua_call(&c);
}

static void rpmsg_lua_on_event(struct rpmsg_ept *ept, enum rpmsg_event event, int error,
			       void *user_data)
{
	struct rpmsg_lua_call c = {
		.ref = rpmsg_lua_ref_of(user_data), .kind = RPMSG_LUA_EVENT, .error = error,
	};

	rpmsg_lua_call(&c);
}

static void rpmsg_lua_on_sent(struct rpmsg_ept *ept, int status, void *user_data)
{
	struct rpmsg_lua_call c = {
		.ref = rpmsg_lua_ref_of(user_data), .kind = RPMSG_LUA_DONE, .error = -status,
	};

	rpmsg_lua_call(&c);
	/* Completions run exactly once: this was the send's reference. */
	rpmsg_lua_unref(c.ref);
}

static void *rpmsg_lua_check_ptr(lua_State *L, int idx, swig_type_info *type, const char *what)
{
	void *p = NULL;

	if (!lua_isuserdata(L, idx) || !SWIG_IsOK(SWIG_ConvertPtr(L, idx, &p, type, 0)) || !p)
		luaL_typeerror(L, idx, what);
	return p;
}

/* A function, or nil (0 references nothing). */
static int rpmsg_lua_opt_ref(lua_State *L, int idx)
{
	if (lua_isnoneornil(L, idx))
		return 0;
	luaL_checktype(L, idx, LUA_TFUNCTION);
	lua_pushvalue(L, idx);
	return luaL_ref(L, LUA_REGISTRYINDEX);
}

/* dispatch(ctx, timeout_ms): callbacks run, count | nil, message, errno. */
static int rpmsg_lua_dispatch(lua_State *L)
{
	struct rpmsg_ctx *ctx = rpmsg_lua_check_ptr(L, 1, SWIGTYPE_p_rpmsg_ctx, "rpmsg_ctx");
	lua_Integer timeout = luaL_optinteger(L, 2, -1);
	struct rpmsg_lua_frame f;
	int n, err;

	luaL_argcheck(L, timeout >= -1 && timeout <= INT32_MAX, 2, "timeout out of range");
	rpmsg_lua_enter(&f, L, 0);
	n = rpmsg_ctx_dispatch(ctx, (int)timeout);
	err = errno;
	rpmsg_lua_leave(&f);
	if (n >= 0) {
		lua_pushinteger(L, n);
		return 1;
	}
	lua_pushnil(L);
	lua_pushstring(L, strerror(err));
	lua_pushinteger(L, err);
	return 3;
}

/* set_rx_cb(ept, fn | nil) */
static int rpmsg_lua_set_rx_cb(lua_State *L)
{
	struct rpmsg_ept *ept = rpmsg_lua_check_ptr(L, 1, SWIGTYPE_p_rpmsg_ept, "rpmsg_ept");
	int old = rpmsg_lua_ref_of(rpmsg_ept_get_rx_cb_data(ept));
	int ref = rpmsg_lua_opt_ref(L, 2);

	rpmsg_ept_set_rx_cb(ept, ref ? rpmsg_lua_on_rx : NULL, rpmsg_lua_user_data(ref));
	if (old > 0)
		luaL_unref(L, LUA_REGISTRYINDEX, old);
	return 0;
}

/* set_event_cb(ept, fn | nil) */
static int rpmsg_lua_set_event_cb(lua_State *L)
{
	struct rpmsg_ept *ept = rpmsg_lua_check_ptr(L, 1, SWIGTYPE_p_rpmsg_ept, "rpmsg_ept");
	int old = rpmsg_lua_ref_of(rpmsg_ept_get_event_cb_data(ept));
	int ref = rpmsg_lua_opt_ref(L, 2);

	rpmsg_ept_set_event_cb(ept, ref ? rpmsg_lua_on_event : NULL, rpmsg_lua_user_data(ref));
	if (old > 0)
		luaL_unref(L, LUA_REGISTRYINDEX, old);
	return 0;
}

/* send_async(ept, data, fn | nil): true | nil, message, errno. */
static int rpmsg_lua_send_async(lua_State *L)
{
	struct rpmsg_ept *ept = rpmsg_lua_check_ptr(L, 1, SWIGTYPE_p_rpmsg_ept, "rpmsg_ept");
	size_t len;
	const char *data = luaL_checklstring(L, 2, &len);
	int ref = rpmsg_lua_opt_ref(L, 3);
	int err;

	if (rpmsg_ept_send_async(ept, data, len, ref ? rpmsg_lua_on_sent : NULL,
				 rpmsg_lua_user_data(ref)) == 0) {
		lua_pushboolean(L, 1);
		return 1;
	}
	err = errno;
	if (ref)
		luaL_unref(L, LUA_REGISTRYINDEX, ref);
	lua_pushnil(L);
	lua_pushstring(L, strerror(err));
	lua_pushinteger(L, err);
	return 3;
}

/*
 * ept_close(ept, discard): close and release the callbacks' references.
 * Queued completions run with ECANCELED unless discarding.
 */
static int rpmsg_lua_ept_close(lua_State *L)
{
	struct rpmsg_ept *ept = rpmsg_lua_check_ptr(L, 1, SWIGTYPE_p_rpmsg_ept, "rpmsg_ept");
	int discard = lua_toboolean(L, 2);
	int rx = rpmsg_lua_ref_of(rpmsg_ept_get_rx_cb_data(ept));
	int event = rpmsg_lua_ref_of(rpmsg_ept_get_event_cb_data(ept));
	struct rpmsg_lua_frame f;

	rpmsg_lua_enter(&f, L, discard);
	rpmsg_ept_close(ept);
	/* No callback of the endpoint runs after rpmsg_ept_close returned. */
	if (rx > 0)
		luaL_unref(L, LUA_REGISTRYINDEX, rx);
	if (event > 0)
		luaL_unref(L, LUA_REGISTRYINDEX, event);
	rpmsg_lua_leave(&f);
	return 0;
}

/* ctx_free(ctx, discard): the object layer closed the endpoints first. */
static int rpmsg_lua_ctx_free(lua_State *L)
{
	struct rpmsg_ctx *ctx = rpmsg_lua_check_ptr(L, 1, SWIGTYPE_p_rpmsg_ctx, "rpmsg_ctx");
	struct rpmsg_lua_frame f;

	rpmsg_lua_enter(&f, L, lua_toboolean(L, 2));
	rpmsg_ctx_free(ctx);
	rpmsg_lua_leave(&f);
	return 0;
}
%}

%native(lua_dispatch) int rpmsg_lua_dispatch(lua_State *L);
%native(lua_set_rx_cb) int rpmsg_lua_set_rx_cb(lua_State *L);
%native(lua_set_event_cb) int rpmsg_lua_set_event_cb(lua_State *L);
%native(lua_send_async) int rpmsg_lua_send_async(lua_State *L);
%native(lua_ept_close) int rpmsg_lua_ept_close(lua_State *L);
%native(lua_ctx_free) int rpmsg_lua_ctx_free(lua_State *L);
