// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: librpmsg authors
/*
 * kernel-facts.c - checks, inside the test VM, the kernel facts that librpmsg's
 * design depends on (rpmsg_char + rpmsg_ctrl + the rpmsg_loopback remote),
 * and measures how io_uring behaves on /dev/rpmsgN.
 *
 * Static program, plain libc + liburing (no librpmsg, no Check):
 *   cc -O2 -Wall -static -o kernel-facts kernel-facts.c -luring
 *   tests/kernel/run-vm.sh 6.1 ./kernel-facts [--slow]   (or tests/kernel/run-kernel-facts.sh 6.1)
 * --slow adds the 15 s blocking-send timeout check.
 *
 * Output: one "CHECK MUST|INFO ok|FAIL name detail" line per check,
 * "FACT <name> <kernel> <value>" lines for the io_uring measurements, and a
 * final "N passed, N failed" line (MUST checks). Exit status 1 if a MUST
 * check failed.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <liburing.h>
#include <linux/rpmsg.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef RPMSG_ADDR_ANY
#define RPMSG_ADDR_ANY 0xFFFFFFFF
#endif

#define LB_DEV "/sys/devices/platform/rpmsg_loopback"
#define LB_PAR "/sys/module/rpmsg_loopback/parameters"
#define MTU 496
#define POOL 256
#define PEER 1025		/* dst of our endpoints: the remote echoes from it */

static char kver[65];
static int n_pass, n_fail;
static char ctrl_dev[64] = "/dev/rpmsg_ctrl0";
static char ctrl_cls[96] = "/sys/class/rpmsg/rpmsg_ctrl0";

/* ---- reporting ------------------------------------------------------------ */

static void check(int must, const char *name, int ok, const char *fmt, ...)
{
	char detail[512] = "";
	va_list ap;

	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(detail, sizeof(detail), fmt, ap);
		va_end(ap);
	}
	printf("CHECK %s %-4s %-26s %s\n", must ? "MUST" : "INFO", ok ? "ok" : "FAIL", name, detail);
	if (must) {
		if (ok)
			n_pass++;
		else
			n_fail++;
	}
}

static void fact(const char *name, const char *fmt, ...)
{
	char val[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	printf("FACT %s %s %s\n", name, kver, val);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void sleep_ms(double ms)
{
	struct timespec ts = { (time_t)(ms / 1000), (long)((ms - (time_t)(ms / 1000) * 1000) * 1e6) };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* ---- sysfs ---------------------------------------------------------------- */

static int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, s, strlen(s)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

static int read_str(const char *path, char *buf, size_t n)
{
	int fd = open(path, O_RDONLY);
	ssize_t r;

	if (fd < 0)
		return -errno;
	r = read(fd, buf, n - 1);
	close(fd);
	if (r < 0)
		return -errno;
	buf[r] = '\0';
	while (r > 0 && buf[r - 1] == '\n')
		buf[--r] = '\0';
	return 0;
}

static int param(const char *name, const char *val)
{
	char p[128];

	snprintf(p, sizeof(p), LB_PAR "/%s", name);
	return write_str(p, val);
}

static int lb_action(const char *name, const char *val)
{
	char p[128];

	snprintf(p, sizeof(p), LB_DEV "/%s", name);
	return write_str(p, val);
}

static long stat_get(const char *key)
{
	char buf[2048], *p;
	size_t kl = strlen(key);

	if (read_str(LB_DEV "/stats", buf, sizeof(buf)))
		return -1;
	for (p = buf; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (!strncmp(p, key, kl) && p[kl] == ' ')
			return strtol(p + kl + 1, NULL, 10);
	return -1;
}

/* wait until the remote holds no TX buffer */
static int wait_idle(int ms)
{
	double end = now_ms() + ms;

	while (now_ms() < end) {
		if (stat_get("tx_free") == stat_get("tx_bufs") && stat_get("fifo") == 0)
			return 0;
		sleep_ms(5);
	}
	return -1;
}

static void reset_knobs(void)
{
	param("tx_poll", "0");
	param("echo", "1");
	param("echo_delay_us", "0");
	param("paused", "0");
	wait_idle(5000);
}

/* ---- rpmsg ---------------------------------------------------------------- */

/* lowest /sys/class/rpmsg/rpmsg_ctrlN */
static int find_ctrl(void)
{
	DIR *d = opendir("/sys/class/rpmsg");
	struct dirent *e;
	int best = -1, n;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (sscanf(e->d_name, "rpmsg_ctrl%d", &n) == 1 && (best < 0 || n < best))
			best = n;
	closedir(d);
	if (best >= 0) {
		snprintf(ctrl_dev, sizeof(ctrl_dev), "/dev/rpmsg_ctrl%d", best);
		snprintf(ctrl_cls, sizeof(ctrl_cls), "/sys/class/rpmsg/rpmsg_ctrl%d", best);
	}
	return best;
}

/* bitmap of the rpmsgN children of a directory */
static void children(const char *dir, unsigned char *set, int max)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char tail;
	int n;

	memset(set, 0, max);
	if (!d)
		return;
	while ((e = readdir(d)))
		if (sscanf(e->d_name, "rpmsg%d%c", &n, &tail) == 1 && n >= 0 && n < max)
			set[n] = 1;
	closedir(d);
}

/* CREATE_EPT on ctrlfd; returns the new N (found by diffing sysfs) or -errno */
static int create_ept(int ctrlfd, const char *name, uint32_t src, uint32_t dst)
{
	struct rpmsg_endpoint_info info = { .src = src, .dst = dst };
	unsigned char before[1024], after[1024];
	int i, found = -ENOENT;

	strncpy(info.name, name, sizeof(info.name) - 1);
	children(ctrl_cls, before, sizeof(before));
	if (ioctl(ctrlfd, RPMSG_CREATE_EPT_IOCTL, &info) < 0)
		return -errno;
	children(ctrl_cls, after, sizeof(after));
	for (i = 0; i < (int)sizeof(after); i++)
		if (after[i] && !before[i])
			found = i;
	return found;
}

struct ept {
	int fd, n;
	char dev[32];
};

/* a fresh ctrl-created endpoint {name, ANY, PEER}, opened with flags */
static int ept_open(struct ept *e, const char *name, int flags)
{
	int ctrlfd = open(ctrl_dev, O_RDWR);

	e->fd = -1;
	if (ctrlfd < 0)
		return -errno;
	e->n = create_ept(ctrlfd, name, RPMSG_ADDR_ANY, PEER);
	close(ctrlfd);
	if (e->n < 0)
		return e->n;
	snprintf(e->dev, sizeof(e->dev), "/dev/rpmsg%d", e->n);
	e->fd = open(e->dev, O_RDWR | flags);
	return e->fd < 0 ? -errno : 0;
}

static void ept_destroy(struct ept *e)
{
	if (e->fd >= 0) {
		ioctl(e->fd, RPMSG_DESTROY_EPT_IOCTL);
		close(e->fd);
		e->fd = -1;
	}
}

static int wait_pollin(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, ms) > 0 ? p.revents : 0;
}

/* read messages until none arrives for quiet_ms; returns how many */
static int drain(int fd, int quiet_ms, int *nA, int *nB)
{
	char buf[MTU];
	int n = 0;

	for (;;) {
		if (!(wait_pollin(fd, quiet_ms) & POLLIN))
			return n;
		ssize_t r = read(fd, buf, sizeof(buf));
		if (r < 0) {
			if (errno == EAGAIN)
				continue;
			return n;
		}
		if (nA && r > 0 && buf[0] == 'A')
			(*nA)++;
		if (nB && r > 0 && buf[0] == 'B')
			(*nB)++;
		n++;
	}
}

/* fill the TX pool with 64-byte O_NONBLOCK writes (remote paused) */
static int fill_pool(int fd, int *err)
{
	char buf[64];
	int n = 0;

	memset(buf, 'f', sizeof(buf));
	while (n < 10 * POOL) {
		if (write(fd, buf, sizeof(buf)) < 0) {
			*err = errno;
			return n;
		}
		n++;
	}
	*err = 0;
	return n;
}

static int count_iou_wrk(void)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	char p[300], comm[64];
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "/proc/self/task/%s/comm", e->d_name);
		if (!read_str(p, comm, sizeof(comm)) && !strncmp(comm, "iou-wrk", 7))
			n++;
	}
	closedir(d);
	return n;
}

