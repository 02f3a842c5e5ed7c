/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: librpmsg authors */

/*
 * Lua typemaps and the error policy of the flat layer.
 *
 * A failing C call returns nil, message, errno (the io library's
 * convention), so EAGAIN is a value; the object layer (rpmsg.lua) decides
 * which failures are misuse and raises those.
 */

%{
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>

/* nil, strerror(errno), errno: the luaL_fileresult shape, from the wrapper itself. */
#define RPMSG_BINDING_RAISE_ERRNO(op) \
	do { \
		int rpmsg_lua_err_ = errno; \
		lua_pushnil(L); \
		lua_pushstring(L, strerror(rpmsg_lua_err_)); \
		lua_pushinteger(L, rpmsg_lua_err_); \
		return 3; \
	} while (0)
/* Calls given a path fail the same way: the caller has the path at hand. */
#define RPMSG_BINDING_RAISE_ERRNO_PATHS(op, path, path2) RPMSG_BINDING_RAISE_ERRNO(op)
%}

/* A payload: any Lua string, borrowed for the call. */
%typemap(in, checkfn="lua_isstring") (const void *data, size_t len) {
	$1 = (void *)luaL_checklstring(L, $input, &$2);
}

/* Objects are never NULL where the C API does not say so: nil is a type error. */
%typemap(check) struct rpmsg_ctx *ctx, struct rpmsg_ctrl *ctrl, struct rpmsg_ept *ept,
		struct rpmsg_sim *sim, const struct rpmsg_devlist *list,
		const struct rpmsg_devinfo *info {
	if (!$1) {
		SWIG_Lua_pusherrstring(L, "$symname: argument $argnum is nil");
		SWIG_fail;
	}
}

/* errno values the API documents, for comparing the third result. */
%define RPMSG_LUA_ERRNO(name)
%constant int name = name;
%enddef
RPMSG_LUA_ERRNO(EACCES)
RPMSG_LUA_ERRNO(EAGAIN)
RPMSG_LUA_ERRNO(EBADF)
RPMSG_LUA_ERRNO(EBUSY)
RPMSG_LUA_ERRNO(ECANCELED)
RPMSG_LUA_ERRNO(ECONNRESET)
RPMSG_LUA_ERRNO(EDEADLK)
RPMSG_LUA_ERRNO(EEXIST)
RPMSG_LUA_ERRNO(EFAULT)
RPMSG_LUA_ERRNO(EINTR)
RPMSG_LUA_ERRNO(EINVAL)
RPMSG_LUA_ERRNO(EIO)
RPMSG_LUA_ERRNO(ELOOP)
RPMSG_LUA_ERRNO(EMFILE)
RPMSG_LUA_ERRNO(EMSGSIZE)
RPMSG_LUA_ERRNO(ENAMETOOLONG)
RPMSG_LUA_ERRNO(ENETRESET)
RPMSG_LUA_ERRNO(ENFILE)
RPMSG_LUA_ERRNO(ENODEV)
RPMSG_LUA_ERRNO(ENOENT)
RPMSG_LUA_ERRNO(ENOMEM)
RPMSG_LUA_ERRNO(ENOSYS)
RPMSG_LUA_ERRNO(ENOTCONN)
RPMSG_LUA_ERRNO(ENOTDIR)
RPMSG_LUA_ERRNO(ENOTTY)
RPMSG_LUA_ERRNO(ENXIO)
RPMSG_LUA_ERRNO(EOPNOTSUPP)
RPMSG_LUA_ERRNO(EPERM)
RPMSG_LUA_ERRNO(EPIPE)
RPMSG_LUA_ERRNO(ERANGE)
RPMSG_LUA_ERRNO(ETIMEDOUT)

/*
 * Integers are Lua integers (SWIG's defaults push floats): out with
 * lua_pushinteger, in only from a number with an exact integer value that
 * fits the C type.
 */
%define RPMSG_LUA_INTEGER(ctype, min, max)
%typemap(in, checkfn="lua_isnumber") ctype {
	int isint_;
	lua_Integer v_ = lua_tointegerx(L, $input, &isint_);

	if (!isint_ || v_ < (lua_Integer)(min) || v_ > (lua_Integer)(max)) {
		SWIG_Lua_pushferrstring(L, "$symname: argument $argnum must be an integer from %I to %I",
					(lua_Integer)(min), (lua_Integer)(max));
		SWIG_fail;
	}
	$1 = ($1_ltype)v_;
}
%typemap(out) ctype "lua_pushinteger(L, (lua_Integer)$1); SWIG_arg++;"
%enddef

RPMSG_LUA_INTEGER(int, INT_MIN, INT_MAX)
RPMSG_LUA_INTEGER(unsigned int, 0, UINT_MAX)
RPMSG_LUA_INTEGER(uint32_t, 0, UINT32_MAX)
RPMSG_LUA_INTEGER(size_t, 0, INT64_MAX)
RPMSG_LUA_INTEGER(uint64_t, 0, INT64_MAX)
RPMSG_LUA_INTEGER(enum SWIGTYPE, INT_MIN, INT_MAX)
