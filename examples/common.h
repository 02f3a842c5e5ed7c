// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: librpmsg authors

/* What the examples share: options, opening the remote, error reporting. */

#ifndef __LIBRPMSG_EXAMPLES_COMMON_H__
#define __LIBRPMSG_EXAMPLES_COMMON_H__

#include <rpmsg/rpmsg.h>
#include <stdbool.h>
#include <stdint.h>

/* Every wait in the examples is bounded by this. */
#define EXAMPLE_TIMEOUT_MS	2000

struct example_opts {
	const char *ctrl_path;	/* --ctrl: a control device node */
	const char *rproc;	/* --rproc: a remote processor's name or index */
	const char *name;	/* --name: service name of the endpoint we create */
	uint32_t dst;		/* --dst: remote address of the echo service */
	unsigned long count;	/* -n */
	unsigned long inflight;	/* -k (echo-async only) */
};

/* The remote we talk to: a real control device or the simulated remote. */
struct example_remote {
	struct rpmsg_ctx *ctx;
	struct rpmsg_sim *sim;		/* NULL on a real device */
	struct rpmsg_ctrl *ctrl;
	struct rpmsg_ept *ept;
	char label[128];		/* "simulated remote" or the endpoint's node */
};

/* Options taken by example_parse() beyond the common ones. */
#define EXAMPLE_OPT_INFLIGHT	(1U << 0)

/*
 * Parse the command line into @o (defaults filled in first). Prints usage
 * and exits on -h or a bad option.
 */
void example_parse(int argc, char **argv, unsigned int extra, const char *summary,
		   struct example_opts *o);

/*
 * Create a context and an endpoint bound to o->dst, on the device chosen by
 * the options or on a new simulated remote. Returns 0, or -1 after printing
 * what failed.
 */
int example_open(struct example_remote *r, const struct example_opts *o);

/* Close the endpoint, the control device, the simulator and the context. */
void example_close(struct example_remote *r);

/* Print "prog: what: strerror(err)" to stderr and return the exit status 1. */
int example_fail(const char *what, int err);

/* Monotonic clock in nanoseconds. */
int64_t example_now_ns(void);

/* The program's name, for messages. */
extern const char *example_prog;

#endif /* __LIBRPMSG_EXAMPLES_COMMON_H__ */