/* ---- io_uring helpers --------------------------------------------------- */

struct comp {
	uint64_t ud;
	int res;
	double t;	/* ms since the reference time */
};

/* collect up to max CQEs, waiting at most ms for each one */
static int reap(struct io_uring *ring, struct comp *c, int max, int ms, double t0)
{
	struct __kernel_timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	struct io_uring_cqe *cqe;
	int n = 0;

	while (n < max) {
		if (io_uring_wait_cqe_timeout(ring, &cqe, &ts))
			break;
		c[n].ud = cqe->user_data;
		c[n].res = cqe->res;
		c[n].t = now_ms() - t0;
		io_uring_cqe_seen(ring, cqe);
		n++;
	}
	return n;
}

static void fmt_comps(char *out, size_t sz, const struct comp *c, int n, const char *const *names)
{
	size_t o = 0;
	int i;

	out[0] = '\0';
	for (i = 0; i < n && o < sz; i++) {
		const char *nm = names ? names[c[i].ud] : NULL;
		char res[32];

		if (c[i].res < 0)
			snprintf(res, sizeof(res), "-%s", strerrorname_np(-c[i].res) ? strerrorname_np(-c[i].res) : "?");
		else
			snprintf(res, sizeof(res), "%d", c[i].res);
		if (nm)
			o += snprintf(out + o, sz - o, "%s%s=%s@%.1fms", i ? "," : "", nm, res, c[i].t);
		else
			o += snprintf(out + o, sz - o, "%s%" PRIu64 "=%s@%.1fms", i ? "," : "", c[i].ud, res, c[i].t);
	}
}

static void prep_read_chain(struct io_uring *ring, int fd, char bufs[][512], int n, unsigned flag, uint64_t ud0)
{
	for (int i = 0; i < n; i++) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

		io_uring_prep_read(sqe, fd, bufs[i], 512, 0);
		sqe->flags = i < n - 1 ? flag : 0;
		sqe->user_data = ud0 + i;
	}
}

static int msg_payload(char *buf, int i)
{
	/* distinct content and length per message */
	int len = snprintf(buf, 64, "msg-%d-", i);

	memset(buf + len, 'a' + i, 3 + i);
	return len + 3 + i;
}

/* ---- io_uring cases (each in its own process: fresh io-wq) --------------- */

