// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: librpmsg authors

/*
 * Asynchronous echo: keep -k messages in flight with rpmsg_ept_send_async(),
 * send the next one from the rx callback, check that every echo comes back
 * in order, and report the rate. Nothing blocks: all the work happens in
 * rpmsg_ctx_dispatch().
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "common.h"

struct msg {
	uint64_t seq;
	char text[32];
};

struct pipeline {
	struct rpmsg_ept *ept;
	unsigned long total, window;
	unsigned long sent, completed, echoed;
	int err;		/* first error, as an errno value */
	const char *err_what;
};

static void fail(struct pipeline *p, const char *what, int err)
{
	if (!p->err) {
		p->err = err;
		p->err_what = what;
	}
}

/* A send's completion: the kernel accepted the message, or why not. */
static void on_sent(struct rpmsg_ept *ept, int status, void *user_data)
{
	struct pipeline *p = user_data;

	p->completed++;
	if (status < 0)
		fail(p, "asynchronous send", -status);
}

static void send_next(struct pipeline *p)
{
	struct msg m = { .seq = p->sent };

	snprintf(m.text, sizeof(m.text), "async #%lu", p->sent);
	/* The payload is copied: m may go out of scope at once. */
	if (rpmsg_ept_send_async(p->ept, &m, sizeof(m), on_sent, p) < 0) {
		fail(p, "rpmsg_ept_send_async", errno);
		return;
	}
	p->sent++;
}

/* Keep the window full: sent but not yet echoed. */
static void fill(struct pipeline *p)
{
	while (!p->err && p->sent < p->total && p->sent - p->echoed < p->window)
		send_next(p);
}

static void on_rx(struct rpmsg_ept *ept, const void *data, size_t len, uint32_t src,
		  void *user_data)
{
	struct pipeline *p = user_data;
	struct msg m;

	if (len != sizeof(m)) {
		fail(p, "echo of the wrong length", EPROTO);
		return;
	}
	memcpy(&m, data, sizeof(m));
	if (m.seq != p->echoed) {
		fprintf(stderr, "%s: echo #%" PRIu64 " arrived where #%lu was due\n",
			example_prog, m.seq, p->echoed);
		fail(p, "echo out of order", EPROTO);
		return;
	}
	p->echoed++;
	fill(p);
}

static void on_event(struct rpmsg_ept *ept, enum rpmsg_event event, int error, void *user_data)
{
	fail(user_data, "endpoint went down", error);
}

int main(int argc, char **argv)
{
	struct example_opts opts = { .count = 10000, .inflight = 32 };
	struct example_remote r;
	struct pipeline p = { 0 };
	int64_t t0, t1, progress_ns;
	unsigned long last;
	double secs;

	example_parse(argc, argv, EXAMPLE_OPT_INFLIGHT,
		      "Pipelined echo with asynchronous sends and callbacks.", &opts);
	if (example_open(&r, &opts) < 0)
		return 1;
	p.ept = r.ept;
	p.total = opts.count;
	p.window = opts.inflight;
	rpmsg_ept_set_rx_cb(r.ept, on_rx, &p);
	rpmsg_ept_set_event_cb(r.ept, on_event, &p);

	t0 = progress_ns = example_now_ns();
	last = 0;
	fill(&p);
	/* Done when every echo arrived and every completion ran. */
	while (!p.err && (p.echoed < p.total || p.completed < p.sent)) {
		if (rpmsg_ctx_dispatch(r.ctx, EXAMPLE_TIMEOUT_MS) < 0 && errno != EINTR) {
			fail(&p, "rpmsg_ctx_dispatch", errno);
			break;
		}
		/* Give up when nothing moved for EXAMPLE_TIMEOUT_MS. */
		if (p.echoed + p.completed != last) {
			last = p.echoed + p.completed;
			progress_ns = example_now_ns();
		} else if (example_now_ns() - progress_ns >= EXAMPLE_TIMEOUT_MS * 1000000LL) {
			fprintf(stderr, "%s: stalled after %lu echoes (%lu sent, %lu completed)\n",
				example_prog, p.echoed, p.sent, p.completed);
			fail(&p, "waiting for echoes", ETIMEDOUT);
		}
	}
	t1 = example_now_ns();
	if (p.err) {
		example_fail(p.err_what, p.err);
		example_close(&r);
		return 1;
	}

	secs = (double)(t1 - t0) / 1e9;
	printf("%s: %lu messages echoed in order, %lu in flight, in %.3f s: %.0f messages/s\n",
	       r.label, p.echoed, p.window, secs, (double)p.echoed / secs);
	example_close(&r);
	return 0;
}
