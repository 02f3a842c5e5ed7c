// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: librpmsg authors

/*
 * bench-echo: librpmsg against hand-written loops, side by side in one run.
 *
 * Transport: an AF_UNIX SOCK_SEQPACKET socketpair whose far end is served by
 * an echo thread (blocking read + write; --peer batch swaps in recvmmsg +
 * sendmmsg). Every method gets a fresh pair and a fresh echo thread, and
 * runs on a fresh thread of its own.
 *
 *   (a) blocking write + read on the near end, 1 in flight (ping-pong)
 *   (b) O_NONBLOCK + epoll, K in flight: write until EAGAIN or K outstanding,
 *       epoll_wait, read until EAGAIN
 *   (c) librpmsg, io_uring engine: rpmsg_ept_open_fd() on the near end,
 *       send_async keeping K in flight, re-sending from the rx callback
 *   (d) the same on the epoll engine
 *   (e) the same against the simulated remote (rpmsg_sim_new), both engines
 *   (f) ping-pong latency: raw write + read against rpmsg_ept_send() +
 *       rpmsg_ctx_dispatch() until the echo, p50 and p99
 *
 * With --device CTRL the transport is a real rpmsg control device instead
 * (the test VM's rpmsg_loopback remote, or a remote running an echo service
 * at --dst): (a), (b) and raw (f) use endpoint devices made with the raw
 * ioctls, (c), (d) and librpmsg (f) endpoints made by rpmsg_ctrl_create_ept;
 * the far end is the remote, so there is no echo thread to time.
 *
 * Every payload carries a sequence number; echoes are checked for length and
 * order. Each method warms up for WARMUP_MS, then is measured for -t seconds
 * (or -n messages); with -r the methods take turns and medians are shown.
 *
 * System calls per message, of the caller's thread only (not the echo or
 * simulator thread). Linux has no unprivileged per-thread counter: /proc/PID/io
 * counts only read/write-like calls, and liburing enters io_uring with inline
 * assembly, so interposing libc functions cannot see it. Two counters are used:
 *
 *   perf  the raw_syscalls:sys_enter tracepoint through perf_event_open(),
 *         counting the measuring thread in the measured pass itself. Exact
 *         and cheap, but needs perf_event_paranoid <= 1 or CAP_PERFMON, and
 *         a readable tracefs.
 *   trap  unprivileged: a seccomp filter (allowed with no_new_privs) on a
 *         separate, shorter pass's thread returns SECCOMP_RET_TRAP for every
 *         call except those made from one trampoline instruction; the SIGSYS
 *         handler counts the call and performs it through the trampoline.
 *         Each call becomes a few us slower, which changes how much work
 *         piles up per call, so the figure is an estimate. x86-64 only.
 *
 * --syscalls auto (the default) takes perf when it works, else trap. (a), (b)
 * and raw (f) also count their own calls; -v shows both as a cross-check.
 * --syscall-histogram breaks the trapped calls down by system call number,
 * keeping apart the benchmark's own clock reads.
 * What io_uring does inside one io_uring_enter is not a system call.
 *
 * The benchmark reports; it never fails because a target is missed. It exits
 * 1 only when a method could not run correctly (an echo lost, reordered or
 * corrupted, or a set-up error).
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>	/* NAN, isnan: macros only */
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <linux/perf_event.h>
#include <linux/rpmsg.h>
#include <rpmsg/rpmsg.h>
#include <sys/syscall.h>

#if defined(__x86_64__)
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <ucontext.h>
#define HAVE_SECCOMP_TRAP 1
#else
#define HAVE_SECCOMP_TRAP 0
#endif

#define WARMUP_MS		100
/* No echo for this long means a lost message: the method fails. */
#define STALL_MS		1000
/* The echo thread gives up after this much silence, so it always ends. */
#define PEER_IDLE_S		3
/* Count mode may not run longer than this per method. */
#define COUNT_MODE_CAP_S	60
#define DRAIN_MS		1000
#define MAX_MSG			4096

/* The project's performance targets: with 32 messages in flight, async echo
 * is at least 2x a blocking write+read loop and 1.3x a hand-written epoll
 * loop, at most 0.25 syscalls per message; ping-pong latency (p50, p99) is at
 * most 1.1x that of raw blocking write+read. */
#define TARGET_VS_BLOCKING	2.0
#define TARGET_VS_EPOLL		1.3
#define TARGET_SYSCALLS		0.25
#define TARGET_LATENCY		1.10

static struct {
	double seconds;
	unsigned long count;	/* 0: time mode */
	unsigned int window;
	unsigned int rounds;
	size_t size;
	bool batch_peer;
	const char *syscalls;	/* auto, perf, trap or off */
	const char *only;
	bool verbose;
	bool histogram;		/* --syscall-histogram */
	const char *device;	/* --device: a control device instead of a socketpair */
	uint32_t dst;		/* --dst: the remote's echo address on that device */
} opt = {
	.seconds = 2.0,
	.window = 32,
	.rounds = 1,
	.size = 64,
	.syscalls = "auto",
	.dst = 0x400,
};

/* Set while the benchmark reads its own clock: where clock_gettime is a real
 * system call (no vDSO clock source), the histogram tells its calls apart. */
static __thread volatile sig_atomic_t sc_own_clock;

static int64_t now_ns(void)
{
	struct timespec ts;

	sc_own_clock = 1;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	sc_own_clock = 0;
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* ---- The seccomp trap counter (see the top of the file) ---- */

#if HAVE_SECCOMP_TRAP
long bench_sc_tramp(long nr, long a1, long a2, long a3, long a4, long a5, long a6);
extern const char bench_sc_tramp_ret[];

/* System V argument registers to syscall registers; the 7th argument is on the stack. */
__asm__(".text\n"
	".p2align 4\n"
	".globl bench_sc_tramp\n"
	".type bench_sc_tramp, @function\n"
	"bench_sc_tramp:\n"
	"\tmovq %rdi, %rax\n"
	"\tmovq %rsi, %rdi\n"
	"\tmovq %rdx, %rsi\n"
	"\tmovq %rcx, %rdx\n"
	"\tmovq %r8, %r10\n"
	"\tmovq %r9, %r8\n"
	"\tmovq 8(%rsp), %r9\n"
	"\tsyscall\n"
	".globl bench_sc_tramp_ret\n"
	"bench_sc_tramp_ret:\n"
	"\tret\n"
	".size bench_sc_tramp, .-bench_sc_tramp\n");

/* Only the filtered thread ever traps, so plain variables suffice. */
static volatile long sc_calls;
static volatile sig_atomic_t sc_counting;
/* --syscall-histogram: the same calls by system call number. */
#define SC_HIST_MAX	512
static volatile long sc_hist[SC_HIST_MAX];
static volatile long sc_hist_own;	/* the benchmark's own clock reads */

static void sc_on_sigsys(int sig, siginfo_t *si, void *ucv)
{
	greg_t *g = ((ucontext_t *)ucv)->uc_mcontext.gregs;

	if (sc_counting) {
		sc_calls++;
		if (sc_own_clock)
			sc_hist_own++;
		else if (si->si_syscall >= 0 && si->si_syscall < SC_HIST_MAX)
			sc_hist[si->si_syscall]++;
	}
	g[REG_RAX] = bench_sc_tramp(si->si_syscall, g[REG_RDI], g[REG_RSI], g[REG_RDX],
				    g[REG_R10], g[REG_R8], g[REG_R9]);
}

/* Trap every system call of the calling thread, for good (filters cannot be removed). */
static int sc_install(void)
{
	uint64_t ip = (uint64_t)(uintptr_t)bench_sc_tramp_ret;
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 0, 7),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_rt_sigreturn, 5, 0),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, instruction_pointer)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)ip, 0, 2),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, instruction_pointer) + 4),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)(ip >> 32), 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = sizeof(f) / sizeof(f[0]), .filter = f };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -1;
	return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog);
}