/* (a) 8 hardlinked READs, messages arriving one by one */
static int case_a(void)
{
	static char bufs[8][512];
	struct io_uring ring;
	struct comp c[8];
	struct ept e;
	char pl[8][64], s[512];
	int len[8], i, n, order = 1, whole = 1;
	double t0;

	if (ept_open(&e, "uring-a", O_NONBLOCK) || io_uring_queue_init(32, &ring, 0))
		return 1;
	prep_read_chain(&ring, e.fd, bufs, 8, IOSQE_IO_HARDLINK, 0);
	t0 = now_ms();
	if (io_uring_submit(&ring) != 8)
		return 2;
	sleep_ms(20);
	int pending_wrk = count_iou_wrk();
	int early = reap(&ring, c, 8, 0, t0);	/* nothing may complete yet */
	int per_msg[8];

	n = early;
	for (i = 0; i < 8; i++) {
		len[i] = msg_payload(pl[i], i);
		if (write(e.fd, pl[i], len[i]) != len[i])
			return 3;
		/* the completion(s) this message caused */
		per_msg[i] = reap(&ring, c + n, n < 8 ? 1 : 0, 500, t0);
		n += per_msg[i];
		if (per_msg[i] == 1 && n < 8)	/* and no extra one shortly after */
			per_msg[i] += reap(&ring, c + n, 8 - n, 5, t0);
		n = n > 8 ? 8 : n;
	}
	int one_each = !early;
	for (i = 0; i < 8; i++)
		one_each &= per_msg[i] == 1;
	for (i = 0; i < n; i++) {
		if (c[i].ud != (uint64_t)i)
			order = 0;
		int k = (int)c[i].ud;
		if (c[i].res != len[k] || memcmp(bufs[k], pl[k], len[k]))
			whole = 0;
	}
	fact("a_one_completion_per_arriving_message", "%s", one_each ? "yes" : "no");
	fmt_comps(s, sizeof(s), c, n, NULL);
	fact("a_hardlink8_completions", "%d/8", n);
	fact("a_in_message_order", "%s", n == 8 && order ? "yes" : "no");
	fact("a_one_whole_message_per_read", "%s", n == 8 && whole ? "yes" : "no");
	fact("a_iou_wrk_while_pending", "%d", pending_wrk);
	fact("a_iou_wrk_after", "%d", count_iou_wrk());
	fact("a_cqes", "%s", s);
	io_uring_queue_exit(&ring);
	ept_destroy(&e);
	return 0;
}

/* (b) 8 hardlinked READs with 8 messages already queued */
static int case_b(void)
{
	static char bufs[8][512];
	struct io_uring ring;
	struct comp c[8];
	struct ept e;
	char pl[8][64], s[512];
	int len[8], i, n, order = 1, whole = 1;
	long echoed0;
	double t0;

	if (ept_open(&e, "uring-b", O_NONBLOCK) || io_uring_queue_init(32, &ring, 0))
		return 1;
	echoed0 = stat_get("echoed");
	for (i = 0; i < 8; i++) {
		len[i] = msg_payload(pl[i], i);
		if (write(e.fd, pl[i], len[i]) != len[i])
			return 3;
	}
	for (i = 0; i < 200 && stat_get("echoed") < echoed0 + 8; i++)
		sleep_ms(5);
	sleep_ms(20);
	prep_read_chain(&ring, e.fd, bufs, 8, IOSQE_IO_HARDLINK, 0);
	t0 = now_ms();
	int sub = io_uring_submit(&ring);	/* exactly one io_uring_enter */
	unsigned ready = io_uring_cq_ready(&ring);
	double t_sub = now_ms() - t0;
	n = reap(&ring, c, 8, 1000, t0);
	for (i = 0; i < n; i++) {
		int k = (int)c[i].ud;

		if (c[i].ud != (uint64_t)i)
			order = 0;
		if (c[i].res != len[k] || memcmp(bufs[k], pl[k], len[k]))
			whole = 0;
	}
	fmt_comps(s, sizeof(s), c, n, NULL);
	fact("b_submit_returned", "%d", sub);
	fact("b_cq_ready_right_after_submit", "%u/8 (submit took %.2fms)", ready, t_sub);
	fact("b_completions_total", "%d/8", n);
	fact("b_in_message_order", "%s", n == 8 && order ? "yes" : "no");
	fact("b_one_whole_message_per_read", "%s", n == 8 && whole ? "yes" : "no");
	fact("b_iou_wrk_after", "%d", count_iou_wrk());
	fact("b_cqes", "%s", s);
	io_uring_queue_exit(&ring);
	ept_destroy(&e);
	return 0;
}

/*
 * (c) TX pool full (remote paused): WRITE(A) -> LINK_TIMEOUT -> WRITE(B)
 * -> LINK_TIMEOUT, all IOSQE_IO_LINK. resume_us < 0: the remote is resumed
 * only after the CQEs are in; else a helper thread resumes it resume_us after
 * submit (busy-waiting, with the parameter file already open).
 */
struct resumer {
	int fd;
	double at, done;
};

static void *resumer_fn(void *arg)
{
	struct resumer *r = arg;

	while (now_ms() < r->at)
		;
	if (pwrite(r->fd, "0", 1, 0) != 1)
		r->done = -1;
	else
		r->done = now_ms();
	return NULL;
}

