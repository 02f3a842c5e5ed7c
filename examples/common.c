// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: librpmsg authors

/* Options and endpoint set-up shared by the examples. */

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common.h"

const char *example_prog = "example";

int example_fail(const char *what, int err)
{
	fprintf(stderr, "%s: %s: %s\n", example_prog, what, strerror(err));
	return 1;
}

int64_t example_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void usage(FILE *f, unsigned int extra, const char *summary, const struct example_opts *o)
{
	fprintf(f, "Usage: %s [options]\n%s\n\n", example_prog, summary);
	fprintf(f, "Options:\n"
		"  --sim          talk to the simulated remote (the default without a device)\n"
		"  --ctrl PATH    use this control device, e.g. /dev/rpmsg_ctrl0\n"
		"  --rproc NAME   use the control device of a remote processor\n"
		"                 (its name, its index or remoteprocN)\n"
		"  --dst ADDR     remote address of the echo service (default 30)\n"
		"  --name NAME    service name of the endpoint we create (default \"%s\")\n"
		"  -n COUNT       number of messages (default %lu)\n",
		"librpmsg-example", o->count);
	if (extra & EXAMPLE_OPT_INFLIGHT)
		fprintf(f, "  -k COUNT       messages in flight (default %lu)\n", o->inflight);
	fprintf(f, "  -h, --help     this text\n\n"
		"RPMSG_ENGINE=uring or RPMSG_ENGINE=epoll in the environment picks the engine.\n");
}

static unsigned long parse_ulong(const char *arg, const char *what, unsigned long max)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(arg, &end, 0);
	if (errno || end == arg || *end || *arg == '-' || v > max) {
		fprintf(stderr, "%s: invalid %s '%s'\n", example_prog, what, arg);
		exit(2);
	}
	return v;
}

void example_parse(int argc, char **argv, unsigned int extra, const char *summary,
		   struct example_opts *o)
{
	static const struct option longopts[] = {
		{ "sim", no_argument, NULL, 'S' },
		{ "ctrl", required_argument, NULL, 'C' },
		{ "rproc", required_argument, NULL, 'R' },
		{ "dst", required_argument, NULL, 'D' },
		{ "name", required_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *shortopts = extra & EXAMPLE_OPT_INFLIGHT ? "n:k:h" : "n:h";
	bool sim = false;
	int c;

	example_prog = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	/* libtool's uninstalled binaries carry an "lt-" prefix. */
	if (!strncmp(example_prog, "lt-", 3))
		example_prog += 3;
	o->ctrl_path = NULL;
	o->rproc = NULL;
	o->name = "librpmsg-example";
	o->dst = 30;

	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		switch (c) {
		case 'S':
			sim = true;
			break;
		case 'C':
			o->ctrl_path = optarg;
			break;
		case 'R':
			o->rproc = optarg;
			break;
		case 'D':
			o->dst = (uint32_t)parse_ulong(optarg, "address", 0xFFFFFFFEUL);
			break;
		case 'N':
			o->name = optarg;
			break;
		case 'n':
			o->count = parse_ulong(optarg, "count", 100000000UL);
			break;
		case 'k':
			o->inflight = parse_ulong(optarg, "count", 4096);
			break;
		case 'h':
			usage(stdout, extra, summary, o);
			exit(0);
		default:
			usage(stderr, extra, summary, o);
			exit(2);
		}
	}
	if (optind < argc || (sim + !!o->ctrl_path + !!o->rproc) > 1 || !o->count ||
	    ((extra & EXAMPLE_OPT_INFLIGHT) && !o->inflight)) {
		fprintf(stderr, "%s: give at most one of --sim, --ctrl and --rproc, "
			"counts above 0 and no other arguments\n", example_prog);
		exit(2);
	}
}

int example_open(struct example_remote *r, const struct example_opts *o)
{
	const char *path;
	int err;

	memset(r, 0, sizeof(*r));
	/* Flags 0: the engine comes from RPMSG_ENGINE, else io_uring with an epoll fallback. */
	r->ctx = rpmsg_ctx_new(0);
	if (!r->ctx) {
		example_fail("rpmsg_ctx_new", errno);
		return -1;
	}

	if (o->ctrl_path) {
		r->ctrl = rpmsg_ctrl_open(r->ctx, o->ctrl_path);
		if (!r->ctrl) {
			err = errno;
			fprintf(stderr, "%s: cannot open control device %s: %s\n", example_prog,
				o->ctrl_path, strerror(err));
			goto err;
		}
	} else if (o->rproc) {
		r->ctrl = rpmsg_ctrl_open_rproc(r->ctx, o->rproc);
		if (!r->ctrl) {
			err = errno;
			fprintf(stderr, "%s: no control device for remote processor '%s': %s\n",
				example_prog, o->rproc, strerror(err));
			goto err;
		}
	} else {
		/* No hardware: a remote in this process that echoes every message. */
		r->sim = rpmsg_sim_new(r->ctx, 0);
		if (!r->sim) {
			err = errno;
			example_fail("rpmsg_sim_new", err);
			goto err;
		}
		r->ctrl = rpmsg_sim_get_ctrl(r->sim);
	}

	/* RPMSG_ADDR_ANY: the kernel (or the simulator) picks our local address. */
	r->ept = rpmsg_ctrl_create_ept(r->ctrl, o->name, RPMSG_ADDR_ANY, o->dst);
	if (!r->ept) {
		err = errno;
		example_fail("rpmsg_ctrl_create_ept", err);
		goto err;
	}
	/* The default send timeout is the kernel's 15 s: keep the examples brisk. */
	rpmsg_ept_set_send_timeout(r->ept, EXAMPLE_TIMEOUT_MS);

	path = rpmsg_ept_get_path(r->ept);
	if (r->sim)
		snprintf(r->label, sizeof(r->label), "simulated remote");
	else
		snprintf(r->label, sizeof(r->label), "%s",
			 path ? path : rpmsg_ctrl_get_path(r->ctrl));
	printf("librpmsg %s, %s engine, %s", rpmsg_api_version(),
	       rpmsg_engine_name(rpmsg_ctx_get_engine(r->ctx)), r->label);
	/* The kernel does not report the address it allocated for RPMSG_ADDR_ANY. */
	if (rpmsg_ept_get_src(r->ept) != RPMSG_ADDR_ANY)
		printf(", local address %u", (unsigned int)rpmsg_ept_get_src(r->ept));
	printf(" → remote address %u\n", (unsigned int)o->dst);
	return 0;

err:
	example_close(r);
	return -1;
}

void example_close(struct example_remote *r)
{
	/* The endpoint first: closing it destroys the kernel's /dev/rpmsgN. */
	rpmsg_ept_close(r->ept);
	r->ept = NULL;
	if (!r->sim)
		rpmsg_ctrl_close(r->ctrl);
	r->ctrl = NULL;
	rpmsg_sim_free(r->sim);
	r->sim = NULL;
	rpmsg_ctx_free(r->ctx);
	r->ctx = NULL;
}
