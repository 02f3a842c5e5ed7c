/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: librpmsg authors */

/*
 * The object layer (Context, Sim, Ctrl and Endpoint) is Lua, in rpmsg.lua.
 * The build embeds that file as the C string rpmsg_lua_object_layer
 * (object_layer.c, made by Makefile.inc), and luaopen_rpmsg runs it once with
 * the module table as its argument. Its chunk name is rpmsg.lua, so that an
 * error inside it names the file and line to look at.
 */

%{
extern const char rpmsg_lua_object_layer[];
%}

%init %{
	if (luaL_loadbuffer(L, rpmsg_lua_object_layer, strlen(rpmsg_lua_object_layer),
			    "=rpmsg.lua") != LUA_OK)
		lua_error(L);
	lua_pushvalue(L, -2);
	lua_call(L, 1, 0);
%}