static int case_c(const char *tag, int txpoll, int resume_us, int timeout_us, int trials, int other)
{
	static const char *const names[] = { "?", "A", "TO_A", "B", "TO_B" };
	struct __kernel_timespec to = { 0, timeout_us * 1000L };
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct comp c[4];
	struct ept e, f;
	char a[16], b[16], s[512], nm[96], all[2048] = "";
	int n, t, filled, err, nA, nB, echoes, sent_ok = 0, unsent_ok = 0;
	size_t o = 0;
	long sent0;
	double t0;

	memset(a, 'A', sizeof(a));
	memset(b, 'B', sizeof(b));
	if (ept_open(&e, "uring-c", O_NONBLOCK) || io_uring_queue_init(32, &ring, 0))
		return 1;
	/* other: the pool is filled through another endpoint */
	f = e;
	if (other && ept_open(&f, "uring-c-fill", O_NONBLOCK))
		return 1;
	for (t = 0; t < trials; t++) {
		struct resumer r = { .fd = open(LB_PAR "/paused", O_WRONLY) };
		pthread_t th;

		param("paused", "1");
		sent0 = stat_get("sent");
		filled = fill_pool(f.fd, &err);
		param("tx_poll", txpoll ? "1" : "0");

		sqe = io_uring_get_sqe(&ring);
		io_uring_prep_write(sqe, e.fd, a, sizeof(a), 0);
		sqe->flags = IOSQE_IO_LINK;
		sqe->user_data = 1;
		sqe = io_uring_get_sqe(&ring);
		io_uring_prep_link_timeout(sqe, &to, 0);
		sqe->flags = IOSQE_IO_LINK;
		sqe->user_data = 2;
		sqe = io_uring_get_sqe(&ring);
		io_uring_prep_write(sqe, e.fd, b, sizeof(b), 0);
		sqe->flags = IOSQE_IO_LINK;
		sqe->user_data = 3;
		sqe = io_uring_get_sqe(&ring);
		io_uring_prep_link_timeout(sqe, &to, 0);
		sqe->user_data = 4;

		t0 = now_ms();
		if (resume_us >= 0) {
			r.at = t0 + resume_us / 1000.0;
			pthread_create(&th, NULL, resumer_fn, &r);
		}
		io_uring_submit(&ring);
		n = reap(&ring, c, 4, 3000, t0);
		if (resume_us >= 0)
			pthread_join(th, NULL);
		close(r.fd);
		param("paused", "0");
		nA = nB = 0;
		echoes = drain(e.fd, 300, &nA, &nB);
		if (other)
			echoes += drain(f.fd, 100, NULL, NULL);
		wait_idle(3000);

		int lenA = -1, lenB = -1, idxA = -1, idxB = -1;
		for (int i = 0; i < n; i++) {
			if (c[i].ud == 1) { lenA = c[i].res; idxA = i; }
			if (c[i].ud == 3) { lenB = c[i].res; idxB = i; }
		}
		if (lenA == 16 && lenB == 16 && idxA < idxB && nA == 1 && nB == 1)
			sent_ok++;
		if (lenA == -ECANCELED && lenB == -ECANCELED && !nA && !nB && echoes == filled)
			unsent_ok++;

		fmt_comps(s, sizeof(s), c, n, names);
		o += snprintf(all + o, sizeof(all) - o, "%s[%s", t ? " " : "", s);
		if (resume_us >= 0)
			o += snprintf(all + o, sizeof(all) - o, " resumed@%.2fms", r.done > 0 ? r.done - t0 : -1.0);
		o += snprintf(all + o, sizeof(all) - o, " filled=%d/%s echoes=%d A:%d B:%d sent=%ld]",
			      filled, err ? strerrorname_np(err) : "-", echoes, nA, nB, stat_get("sent") - sent0);
	}
	snprintf(nm, sizeof(nm), "c_%s", tag);
	fact(nm, "A,B cancelled+not sent in %d/%d, A,B sent in order with len in %d/%d", unsent_ok, trials, sent_ok, trials);
	snprintf(nm, sizeof(nm), "c_%s_trials", tag);
	fact(nm, "%s", all);
	io_uring_queue_exit(&ring);
	if (other)
		ept_destroy(&f);
	ept_destroy(&e);
	return 0;
}

