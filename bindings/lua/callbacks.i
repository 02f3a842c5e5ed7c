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
 * running coroutine, never one saved at registration) and a stack slot for
 * the errors callbacks raise. Trampolines call Lua with lua_pcall and a
 * traceback handler, and keep each error with another protected call, so no
 * Lua error (not even a memory error) ever unwinds through librpmsg's frames.
 * Once the C call returned, every error is raised again: a single one
 * unchanged, several together as one rpmsg.CallbackErrors (see
 * rpmsg_lua_leave). Frames nest: a callback may dispatch another context.
 * A frame names its context, so that closing a context from one of its own
 * callbacks (which rpmsg_ctx_free refuses) is refused before anything closes.
 *
 * A frame that discards (closing from a __gc metamethod) drops completion
 * references without calling Lua: finalizers cannot report errors.
 */

%{
#include <stdint.h>

struct rpmsg_lua_frame {
	lua_State *L;
	struct rpmsg_ctx *ctx;	/* whose callbacks may run */
	int discard;		/* release references, call nothing */
	int errors;		/* stack slot: nil, then the array of errors kept */
	lua_Integer count;	/* errors raised by callbacks, kept or not */
	struct rpmsg_lua_frame *prev;
};

static __thread struct rpmsg_lua_frame *rpmsg_lua_current;

/* Metatable of the error that carries several: { count = n, [1..] = errors }. */
#define RPMSG_LUA_CALLBACK_ERRORS "rpmsg.CallbackErrors"

/* lua_callback_errors(): that metatable (the object layer adds __tostring). */
static int rpmsg_lua_callback_errors(lua_State *L)
{
	luaL_newmetatable(L, RPMSG_LUA_CALLBACK_ERRORS);
	return 1;
}

static int rpmsg_lua_is_callback_errors(lua_State *L, int idx)
{
	int same;

	if (!lua_getmetatable(L, idx))
		return 0;
	luaL_getmetatable(L, RPMSG_LUA_CALLBACK_ERRORS);
	same = lua_rawequal(L, -1, -2);
	lua_pop(L, 2);
	return same;
}

/*
 * Protected: append(list | nil, error) -> list, count. Appends the error to
 * the list (made when nil), or each error of an rpmsg.CallbackErrors (one
 * from a dispatch nested in a callback); count is how many errors that is.
 */
static int rpmsg_lua_append_error(lua_State *L)
{
	lua_Integer n, i, len, count = 1;

	if (lua_isnil(L, 1)) {
		lua_newtable(L);
		lua_replace(L, 1);
	}
	n = (lua_Integer)lua_rawlen(L, 1);
	if (rpmsg_lua_is_callback_errors(L, 2)) {
		lua_pushliteral(L, "count");
		lua_rawget(L, 2);
		count = lua_tointeger(L, -1);
		lua_pop(L, 1);
		len = (lua_Integer)lua_rawlen(L, 2);
		for (i = 1; i <= len; i++) {
			lua_rawgeti(L, 2, i);
			lua_rawseti(L, 1, ++n);
		}
	} else {
		lua_pushvalue(L, 2);
		lua_rawseti(L, 1, n + 1);
	}
	lua_settop(L, 1);
	lua_pushinteger(L, count);
	return 2;
}

static void rpmsg_lua_enter(struct rpmsg_lua_frame *f, lua_State *L, struct rpmsg_ctx *ctx,
			    int discard)
{
	luaL_checkstack(L, 1, NULL);
	lua_pushnil(L);
	f->L = L;
	f->ctx = ctx;
	f->discard = discard;
	f->errors = lua_gettop(L);
	f->count = 0;
	f->prev = rpmsg_lua_current;
	rpmsg_lua_current = f;
}

/* Keep the error on top of the stack (popped). Never raises: whatever cannot
 * be kept (no memory) is still counted. */
static void rpmsg_lua_keep_error(struct rpmsg_lua_frame *f)
{
	lua_State *L = f->L;

	lua_pushcfunction(L, rpmsg_lua_append_error);
	lua_pushvalue(L, f->errors);
	lua_pushvalue(L, -3);
	if (lua_pcall(L, 2, 2, 0) == LUA_OK) {
		f->count += lua_tointeger(L, -1);
		lua_pop(L, 1);
		lua_replace(L, f->errors);
	} else {
		f->count++;
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
}

/*
 * Leave the frame, dropping its slot. When callbacks raised, raise (does not
 * return then): one error unchanged; several, or any that could not be kept,
 * as the array of those kept with count = how many there were, under the
 * metatable rpmsg.CallbackErrors.
 */
static void rpmsg_lua_leave(struct rpmsg_lua_frame *f)
{
	lua_State *L = f->L;

	rpmsg_lua_current = f->prev;
	if (!f->count) {
		lua_settop(L, f->errors - 1);
		return;
	}
	if (f->count == 1 && lua_istable(L, f->errors) && lua_rawlen(L, f->errors) == 1) {
		lua_rawgeti(L, f->errors, 1);
		lua_error(L);
	}
	if (lua_isnil(L, f->errors)) {
		lua_newtable(L);
		lua_replace(L, f->errors);
	}
	lua_settop(L, f->errors);
	lua_pushinteger(L, f->count);
	lua_setfield(L, -2, "count");
	luaL_setmetatable(L, RPMSG_LUA_CALLBACK_ERRORS);
	lua_error(L);
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
	if (!lua_checkstack(L, 8)) {
		f->count++;	/* the callback cannot run: an error nobody could keep */
		return;
	}
	base = lua_gettop(L);
	lua_pushcfunction(L, rpmsg_lua_traceback);
	lua_pushcfunction(L, rpmsg_lua_call_protected);
	lua_pushlightuserdata(L, c);
	if (lua_pcall(L, 1, 0, base + 1) != LUA_OK)
		rpmsg_lua_keep_error(f);
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
	rpmsg_lua_enter(&f, L, ctx, 0);
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

	rpmsg_lua_enter(&f, L, rpmsg_ept_get_ctx(ept), discard);
	rpmsg_ept_close(ept);
	/* No callback of the endpoint runs after rpmsg_ept_close returned. */
	if (rx > 0)
		luaL_unref(L, LUA_REGISTRYINDEX, rx);
	if (event > 0)
		luaL_unref(L, LUA_REGISTRYINDEX, event);
	rpmsg_lua_leave(&f);
	return 0;
}

/*
 * ctx_busy(ctx): nil, or the reason rpmsg_ctx_free would refuse ctx now
 * (message, errno EBUSY): a call that runs its callbacks is in progress on
 * this thread, so this is one of them.
 */
static int rpmsg_lua_ctx_busy(lua_State *L)
{
	struct rpmsg_ctx *ctx = rpmsg_lua_check_ptr(L, 1, SWIGTYPE_p_rpmsg_ctx, "rpmsg_ctx");
	struct rpmsg_lua_frame *f;

	for (f = rpmsg_lua_current; f; f = f->prev) {
		if (f->ctx == ctx) {
			lua_pushstring(L, strerror(EBUSY));
			lua_pushinteger(L, EBUSY);
			return 2;
		}
	}
	lua_pushnil(L);
	return 1;
}

/* ctx_free(ctx, discard): the object layer closed the endpoints first. */
static int rpmsg_lua_ctx_free(lua_State *L)
{
	struct rpmsg_ctx *ctx = rpmsg_lua_check_ptr(L, 1, SWIGTYPE_p_rpmsg_ctx, "rpmsg_ctx");
	struct rpmsg_lua_frame f;

	rpmsg_lua_enter(&f, L, ctx, lua_toboolean(L, 2));
	rpmsg_ctx_free(ctx);
	rpmsg_lua_leave(&f);
	return 0;
}
%}

%native(lua_callback_errors) int rpmsg_lua_callback_errors(lua_State *L);
%native(lua_dispatch) int rpmsg_lua_dispatch(lua_State *L);
%native(lua_set_rx_cb) int rpmsg_lua_set_rx_cb(lua_State *L);
%native(lua_set_event_cb) int rpmsg_lua_set_event_cb(lua_State *L);
%native(lua_send_async) int rpmsg_lua_send_async(lua_State *L);
%native(lua_ept_close) int rpmsg_lua_ept_close(lua_State *L);
%native(lua_ctx_busy) int rpmsg_lua_ctx_busy(lua_State *L);
%native(lua_ctx_free) int rpmsg_lua_ctx_free(lua_State *L);