static int sc_setup_handler(void)
{
	struct sigaction sa = { .sa_sigaction = sc_on_sigsys, .sa_flags = SA_SIGINFO };

	sigemptyset(&sa.sa_mask);
	return sigaction(SIGSYS, &sa, NULL);
}

static void *sc_probe_thread(void *arg)
{
	long *counted = arg;
	int i;

	if (sc_install() < 0) {
		*counted = -errno;
		return NULL;
	}
	sc_calls = 0;
	sc_counting = 1;
	for (i = 0; i < 10; i++)
		getppid();
	sc_counting = 0;
	*counted = sc_calls;
	return NULL;
}

/* Check on a throwaway thread that ten getppid() calls count as ten. */
static const char *sc_probe(void)
{
	static char why[96];
	long counted = 0;
	pthread_t t;
	int err;

	if (sc_setup_handler() < 0) {
		snprintf(why, sizeof(why), "SIGSYS handler: %s", strerror(errno));
		return why;
	}
	err = pthread_create(&t, NULL, sc_probe_thread, &counted);
	if (err) {
		snprintf(why, sizeof(why), "pthread_create: %s", strerror(err));
		return why;
	}
	pthread_join(t, NULL);
	if (counted == 10)
		return NULL;
	if (counted < 0)
		snprintf(why, sizeof(why), "seccomp filter refused: %s", strerror((int)-counted));
	else
		snprintf(why, sizeof(why), "probe counted %ld calls instead of 10", counted);
	return why;
}
#else
#define SC_HIST_MAX	1
static long sc_calls;
static int sc_counting;
static long sc_hist[SC_HIST_MAX];
static long sc_hist_own;

static int sc_install(void)
{
	errno = ENOSYS;
	return -1;
}

static const char *sc_probe(void)
{
	return "the seccomp counter supports x86-64 only";
}
#endif

/* ---- The tracepoint syscall counter: exact and cheap, but privileged ---- */

/* Id of the raw_syscalls:sys_enter tracepoint, or -1 when tracefs is not readable. */
static long tracepoint_id(void)
{
	static const char *const paths[] = {
		"/sys/kernel/tracing/events/raw_syscalls/sys_enter/id",
		"/sys/kernel/debug/tracing/events/raw_syscalls/sys_enter/id",
	};
	size_t i;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		FILE *f = fopen(paths[i], "r");
		long id;

		if (!f)
			continue;
		if (fscanf(f, "%ld", &id) != 1)
			id = -1;
		fclose(f);
		if (id >= 0)
			return id;
	}
	return -1;
}

static long tp_id = -1;