/* (d) cancelling a pending hardlinked READ chain */
static int case_d(void)
{
	static char bufs[4][512];
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct comp c[16];
	struct ept e;
	int done[4], i, n, round, left, reads_done;
	char s[512], hist[1024];
	size_t o;
	double t0;

	if (io_uring_queue_init(32, &ring, 0))
		return 1;

	/* 0: after cancelling the head, is the next read issued (armed)? */
	if (ept_open(&e, "uring-d0", O_NONBLOCK))
		return 1;
	prep_read_chain(&ring, e.fd, bufs, 2, IOSQE_IO_HARDLINK, 0);
	io_uring_submit(&ring);
	reap(&ring, c, 2, 30, now_ms());
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_cancel64(sqe, 0, 0);
	sqe->user_data = 100;
	io_uring_submit(&ring);
	n = reap(&ring, c, 16, 50, now_ms());
	fmt_comps(s, sizeof(s), c, n, NULL);
	t0 = now_ms();
	if (write(e.fd, "next", 4) != 4)
		return 3;
	i = reap(&ring, c, 1, 1000, t0);
	fact("d_next_read_after_cancel", "%s (after cancel: [%s])",
	     i == 1 && c[0].ud == 1 && c[0].res == 4 && !memcmp(bufs[1], "next", 4) ?
	     "pending, completed by the next message" : "not completed by the next message", s);
	ept_destroy(&e);

	/* 1: ASYNC_CANCEL by user_data of the pending head, round by round */
	if (ept_open(&e, "uring-d1", O_NONBLOCK))
		return 1;
	prep_read_chain(&ring, e.fd, bufs, 4, IOSQE_IO_HARDLINK, 0);
	io_uring_submit(&ring);
	t0 = now_ms();
	n = reap(&ring, c, 4, 30, t0);
	fact("d_chain_pending_before_cancel", "%s", n ? "no" : "yes");
	memset(done, 0, sizeof(done));
	left = 4;
	o = 0;
	hist[0] = '\0';
	for (round = 1; left > 0 && round <= 8; round++) {
		int head = 0;

		while (head < 4 && done[head])
			head++;
		sqe = io_uring_get_sqe(&ring);
		io_uring_prep_cancel64(sqe, head, 0);
		sqe->user_data = 100 + round;
		io_uring_submit(&ring);
		n = reap(&ring, c, 16, 50, now_ms());
		reads_done = 0;
		for (i = 0; i < n; i++)
			if (c[i].ud < 4 && !done[c[i].ud]) {
				done[c[i].ud] = 1;
				left--;
				reads_done++;
			}
		fmt_comps(s, sizeof(s), c, n, NULL);
		o += snprintf(hist + o, sizeof(hist) - o, "%sr%d:cancel(%d)->[%s]", round > 1 ? " " : "", round, head, s);
	}
	fact("d_cancel_by_userdata_rounds", "%d for 4 reads%s", round - 1, left ? " (NOT finished)" : "");
	fact("d_cancel_by_userdata_detail", "%s", hist);
	ept_destroy(&e);

	/* 2: ASYNC_CANCEL_ALL by fd */
	if (ept_open(&e, "uring-d2", O_NONBLOCK))
		return 1;
	prep_read_chain(&ring, e.fd, bufs, 4, IOSQE_IO_HARDLINK, 0);
	io_uring_submit(&ring);
	reap(&ring, c, 4, 30, now_ms());
	memset(done, 0, sizeof(done));
	left = 4;
	o = 0;
	hist[0] = '\0';
	for (round = 1; left > 0 && round <= 8; round++) {
		sqe = io_uring_get_sqe(&ring);
		io_uring_prep_cancel_fd(sqe, e.fd, IORING_ASYNC_CANCEL_ALL);
		sqe->user_data = 100 + round;
		io_uring_submit(&ring);
		n = reap(&ring, c, 16, 50, now_ms());
		for (i = 0; i < n; i++)
			if (c[i].ud < 4 && !done[c[i].ud]) {
				done[c[i].ud] = 1;
				left--;
			}
		fmt_comps(s, sizeof(s), c, n, NULL);
		o += snprintf(hist + o, sizeof(hist) - o, "%sr%d:[%s]", round > 1 ? " " : "", round, s);
	}
	fact("d_cancel_all_fd_rounds", "%d for 4 reads%s", round - 1, left ? " (NOT finished)" : "");
	fact("d_cancel_all_fd_detail", "%s", hist);
	ept_destroy(&e);

	/* 3: DESTROY_EPT with the chain pending */
	if (ept_open(&e, "uring-d3", O_NONBLOCK))
		return 1;
	prep_read_chain(&ring, e.fd, bufs, 4, IOSQE_IO_HARDLINK, 0);
	io_uring_submit(&ring);
	reap(&ring, c, 4, 30, now_ms());
	t0 = now_ms();
	int dr = ioctl(e.fd, RPMSG_DESTROY_EPT_IOCTL);
	n = reap(&ring, c, 4, 500, t0);
	int epipe = 0;
	for (i = 0; i < n; i++)
		epipe += c[i].res == -EPIPE;
	fmt_comps(s, sizeof(s), c, n, NULL);
	fact("d_destroy_ept", "ioctl=%d, %d/4 completed, %d -EPIPE, last at %.1fms: %s", dr, n, epipe, n ? c[n - 1].t : 0.0, s);
	close(e.fd);	/* no second DESTROY */
	io_uring_queue_exit(&ring);
	return 0;
}

/* (e) io-wq workers for a single READ: O_NONBLOCK vs blocking fd */
static int case_e(int nonblock)
{
	static char bufs[1][512];
	struct io_uring ring;
	struct comp c[1];
	struct ept e;
	const char *tag = nonblock ? "e_nonblock" : "e_blocking";
	char nm[96];
	int n, pending_wrk;
	double t0;

	if (ept_open(&e, "uring-e", nonblock ? O_NONBLOCK : 0) || io_uring_queue_init(8, &ring, 0))
		return 1;
	prep_read_chain(&ring, e.fd, bufs, 1, 0, 0);
	io_uring_submit(&ring);
	n = reap(&ring, c, 1, 30, now_ms());
	pending_wrk = count_iou_wrk();
	t0 = now_ms();
	if (write(e.fd, "ping", 4) != 4)
		return 3;
	if (!n)
		n = reap(&ring, c, 1, 3000, t0);
	snprintf(nm, sizeof(nm), "%s_read", tag);
	fact(nm, "%s", n ? (c[0].res == 4 ? "ok" : "wrong res") : "no completion");
	snprintf(nm, sizeof(nm), "%s_iou_wrk_while_pending", tag);
	fact(nm, "%d", pending_wrk);
	snprintf(nm, sizeof(nm), "%s_iou_wrk_after", tag);
	fact(nm, "%d", count_iou_wrk());
	snprintf(nm, sizeof(nm), "%s_latency_ms", tag);
	fact(nm, "%.1f", n ? c[0].t : -1.0);
	io_uring_queue_exit(&ring);
	ept_destroy(&e);
	return 0;
}

