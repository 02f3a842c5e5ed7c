// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: librpmsg authors

/* rpmsg ping (round-trip latency) and rpmsg bench (throughput). */

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tool.h"

/* Open the endpoint and check that size-byte payloads fit its MTU; closed on error. */
static int open_for_payload(struct target *t, const struct target_opts *o, unsigned long size)
{
	int ret = target_open(t, o);

	if (ret)
		return ret;
	if (size > rpmsg_ept_get_mtu(t->ept)) {
		ret = tool_usage_err("size %lu is above the MTU, %zu", size,
				     rpmsg_ept_get_mtu(t->ept));
		target_close(t);
	}
	return ret;
}

static void ping_help(FILE *f)
{
	fprintf(f, "Usage: rpmsg ping [options]\n"
		"Send messages to an echo service one at a time and time each reply. Prints\n"
		"min/avg/p50/p99/max and a histogram of the round-trip times.\n\n"
		"  -c, --count N       messages (default 10)\n"
		"  -s, --size BYTES    payload size, 0 to the MTU (default 32)\n"
		"  -i, --interval MS   time between the start of two pings (default 100)\n"
		"  -t, --timeout MS    how long to wait for each reply (default 2000)\n"
		"  -q, --quiet         only the summary\n"
		"  --plot FILE         also write the histogram as a PNG image with gnuplot\n"
		"                      ($GNUPLOT, else gnuplot from PATH; exit status 4 if it\n"
		"                      is missing or fails)\n"
		"  -h, --help          this text\n\n%s"
		"A reply that does not arrive in time counts as lost (exit status 3).\n",
		tool_target_help);
}

struct ping_state {
	const unsigned char *expect;
	size_t len;
	bool got;
	int64_t rx_ns;
	unsigned long unexpected;	/* late or foreign replies */
};

