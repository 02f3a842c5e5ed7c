/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: librpmsg authors */

/*
 * Lua top file: owns %module, the Lua typemaps, the callback trampolines and
 * the object layer, and takes the shared declarations from ../rpmsg.i.
 * require "rpmsg" returns one table: the objects (rpmsg.Context, ...), the
 * constants without their RPMSG_ prefix, errno values, and the flat C
 * functions under rpmsg.c for whoever wants them.
 */

%module rpmsg

%include "lua_typemaps.i"
%include "../rpmsg.i"
%include "callbacks.i"
%include "objects.i"