/* run a case in a child process with an alarm; report crashes */
static void run_case(const char *name, int (*fn)(int, int, const char *), int x, int y, const char *tag)
{
	pid_t pid;
	int st;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		alarm(30);
		_exit(fn(x, y, tag));
	}
	waitpid(pid, &st, 0);
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		check(0, name, 0, "case process %s %d", WIFEXITED(st) ? "exited" : "killed by signal",
		      WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
	reset_knobs();
}

static int fa(int x, int y, const char *t) { (void)x; (void)y; (void)t; return case_a(); }
static int fb(int x, int y, const char *t) { (void)x; (void)y; (void)t; return case_b(); }
static int fc1(int x, int y, const char *t) { (void)x; (void)y; return case_c(t, 0, -1, 2000, 3, 0); }
static int fc2(int x, int y, const char *t) { (void)x; (void)y; return case_c(t, 1, 1000, 2000, 5, 0); }
static int fc3(int x, int y, const char *t) { (void)x; (void)y; return case_c(t, 0, 1000, 2000, 5, 0); }
static int fc4(int x, int y, const char *t) { (void)x; (void)y; return case_c(t, 1, 5000, 20000, 3, 0); }
static int fc5(int x, int y, const char *t) { (void)x; (void)y; return case_c(t, 0, 5000, 20000, 3, 0); }
static int fc6(int x, int y, const char *t) { (void)x; (void)y; return case_c(t, 0, 5000, 20000, 3, 1); }
static int fc7(int x, int y, const char *t) { (void)x; (void)y; return case_c(t, 1, 5000, 20000, 3, 1); }
static int fd_(int x, int y, const char *t) { (void)x; (void)y; (void)t; return case_d(); }
static int fe(int x, int y, const char *t) { (void)y; (void)t; return case_e(x); }

/* ---- MUST checks ---------------------------------------------------------- */

static void attr(const char *dir, const char *name, char *buf, size_t n)
{
	char p[256];

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	if (read_str(p, buf, n))
		snprintf(buf, n, "?");
}

static int echo_ok(int fd, const void *msg, size_t len, double *rtt)
{
	char buf[MTU + 16];
	double t0 = now_ms();

	if (write(fd, msg, len) != (ssize_t)len)
		return 0;
	if (!(wait_pollin(fd, 2000) & POLLIN))
		return 0;
	ssize_t r = read(fd, buf, sizeof(buf));
	if (rtt)
		*rtt = now_ms() - t0;
	return r == (ssize_t)len && !memcmp(buf, msg, len);
}

/* find /dev/rpmsgN of a remote-announced channel name at addr */
static int channel_dev(const char *name, unsigned addr, char *dev, size_t n)
{
	char dir[256];
	unsigned char set[1024];

	snprintf(dir, sizeof(dir), "/sys/bus/rpmsg/devices/rpmsg_loopback.%s.-1.%u/rpmsg", name, addr);
	children(dir, set, sizeof(set));
	for (int i = 0; i < (int)sizeof(set); i++)
		if (set[i]) {
			snprintf(dev, n, "/dev/rpmsg%d", i);
			return i;
		}
	return -1;
}

static void *resume_after(void *arg)
{
	sleep_ms(*(double *)arg);
	param("paused", "0");
	return NULL;
}

