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
 * GIL policy by allow-list: released only around calls that may block or
 * that take the simulated remote's lock (its thread may be waiting for the
 * GIL in a handler while holding that lock). Callbacks take it back in the
 * trampolines (callbacks.i).
 */
%nothreadblock;
%nothreadallow;
%threadallow rpmsg_ctx_free;
%threadallow rpmsg_ctx_dispatch;
%threadallow rpmsg_ctrl_open;
%threadallow rpmsg_ctrl_open_rproc;
%threadallow rpmsg_ctrl_close;
%threadallow rpmsg_ctrl_create_ept;
%threadallow rpmsg_ctrl_create_channel;
%threadallow rpmsg_ctrl_release_channel;
%threadallow rpmsg_ctrl_open_channel;
%threadallow rpmsg_ept_open;
%threadallow rpmsg_ept_close;
%threadallow rpmsg_ept_send;
%threadallow rpmsg_ept_send_timeout;
%threadallow rpmsg_ept_trysend;
%threadallow rpmsg_ept_sendto;
%threadallow rpmsg_ept_trysendto;
%threadallow rpmsg_sim_new;
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
%threadallow rpmsg_sim_get_rx_count;

%include "python_typemaps.i"
%include "rpmsg.i"
%include "callbacks.i"
