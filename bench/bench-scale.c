// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: librpmsg authors

/*
 * The scaling targets of design.md, through the simulated remote:
 *  - heap allocations per message in steady state (pipelined echo, 32 in
 *    flight), counted by interposing malloc in this program;
 *  - RSS growth over many messages;
 *  - ping-pong round-trip time with 1024 idle endpoints on the context
 *    versus 1 idle endpoint (what an idle endpoint costs each dispatch).
 * Not a test: it prints the figures and the targets, and exits 0 unless a
 * method broke.
 */

#include <errno.h>
#include <getopt.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <rpmsg/rpmsg.h>

/* ---- counting allocations: glibc's own entry points stay reachable ---- */

/* Under ASan its own allocator must see every allocation: count nothing. */
#ifndef __SANITIZE_ADDRESS__
#define COUNT_ALLOCATIONS 1
#endif

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t size);

/* Allocations by the calling thread (the library's side) and by every
 * other thread (the simulated remote's). */
static atomic_ulong allocations, other_allocations;
static __thread bool is_caller;

#ifdef COUNT_ALLOCATIONS
static void count_allocation(void)
{
	atomic_fetch_add_explicit(is_caller ? &allocations : &other_allocations, 1,
				  memory_order_relaxed);
}

void *malloc(size_t size)
{
	count_allocation();
	return __libc_malloc(size);
}

void *calloc(size_t n, size_t size)
{
	count_allocation();
	return __libc_calloc(n, size);
}

void *realloc(void *p, size_t size)
{
	count_allocation();
	return __libc_realloc(p, size);
}
#endif

/* ---- helpers ---- */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long rss_kib(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	long pages = 0, resident = 0;

	if (f) {
		if (fscanf(f, "%ld %ld", &pages, &resident) != 2)
			resident = 0;
		fclose(f);
	}
	return resident * 4;
}