/* the knobs and actions that library tests will use */
static void loopback_knobs(int slow)
{
	struct pollfd p;
	struct ept e, f;
	char buf[MTU];
	long v0;
	double t0, rtt = 0, ms;
	int ok, n, err, ctrlfd;
	pthread_t th;

	if (ept_open(&e, "knobs", O_NONBLOCK)) {
		check(1, "knobs_ept", 0, "cannot open an endpoint");
		return;
	}
	p = (struct pollfd){ .fd = e.fd, .events = POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM | POLLPRI };
	n = poll(&p, 1, 0);
	check(1, "poll_idle_txpoll0", n == 0 && p.revents == 0, "revents 0x%x (virtio: no POLLOUT)", p.revents);
	param("tx_poll", "1");
	n = poll(&p, 1, 0);
	check(1, "poll_idle_txpoll1", n == 1 && p.revents == (POLLOUT | POLLWRNORM), "revents 0x%x", p.revents);
	param("paused", "1");
	fill_pool(e.fd, &err);
	n = poll(&p, 1, 0);
	check(1, "poll_full_txpoll1", n == 0, "revents 0x%x", p.revents);
	reset_knobs();
	drain(e.fd, 100, NULL, NULL);

	param("echo", "0");
	v0 = stat_get("sunk");
	ok = write(e.fd, "sink", 4) == 4 && !(wait_pollin(e.fd, 200) & POLLIN);
	check(1, "echo0_sink", ok && stat_get("sunk") == v0 + 1, "no echo, sunk +%ld", stat_get("sunk") - v0);
	param("echo", "1");

	param("echo_delay_us", "50000");
	ok = echo_ok(e.fd, "slow", 4, &rtt);
	check(1, "echo_delay_50ms", ok && rtt >= 50, "rtt %.1fms", rtt);
	param("echo_delay_us", "0");

	/* blocking write with a full pool waits for the remote */
	int fl = fcntl(e.fd, F_GETFL);
	param("paused", "1");
	fill_pool(e.fd, &err);
	fcntl(e.fd, F_SETFL, fl & ~O_NONBLOCK);
	ms = 300;
	pthread_create(&th, NULL, resume_after, &ms);
	t0 = now_ms();
	n = write(e.fd, "wait", 4);
	ms = now_ms() - t0;
	pthread_join(th, NULL);
	check(1, "blocking_write_waits", n == 4 && ms >= 290, "write %d after %.0fms (resume at 300ms)", n, ms);
	fcntl(e.fd, F_SETFL, fl);
	reset_knobs();
	drain(e.fd, 100, NULL, NULL);

	if (slow) {
		param("paused", "1");
		fill_pool(e.fd, &err);
		fcntl(e.fd, F_SETFL, fl & ~O_NONBLOCK);
		t0 = now_ms();
		errno = 0;
		n = write(e.fd, "late", 4);
		err = errno;
		ms = now_ms() - t0;
		check(1, "blocking_write_15s_timeout", n < 0 && err == 512 && ms > 14900,
		      "write %d errno %d after %.0fms", n, err, ms);
		fcntl(e.fd, F_SETFL, fl);
		reset_knobs();
		drain(e.fd, 100, NULL, NULL);
	}
	ept_destroy(&e);

	/* inject to a fixed local address */
	ctrlfd = open(ctrl_dev, O_RDWR);
	f.n = create_ept(ctrlfd, "inject", 3100, PEER);
	snprintf(f.dev, sizeof(f.dev), "/dev/rpmsg%d", f.n);
	f.fd = f.n >= 0 ? open(f.dev, O_RDWR | O_NONBLOCK) : -1;
	err = lb_action("inject", "3100 injected payload\n");
	n = f.fd >= 0 && (wait_pollin(f.fd, 500) & POLLIN) ? read(f.fd, buf, sizeof(buf)) : -1;
	check(1, "inject", !err && n == 16 && !memcmp(buf, "injected payload", 16), "err %d, read %d", err, n);
	err = lb_action("inject", "3999 nobody");
	check(1, "inject_no_recipient", err == -ENXIO, "err %d", err);
	ept_destroy(&f);

	/* CREATE_DEV: a local service channel announces itself to the remote (53) */
	struct rpmsg_endpoint_info info = { "rpmsg-raw", 3000, 3001 };
	unsigned char set[64];
	v0 = stat_get("ns_rx");
	err = ioctl(ctrlfd, RPMSG_CREATE_DEV_IOCTL, &info);
	children("/sys/bus/rpmsg/devices/rpmsg_loopback.rpmsg-raw.3000.3001/rpmsg", set, sizeof(set));
	n = -1;
	for (int i = 0; i < (int)sizeof(set); i++)
		if (set[i])
			n = i;
	wait_idle(1000);
	check(1, "create_dev_announced", !err && n >= 0 && stat_get("ns_rx") == v0 + 1,
	      "err %d, rpmsg%d, ns_rx +%ld", err, n, stat_get("ns_rx") - v0);
	err = ioctl(ctrlfd, RPMSG_RELEASE_DEV_IOCTL, &info);
	wait_idle(1000);
	check(1, "release_dev_announced", !err && stat_get("ns_rx") == v0 + 2, "err %d, ns_rx +%ld", err, stat_get("ns_rx") - v0);
	close(ctrlfd);
}

