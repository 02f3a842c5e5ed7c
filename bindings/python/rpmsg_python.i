/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: librpmsg authors */

/*
 * Python top file: owns %module, the GIL policy and the Python typemaps, then
 * takes the shared declarations from ../rpmsg.i. The result, rpmsg._lowlevel,
 * is a flat list of C functions; the rpmsg package on top of it
 * (rpmsg/__init__.py) gives them objects, lifetimes and exceptions.
 */

%module(package="rpmsg", threads="1") lowlevel

%begin %{
#define PY_SSIZE_T_CLEAN
%}

/*
 * GIL policy by allow-list: released only around calls that may block
 * (open, ioctl, a wait for a TX buffer or for events, a thread join) or that
 * take the simulated remote's lock: its thread holds that lock while a Python
 * handler waits for the GIL, so taking the lock with the GIL held deadlocks.
 * Everything else (accessors, setters, rpmsg_ept_send_async, trysend's single
 * non-blocking write, the simulator's atomic rx count) keeps the GIL: a
 * release costs more than the call. Callbacks take the GIL back in the
 * trampolines (callbacks.i); rpmsg_sim_set_handler's wrapper releases it itself.
 *
 *   may block:            ctx_free (joins simulators), ctx_dispatch, ctx_list
 *                         (reads sysfs), ctrl_open, ctrl_open_rproc,
 *                         ctrl_create_channel, ctrl_release_channel, ept_open,
 *                         ept_send, ept_send_timeout, ept_sendto
 *   simulator's lock:     ctrl_create_ept, ctrl_open_channel, ept_close,
 *                         ept_destroy, ept_sendto, ept_trysendto (a new
 *                         sibling endpoint), and every rpmsg_sim_* below
 *                         (sim_free also joins the simulator's thread)
 */
%nothreadblock;
%nothreadallow;
%threadallow rpmsg_ctx_free;
%threadallow rpmsg_ctx_dispatch;
%threadallow rpmsg_ctx_list;
%threadallow rpmsg_ctrl_open;
%threadallow rpmsg_ctrl_open_rproc;
%threadallow rpmsg_ctrl_create_ept;
%threadallow rpmsg_ctrl_create_channel;
%threadallow rpmsg_ctrl_release_channel;
%threadallow rpmsg_ctrl_open_channel;
%threadallow rpmsg_ept_open;
%threadallow rpmsg_ept_close;
%threadallow rpmsg_ept_destroy;
%threadallow rpmsg_ept_send;
%threadallow rpmsg_ept_timedsend;
%threadallow rpmsg_ept_sendto;
%threadallow rpmsg_ept_trysendto;
%threadallow rpmsg_sim_free;
%threadallow rpmsg_sim_send;
%threadallow rpmsg_sim_set_tx_credits;
%threadallow rpmsg_sim_set_mtu;
%threadallow rpmsg_sim_pause;
%threadallow rpmsg_sim_resume;
%threadallow rpmsg_sim_announce;
%threadallow rpmsg_sim_withdraw;
%threadallow rpmsg_sim_crash;
%threadallow rpmsg_sim_restart;
%threadallow rpmsg_sim_get_held_count;

%include "python_typemaps.i"
%include "rpmsg.i"
%include "callbacks.i"