static void on_ping_rx(struct rpmsg_ept *ept, const void *data, size_t len, uint32_t src,
		       void *user_data)
{
	struct ping_state *p = user_data;

	if (!p->got && len == p->len && !memcmp(data, p->expect, len)) {
		p->rx_ns = tool_now_ns();
		p->got = true;
	} else {
		p->unexpected++;
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of sorted values. */
static double percentile(const double *v, size_t n, double p)
{
	size_t rank = (size_t)ceil(p / 100.0 * (double)n);

	return v[rank ? rank - 1 : 0];
}

/* One line per power-of-two bucket of microseconds, from the fastest to the slowest. */
static void print_histogram(const double *us, size_t n)
{
	unsigned long counts[64] = { 0 }, most = 0;
	int lo = 63, hi = 0, b;
	size_t i;

	for (i = 0; i < n; i++) {
		b = us[i] < 1.0 ? 0 : (int)floor(log2(us[i])) + 1;
		if (b > 63)
			b = 63;
		counts[b]++;
		lo = b < lo ? b : lo;
		hi = b > hi ? b : hi;
	}
	for (b = lo; b <= hi; b++)
		most = counts[b] > most ? counts[b] : most;
	printf("histogram (us):\n");
	for (b = lo; b <= hi; b++) {
		int bar = most ? (int)((counts[b] * 40 + most - 1) / most) : 0;
		double from = b ? ldexp(1.0, b - 1) : 0.0, to = ldexp(1.0, b);

		printf("  %8.0f - %-8.0f |%-40.*s| %lu\n", from, to, bar,
		       "########################################", counts[b]);
	}
}

/* ping's command line. */
struct ping_opts {
	struct target_opts target;
	unsigned long count;
	unsigned long size;
	int interval_ms;
	int timeout_ms;
	bool quiet;
	const char *plot;		/* --plot FILE, else NULL */
	char gnuplot[4096];		/* with --plot */
};

/* A ping session: what it sends, receives and measured. The receive callback uses
 * it until the endpoint is closed. */
struct ping_session {
	unsigned char *buf;		/* the payload sent, and expected back */
	struct ping_state rx;
	double *us;			/* round-trip time of each reply */
	size_t n;			/* replies */
	double sum;			/* of us */
	unsigned long sent;
	unsigned long lost;
};

/* Returns -1 to run the pings, else the exit status (0 after --help). */
static int ping_parse(int argc, char **argv, struct ping_opts *po)
{
	static const struct option longopts[] = {
		TARGET_LONGOPTS,
		{ "count", required_argument, NULL, 'c' },
		{ "size", required_argument, NULL, 's' },
		{ "interval", required_argument, NULL, 'i' },
		{ "timeout", required_argument, NULL, 't' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "plot", required_argument, NULL, OPT_PLOT },
		{ NULL, 0, NULL, 0 },
	};
	bool bad = false;
	int c, ret;

	target_opts_init(&po->target);
	po->count = 10;
	po->size = 32;
	po->interval_ms = 100;
	po->timeout_ms = 2000;
	po->quiet = false;
	po->plot = NULL;
	while (!bad && (c = getopt_long(argc, argv, "hc:s:i:t:q", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			ping_help(stdout);
			return 0;
		case 'c':
			bad = !tool_parse_ulong(optarg, "count", 1, 10000000UL, &po->count);
			break;
		case 's':
			bad = !tool_parse_ulong(optarg, "size", 0, RPMSG_MTU_MAX, &po->size);
			break;
		case 'i':
			bad = !tool_parse_ms(optarg, "interval", &po->interval_ms);
			break;
		case 't':
			bad = !tool_parse_ms(optarg, "timeout", &po->timeout_ms);
			break;
		case 'q':
			po->quiet = true;
			break;
		case OPT_PLOT:
			po->plot = optarg;
			break;
		default:
			bad = !target_opts_parse(&po->target, c, optarg);
		}
	}
	ret = bad ? EXIT_USAGE : target_opts_finish(&po->target, argc, argv, TARGET_SEND);
	if (ret)
		return ret;
	/* Before any work: a missing gnuplot should not cost a whole run. */
	if (po->plot && !plot_find_gnuplot(po->gnuplot, sizeof(po->gnuplot))) {
		tool_err("--plot needs gnuplot: '%s' not found or not executable "
			 "(install gnuplot-nox, or set GNUPLOT)", po->gnuplot);
		return EXIT_PLOT;
	}
	return -1;
}

/* Ping --count times, or until a stop signal or the endpoint going down. Returns
 * 0, or EXIT_FAIL after printing why (no statistics then). */
static int ping_run(struct target *t, const struct ping_opts *po, struct ping_session *r)
{
	unsigned long i, j;
	bool never = false;

	r->buf = malloc(po->size ? po->size : 1);
	r->us = calloc(po->count, sizeof(*r->us));
	if (!r->buf || !r->us)
		return tool_err("%s", strerror(ENOMEM));
	r->rx.expect = r->buf;
	r->rx.len = po->size;
	rpmsg_ept_set_rx_cb(t->ept, on_ping_rx, &r->rx);
	printf("PING %s: %lu bytes, dst %u, %s engine\n", t->where, po->size,
	       (unsigned int)rpmsg_ept_get_dst(t->ept),
	       rpmsg_engine_name(rpmsg_ctx_get_engine(t->ctx)));

	for (i = 0; i < po->count && !tool_stop && !t->down_err; i++) {
		int64_t t0;
		int w;

		/* The sequence number leads, so a late reply never matches. */
		for (j = 0; j < po->size; j++)
			r->buf[j] = j < 4 ? (unsigned char)(i >> (8 * j)) : (unsigned char)(i + j);
		r->rx.got = false;
		t0 = tool_now_ns();
		if (rpmsg_ept_timedsend(t->ept, r->buf, po->size, po->timeout_ms) < 0)
			return tool_err("%s: cannot send: %s", t->where, strerror(errno));
		w = tool_wait(t, &r->rx.got, t0 + po->timeout_ms * 1000000LL);
		if (w == -ETIMEDOUT) {
			r->lost++;
			if (!po->quiet)
				printf("seq=%lu: no reply within %d ms\n", i + 1, po->timeout_ms);
		} else if (w == 0) {
			r->us[r->n] = (double)(r->rx.rx_ns - t0) / 1000.0;
			r->sum += r->us[r->n];
			if (!po->quiet)
				printf("%lu bytes: seq=%lu time=%.1f us\n", po->size, i + 1,
				       r->us[r->n]);
			r->n++;
		} else if (w != -EINTR) {
			return tool_err("%s: %s", t->where, strerror(-w));
		}
		if (i + 1 < po->count && po->interval_ms)
			tool_wait(t, &never, t0 + po->interval_ms * 1000000LL);
	}
	r->sent = i;
	return 0;
}

/* Statistics, histogram and --plot; returns the exit status. */
static int ping_report(const struct target *t, const struct ping_opts *po, struct ping_session *r)
{
	double *us = r->us;
	size_t n = r->n;
	int ret = 0;

	printf("--- %s ping statistics ---\n", t->where);
	printf("%lu sent, %zu received, %lu lost", r->sent, n, r->lost);
	if (r->rx.unexpected)
		printf(", %lu unexpected replies", r->rx.unexpected);
	printf("\n");
	if (n) {
		qsort(us, n, sizeof(*us), cmp_double);
		printf("rtt min/avg/p50/p99/max = %.1f/%.1f/%.1f/%.1f/%.1f us\n", us[0],
		       r->sum / (double)n, percentile(us, n, 50), percentile(us, n, 99),
		       us[n - 1]);
		print_histogram(us, n);
	}
	if (t->down_err)
		ret = tool_err("%s: the endpoint went down: %s", t->where, strerror(t->down_err));
	else if (po->plot && !n)
		ret = tool_err("--plot %s: no reply to plot", po->plot);
	else if (po->plot) {
		char title[256];

		snprintf(title, sizeof(title), "rpmsg ping %s, %lu bytes, %zu replies", t->where,
			 po->size, n);
		ret = plot_latency_png(po->gnuplot, po->plot, us, n, title);
		if (!ret)
			printf("histogram written to %s\n", po->plot);
	}
	if (!ret && r->lost)
		ret = EXIT_TIMEOUT;
	return ret;
}

int cmd_ping(int argc, char **argv)
{
	struct ping_session r = { 0 };
	struct ping_opts po;
	struct target t;
	int ret;

	ret = ping_parse(argc, argv, &po);
	if (ret >= 0)
		goto out;
	ret = open_for_payload(&t, &po.target, po.size);
	if (ret)
		goto out;
	ret = ping_run(&t, &po, &r);
	if (!ret)
		ret = ping_report(&t, &po, &r);
	target_close(&t);
out:
	free(r.buf);
	free(r.us);
	free(po.target.sim_send);
	return ret;
}

static void bench_help(FILE *f)
{
	fprintf(f, "Usage: rpmsg bench [options]\n"
		"Measure throughput: keep up to --inflight asynchronous sends going to an echo\n"
		"service (or, with --sink, a service that answers nothing) and count them.\n\n"
		"  -n, --count N         messages (default 100000)\n"
		"  -d, --duration MS     send for MS ms instead of a count\n"
		"  -s, --size BYTES      payload size, 0 to the MTU (default 64)\n"
		"  -k, --inflight N      messages in flight (default 32)\n"
		"  --sink                the remote does not answer: count sends the kernel took\n"
		"  -t, --timeout MS      give up when nothing progresses for MS ms (default 2000)\n"
		"  -h, --help            this text\n\n%s"
		"Missing echoes at the end are a timeout (exit status 3).\n",
		tool_target_help);
}

/* A benchmark run: its window, counts and outcome. Completions use it until the
 * endpoint is closed. */
struct bench_state {
	struct target *t;
	unsigned char *buf;		/* the payload, zeros */
	size_t size;
	unsigned long want;		/* 0: until stop_sending */
	unsigned long inflight;
	bool sink;
	bool stop_sending;
	unsigned long queued, completed, echoed, bad_echo;
	int err;
	int64_t progress_ns;
	bool done;
	int64_t elapsed_ns;		/* of the run */
};

static void bench_fill(struct bench_state *b);

static void check_done(struct bench_state *b)
{
	unsigned long finished = b->sink ? b->completed : b->echoed;

	if ((b->stop_sending || (b->want && b->queued >= b->want)) && finished >= b->queued)
		b->done = true;
}

static void on_bench_done(struct rpmsg_ept *ept, int status, void *user_data)
{
	struct bench_state *b = user_data;

	b->completed++;
	if (status < 0 && !b->err)
		b->err = -status;
	if (b->sink) {
		b->progress_ns = tool_now_ns();
		bench_fill(b);
	}
	check_done(b);
}

static void on_bench_rx(struct rpmsg_ept *ept, const void *data, size_t len, uint32_t src,
			void *user_data)
{
	struct bench_state *b = user_data;

	b->echoed++;
	b->bad_echo += len != b->size;
	b->progress_ns = tool_now_ns();
	bench_fill(b);
	check_done(b);
}

/* Top the window up to --inflight messages. */
static void bench_fill(struct bench_state *b)
{
	unsigned long finished;

	for (;;) {
		finished = b->sink ? b->completed : b->echoed;
		if (b->err || b->stop_sending || (b->want && b->queued >= b->want) ||
		    b->queued - finished >= b->inflight)
			return;
		if (rpmsg_ept_send_async(b->t->ept, b->buf, b->size, on_bench_done, b) < 0) {
			b->err = errno;
			return;
		}
		b->queued++;
	}
}

/* bench's command line. */
struct bench_opts {
	struct target_opts target;
	unsigned long count;
	unsigned long size;
	unsigned long inflight;
	int duration_ms;		/* -1: --count */
	int timeout_ms;
	bool sink;
};

/* Returns -1 to run the benchmark, else the exit status (0 after --help). */
static int bench_parse(int argc, char **argv, struct bench_opts *bo)
{
	static const struct option longopts[] = {
		TARGET_LONGOPTS,
		{ "count", required_argument, NULL, 'n' },
		{ "duration", required_argument, NULL, 'd' },
		{ "size", required_argument, NULL, 's' },
		{ "inflight", required_argument, NULL, 'k' },
		{ "sink", no_argument, NULL, OPT_SINK },
		{ "timeout", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	bool bad = false;
	int c, ret;

	target_opts_init(&bo->target);
	bo->count = 100000;
	bo->size = 64;
	bo->inflight = 32;
	bo->duration_ms = -1;
	bo->timeout_ms = 2000;
	bo->sink = false;
	while (!bad && (c = getopt_long(argc, argv, "hn:d:s:k:t:", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			bench_help(stdout);
			return 0;
		case 'n':
			bad = !tool_parse_ulong(optarg, "count", 1, 1000000000UL, &bo->count);
			break;
		case 'd':
			bad = !tool_parse_ms(optarg, "duration", &bo->duration_ms);
			break;
		case 's':
			bad = !tool_parse_ulong(optarg, "size", 0, RPMSG_MTU_MAX, &bo->size);
			break;
		case 'k':
			bad = !tool_parse_ulong(optarg, "in-flight count", 1, 4096, &bo->inflight);
			break;
		case OPT_SINK:
			bo->sink = true;
			break;
		case 't':
			bad = !tool_parse_ms(optarg, "timeout", &bo->timeout_ms);
			break;
		default:
			bad = !target_opts_parse(&bo->target, c, optarg);
		}
	}
	ret = bad ? EXIT_USAGE : target_opts_finish(&bo->target, argc, argv, TARGET_SEND);
	return ret ? ret : -1;
}

/* Keep the window full until the count or duration is reached, nothing progresses
 * for --timeout, a send fails, a stop signal or the endpoint going down. Returns 0,
 * or EXIT_FAIL after printing why (no report then). */
static int bench_run(struct target *t, const struct bench_opts *bo, struct bench_state *b)
{
	int64_t t0, end_send = 0;

	b->buf = calloc(1, bo->size ? bo->size : 1);
	if (!b->buf)
		return tool_err("%s", strerror(ENOMEM));
	if (bo->sink)
		target_sim_no_echo(t);
	b->t = t;
	b->size = bo->size;
	b->want = bo->duration_ms >= 0 ? 0 : bo->count;
	b->inflight = bo->inflight;
	b->sink = bo->sink;
	if (!bo->sink)
		rpmsg_ept_set_rx_cb(t->ept, on_bench_rx, b);
	printf("BENCH %s: %lu-byte messages, %lu in flight, %s, %s engine\n", t->where,
	       bo->size, bo->inflight, bo->sink ? "sink" : "echo",
	       rpmsg_engine_name(rpmsg_ctx_get_engine(t->ctx)));
	fflush(stdout);

	t0 = b->progress_ns = tool_now_ns();
	if (bo->duration_ms >= 0)
		end_send = t0 + bo->duration_ms * 1000000LL;
	bench_fill(b);
	while (!b->done && !b->err && !t->down_err && !tool_stop) {
		int64_t now = tool_now_ns(), deadline = b->progress_ns + bo->timeout_ms * 1000000LL;
		int wait_ms;

		if (end_send && !b->stop_sending && now >= end_send) {
			b->stop_sending = true;
			check_done(b);
			continue;
		}
		if (now >= deadline)
			break;
		if (end_send && !b->stop_sending && end_send < deadline)
			deadline = end_send;
		wait_ms = (int)((deadline - now + 999999) / 1000000);
		if (rpmsg_ctx_dispatch(t->ctx, wait_ms) < 0 && errno != EINTR) {
			b->err = errno;
			break;
		}
	}
	b->elapsed_ns = tool_now_ns() - t0;
	return 0;
}

/* Counts and rates, then what stopped the run; returns the exit status. */
static int bench_report(const struct target *t, const struct bench_opts *bo,
			const struct bench_state *b)
{
	double secs = (double)b->elapsed_ns / 1e9;
	unsigned long finished = bo->sink ? b->completed : b->echoed;

	printf("%lu sent, %lu %s in %.3f s\n", b->queued, finished,
	       bo->sink ? "taken" : "echoed", secs);
	if (secs > 0)
		printf("%.0f messages/s, %.2f MB/s%s\n", (double)finished / secs,
		       (double)finished * (double)bo->size / secs / 1e6,
		       bo->sink ? "" : " each way");
	if (t->down_err)
		return tool_err("%s: the endpoint went down: %s", t->where, strerror(t->down_err));
	if (b->err)
		return tool_err("%s: cannot send: %s", t->where, strerror(b->err));
	if (b->bad_echo)
		return tool_err("%s: %lu echoes of the wrong size", t->where, b->bad_echo);
	if (!b->done && !tool_stop) {
		tool_err("%s: %lu of %lu messages %s, nothing for %d ms: %s", t->where, finished,
			 b->queued, bo->sink ? "taken" : "echoed", bo->timeout_ms,
			 strerror(ETIMEDOUT));
		return EXIT_TIMEOUT;
	}
	return 0;
}

int cmd_bench(int argc, char **argv)
{
	struct bench_state b = { 0 };
	struct bench_opts bo;
	struct target t;
	int ret;

	ret = bench_parse(argc, argv, &bo);
	if (ret >= 0)
		goto out;
	ret = open_for_payload(&t, &bo.target, bo.size);
	if (ret)
		goto out;
	ret = bench_run(&t, &bo, &b);
	if (!ret)
		ret = bench_report(&t, &bo, &b);
	/* Completions of what is still queued run inside close: send no more. */
	b.stop_sending = true;
	target_close(&t);
out:
	free(b.buf);
	free(bo.target.sim_send);
	return ret;
}
