// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: librpmsg authors

/*
 * Synchronous echo client: send a message, then run rpmsg_ctx_dispatch()
 * until the echo has arrived, and check it. With no arguments it talks to
 * the simulated remote; this is the project's demo.
 *
 *   echo-sync                          simulated remote
 *   echo-sync --ctrl /dev/rpmsg_ctrl0  a real remote with an echo service at address 30
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common.h"

struct echo {
	bool got;
	int down_err;		/* set by the event callback */
	size_t len;
	unsigned char data[RPMSG_MTU_DEFAULT];
	int64_t rx_ns;
};

/* Runs inside rpmsg_ctx_dispatch(): the payload is only borrowed, so copy it. */
static void on_rx(struct rpmsg_ept *ept, const void *data, size_t len, uint32_t src,
		  void *user_data)
{
	struct echo *e = user_data;

	e->rx_ns = example_now_ns();
	e->len = len;
	memcpy(e->data, data, len < sizeof(e->data) ? len : sizeof(e->data));
	e->got = true;
}

/* The remote stopped or crashed: no echo will come. */
static void on_event(struct rpmsg_ept *ept, enum rpmsg_event event, int error, void *user_data)
{
	struct echo *e = user_data;

	e->down_err = error;
}

/* Dispatch until the echo arrives, for at most EXAMPLE_TIMEOUT_MS. */
static int wait_echo(struct rpmsg_ctx *ctx, struct echo *e, int64_t start_ns)
{
	int64_t deadline = start_ns + (int64_t)EXAMPLE_TIMEOUT_MS * 1000000;

	while (!e->got && !e->down_err) {
		int64_t left = deadline - example_now_ns();

		if (left <= 0)
			return -ETIMEDOUT;
		if (rpmsg_ctx_dispatch(ctx, (int)((left + 999999) / 1000000)) < 0 &&
		    errno != EINTR)
			return -errno;
	}
	return e->got ? 0 : -e->down_err;
}

int main(int argc, char **argv)
{
	struct example_opts opts = { .count = 5 };
	struct example_remote r;
	struct echo e = { 0 };
	unsigned long i;
	int ret;

	example_parse(argc, argv, 0, "Send messages one at a time and wait for each echo.",
		      &opts);
	if (example_open(&r, &opts) < 0)
		return 1;
	rpmsg_ept_set_rx_cb(r.ept, on_rx, &e);
	rpmsg_ept_set_event_cb(r.ept, on_event, &e);

	for (i = 1; i <= opts.count; i++) {
		char msg[32];
		int len = snprintf(msg, sizeof(msg), "hello %lu", i);
		int64_t t0;

		e.got = false;
		t0 = example_now_ns();
		/* Returns once the kernel took the message (waits for a TX buffer if needed). */
		if (rpmsg_ept_send(r.ept, msg, (size_t)len) < 0) {
			ret = example_fail("rpmsg_ept_send", errno);
			goto out;
		}
		ret = wait_echo(r.ctx, &e, t0);
		if (ret == -ETIMEDOUT) {
			fprintf(stderr, "%s: no echo of '%s' within %d ms: %s\n", example_prog,
				msg, EXAMPLE_TIMEOUT_MS, strerror(ETIMEDOUT));
			ret = 1;
			goto out;
		} else if (ret < 0) {
			ret = example_fail(e.down_err ? "endpoint went down" : "rpmsg_ctx_dispatch",
					   -ret);
			goto out;
		}
		if (e.len != (size_t)len || memcmp(e.data, msg, (size_t)len)) {
			fprintf(stderr, "%s: sent '%s' but received %zu other bytes: '%.*s'\n",
				example_prog, msg, e.len, (int)(e.len < 64 ? e.len : 64),
				(const char *)e.data);
			ret = 1;
			goto out;
		}
		printf("%s: sent '%s' → echoed '%.*s' in %lld µs\n", r.label, msg, (int)e.len,
		       (const char *)e.data, (long long)((e.rx_ns - t0 + 500) / 1000));
	}
	printf("%s: %lu of %lu echoes received and verified\n", example_prog, opts.count,
	       opts.count);
	ret = 0;
out:
	example_close(&r);
	return ret;
}
