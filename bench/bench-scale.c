// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: librpmsg authors

/*
 * The project's scaling targets, measured through the simulated remote:
 *  - no heap allocation per message in steady state (pipelined echo, 32 in
 *    flight), counted by interposing malloc in this program;
 *  - RSS growth under 1 MiB over many messages;
 *  - a ping-pong round trip with 1024 idle endpoints on the context at most
 *    1.2x that with 1 idle endpoint (what an idle endpoint costs each dispatch).
 * Not a test: it prints the figures and the targets, and exits 0 unless a
 * method broke.
 *
 * With --soak N it runs only the soak instead, on each engine: N messages
 * through rpmsg_ept_send_async, echoed by the simulated remote, must all come
 * back in order (sequence numbers in the payloads) with RSS growth after a
 * warm-up below 1 MiB; it exits 1 when a target is missed.
 */

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
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

/* ---- soak: every message sent with send_async comes back, in order ---- */

#define SOAK_IN_FLIGHT		64
#define SOAK_PAYLOAD		64
#define SOAK_RSS_TARGET_KIB	1024
#define SOAK_STALL_S		10.0

struct soak_state {
	struct rpmsg_ept *ept;
	uint64_t sent, target;		/* sequence numbers handed to send_async */
	uint64_t received, next_seq;	/* echoes, and the sequence number due next */
	uint64_t reordered, failed;	/* out-of-order echoes; completions with an error */
	int err;			/* errno of a refused send_async */
};

static void soak_done(struct rpmsg_ept *ept, int status, void *ud)
{
	struct soak_state *s = ud;

	if (status != 0)
		s->failed++;
}

static void soak_send_next(struct soak_state *s)
{
	unsigned char payload[SOAK_PAYLOAD] = { 0 };

	memcpy(payload, &s->sent, sizeof(s->sent));
	if (rpmsg_ept_send_async(s->ept, payload, sizeof(payload), soak_done, s) < 0) {
		s->err = errno;
		return;
	}
	s->sent++;
}

static void soak_rx(struct rpmsg_ept *ept, const void *data, size_t len, uint32_t src, void *ud)
{
	struct soak_state *s = ud;
	uint64_t seq = UINT64_MAX;

	if (len >= sizeof(seq))
		memcpy(&seq, data, sizeof(seq));
	if (seq != s->next_seq)
		s->reordered++;
	s->next_seq = seq + 1;
	s->received++;
	if (s->sent < s->target && !s->err)
		soak_send_next(s);
}

/* Send until `count` more went out, SOAK_IN_FLIGHT at a time, then wait for
 * the echoes; gives up when nothing arrives for SOAK_STALL_S (lost messages). */
static void soak_run(struct soak_state *s, uint64_t count)
{
	struct rpmsg_ctx *ctx = rpmsg_ept_get_ctx(s->ept);
	uint64_t seen = s->received;
	double progress = now_s();

	s->target = s->sent + count;
	while (s->sent < s->target && s->sent - s->received < SOAK_IN_FLIGHT && !s->err)
		soak_send_next(s);
	while (s->received + s->failed < s->target && !s->err) {
		if (rpmsg_ctx_dispatch(ctx, 100) < 0 && errno != EINTR)
			die("dispatch");
		if (s->received != seen) {
			seen = s->received;
			progress = now_s();
		} else if (now_s() - progress > SOAK_STALL_S) {
			break;
		}
	}
}

/* One engine's soak; returns true when every target is met. */
static bool soak_engine(unsigned int flag, uint64_t count)
{
	struct soak_state s = { 0 };
	struct rpmsg_ctx *ctx = rpmsg_ctx_new(flag);
	struct rpmsg_sim *sim = ctx ? rpmsg_sim_new(ctx, 0) : NULL;
	uint64_t warm = count / 10 < 200000 ? count / 10 : 200000, lost;
	long rss0, rss1;
	double t0, secs;
	bool pass;

	s.ept = sim ? rpmsg_ctrl_create_ept(rpmsg_sim_get_ctrl(sim), "soak", RPMSG_ADDR_ANY, 30)
		    : NULL;
	if (!s.ept)
		die(flag == RPMSG_CTX_FORCE_URING ? "soak on io_uring" : "soak on epoll");
	rpmsg_ept_set_rx_cb(s.ept, soak_rx, &s);
	soak_run(&s, warm);			/* pools, rings and the heap at size */
	rss0 = rss_kib();
	t0 = now_s();
	soak_run(&s, count);
	secs = now_s() - t0;
	rss1 = rss_kib();
	if (s.err) {
		errno = s.err;
		die("send_async");
	}
	lost = s.target - s.received;	/* failed, never sent, or never echoed */
	pass = lost == 0 && s.reordered == 0 && s.failed == 0 && rss1 - rss0 < SOAK_RSS_TARGET_KIB;
	printf("soak %s: %" PRIu64 " messages (after %" PRIu64 " of warm-up) in %.1f s"
	       " (%.0f msgs/s): lost %" PRIu64 ", reordered %" PRIu64 ", failed completions %"
	       PRIu64 ", RSS growth %+ld KiB (%ld -> %ld): %s\n",
	       rpmsg_engine_name(rpmsg_ctx_get_engine(ctx)), count, warm, secs,
	       (double)count / secs, lost, s.reordered, s.failed,
	       rss1 - rss0, rss0, rss1, pass ? "PASS" : "FAIL");
	fflush(stdout);
	rpmsg_ept_close(s.ept);
	rpmsg_sim_free(sim);
	rpmsg_ctx_free(ctx);
	return pass;
}

static int soak(uint64_t count)
{
	bool uring = soak_engine(RPMSG_CTX_FORCE_URING, count);
	bool epoll = soak_engine(RPMSG_CTX_FORCE_EPOLL, count);

	printf("soak targets: 0 lost, 0 reordered, RSS growth < %d KiB: %s\n",
	       SOAK_RSS_TARGET_KIB, uring && epoll ? "PASS" : "FAIL");
	return uring && epoll ? 0 : 1;
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
		"       bench-scale --soak MESSAGES\n"
		"  -n MESSAGES  messages for the allocation and RSS measure (default 1000000)\n"
		"  -m MESSAGES  ping-pong rounds per idle measure (default 20000)\n"
		"  -i IDLE      idle endpoints in the second idle measure (default 1024)\n"
		"  --soak MESSAGES  only the soak, on each engine: MESSAGES through send_async,\n"
		"               0 lost, 0 reordered, RSS growth < 1 MiB, or exit status 1\n"
		"  -h           this text\n");
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "soak", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long count = 1000000, rounds_pp = 20000;
	uint64_t soak_count = 0;
	char *end;
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
	while ((c = getopt_long(argc, argv, "n:m:i:h", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			soak_count = strtoull(optarg, &end, 0);
			if (!soak_count || *end) {
				usage(stderr);
				return 2;
			}
			break;
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
	if (soak_count)
		return soak(soak_count);
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
	printf("targets: allocations/message 0: %s; RSS growth < 1 MiB: %s; "
	       "%u idle / 1 idle <= 1.2x: %s\n",
	       allocs_verdict,
	       rss1 - rss0 < 1024 ? "MET" : "MISSED", idle, many / one <= 1.2 ? "MET" : "MISSED");
	return 0;
}
