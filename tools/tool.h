/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: librpmsg authors */

/* What the subcommands of the rpmsg tool share. Only the public API is used. */

#ifndef __LIBRPMSG_TOOL_H__
#define __LIBRPMSG_TOOL_H__

#include <getopt.h>
#include <rpmsg/rpmsg.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Exit statuses, as documented in rpmsg(1) and `rpmsg --help`. */
#define EXIT_FAIL	1	/* a call failed; the message names the device and the error */
#define EXIT_USAGE	2	/* bad command line */
#define EXIT_TIMEOUT	3	/* expected messages did not arrive in time */
#define EXIT_PLOT	4	/* ping --plot: gnuplot missing or failed */

/* Long-only option codes shared by the subcommands that open an endpoint. */
enum {
	OPT_SIM = 256,
	OPT_CTRL,
	OPT_RPROC,
	OPT_DEV,
	OPT_CHANNEL,
	OPT_NAME,
	OPT_SRC,
	OPT_DST,
	OPT_MTU,
	OPT_SIM_SEND,
	OPT_PLOT,
	OPT_SINK,
	OPT_FIRST_FREE,
};

/* getopt_long entries for the options above (terminated by the caller). */
#define TARGET_LONGOPTS \
	{ "sim", no_argument, NULL, OPT_SIM }, \
	{ "ctrl", required_argument, NULL, OPT_CTRL }, \
	{ "rproc", required_argument, NULL, OPT_RPROC }, \
	{ "dev", required_argument, NULL, OPT_DEV }, \
	{ "channel", required_argument, NULL, OPT_CHANNEL }, \
	{ "name", required_argument, NULL, OPT_NAME }, \
	{ "src", required_argument, NULL, OPT_SRC }, \
	{ "dst", required_argument, NULL, OPT_DST }, \
	{ "mtu", required_argument, NULL, OPT_MTU }, \
	{ "sim-send", required_argument, NULL, OPT_SIM_SEND }, \
	{ "help", no_argument, NULL, 'h' }

/* The help text of TARGET_LONGOPTS, shared by every command that has them. */
extern const char tool_target_help[];

/* Global options (before the command). */
struct tool_global {
	unsigned int ctx_flags;		/* --engine */
	const char *sysfs_root;		/* --sysfs-root */
	const char *dev_root;		/* --dev-root */
};

/* Where a command's endpoint comes from. */
struct target_opts {
	bool sim;
	const char *ctrl_path;
	const char *rproc;
	const char *dev;
	const char *channel;
	const char *name;
	uint32_t src;
	uint32_t dst;
	bool dst_set;
	size_t mtu;
	const char **sim_send;		/* --sim-send payloads, in order */
	size_t n_sim_send;
};

/* An open endpoint and everything behind it. */
struct target {
	struct rpmsg_ctx *ctx;
	struct rpmsg_sim *sim;		/* --sim only */
	struct rpmsg_ctrl *ctrl;	/* NULL for --dev */
	struct rpmsg_ept *ept;
	char where[160];		/* the device, for messages */
	int down_err;			/* set when the endpoint went down */
};

extern struct tool_global tool_global;
extern const char *tool_cmd;		/* "send", ... for messages */
extern volatile sig_atomic_t tool_stop;	/* SIGINT or SIGTERM arrived */

/* "rpmsg: CMD: fmt..." on stderr; returns EXIT_FAIL. */
int tool_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "rpmsg: CMD: fmt..." plus the usage hint on stderr; returns EXIT_USAGE. */
int tool_usage_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Parsers: false (after printing why) on a bad value. */
bool tool_parse_addr(const char *arg, const char *what, uint32_t *out);
bool tool_parse_ulong(const char *arg, const char *what, unsigned long min, unsigned long max,
		      unsigned long *out);
bool tool_parse_ms(const char *arg, const char *what, int *out);

/* A context with the global options applied, or NULL after printing why. */
struct rpmsg_ctx *tool_ctx_new(void);

/* Defaults before parsing: name "rpmsg-tool", src and dst ANY, MTU default. */
void target_opts_init(struct target_opts *o);
/* Handle one of the TARGET_LONGOPTS; false (after printing why) if c is not
 * one ("unknown option") or its value is bad. */
bool target_opts_parse(struct target_opts *o, int c, const char *arg);
/* What a command does with the endpoint it creates: which --dst it needs. */
enum target_use {
	TARGET_RECV,	/* recv: no --dst, the endpoint only receives */
	TARGET_HOLD,	/* create endpoint: --dst needed, "any" (receive-only) allowed */
	TARGET_SEND,	/* send, echo, ping, bench: --dst needed and not "any" */
};
/* Check the combination (creating an endpoint without --dst: 30 with --sim).
 * 0, or the exit status after printing why. */
int target_opts_check(struct target_opts *o, enum target_use use);
/* After getopt_long, for a command that takes no operands: a leftover argument
 * is a usage error, then target_opts_check. */
int target_opts_finish(struct target_opts *o, int argc, char **argv, enum target_use use);

/* Without --sim, --ctrl, --rproc or --dev, and no control device in sysfs. */
#define NO_CTRL_DEVICE "no RPMsg control device found (is rpmsg_ctrl loaded? try --sim)"

/* The control device alone (--sim, --ctrl, --rproc or the first one found), for
 * channels; prints why and returns EXIT_FAIL on error. */
int target_open_ctrl(struct target *t, const struct target_opts *o);
/* Open the endpoint the options describe; prints why and returns EXIT_FAIL on error. */
int target_open(struct target *t, const struct target_opts *o);
/* A device that could not be opened, errno set: "PATH: not an rpmsg KIND: error"
 * when it is not one (ENODEV, ENOTTY), else "PATH: error". Returns EXIT_FAIL. */
int tool_open_err(const char *path, const char *kind);
/* The simulated remote sends each --sim-send payload to the endpoint. */
int target_sim_send(struct target *t, const struct target_opts *o);
/* With --sim: the simulated remote keeps what it receives (it counts it) instead
 * of echoing it back. */
void target_sim_no_echo(struct target *t);
void target_close(struct target *t);

/*
 * Run rpmsg_ctx_dispatch until *done, the deadline (ns, monotonic; 0: none),
 * a stop signal or the endpoint going down. Returns 0 (done), -ETIMEDOUT,
 * -EINTR (stop signal), -EPIPE style -errno when the endpoint went down, or
 * -errno of dispatch.
 */
int tool_wait(struct target *t, const bool *done, int64_t deadline_ns);

/* Monotonic clock in nanoseconds. */
int64_t tool_now_ns(void);

/* Print a message as text (escaping what is not printable) or as hex. */
void tool_print_msg(const void *data, size_t len, bool hex);
/* Decode hex digits (spaces and colons allowed between bytes); -1 if not hex. */
long tool_hex_decode(const char *s, unsigned char *out, size_t size);

/* The subcommands: argc/argv start at the command's name. */
int cmd_list(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_create(int argc, char **argv);
int cmd_destroy(int argc, char **argv);
int cmd_send(int argc, char **argv);
int cmd_recv(int argc, char **argv);
int cmd_echo(int argc, char **argv);
int cmd_ping(int argc, char **argv);
int cmd_bench(int argc, char **argv);

/* ping --plot: find gnuplot ($GNUPLOT or PATH); false if it cannot be run. */
bool plot_find_gnuplot(char *path, size_t size);
/* Write a PNG histogram of the latencies (µs); 0 or EXIT_PLOT after printing why. */
int plot_latency_png(const char *gnuplot, const char *file, const double *us, size_t n,
		     const char *title);

#endif /* __LIBRPMSG_TOOL_H__ */