/* Count the system calls the calling thread enters (threads it creates are not counted). */
static int perf_open(void)
{
	struct perf_event_attr a;

	memset(&a, 0, sizeof(a));
	a.type = PERF_TYPE_TRACEPOINT;
	a.size = sizeof(a);
	a.config = (uint64_t)tp_id;
	return (int)syscall(SYS_perf_event_open, &a, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
}

/* The running count; it includes the read() that fetches it. */
static long perf_value(int fd)
{
	uint64_t v;

	return read(fd, &v, sizeof(v)) == sizeof(v) ? (long)v : -1;
}

static const char *perf_probe(void)
{
	static char why[96];
	long a, b;
	int fd, i;

	tp_id = tracepoint_id();
	if (tp_id < 0)
		return "raw_syscalls:sys_enter not readable in tracefs";
	fd = perf_open();
	if (fd < 0) {
		snprintf(why, sizeof(why), "perf_event_open: %s", strerror(errno));
		return why;
	}
	a = perf_value(fd);
	for (i = 0; i < 10; i++)
		getppid();
	b = perf_value(fd);
	close(fd);
	if (b - a == 11)
		return NULL;
	snprintf(why, sizeof(why), "probe counted %ld calls instead of 11", b - a);
	return why;
}

/* ---- One measured run ---- */

enum counter { COUNTER_OFF, COUNTER_PERF, COUNTER_TRAP };

static enum counter counter;

enum phase { WARMUP, MEASURE, DONE };

struct run {
	/* set by the caller */
	void (*fn)(struct run *r);
	unsigned int flags;		/* rpmsg_ctx_new flags */
	bool count_syscalls;
	bool latency;			/* record a sample per round trip */
	int64_t duration_ns;
	unsigned long count;		/* count mode when non-zero */

	/* phase bookkeeping */
	enum phase phase;
	int64_t t_begin, t_start, t_end, hard_end;
	unsigned long m_start, m_end;
	unsigned long own_sys, own_start, own_end;	/* (a), (b): calls we made */
	int perf_fd;
	long sc_start, sc_end;		/* counter readings */
	long csw_start, csw_end;	/* voluntary context switches: blocking waits */
	int64_t cpu_start, cpu_end;	/* this thread's user + system time, ns */
	bool has_peer_clock;
	clockid_t peer_clock;		/* the echo thread's CPU clock */
	int64_t peer_start, peer_end;

	uint32_t *samples;		/* round-trip times in ns */
	size_t nsamples, cap;

	/* results */
	bool unavailable;
	int err;
	char what[160];
};

static void run_fail(struct run *r, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void run_fail(struct run *r, int err, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	if (r->err)
		return;
	r->err = err ? err : EPROTO;
	va_start(ap, fmt);
	vsnprintf(r->what, sizeof(r->what), fmt, ap);
	va_end(ap);
	n = strlen(r->what);
	if (err)
		snprintf(r->what + n, sizeof(r->what) - n, ": %s", strerror(err));
}

/* Voluntary context switches (blocking waits) and CPU time of the calling thread. */
static void thread_usage(long *csw, int64_t *cpu_ns)
{
	struct rusage ru;

	if (getrusage(RUSAGE_THREAD, &ru) < 0) {
		*csw = 0;
		*cpu_ns = 0;
		return;
	}
	*csw = ru.ru_nvcsw;
	*cpu_ns = ((int64_t)ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000LL +
		  ((int64_t)ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000;
}

static int64_t peer_cpu(struct run *r)
{
	struct timespec ts;

	if (!r->has_peer_clock || clock_gettime(r->peer_clock, &ts) < 0)
		return 0;
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Set-up is done: start the clock, and the syscall counter if asked. */
static void phase_begin(struct run *r)
{
	if (r->count_syscalls && counter == COUNTER_TRAP && sc_install() < 0)
		run_fail(r, errno, "seccomp");
	if (r->count_syscalls && counter == COUNTER_PERF) {
		r->perf_fd = perf_open();
		if (r->perf_fd < 0)
			run_fail(r, errno, "perf_event_open");
	}
	r->phase = WARMUP;
	r->t_begin = now_ns();
	/* Only a safety net: time mode normally ends on its own clock first. */
	r->hard_end = r->t_begin + WARMUP_MS * 1000000LL +
		      (r->count ? COUNT_MODE_CAP_S * 1000000000LL : r->duration_ns + 1000000000LL);
}

/* Called with the running message total; true once the measurement is over. */
static bool phase_tick(struct run *r, unsigned long msgs, int64_t now)
{
	if (!now)
		now = now_ns();
	if (r->phase == WARMUP) {
		if (now - r->t_begin < WARMUP_MS * 1000000LL)
			return false;
		thread_usage(&r->csw_start, &r->cpu_start);
		r->peer_start = peer_cpu(r);
		r->own_start = r->own_sys;
		r->m_start = msgs;
		if (r->count_syscalls && counter == COUNTER_PERF) {
			r->sc_start = perf_value(r->perf_fd);
		} else {
			r->sc_start = sc_calls;
			if (r->count_syscalls) {
				memset((void *)sc_hist, 0, sizeof(sc_hist));
				sc_hist_own = 0;
			}
			sc_counting = r->count_syscalls;
		}
		r->phase = MEASURE;
		r->t_start = now_ns();
		return false;
	}
	if (r->phase == MEASURE) {
		bool done = r->count ? msgs - r->m_start >= r->count
				     : now - r->t_start >= r->duration_ns;

		if (!done && now < r->hard_end)
			return false;
		r->t_end = now;
		r->m_end = msgs;
		if (r->count_syscalls && counter == COUNTER_PERF) {
			/* Not the read() that took the reading. */
			r->sc_end = perf_value(r->perf_fd) - 1;
		} else {
			sc_counting = 0;
			r->sc_end = sc_calls;
		}
		r->own_end = r->own_sys;
		r->peer_end = peer_cpu(r);
		thread_usage(&r->csw_end, &r->cpu_end);
		r->phase = DONE;
	}
	return true;
}

static void record(struct run *r, int64_t ns)
{
	if (!r->latency || r->phase != MEASURE)
		return;
	if (r->nsamples == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 1 << 16;
		uint32_t *s = realloc(r->samples, cap * sizeof(*s));

		if (!s)
			return;	/* keep what we have */
		r->samples = s;
		r->cap = cap;
	}
	r->samples[r->nsamples++] = ns > UINT32_MAX ? UINT32_MAX : (uint32_t)ns;
}

/* ---- The far end: an echo thread ---- */

struct peer {
	int near;
	pthread_t thread;
};

/* The far end as specified: one blocking read and one write per message. */
static void *echo_thread(void *arg)
{
	int fd = (int)(intptr_t)arg;
	unsigned char buf[MAX_MSG];

	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));

		/* 0: the near end closed (we never send empty messages); <0: idle timeout. */
		if (n <= 0)
			break;
		if (write(fd, buf, (size_t)n) != n)
			break;
	}
	close(fd);
	return NULL;
}

#define PEER_BATCH 64

/* --peer batch: recvmmsg + sendmmsg, so that the far end is not the bottleneck. */
static void *echo_thread_batch(void *arg)
{
	struct mmsghdr *mm = calloc(PEER_BATCH, sizeof(*mm));
	struct iovec *iov = calloc(PEER_BATCH, sizeof(*iov));
	unsigned char *bufs = malloc(PEER_BATCH * MAX_MSG);
	int fd = (int)(intptr_t)arg;
	int i, n, sent, s;

	if (!mm || !iov || !bufs)
		goto out;
	for (i = 0; i < PEER_BATCH; i++) {
		iov[i].iov_base = bufs + i * MAX_MSG;
		mm[i].msg_hdr.msg_iov = &iov[i];
		mm[i].msg_hdr.msg_iovlen = 1;
	}
	for (;;) {
		for (i = 0; i < PEER_BATCH; i++)
			iov[i].iov_len = MAX_MSG;
		n = recvmmsg(fd, mm, PEER_BATCH, MSG_WAITFORONE, NULL);
		if (n <= 0)
			break;
		for (i = 0; i < n; i++) {
			if (!mm[i].msg_len)
				goto out;	/* end of file */
			iov[i].iov_len = mm[i].msg_len;
		}
		for (sent = 0; sent < n; sent += s) {
			s = sendmmsg(fd, mm + sent, (unsigned int)(n - sent), 0);
			if (s <= 0)
				goto out;
		}
	}
out:
	close(fd);
	free(bufs);
	free(iov);
	free(mm);
	return NULL;
}

static int read_line(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "re");
	size_t n;

	if (!f)
		return -1;
	if (!fgets(buf, (int)size, f))
		buf[0] = '\0';
	fclose(f);
	n = strlen(buf);
	if (n && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	return 0;
}

/* --device: an endpoint device made with the raw ioctls (the baselines use
 * no library); blocking. Its name is unique, so the device carrying it is ours. */
static int raw_ept_open(struct run *r)
{
	static unsigned int serial;
	struct rpmsg_endpoint_info info = { .src = RPMSG_ADDR_ANY, .dst = opt.dst };
	char path[300], value[64];
	struct dirent *e;
	int ctrl, fd = -1;
	DIR *d;

	snprintf(info.name, sizeof(info.name), "bench-%d-%u", (int)getpid(), serial++);
	ctrl = open(opt.device, O_RDWR | O_CLOEXEC);
	if (ctrl < 0) {
		run_fail(r, errno, "open %s", opt.device);
		return -1;
	}
	if (ioctl(ctrl, RPMSG_CREATE_EPT_IOCTL, &info) < 0) {
		run_fail(r, errno, "RPMSG_CREATE_EPT_IOCTL");
		close(ctrl);
		return -1;
	}
	close(ctrl);	/* the endpoint device stays until DESTROY */
	d = opendir("/sys/class/rpmsg");
	while (d && fd < 0 && (e = readdir(d))) {
		if (strncmp(e->d_name, "rpmsg", 5) || !isdigit((unsigned char)e->d_name[5]))
			continue;
		snprintf(path, sizeof(path), "/sys/class/rpmsg/%s/name", e->d_name);
		if (read_line(path, value, sizeof(value)) < 0 || strcmp(value, info.name))
			continue;
		snprintf(path, sizeof(path), "/dev/%s", e->d_name);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			run_fail(r, errno, "open %s", path);
	}
	if (d)
		closedir(d);
	if (fd < 0 && !r->err)
		run_fail(r, ENODEV, "endpoint device %s not found", info.name);
	return fd;
}

static int peer_start(struct peer *p, struct run *r)
{
	struct timeval idle = { .tv_sec = PEER_IDLE_S };
	int sv[2];

	if (opt.device) {
		p->near = raw_ept_open(r);
		r->has_peer_clock = false;	/* the far end is the remote */
		return p->near < 0 ? -1 : 0;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		run_fail(r, errno, "socketpair");
		return -1;
	}
	setsockopt(sv[1], SOL_SOCKET, SO_RCVTIMEO, &idle, sizeof(idle));
	setsockopt(sv[1], SOL_SOCKET, SO_SNDTIMEO, &idle, sizeof(idle));
	errno = pthread_create(&p->thread, NULL, opt.batch_peer ? echo_thread_batch : echo_thread,
			       (void *)(intptr_t)sv[1]);
	if (errno) {
		run_fail(r, errno, "pthread_create");
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	p->near = sv[0];
	/* Its CPU time tells whether the far end was the bottleneck. */
	r->has_peer_clock = !pthread_getcpuclockid(p->thread, &r->peer_clock);
	return 0;
}

/* Close the near end: the echo thread then reads EOF (--device: the
 * endpoint device is destroyed). */
static void peer_close(struct peer *p)
{
	if (opt.device)
		ioctl(p->near, RPMSG_DESTROY_EPT_IOCTL);
	close(p->near);
}

/* The near end must be closed already. */
static void peer_join(struct peer *p)
{
	if (!opt.device)
		pthread_join(p->thread, NULL);
}

static void put_seq(unsigned char *buf, uint64_t seq)
{
	memcpy(buf, &seq, sizeof(seq));
}

static bool check_echo(struct run *r, const void *data, ssize_t len, uint64_t seq)
{
	uint64_t got;

	if (len != (ssize_t)opt.size) {
		run_fail(r, 0, "echo #%llu: %zd bytes instead of %zu", (unsigned long long)seq,
			 len, opt.size);
		return false;
	}
	memcpy(&got, data, sizeof(got));
	if (got != seq) {
		run_fail(r, 0, "echo #%llu arrived where #%llu was due", (unsigned long long)got,
			 (unsigned long long)seq);
		return false;
	}
	return true;
}

/* ---- (a) and raw (f): blocking write + read ---- */

static void run_blocking(struct run *r)
{
	struct timeval stall = { .tv_sec = STALL_MS / 1000 };
	unsigned char out[MAX_MSG] = { 0 }, in[MAX_MSG];
	unsigned long msgs = 0;
	uint64_t seq = 0;
	struct peer p;

	if (peer_start(&p, r) < 0)
		return;
	/* Blocking calls, but never for longer than STALL_MS. */
	setsockopt(p.near, SOL_SOCKET, SO_RCVTIMEO, &stall, sizeof(stall));
	setsockopt(p.near, SOL_SOCKET, SO_SNDTIMEO, &stall, sizeof(stall));
	phase_begin(r);
	while (!r->err) {
		int64_t t0 = now_ns(), t1;
		ssize_t n;

		put_seq(out, seq);
		n = write(p.near, out, opt.size);
		r->own_sys++;
		if (n != (ssize_t)opt.size) {
			run_fail(r, n < 0 ? errno : EIO, "write");
			break;
		}
		n = read(p.near, in, sizeof(in));
		r->own_sys++;
		if (n < 0) {
			run_fail(r, errno, "read");
			break;
		}
		if (!check_echo(r, in, n, seq))
			break;
		t1 = now_ns();
		record(r, t1 - t0);
		seq++;
		msgs++;
		if (phase_tick(r, msgs, t1))
			break;
	}
	peer_close(&p);
	peer_join(&p);
}

/* ---- (b): a good hand-written non-blocking loop ---- */

static void run_epoll(struct run *r)
{
	struct epoll_event ev = { .events = EPOLLIN }, evs[4];
	unsigned char out[MAX_MSG] = { 0 }, in[MAX_MSG];
	uint64_t next_send = 0, next_recv = 0;
	unsigned long msgs = 0, outstanding = 0;
	bool want_out = false, out_armed = false, draining = false;
	int64_t drain_end = 0;
	struct peer p;
	int epfd;

	if (peer_start(&p, r) < 0)
		return;
	epfd = epoll_create1(EPOLL_CLOEXEC);
	if (epfd < 0 || fcntl(p.near, F_SETFL, fcntl(p.near, F_GETFL) | O_NONBLOCK) < 0 ||
	    epoll_ctl(epfd, EPOLL_CTL_ADD, p.near, &ev) < 0) {
		run_fail(r, errno, "epoll set-up");
		goto out;
	}
	phase_begin(r);
	while (!r->err) {
		int n;

		/* Write until K are outstanding or the socket is full. */
		while (!draining && outstanding < opt.window) {
			ssize_t w;

			put_seq(out, next_send);
			w = write(p.near, out, opt.size);
			r->own_sys++;
			if (w < 0 && errno == EAGAIN) {
				want_out = true;
				break;
			}
			if (w != (ssize_t)opt.size) {
				run_fail(r, w < 0 ? errno : EIO, "write");
				break;
			}
			next_send++;
			outstanding++;
		}
		if (want_out != out_armed) {
			ev.events = EPOLLIN | (want_out ? EPOLLOUT : 0);
			epoll_ctl(epfd, EPOLL_CTL_MOD, p.near, &ev);
			r->own_sys++;
			out_armed = want_out;
		}
		if (r->err || (draining && !outstanding))
			break;

		n = epoll_wait(epfd, evs, 4, STALL_MS);
		r->own_sys++;
		if (n < 0 && errno != EINTR) {
			run_fail(r, errno, "epoll_wait");
			break;
		}
		if (n == 0) {
			run_fail(r, ETIMEDOUT, "no echo within %d ms", STALL_MS);
			break;
		}
		want_out = false;

		/* Read until the socket is empty. */
		for (;;) {
			ssize_t rd = read(p.near, in, sizeof(in));

			r->own_sys++;
			if (rd < 0 && errno == EAGAIN)
				break;
			if (rd < 0) {
				run_fail(r, errno, "read");
				break;
			}
			if (!check_echo(r, in, rd, next_recv))
				break;
			next_recv++;
			outstanding--;
			msgs++;
		}
		if (!draining && phase_tick(r, msgs, 0)) {
			/* Collect what is still in flight, then stop. */
			draining = true;
			drain_end = now_ns() + DRAIN_MS * 1000000LL;
		}
		if (draining && now_ns() > drain_end)
			break;
	}
out:
	if (epfd >= 0)
		close(epfd);
	peer_close(&p);
	peer_join(&p);
}

/* ---- (c), (d), (e): librpmsg pipelined ---- */

struct pipelined {
	struct run *r;
	struct rpmsg_ept *ept;
	unsigned char out[MAX_MSG];
	uint64_t next_send, next_recv;
	unsigned long msgs, outstanding;
	bool stop;
};

static void pl_done(struct rpmsg_ept *ept, int status, void *user_data)
{
	struct pipelined *pl = user_data;

	if (status < 0 && !(status == -ECANCELED && pl->stop))
		run_fail(pl->r, -status, "asynchronous send");
}

static void pl_send(struct pipelined *pl)
{
	put_seq(pl->out, pl->next_send);
	if (rpmsg_ept_send_async(pl->ept, pl->out, opt.size, pl_done, pl) < 0) {
		run_fail(pl->r, errno, "rpmsg_ept_send_async");
		return;
	}
	pl->next_send++;
	pl->outstanding++;
}

static void pl_rx(struct rpmsg_ept *ept, const void *data, size_t len, uint32_t src,
		  void *user_data)
{
	struct pipelined *pl = user_data;

	if (!check_echo(pl->r, data, (ssize_t)len, pl->next_recv))
		return;
	pl->next_recv++;
	pl->outstanding--;
	pl->msgs++;
	if (!pl->stop && !pl->r->err)
		pl_send(pl);
}

static void on_down(struct rpmsg_ept *ept, enum rpmsg_event event, int error, void *user_data)
{
	run_fail(user_data, error, "endpoint went down");
}

/* A context on the engine asked for: a missing engine is "unavailable", not an error. */
static struct rpmsg_ctx *new_ctx(struct run *r)
{
	struct rpmsg_ctx *ctx = rpmsg_ctx_new(r->flags);

	if (!ctx) {
		run_fail(r, errno, "rpmsg_ctx_new");
		r->unavailable = true;
	}
	return ctx;
}

/* An endpoint on a socketpair (peer set) or on a simulated remote (*sim set). */
static struct rpmsg_ept *open_ept(struct run *r, struct rpmsg_ctx *ctx, struct peer *p,
				  struct rpmsg_sim **sim)
{
	struct rpmsg_ept *ept;

	if (!sim && opt.device) {
		struct rpmsg_ctrl *ctrl = rpmsg_ctrl_open(ctx, opt.device);

		if (!ctrl) {
			run_fail(r, errno, "rpmsg_ctrl_open %s", opt.device);
			return NULL;
		}
		ept = rpmsg_ctrl_create_ept(ctrl, "bench-echo", RPMSG_ADDR_ANY, opt.dst);
		if (!ept)
			run_fail(r, errno, "rpmsg_ctrl_create_ept");
		rpmsg_ctrl_close(ctrl);	/* the endpoint keeps it */
		return ept;
	}
	if (!sim) {
		if (peer_start(p, r) < 0)
			return NULL;
		ept = rpmsg_ept_open_fd(ctx, p->near);
		if (!ept) {
			run_fail(r, errno, "rpmsg_ept_open_fd");
			close(p->near);
			peer_join(p);
		}
		return ept;
	}
	*sim = rpmsg_sim_new(ctx, 0);
	if (!*sim) {
		run_fail(r, errno, "rpmsg_sim_new");
		return NULL;
	}
	ept = rpmsg_ctrl_create_ept(rpmsg_sim_get_ctrl(*sim), "bench-echo", RPMSG_ADDR_ANY, 30);
	if (!ept) {
		run_fail(r, errno, "rpmsg_ctrl_create_ept");
		rpmsg_sim_free(*sim);
		*sim = NULL;
	}
	return ept;
}

static void close_ept(struct rpmsg_ept *ept, struct peer *p, struct rpmsg_sim *sim)
{
	/* Closing the adopted socket gives the echo thread its EOF. */
	rpmsg_ept_close(ept);
	if (sim)
		rpmsg_sim_free(sim);
	else
		peer_join(p);
}

static void run_pipelined(struct run *r, bool simulated)
{
	struct pipelined *pl = calloc(1, sizeof(*pl));
	struct rpmsg_sim *sim = NULL;
	struct rpmsg_ctx *ctx;
	struct peer p;
	int64_t end;
	unsigned int i;

	if (!pl) {
		run_fail(r, ENOMEM, "calloc");
		return;
	}
	pl->r = r;
	ctx = new_ctx(r);
	if (!ctx)
		goto out;
	pl->ept = open_ept(r, ctx, &p, simulated ? &sim : NULL);
	if (!pl->ept)
		goto out;
	rpmsg_ept_set_rx_cb(pl->ept, pl_rx, pl);
	rpmsg_ept_set_event_cb(pl->ept, on_down, r);

	phase_begin(r);
	for (i = 0; i < opt.window && !r->err; i++)
		pl_send(pl);
	while (!r->err) {
		/* A bounded wait rather than -1: it returns as soon as callbacks ran,
		 * and a lost message cannot hang the benchmark. */
		int n = rpmsg_ctx_dispatch(ctx, STALL_MS);

		if (n < 0 && errno != EINTR) {
			run_fail(r, errno, "rpmsg_ctx_dispatch");
			break;
		}
		if (n == 0) {
			run_fail(r, ETIMEDOUT, "no callback within %d ms", STALL_MS);
			break;
		}
		if (phase_tick(r, pl->msgs, 0))
			break;
	}
	/* Collect what is still in flight so every echo is accounted for. */
	pl->stop = true;
	end = now_ns() + DRAIN_MS * 1000000LL;
	while (!r->err && pl->outstanding && now_ns() < end)
		rpmsg_ctx_dispatch(ctx, 100);
	close_ept(pl->ept, &p, sim);
out:
	rpmsg_ctx_free(ctx);
	free(pl);
}

static void run_pipelined_sock(struct run *r)
{
	run_pipelined(r, false);
}

static void run_pipelined_sim(struct run *r)
{
	run_pipelined(r, true);
}

/* ---- (f) librpmsg: rpmsg_ept_send() + dispatch until the echo ---- */

struct pingpong {
	struct run *r;
	uint64_t seq;
	bool got;
};

static void pp_rx(struct rpmsg_ept *ept, const void *data, size_t len, uint32_t src,
		  void *user_data)
{
	struct pingpong *pp = user_data;

	if (check_echo(pp->r, data, (ssize_t)len, pp->seq))
		pp->got = true;
}

static void run_latency_lib(struct run *r)
{
	unsigned char out[MAX_MSG] = { 0 };
	struct pingpong pp = { .r = r };
	struct rpmsg_ept *ept;
	struct rpmsg_ctx *ctx;
	unsigned long msgs = 0;
	struct peer p;

	ctx = new_ctx(r);
	if (!ctx)
		return;
	ept = open_ept(r, ctx, &p, NULL);
	if (!ept)
		goto out;
	rpmsg_ept_set_rx_cb(ept, pp_rx, &pp);
	rpmsg_ept_set_event_cb(ept, on_down, r);

	phase_begin(r);
	while (!r->err) {
		int64_t t0 = now_ns(), t1;

		put_seq(out, pp.seq);
		pp.got = false;
		if (rpmsg_ept_send(ept, out, opt.size) < 0) {
			run_fail(r, errno, "rpmsg_ept_send");
			break;
		}
		while (!pp.got && !r->err) {
			int n = rpmsg_ctx_dispatch(ctx, STALL_MS);

			if (n < 0 && errno != EINTR)
				run_fail(r, errno, "rpmsg_ctx_dispatch");
			else if (n == 0)
				run_fail(r, ETIMEDOUT, "no echo within %d ms", STALL_MS);
		}
		if (r->err)
			break;
		t1 = now_ns();
		record(r, t1 - t0);
		pp.seq++;
		msgs++;
		if (phase_tick(r, msgs, t1))
			break;
	}
	close_ept(ept, &p, NULL);
out:
	rpmsg_ctx_free(ctx);
}

/* ---- Methods, passes and the report ---- */

enum kind { THROUGHPUT, LATENCY };

struct method {
	char id;			/* for --only */
	enum kind kind;
	const char *label;
	bool windowed;			/* label gets ", K in flight" */
	void (*fn)(struct run *r);
	unsigned int flags;
	bool own_count;			/* the loop counts its own calls */
};

static const struct method methods[] = {
	{ 'a', THROUGHPUT, "(a) blocking write+read, 1 in flight", false, run_blocking, 0, true },
	{ 'b', THROUGHPUT, "(b) epoll loop", true, run_epoll, 0, true },
	{ 'c', THROUGHPUT, "(c) librpmsg io_uring", true, run_pipelined_sock,
	  RPMSG_CTX_FORCE_URING, false },
	{ 'd', THROUGHPUT, "(d) librpmsg epoll", true, run_pipelined_sock,
	  RPMSG_CTX_FORCE_EPOLL, false },
	{ 'e', THROUGHPUT, "(e) sim remote, io_uring", true, run_pipelined_sim,
	  RPMSG_CTX_FORCE_URING, false },
	{ 'e', THROUGHPUT, "(e) sim remote, epoll", true, run_pipelined_sim,
	  RPMSG_CTX_FORCE_EPOLL, false },
	{ 'f', LATENCY, "(f) raw blocking write+read", false, run_blocking, 0, true },
	{ 'f', LATENCY, "(f) librpmsg io_uring, send+dispatch", false, run_latency_lib,
	  RPMSG_CTX_FORCE_URING, false },
	{ 'f', LATENCY, "(f) librpmsg epoll, send+dispatch", false, run_latency_lib,
	  RPMSG_CTX_FORCE_EPOLL, false },
};

#define N_METHODS (sizeof(methods) / sizeof(methods[0]))

#define MAX_ROUNDS 15

/* Figures of one method; with -r, one entry per round and their medians. */
struct result {
	bool ran, unavailable, failed;
	char label[64];
	char why[200];
	unsigned int rounds;
	double rates[MAX_ROUNDS], p50s[MAX_ROUNDS], p99s[MAX_ROUNDS];
	double cpus[MAX_ROUNDS], csws[MAX_ROUNDS], owns[MAX_ROUNDS];
	double busys[MAX_ROUNDS], peers[MAX_ROUNDS], syss[MAX_ROUNDS];
	double rate;			/* msgs/s */
	double p50_us, p99_us;		/* round-trip percentiles (latency rows) */
	double cpu_us;			/* CPU time of the caller's thread per message */
	double csw;			/* voluntary context switches per message */
	double busy, peer_busy;		/* CPU / wall time of caller and echo thread; -1: n/a */
	double own_sys;			/* per message, counted by the loop itself; -1: n/a */
	double sys;			/* per message, by the counter; -1: n/a */
	double trap_rate;		/* msgs/s of the seccomp-trapped pass */
	long hist[SC_HIST_MAX];		/* the trapped pass's calls by number */
	long hist_own;			/* of those, the benchmark's own clock reads */
	unsigned long hist_msgs;	/* messages of that pass */
};

static void *run_thread(void *arg)
{
	struct run *r = arg;

	r->fn(r);
	return NULL;
}

static int64_t counting_pass_ns(void)
{
	double s = opt.count ? 0.5 : opt.seconds / 4;

	if (s < 0.25)
		s = 0.25;
	if (s > 1.0)
		s = 1.0;
	return (int64_t)(s * 1e9);
}

/*
 * One pass on a fresh thread: a seccomp filter, a perf counter and thread
 * statistics stay with it. The trap pass is a short one of its own.
 */
static void run_pass(const struct method *m, struct run *r, bool trap_pass)
{
	pthread_t t;
	int err;

	memset(r, 0, sizeof(*r));
	r->perf_fd = -1;
	r->fn = m->fn;
	r->flags = m->flags;
	r->latency = m->kind == LATENCY;
	if (trap_pass) {
		r->count_syscalls = true;
		r->duration_ns = counting_pass_ns();
	} else {
		r->count_syscalls = counter == COUNTER_PERF;
		r->count = opt.count;
		r->duration_ns = (int64_t)(opt.seconds * 1e9);
	}
	err = pthread_create(&t, NULL, run_thread, r);
	if (err) {
		run_fail(r, err, "pthread_create");
		return;
	}
	pthread_join(t, NULL);
	if (r->perf_fd >= 0)
		close(r->perf_fd);
	if (!r->err && (r->phase != DONE || r->m_end == r->m_start))
		run_fail(r, 0, "no message was measured");
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of sorted samples, in µs. */
static double percentile_us(const uint32_t *s, size_t n, unsigned int pct)
{
	size_t rank = (n * pct + 99) / 100;

	if (!n)
		return NAN;
	return s[rank ? rank - 1 : 0] / 1000.0;
}

static void set_label(const struct method *m, struct result *res)
{
	if (m->windowed)
		snprintf(res->label, sizeof(res->label), "%s, %u in flight", m->label, opt.window);
	else
		snprintf(res->label, sizeof(res->label), "%s", m->label);
	res->own_sys = res->sys = -1;
}

/* One round of a method; the first round also counts its system calls. */
static void measure(const struct method *m, struct result *res)
{
	unsigned int k = res->rounds;
	unsigned long msgs;
	struct run r;

	if (res->failed || res->unavailable)
		return;
	if (isatty(STDERR_FILENO))
		fprintf(stderr, "  measuring %s...\n", res->label);

	run_pass(m, &r, false);
	if (r.err) {
		res->unavailable = r.unavailable;
		res->failed = !r.unavailable;
		snprintf(res->why, sizeof(res->why), "%s", r.what);
		free(r.samples);
		return;
	}
	msgs = r.m_end - r.m_start;
	res->rates[k] = (double)msgs / ((double)(r.t_end - r.t_start) / 1e9);
	res->cpus[k] = (double)(r.cpu_end - r.cpu_start) / 1000.0 / (double)msgs;
	res->csws[k] = (double)(r.csw_end - r.csw_start) / (double)msgs;
	res->owns[k] = (double)(r.own_end - r.own_start) / (double)msgs;
	res->syss[k] = (double)(r.sc_end - r.sc_start) / (double)msgs;
	res->busys[k] = (double)(r.cpu_end - r.cpu_start) / (double)(r.t_end - r.t_start);
	res->peers[k] = r.has_peer_clock ?
			(double)(r.peer_end - r.peer_start) / (double)(r.t_end - r.t_start) : -1;
	if (m->kind == LATENCY) {
		qsort(r.samples, r.nsamples, sizeof(*r.samples), cmp_u32);
		res->p50s[k] = percentile_us(r.samples, r.nsamples, 50);
		res->p99s[k] = percentile_us(r.samples, r.nsamples, 99);
	}
	free(r.samples);
	res->rounds++;

	if (counter != COUNTER_TRAP || k)
		return;
	run_pass(m, &r, true);
	free(r.samples);
	if (r.err) {
		res->failed = true;
		snprintf(res->why, sizeof(res->why), "syscall-counting pass: %s", r.what);
		return;
	}
	msgs = r.m_end - r.m_start;
	res->sys = (double)(r.sc_end - r.sc_start) / (double)msgs;
	res->trap_rate = (double)msgs / ((double)(r.t_end - r.t_start) / 1e9);
	memcpy(res->hist, (const void *)sc_hist, sizeof(res->hist));
	res->hist_own = sc_hist_own;
	res->hist_msgs = msgs;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(const double *v, unsigned int n)
{
	double s[MAX_ROUNDS];

	memcpy(s, v, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_double);
	return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

static void finish(const struct method *m, struct result *res)
{
	if (res->failed || res->unavailable || !res->rounds)
		return;
	res->ran = true;
	res->rate = median(res->rates, res->rounds);
	res->cpu_us = median(res->cpus, res->rounds);
	res->csw = median(res->csws, res->rounds);
	res->busy = median(res->busys, res->rounds);
	res->peer_busy = median(res->peers, res->rounds);
	if (m->own_count)
		res->own_sys = median(res->owns, res->rounds);
	if (counter == COUNTER_PERF)
		res->sys = median(res->syss, res->rounds);
	if (m->kind == LATENCY) {
		res->p50_us = median(res->p50s, res->rounds);
		res->p99_us = median(res->p99s, res->rounds);
	}
}

/* ---- Report ---- */

static struct result results[N_METHODS];

static const struct result *find(const char *prefix)
{
	size_t i;

	for (i = 0; i < N_METHODS; i++)
		if (results[i].ran && !strncmp(results[i].label, prefix, strlen(prefix)))
			return &results[i];
	return NULL;
}

/* The figure shown: our own exact count where the loop made the calls itself. */
static double syscalls_of(const struct result *res)
{
	return res->own_sys >= 0 ? res->own_sys : res->sys;
}

static void print_ratio(double num, const struct result *den)
{
	if (den && den->rate > 0)
		printf("  %6.2fx", num / den->rate);
	else
		printf("  %7s", "-");
}

static void print_syscalls(const struct result *res)
{
	double v = syscalls_of(res);

	if (v >= 0)
		printf("  %8.3f", v);
	else
		printf("  %8s", "n/a");
}

static bool print_problem(const struct result *res)
{
	if (res->ran && !res->failed)
		return false;
	if (res->unavailable)
		printf("%-40s  unavailable: %s\n", res->label, res->why);
	else if (res->failed)
		printf("%-40s  FAILED: %s\n", res->label, res->why);
	return true;
}

static void print_tables(const bool *selected)
{
	const struct result *a = find("(a)"), *b = find("(b)"), *raw = find("(f) raw");
	bool header = false;
	size_t i;

	for (i = 0; i < N_METHODS; i++) {
		const struct result *res = &results[i];

		if (!selected[i] || methods[i].kind != THROUGHPUT)
			continue;
		if (!header) {
			printf("\n%-40s  %9s  %7s  %7s  %8s\n", "Pipelined echo", "msgs/s",
			       "vs (a)", "vs (b)", "sys/msg");
			header = true;
		}
		if (print_problem(res))
			continue;
		printf("%-40s  %9.0f", res->label, res->rate);
		print_ratio(res->rate, a);
		print_ratio(res->rate, b);
		print_syscalls(res);
		printf("\n");
	}

	header = false;
	for (i = 0; i < N_METHODS; i++) {
		const struct result *res = &results[i];

		if (!selected[i] || methods[i].kind != LATENCY)
			continue;
		if (!header) {
			printf("\n%-40s  %7s  %7s  %8s  %8s  %8s\n",
			       "Ping-pong latency, 1 in flight", "p50 us", "p99 us", "p50/raw",
			       "p99/raw", "sys/msg");
			header = true;
		}
		if (print_problem(res))
			continue;
		printf("%-40s  %7.1f  %7.1f", res->label, res->p50_us, res->p99_us);
		if (raw)
			printf("  %7.2fx  %7.2fx", res->p50_us / raw->p50_us,
			       res->p99_us / raw->p99_us);
		else
			printf("  %8s  %8s", "-", "-");
		print_syscalls(res);
		printf("\n");
	}

	if (!opt.verbose)
		return;
	printf("\n%-40s  %6s  %6s  %6s  %6s  %7s  %8s  %8s  %8s\n", "Details (-v)",
	       "cpu us", "busy", "peer", "waits", "sys own", counter == COUNTER_TRAP ? "sys trap" :
	       "sys perf", "rate trp", "rate min");
	for (i = 0; i < N_METHODS; i++) {
		const struct result *res = &results[i];
		double lo = res->rates[0];
		unsigned int k;

		if (!selected[i] || !res->ran)
			continue;
		for (k = 1; k < res->rounds; k++)
			lo = res->rates[k] < lo ? res->rates[k] : lo;
		printf("%-40s  %6.2f  %5.0f%%", res->label, res->cpu_us, 100 * res->busy);
		if (res->peer_busy >= 0)
			printf("  %5.0f%%", 100 * res->peer_busy);
		else
			printf("  %6s", "-");
		printf("  %6.3f", res->csw);
		if (res->own_sys >= 0)
			printf("  %7.3f", res->own_sys);
		else
			printf("  %7s", "-");
		if (res->sys < 0)
			printf("  %8s  %8s", "n/a", "-");
		else if (counter == COUNTER_TRAP)
			printf("  %8.3f  %8.0f", res->sys, res->trap_rate);
		else
			printf("  %8.3f  %8s", res->sys, "-");
		printf("  %8.0f\n", lo);
	}
	printf("Per message: cpu us = CPU time of the caller's thread, waits = its voluntary\n"
	       "context switches, sys own = calls the loop counted itself, sys perf/trap = by\n"
	       "the counter. busy, peer = CPU time / wall time of the caller's thread and of the\n"
	       "echo thread (near 100%%: that thread is the bottleneck). rate trp = msgs/s in\n"
	       "the trapped pass; rate min = slowest of the rounds.\n");
}

/* Names of the calls an event loop makes; others are shown by number. */
static const char *syscall_name(int nr)
{
	static const struct {
		int nr;
		const char *name;
	} names[] = {
		{ SYS_read, "read" }, { SYS_write, "write" }, { SYS_close, "close" },
		{ SYS_poll, "poll" }, { SYS_ioctl, "ioctl" }, { SYS_nanosleep, "nanosleep" },
		{ SYS_getpid, "getpid" }, { SYS_sendto, "sendto" }, { SYS_recvfrom, "recvfrom" },
		{ SYS_futex, "futex" }, { SYS_epoll_wait, "epoll_wait" },
		{ SYS_epoll_ctl, "epoll_ctl" }, { SYS_clock_gettime, "clock_gettime" },
		{ SYS_timerfd_settime, "timerfd_settime" }, { SYS_ppoll, "ppoll" },
		{ SYS_epoll_pwait, "epoll_pwait" }, { SYS_getrusage, "getrusage" },
		{ SYS_rt_sigprocmask, "rt_sigprocmask" }, { SYS_mmap, "mmap" },
		{ SYS_munmap, "munmap" }, { SYS_mprotect, "mprotect" }, { SYS_brk, "brk" },
		{ SYS_fcntl, "fcntl" },
#ifdef SYS_io_uring_enter
		{ SYS_io_uring_enter, "io_uring_enter" },
#endif
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].nr == nr)
			return names[i].name;
	return NULL;
}

/* --syscall-histogram: each method's trapped calls by number, per message. */
static void print_histograms(const bool *selected)
{
	size_t i;
	int nr;

	printf("\nSystem calls per message by number (seccomp trap pass, caller's thread;\n"
	       "clock_gettime is one only where the clock source has no vDSO access)\n");
	for (i = 0; i < N_METHODS; i++) {
		const struct result *res = &results[i];

		if (!selected[i] || !res->ran || !res->hist_msgs)
			continue;
		printf("%s (%lu messages)\n", res->label, res->hist_msgs);
		for (nr = 0; nr < SC_HIST_MAX; nr++) {
			const char *name = syscall_name(nr);

			if (!res->hist[nr])
				continue;
			printf("  %4d %-16s %9ld  %8.3f\n", nr, name ? name : "?", res->hist[nr],
			       (double)res->hist[nr] / (double)res->hist_msgs);
		}
		if (res->hist_own)
			printf("  %4d %-16s %9ld  %8.3f  (the benchmark's own clock reads)\n",
			       SYS_clock_gettime, "clock_gettime", res->hist_own,
			       (double)res->hist_own / (double)res->hist_msgs);
	}
}

/* One line of the target table: the value for each engine against the target. */
static void print_target(const char *what, const char *target, double limit, bool at_least,
			 bool ratio, double v_uring, double v_epoll)
{
	double v[2] = { v_uring, v_epoll };
	int i;

	printf("%-34s %-8s", what, target);
	for (i = 0; i < 2; i++) {
		char num[32];

		if (isnan(v[i])) {
			printf("  %-16s", "n/a");
			continue;
		}
		if (ratio)
			snprintf(num, sizeof(num), "%.2fx", v[i]);
		else
			snprintf(num, sizeof(num), "%.3f", v[i]);
		printf("  %-7s %-8s", num,
		       (at_least ? v[i] >= limit : v[i] <= limit) ? "MET" : "MISSED");
	}
	printf("\n");
}

static double ratio_or_nan(const struct result *x, const struct result *y)
{
	return x && y && y->rate > 0 ? x->rate / y->rate : NAN;
}

static double sys_or_nan(const struct result *x)
{
	return x && syscalls_of(x) >= 0 ? syscalls_of(x) : NAN;
}

static double lat_or_nan(const struct result *x, const struct result *raw, bool p99)
{
	if (!x || !raw)
		return NAN;
	return p99 ? x->p99_us / raw->p99_us : x->p50_us / raw->p50_us;
}

static void print_targets(void)
{
	const struct result *a = find("(a)"), *b = find("(b)"), *raw = find("(f) raw");
	const struct result *cu = find("(c)"), *de = find("(d)");
	const struct result *lu = find("(f) librpmsg io_uring"), *le = find("(f) librpmsg epoll");

	printf("\nPerformance targets (reported, never enforced)\n");
	printf("%-34s %-8s  %-16s  %-16s\n", "measure", "target", "io_uring (c)/(f)",
	       "epoll (d)/(f)");
	print_target("pipelined / blocking loop (a)", ">= 2.0x", TARGET_VS_BLOCKING, true,
		     true, ratio_or_nan(cu, a), ratio_or_nan(de, a));
	print_target("pipelined / epoll loop (b)", ">= 1.3x", TARGET_VS_EPOLL, true, true,
		     ratio_or_nan(cu, b), ratio_or_nan(de, b));
	print_target("syscalls per message, pipelined", "<= 0.25", TARGET_SYSCALLS, false, false,
		     sys_or_nan(cu), sys_or_nan(de));
	print_target("ping-pong latency p50 / raw", "<= 1.10x", TARGET_LATENCY, false, true,
		     lat_or_nan(lu, raw, false), lat_or_nan(le, raw, false));
	print_target("ping-pong latency p99 / raw", "<= 1.10x", TARGET_LATENCY, false, true,
		     lat_or_nan(lu, raw, true), lat_or_nan(le, raw, true));
}

/* ---- Command line ---- */

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: bench-echo [options]\n"
		"Echo throughput and latency: blocking loop, epoll loop and librpmsg over an\n"
		"AF_UNIX SOCK_SEQPACKET socketpair, plus the simulated remote. Not a test:\n"
		"it reports the design targets and always exits 0 unless a method broke.\n\n"
		"  -t SECONDS   measured time per method (default 2)\n"
		"  -n MESSAGES  measure this many messages per method instead\n"
		"  -k COUNT     messages in flight for the pipelined methods (default 32)\n"
		"  -s BYTES     message size, 8 to %u (default 64)\n"
		"  -r ROUNDS    measure every method this many times, interleaved, and\n"
		"               report the medians (default 1, at most %u)\n"
		"  --only LIST  run only these methods, e.g. --only acf (letters a to f)\n"
		"  --syscalls HOW  count system calls per message with: perf (the\n"
		"               raw_syscalls:sys_enter tracepoint; needs privileges), trap\n"
		"               (a seccomp trap; unprivileged, x86-64), auto (perf, else\n"
		"               trap; the default) or off\n"
		"  --no-syscalls  the same as --syscalls off\n"
		"  --syscall-histogram  also print, per method, the system calls of the\n"
		"               trapped pass by number (implies --syscalls trap)\n"
		"  --peer KIND  far end: simple (blocking read + write per message, the\n"
		"               default) or batch (recvmmsg + sendmmsg, a faster far end)\n"
		"  --device CTRL  use this rpmsg control device (e.g. /dev/rpmsg_ctrl0)\n"
		"               instead of a socketpair; the remote must echo at --dst\n"
		"  --dst ADDR   the remote's echo address with --device (default 0x400)\n"
		"  -v           also print CPU time and waits per message, both syscall\n"
		"               counts, and how busy the caller and the echo thread were\n"
		"  -h, --help   this text\n", RPMSG_MTU_DEFAULT, MAX_ROUNDS);
}

static double parse_num(const char *arg, const char *what, double min, double max)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (errno || end == arg || *end || !(v >= min && v <= max)) {
		fprintf(stderr, "bench-echo: invalid %s '%s' (%g to %g)\n", what, arg, min, max);
		exit(2);
	}
	return v;
}

static void parse_args(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "only", required_argument, NULL, 'O' },
		{ "syscalls", required_argument, NULL, 'Y' },
		{ "peer", required_argument, NULL, 'P' },
		{ "no-syscalls", no_argument, NULL, 'X' },
		{ "syscall-histogram", no_argument, NULL, 'H' },
		{ "device", required_argument, NULL, 'D' },
		{ "dst", required_argument, NULL, 'A' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "t:n:k:s:r:vh", longopts, NULL)) != -1) {
		switch (c) {
		case 't':
			opt.seconds = parse_num(optarg, "duration", 0.01, 3600);
			opt.count = 0;
			break;
		case 'n':
			opt.count = (unsigned long)parse_num(optarg, "message count", 1, 1e10);
			break;
		case 'k':
			opt.window = (unsigned int)parse_num(optarg, "window", 1, 1024);
			break;
		case 's':
			opt.size = (size_t)parse_num(optarg, "size", 8, RPMSG_MTU_DEFAULT);
			break;
		case 'r':
			opt.rounds = (unsigned int)parse_num(optarg, "rounds", 1, MAX_ROUNDS);
			break;
		case 'O':
			if (!*optarg || strspn(optarg, "abcdef") != strlen(optarg)) {
				fprintf(stderr, "bench-echo: --only takes letters a to f\n");
				exit(2);
			}
			opt.only = optarg;
			break;
		case 'Y':
			if (strcmp(optarg, "auto") && strcmp(optarg, "perf") &&
			    strcmp(optarg, "trap") && strcmp(optarg, "off")) {
				fprintf(stderr,
					"bench-echo: --syscalls takes auto, perf, trap or off\n");
				exit(2);
			}
			opt.syscalls = optarg;
			break;
		case 'X':
			opt.syscalls = "off";
			break;
		case 'H':
			opt.histogram = true;
			break;
		case 'P':
			if (strcmp(optarg, "simple") && strcmp(optarg, "batch")) {
				fprintf(stderr, "bench-echo: --peer takes simple or batch\n");
				exit(2);
			}
			opt.batch_peer = !strcmp(optarg, "batch");
			break;
		case 'D':
			opt.device = optarg;
			break;
		case 'A': {
			char *end;

			errno = 0;
			opt.dst = (uint32_t)strtoul(optarg, &end, 0);
			if (errno || end == optarg || *end) {
				fprintf(stderr, "bench-echo: invalid --dst '%s'\n", optarg);
				exit(2);
			}
			break;
		}
		case 'v':
			opt.verbose = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			exit(2);
		}
	}
	if (optind < argc) {
		usage(stderr);
		exit(2);
	}
	if (opt.histogram) {
		/* Only the trap sees each call's number. */
		if (!strcmp(opt.syscalls, "auto"))
			opt.syscalls = "trap";
		if (strcmp(opt.syscalls, "trap")) {
			fprintf(stderr, "bench-echo: --syscall-histogram needs --syscalls trap\n");
			exit(2);
		}
	}
}