int main(int argc, char **argv)
{
	struct utsname u;
	struct stat sb;
	char buf[MTU + 1], a1[64], a2[64], a3[64];
	int ctrlfd, fd, n, err, ok;
	double rtt = 0;

	int slow = argc > 1 && !strcmp(argv[1], "--slow");

	setvbuf(stdout, NULL, _IOLBF, 0);
	uname(&u);
	snprintf(kver, sizeof(kver), "%s", u.release);
	printf("kernel-facts: kernel %s, %ld CPUs\n", kver, sysconf(_SC_NPROCESSORS_ONLN));

	/* control device */
	ok = find_ctrl() == 0 && !stat("/dev/rpmsg_ctrl0", &sb) && S_ISCHR(sb.st_mode);
	check(1, "ctrl_device", ok, "/dev/rpmsg_ctrl0 %s", ok ? "is a char device" : "missing");
	check(1, "loopback_present", !access(LB_DEV "/stats", R_OK) && !access(LB_PAR "/paused", W_OK),
	      LB_DEV "/stats, " LB_PAR "/paused");
	ctrlfd = open(ctrl_dev, O_RDWR);
	if (ctrlfd < 0) {
		check(1, "ctrl_open", 0, "%s: %m", ctrl_dev);
		goto out;
	}

	/* CREATE_EPT {"smoke", ANY, 1025} */
	n = create_ept(ctrlfd, "smoke", RPMSG_ADDR_ANY, PEER);
	char cls[160], dev[32];
	snprintf(cls, sizeof(cls), "%s/rpmsg%d", ctrl_cls, n);
	snprintf(dev, sizeof(dev), "/dev/rpmsg%d", n);
	attr(cls, "name", a1, sizeof(a1));
	attr(cls, "src", a2, sizeof(a2));
	attr(cls, "dst", a3, sizeof(a3));
	ok = n >= 0 && !strcmp(a1, "smoke") && !strcmp(a2, "-1") && !strcmp(a3, "1025") && !stat(dev, &sb) && S_ISCHR(sb.st_mode);
	check(1, "create_ept", ok, "n=%d %s name=%s src=%s dst=%s", n, cls, a1, a2, a3);
	if (n < 0)
		goto out;

	fd = open(dev, O_RDWR | O_NONBLOCK);
	check(1, "open_nonblock", fd >= 0, "%s%s", dev, fd < 0 ? strerror(errno) : "");
	if (fd < 0)
		goto out;

	ok = echo_ok(fd, "hello", 5, &rtt);
	check(1, "echo_5B", ok, "rtt %.2fms", rtt);
	memset(buf, 'x', sizeof(buf));
	check(1, "echo_496B", echo_ok(fd, buf, MTU, NULL), "MTU payload echoed");
	errno = 0;
	ok = write(fd, buf, MTU + 1) < 0 && errno == EMSGSIZE;
	check(1, "write_497B_EMSGSIZE", ok, "errno %s", strerrorname_np(errno) ? strerrorname_np(errno) : "0");

	/* TX pool */
	param("paused", "1");
	n = fill_pool(fd, &err);
	check(1, "pool_256_then_EAGAIN", n == POOL && err == EAGAIN, "%d writes, then %s", n, err ? strerrorname_np(err) : "none");
	param("paused", "0");
	n = drain(fd, 500, NULL, NULL);
	check(1, "pool_echoes_after_resume", n == POOL, "%d echoes", n);
	reset_knobs();

	/* DESTROY_EPT */
	err = ioctl(fd, RPMSG_DESTROY_EPT_IOCTL);
	check(1, "destroy_ept", err == 0, "ioctl %d", err);
	errno = 0;
	ok = read(fd, buf, sizeof(buf)) < 0 && errno == EPIPE;
	check(1, "read_after_destroy_EPIPE", ok, "errno %s", strerrorname_np(errno) ? strerrorname_np(errno) : "0");
	errno = 0;
	ok = write(fd, "x", 1) < 0 && errno == EPIPE;
	check(1, "write_after_destroy_EPIPE", ok, "errno %s", strerrorname_np(errno) ? strerrorname_np(errno) : "0");
	struct pollfd p = { .fd = fd, .events = POLLIN | POLLOUT };
	n = poll(&p, 1, 100);
	check(1, "poll_after_destroy_POLLERR", n == 1 && p.revents == POLLERR, "revents 0x%x", p.revents);
	check(0, "node_removed_after_destroy", stat(dev, &sb) < 0 && errno == ENOENT, "%s", dev);
	close(fd);

	/* the loopback's knobs */
	loopback_knobs(slow);

	/* io_uring facts */
	printf("kernel-facts: io_uring cases\n");
	run_case("uring_a", fa, 0, 0, NULL);
	run_case("uring_b", fb, 0, 0, NULL);
	run_case("uring_c", fc1, 0, 0, "txpoll0_to2ms_noresume");
	run_case("uring_c", fc2, 0, 0, "txpoll1_to2ms_resume1ms");
	run_case("uring_c", fc3, 0, 0, "txpoll0_to2ms_resume1ms");
	run_case("uring_c", fc4, 0, 0, "txpoll1_to20ms_resume5ms");
	run_case("uring_c", fc5, 0, 0, "txpoll0_to20ms_resume5ms");
	run_case("uring_c", fc6, 0, 0, "txpoll0_to20ms_resume5ms_pool_filled_by_other_ept");
	run_case("uring_c", fc7, 0, 0, "txpoll1_to20ms_resume5ms_pool_filled_by_other_ept");
	run_case("uring_d", fd_, 0, 0, NULL);
	run_case("uring_e_nonblock", fe, 1, 0, NULL);
	run_case("uring_e_blocking", fe, 0, 0, NULL);

	/* remote name service: a channel announced by the remote */
	err = lb_action("ns_announce", "rpmsg-raw 1040");
	char cdev[32] = "";
	n = channel_dev("rpmsg-raw", 1040, cdev, sizeof(cdev));
	ok = !err && n >= 0 && !stat(cdev, &sb) && S_ISCHR(sb.st_mode);
	check(1, "ns_announce_channel", ok, "err %d, %s", err, n >= 0 ? cdev : "no rpmsgN under the channel");
	fd = n >= 0 ? open(cdev, O_RDWR | O_NONBLOCK) : -1;
	check(1, "ns_channel_echo", fd >= 0 && echo_ok(fd, "chan", 4, NULL), "%s", cdev);
	err = lb_action("ns_destroy", "rpmsg-raw 1040");
	errno = 0;
	ok = !err && fd >= 0 && write(fd, "x", 1) < 0 && errno == EPIPE;
	check(1, "ns_destroy_EPIPE", ok, "err %d, write errno %s", err, strerrorname_np(errno) ? strerrorname_np(errno) : "0");
	if (fd >= 0)
		close(fd);

	/* remote reset: endpoints die, the control device comes back */
	struct ept e;
	ok = !ept_open(&e, "pre-reset", O_NONBLOCK);
	close(ctrlfd);
	err = lb_action("remote_reset", "1");
	errno = 0;
	ok = ok && !err && read(e.fd, buf, sizeof(buf)) < 0 && errno == EPIPE;
	check(1, "reset_ept_EPIPE", ok, "err %d, read errno %s", err, strerrorname_np(errno) ? strerrorname_np(errno) : "0");
	close(e.fd);
	ok = find_ctrl() == 0 && !stat("/dev/rpmsg_ctrl0", &sb);
	check(1, "reset_ctrl_back", ok, "%s", ctrl_dev);
	ok = !ept_open(&e, "post-reset", O_NONBLOCK) && echo_ok(e.fd, "again", 5, NULL);
	check(1, "reset_echo_works", ok, "%s", e.dev);
	ept_destroy(&e);
	check(0, "stats_resets", stat_get("resets") == 1, "resets %ld", stat_get("resets"));

out:
	printf("kernel-facts: kernel %s: %d passed, %d failed\n", kver, n_pass, n_fail);
	printf("%d passed, %d failed\n", n_pass, n_fail);
	return n_fail ? 1 : 0;
}