static void die(const char *what)
{
	fprintf(stderr, "bench-scale: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* ---- pipelined echo through the simulated remote ---- */

struct pipe_state {
	struct rpmsg_ept *ept;
	unsigned long sent, echoed, target;
	int err;
};

static void pipe_rx(struct rpmsg_ept *ept, const void *data, size_t len, uint32_t src, void *ud)
{
	struct pipe_state *p = ud;

	p->echoed++;
	if (p->sent < p->target) {
		if (rpmsg_ept_send_async(ept, data, len, NULL, NULL) < 0)
			p->err = errno;
		p->sent++;
	}
}

/* Echo until `count` more messages came back, 32 in flight. */
static void pipe_run(struct pipe_state *p, unsigned long count)
{
	struct rpmsg_ctx *ctx = rpmsg_ept_get_ctx(p->ept);
	char payload[64] = "bench-scale";
	unsigned long stop = p->echoed + count;

	p->target = p->sent + count;
	while (p->sent < p->echoed + 32 && p->sent < p->target) {
		if (rpmsg_ept_send_async(p->ept, payload, sizeof(payload), NULL, NULL) < 0)
			die("send_async");
		p->sent++;
	}
	while (p->echoed < stop && !p->err)
		if (rpmsg_ctx_dispatch(ctx, 1000) < 0 && errno != EINTR)
			die("dispatch");
	if (p->err) {
		errno = p->err;
		die("send_async in the rx callback");
	}
}

/* ---- ping-pong with idle endpoints ---- */

static void pong_rx(struct rpmsg_ept *ept, const void *data, size_t len, uint32_t src, void *ud)
{
	(*(unsigned long *)ud)++;
}

/* Mean round trip in us of `count` send + dispatch-until-echo rounds. */
static double ping_pong_us(struct rpmsg_ctx *ctx, struct rpmsg_ept *ept, unsigned long count)
{
	unsigned long got = 0, i;
	double t0;

	rpmsg_ept_set_rx_cb(ept, pong_rx, &got);
	t0 = now_s();
	for (i = 0; i < count; i++) {
		if (rpmsg_ept_send(ept, "ping", 4) < 0)
			die("send");
		while (got <= i)
			if (rpmsg_ctx_dispatch(ctx, 1000) < 0 && errno != EINTR)
				die("dispatch");
	}
	return (now_s() - t0) * 1e6 / (double)count;
}

static double idle_round_trip(unsigned int idle, unsigned long count, int rounds)
{
	struct rpmsg_ctx *ctx = rpmsg_ctx_new(0);
	struct rpmsg_sim *sim = ctx ? rpmsg_sim_new(ctx, 0) : NULL;
	struct rpmsg_ctrl *ctrl = sim ? rpmsg_sim_get_ctrl(sim) : NULL;
	struct rpmsg_ept **epts = calloc(idle + 1, sizeof(*epts));
	double best = 0;
	unsigned int i;
	int r;

	if (!ctrl || !epts)
		die("simulated remote");
	for (i = 0; i <= idle; i++) {
		epts[i] = rpmsg_ctrl_create_ept(ctrl, "scale", RPMSG_ADDR_ANY, 30);
		if (!epts[i])
			die("create_ept");
	}
	ping_pong_us(ctx, epts[idle], count / 10);	/* warm-up */
	for (r = 0; r < rounds; r++) {
		double us = ping_pong_us(ctx, epts[idle], count);

		if (r == 0 || us < best)
			best = us;
	}
	for (i = 0; i <= idle; i++)
		rpmsg_ept_close(epts[i]);
	free(epts);
	rpmsg_sim_free(sim);
	rpmsg_ctx_free(ctx);
	return best;
}

static void usage(FILE *f)
{
	fprintf(f, "Usage: bench-scale [-n MESSAGES] [-m MESSAGES] [-i IDLE]\n"
		"  -n MESSAGES  messages for the allocation and RSS measure (default 1000000)\n"
		"  -m MESSAGES  ping-pong rounds per idle measure (default 20000)\n"
		"  -i IDLE      idle endpoints in the second idle measure (default 1024)\n"
		"  -h           this text\n");
}

int main(int argc, char **argv)
{
	unsigned long count = 1000000, rounds_pp = 20000;
	unsigned int idle = 1024;
	struct pipe_state p = { 0 };
	struct rpmsg_ctx *ctx;
	struct rpmsg_sim *sim;
	struct rlimit rl;
	unsigned long before_allocs, steady_allocs, before_other, steady_other;
	long rss0, rss1;
	double t0, secs, one, many;
	int c;

	is_caller = true;
	while ((c = getopt(argc, argv, "n:m:i:h")) != -1) {
		switch (c) {
		case 'n': count = strtoul(optarg, NULL, 0); break;
		case 'm': rounds_pp = strtoul(optarg, NULL, 0); break;
		case 'i': idle = (unsigned int)strtoul(optarg, NULL, 0); break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!count || !rounds_pp || !idle) {
		usage(stderr);
		return 2;
	}
	/* Each simulated endpoint is a socketpair: two descriptors. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}

	ctx = rpmsg_ctx_new(0);
	sim = ctx ? rpmsg_sim_new(ctx, 0) : NULL;
	p.ept = sim ? rpmsg_ctrl_create_ept(rpmsg_sim_get_ctrl(sim), "scale", RPMSG_ADDR_ANY, 30)
		    : NULL;
	if (!p.ept)
		die("simulated remote");
	printf("bench-scale: librpmsg %s, engine %s, simulated remote\n", rpmsg_api_version(),
	       rpmsg_engine_name(rpmsg_ctx_get_engine(ctx)));
	rpmsg_ept_set_rx_cb(p.ept, pipe_rx, &p);
	pipe_run(&p, 100000);			/* warm-up: pools and rings at size */
	rss0 = rss_kib();
	before_allocs = atomic_load(&allocations);
	before_other = atomic_load(&other_allocations);
	t0 = now_s();
	pipe_run(&p, count);
	secs = now_s() - t0;
	steady_allocs = atomic_load(&allocations) - before_allocs;
	steady_other = atomic_load(&other_allocations) - before_other;
	rss1 = rss_kib();
	printf("pipelined echo, 32 in flight: %lu messages in %.2f s (%.0f msgs/s)\n", count, secs,
	       (double)count / secs);
	printf("  heap allocations per message: %.4f by the library on the calling thread"
	       " (%lu in all); %.4f by the simulated remote's thread\n",
	       (double)steady_allocs / (double)count, steady_allocs,
	       (double)steady_other / (double)count);
	printf("  RSS: %ld KiB -> %ld KiB (%+ld KiB)\n", rss0, rss1, rss1 - rss0);
	rpmsg_ept_close(p.ept);
	rpmsg_sim_free(sim);
	rpmsg_ctx_free(ctx);

	one = idle_round_trip(1, rounds_pp, 3);
	many = idle_round_trip(idle, rounds_pp, 3);
	printf("ping-pong round trip (best of 3 x %lu): 1 idle endpoint %.2f us, %u idle %.2f us"
	       " (%.2fx)\n", rounds_pp, one, idle, many, many / one);

#ifdef COUNT_ALLOCATIONS
	const char *allocs_verdict = steady_allocs == 0 ? "MET" : "MISSED";
#else
	const char *allocs_verdict = "not counted in a sanitizer build";
#endif
	printf("targets (design.md): allocations/message 0: %s; RSS growth < 1 MiB: %s; "
	       "%u idle / 1 idle <= 1.2x: %s\n",
	       allocs_verdict,
	       rss1 - rss0 < 1024 ? "MET" : "MISSED", idle, many / one <= 1.2 ? "MET" : "MISSED");
	return 0;
}
