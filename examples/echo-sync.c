// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: librpmsg authors

/*
 * Synchronous echo client, and the project's demo: sends a few messages and
 * waits for each echo. Talks to a real control device with
 * --ctrl /dev/rpmsg_ctrlN (remote address --dst, default 30), and to the
 * library's simulated remote otherwise.
 */

#include <errno.h>
#include <rpmsg/rpmsg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct reply {
	char data[RPMSG_MTU_DEFAULT + 1];
	size_t len;
	uint32_t src;
	bool got;
};

static void on_rx(struct rpmsg_ept *ept, const void *data, size_t len, uint32_t src, void *ud)
{
	struct reply *r = ud;

	r->len = len < RPMSG_MTU_DEFAULT ? len : RPMSG_MTU_DEFAULT;
	memcpy(r->data, data, r->len);
	r->data[r->len] = '\0';
	r->src = src;
	r->got = true;
}

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int fail(const char *what)
{
	fprintf(stderr, "echo-sync: %s: %s\n", what, strerror(errno));
	return EXIT_FAILURE;
}

int main(int argc, char **argv)
{
	const char *ctrl_path = NULL;
	unsigned long dst = 30, count = 5, i;
	struct rpmsg_sim *sim = NULL;
	struct rpmsg_ctrl *ctrl;
	struct rpmsg_ept *ept;
	struct rpmsg_ctx *ctx;
	struct reply reply;
	int opt;

	for (opt = 1; opt < argc; opt++) {
		if (!strcmp(argv[opt], "--ctrl") && opt + 1 < argc)
			ctrl_path = argv[++opt];
		else if (!strcmp(argv[opt], "--dst") && opt + 1 < argc)
			dst = strtoul(argv[++opt], NULL, 0);
		else if (!strcmp(argv[opt], "-n") && opt + 1 < argc)
			count = strtoul(argv[++opt], NULL, 0);
		else if (strcmp(argv[opt], "--sim")) {
			fprintf(stderr, "usage: %s [--sim | --ctrl /dev/rpmsg_ctrlN] [--dst ADDR] [-n COUNT]\n",
				argv[0]);
			return EXIT_FAILURE;
		}
	}

	ctx = rpmsg_ctx_new(0);
	if (!ctx)
		return fail("rpmsg_ctx_new");
	if (ctrl_path) {
		ctrl = rpmsg_ctrl_open(ctx, ctrl_path);
		if (!ctrl)
			return fail(ctrl_path);
	} else {
		sim = rpmsg_sim_new(ctx, 0);
		if (!sim)
			return fail("rpmsg_sim_new");
		ctrl = rpmsg_sim_get_ctrl(sim);
	}
	printf("librpmsg %s, %s engine, %s\n", rpmsg_api_version(),
	       rpmsg_engine_name(rpmsg_ctx_get_engine(ctx)),
	       sim ? "simulated remote" : rpmsg_ctrl_get_path(ctrl));

	ept = rpmsg_ctrl_create_ept(ctrl, "echo-sync", RPMSG_ADDR_ANY, (uint32_t)dst);
	if (!ept)
		return fail("create endpoint");
	rpmsg_ept_set_rx_cb(ept, on_rx, &reply);

	for (i = 1; i <= count; i++) {
		char msg[32];
		int len = snprintf(msg, sizeof(msg), "hello %lu", i);
		double t0 = now_us();
		int waited = 0;

		memset(&reply, 0, sizeof(reply));
		if (rpmsg_ept_send(ept, msg, (size_t)len) < 0)
			return fail("send");
		/* Bounded wait: 2 s for the echo. */
		while (!reply.got && waited++ < 20)
			if (rpmsg_ctx_dispatch(ctx, 100) < 0)
				return fail("dispatch");
		if (!reply.got) {
			errno = ETIMEDOUT;
			return fail("no echo");
		}
		if (reply.len != (size_t)len || memcmp(reply.data, msg, reply.len)) {
			fprintf(stderr, "echo-sync: wrong echo '%s' for '%s'\n", reply.data, msg);
			return EXIT_FAILURE;
		}
		printf("sent '%s' to %lu, echoed from %u in %.0f us\n", msg, dst, reply.src,
		       now_us() - t0);
	}
	rpmsg_ept_close(ept);
	rpmsg_ctrl_close(ctrl);
	rpmsg_sim_free(sim);
	rpmsg_ctx_free(ctx);
	printf("%lu messages echoed\n", count);
	return EXIT_SUCCESS;
}
