/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: librpmsg authors */

/*
 * Declarations shared by every language binding. No %module and nothing
 * language-specific: each bindings/<lang>/ top file owns %module, its GIL or
 * state policy and its typemaps, and %includes this file.
 *
 * What the top file must provide before %include "../rpmsg.i":
 *
 *   RPMSG_BINDING_RAISE_ERRNO(op)   (C macro, in a %{ %} block)
 *       Turn the current errno into the language's error for the C function
 *       named by the string op, then SWIG_fail. errno is still the library's
 *       when it runs.
 *   RPMSG_BINDING_RAISE_ERRNO_PATHS(op, path, path2)   (C macro)
 *       The same for a call given paths (each may be NULL; path2 only for a
 *       call given two), so that the error can name them as open()'s does.
 *   %typemap(in) (const void *data, size_t len)
 *       A payload: the language's byte string, borrowed for the call.
 *
 * The C API is wrapped function by function over opaque pointers
 * (rpmsg_ctx, rpmsg_ctrl, rpmsg_ept, rpmsg_devlist, rpmsg_devinfo,
 * rpmsg_sim). The wrappers own nothing: the language layer above decides when
 * to call rpmsg_*_free/close, keeps parents alive and forgets children when
 * a parent is freed (rpmsg_ctx_free closes every endpoint, control device and
 * simulated remote still attached; rpmsg_sim_free invalidates the sim's control
 * device).
 *
 * Functions that take a C callback are %ignore'd here: each language installs
 * its own trampolines (bindings/<lang>/) with the callable as user_data.
 */

%{
#include <errno.h>
#include <rpmsg/rpmsg.h>
%}

%include <stdint.i>

/* ---- Errors: calls return -1 or NULL with errno set ---- */

%define RPMSG_ERRNO_IF_NULL(func)
%exception func {
	$action
	if (!result)
		RPMSG_BINDING_RAISE_ERRNO("func");
}
%enddef

%define RPMSG_ERRNO_IF_NEGATIVE(func)
%exception func {
	$action
	if (result < 0)
		RPMSG_BINDING_RAISE_ERRNO("func");
}
%enddef

/* Calls about paths: their wrappers name the C arguments arg1, arg2, ... */
%define RPMSG_ERRNO_PATH_IF_NULL(func, path)
%exception func {
	$action
	if (!result)
		RPMSG_BINDING_RAISE_ERRNO_PATHS("func", path, NULL);
}
%enddef

RPMSG_ERRNO_IF_NULL(rpmsg_ctx_new)
RPMSG_ERRNO_IF_NEGATIVE(rpmsg_ctx_dispatch)
RPMSG_ERRNO_IF_NULL(rpmsg_engine_name)
%exception rpmsg_ctx_set_roots {
	$action
	if (result < 0)
		RPMSG_BINDING_RAISE_ERRNO_PATHS("rpmsg_ctx_set_roots", arg2, arg3);
}
RPMSG_ERRNO_IF_NULL(rpmsg_ctx_list)
RPMSG_ERRNO_IF_NULL(rpmsg_devlist_get)
RPMSG_ERRNO_PATH_IF_NULL(rpmsg_ctrl_open, arg2)
RPMSG_ERRNO_IF_NULL(rpmsg_ctrl_open_rproc)
RPMSG_ERRNO_IF_NULL(rpmsg_ctrl_create_ept)
RPMSG_ERRNO_IF_NEGATIVE(rpmsg_ctrl_create_channel)
RPMSG_ERRNO_IF_NEGATIVE(rpmsg_ctrl_release_channel)
RPMSG_ERRNO_IF_NULL(rpmsg_ctrl_open_channel)
RPMSG_ERRNO_PATH_IF_NULL(rpmsg_ept_open, arg2)
RPMSG_ERRNO_IF_NULL(rpmsg_ept_open_fd)
RPMSG_ERRNO_IF_NEGATIVE(rpmsg_ept_set_mtu)
RPMSG_ERRNO_IF_NEGATIVE(rpmsg_ept_set_send_timeout)
RPMSG_ERRNO_IF_NEGATIVE(rpmsg_ept_set_destroy_on_close)
RPMSG_ERRNO_IF_NEGATIVE(rpmsg_ept_destroy)
RPMSG_ERRNO_IF_NEGATIVE(rpmsg_ept_send)
RPMSG_ERRNO_IF_NEGATIVE(rpmsg_ept_timedsend)
RPMSG_ERRNO_IF_NEGATIVE(rpmsg_ept_trysend)
RPMSG_ERRNO_IF_NEGATIVE(rpmsg_ept_sendto)
RPMSG_ERRNO_IF_NEGATIVE(rpmsg_ept_trysendto)
RPMSG_ERRNO_IF_NULL(rpmsg_sim_new)
RPMSG_ERRNO_IF_NEGATIVE(rpmsg_sim_send)
RPMSG_ERRNO_IF_NEGATIVE(rpmsg_sim_set_tx_credits)
RPMSG_ERRNO_IF_NEGATIVE(rpmsg_sim_set_mtu)
RPMSG_ERRNO_IF_NEGATIVE(rpmsg_sim_announce)
RPMSG_ERRNO_IF_NEGATIVE(rpmsg_sim_withdraw)

/* ---- Functions that take C callbacks: trampolines live per language ---- */

%ignore rpmsg_ept_set_rx_cb;
%ignore rpmsg_ept_get_rx_cb_data;
%ignore rpmsg_ept_set_event_cb;
%ignore rpmsg_ept_get_event_cb_data;
%ignore rpmsg_ept_send_async;
%ignore rpmsg_sim_set_handler;

/* The header's 0xFFFFFFFF reads as an int to SWIG (-1): make it unsigned. */
#define RPMSG_ADDR_ANY 0xFFFFFFFFU

/* Everything else, constants and enums included, straight from the public header. */
%include <rpmsg/rpmsg.h>

/* Every %exception above belongs to this file only. */
%exception;