int main(int argc, char **argv)
{
	bool selected[N_METHODS], failed = false;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	struct utsname uts;
	double load[1];
	unsigned int round;
	size_t i;

	parse_args(argc, argv);
	/* A closed peer must give EPIPE, not kill us. */
	signal(SIGPIPE, SIG_IGN);

	if (uname(&uts) < 0)
		snprintf(uts.release, sizeof(uts.release), "?");
	printf("bench-echo: librpmsg %s, Linux %s, %ld CPUs\n", rpmsg_api_version(), uts.release,
	       cpus);
	if (opt.device)
		printf("transport: rpmsg endpoint devices on %s, far end the remote's echo at "
		       "0x%x\n", opt.device, opt.dst);
	else
		printf("transport: AF_UNIX SOCK_SEQPACKET socketpair, far end an echo thread "
		       "(%s)\n", opt.batch_peer ? "recvmmsg + sendmmsg" : "blocking read + write");
	if (opt.count)
		printf("%zu-byte messages, %lu messages per method", opt.size, opt.count);
	else
		printf("%zu-byte messages, %.1f s per method", opt.size, opt.seconds);
	printf(" after %d ms of warm-up", WARMUP_MS);
	if (opt.rounds > 1)
		printf(", median of %u interleaved rounds", opt.rounds);
	printf("\n");

	if (strcmp(opt.syscalls, "off")) {
		const char *perf_why = NULL, *trap_why = NULL;

		if (strcmp(opt.syscalls, "trap"))
			perf_why = perf_probe();
		if (strcmp(opt.syscalls, "perf") && (perf_why || !strcmp(opt.syscalls, "trap")))
			trap_why = sc_probe();
		if (!perf_why && strcmp(opt.syscalls, "trap"))
			counter = COUNTER_PERF;
		else if (!trap_why && strcmp(opt.syscalls, "perf"))
			counter = COUNTER_TRAP;
		if (counter == COUNTER_OFF)
			printf("sys/msg: only where the loop counts its own calls; "
			       "no counter: %s%s%s\n", perf_why ? perf_why : "",
			       perf_why && trap_why ? "; " : "", trap_why ? trap_why : "");
	}
	if (!strcmp(opt.syscalls, "off"))
		printf("sys/msg: only where the loop counts its own calls (--syscalls off)\n");
	else if (counter == COUNTER_PERF)
		printf("sys/msg: the raw_syscalls:sys_enter tracepoint, caller's thread only "
		       "(perf_event_open)\n");
	else if (counter == COUNTER_TRAP)
		printf("sys/msg: a seccomp trap on the caller's thread only, in a separate %.2f s\n"
		       "pass per method (the trap slows each call by a few us)\n",
		       counting_pass_ns() / 1e9);
	/* The echo thread and the caller need a CPU each: say when others compete. */
	if (getloadavg(load, 1) == 1 && load[0] > (double)cpus)
		printf("note: load average %.1f on %ld CPUs before starting: other work competes,\n"
		       "expect noisy figures (-r 5 helps)\n", load[0], cpus);

	for (i = 0; i < N_METHODS; i++) {
		selected[i] = !opt.only || strchr(opt.only, methods[i].id);
		set_label(&methods[i], &results[i]);
	}
	for (round = 0; round < opt.rounds; round++)
		for (i = 0; i < N_METHODS; i++)
			if (selected[i])
				measure(&methods[i], &results[i]);
	for (i = 0; i < N_METHODS; i++) {
		finish(&methods[i], &results[i]);
		failed |= results[i].failed;
	}
	print_tables(selected);
	print_targets();
	if (opt.histogram && counter == COUNTER_TRAP)
		print_histograms(selected);
	return failed ? 1 : 0;
}
