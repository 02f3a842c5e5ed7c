// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: librpmsg authors

/* Endpoints: opening and adopting, getters and setters, closing, going down, channels. */

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <unistd.h>

#include "check-common.h"

/* Getters report what the endpoint was created with; defaults are documented values. */
START_TEST(test_ept_getters)
{
	ck_assert_str_eq(rpmsg_ept_get_name(fx.ept), "test");
	ck_assert_uint_ge(rpmsg_ept_get_src(fx.ept), 1024);	/* simulated: the allocated address */
	ck_assert_uint_eq(rpmsg_ept_get_dst(fx.ept), 30);
	ck_assert_ptr_null(rpmsg_ept_get_path(fx.ept));
	ck_assert_int_ge(rpmsg_ept_get_fd(fx.ept), 0);
	ck_assert_ptr_eq(rpmsg_ept_get_ctx(fx.ept), fx.ctx);
	ck_assert_uint_eq(rpmsg_ept_get_mtu(fx.ept), RPMSG_MTU_DEFAULT);
	ck_assert_int_eq(rpmsg_ept_get_send_timeout(fx.ept), RPMSG_SEND_TIMEOUT_DEFAULT_MS);
	ck_assert(!rpmsg_ept_is_down(fx.ept));
	ck_assert(fcntl(rpmsg_ept_get_fd(fx.ept), F_GETFL) & O_NONBLOCK);
}
END_TEST

/* MTU and send timeout setters validate their ranges. */
START_TEST(test_ept_setters)
{
	ck_assert_errno(rpmsg_ept_set_mtu(fx.ept, 0), EINVAL);
	ck_assert_errno(rpmsg_ept_set_mtu(fx.ept, RPMSG_MTU_MAX + 1), EINVAL);
	ck_assert_int_eq(rpmsg_ept_set_mtu(fx.ept, 1024), 0);
	ck_assert_uint_eq(rpmsg_ept_get_mtu(fx.ept), 1024);
	ck_assert_errno(rpmsg_ept_set_send_timeout(fx.ept, -2), EINVAL);
	ck_assert_int_eq(rpmsg_ept_set_send_timeout(fx.ept, -1), 0);
	ck_assert_int_eq(rpmsg_ept_get_send_timeout(fx.ept), -1);
}
END_TEST

/* Callback user data can be read back (bindings release it through this). */
START_TEST(test_ept_cb_data)
{
	int a, b;

	ck_assert_ptr_null(rpmsg_ept_get_rx_cb_data(fx.ept));
	rpmsg_ept_set_rx_cb(fx.ept, rec_rx, &a);
	ck_assert_ptr_eq(rpmsg_ept_get_rx_cb_data(fx.ept), &a);
	rpmsg_ept_set_event_cb(fx.ept, rec_event, &b);
	ck_assert_ptr_eq(rpmsg_ept_get_event_cb_data(fx.ept), &b);
	rpmsg_ept_set_rx_cb(fx.ept, NULL, NULL);
	ck_assert_ptr_null(rpmsg_ept_get_rx_cb_data(fx.ept));
}
END_TEST

/* A sysfs that cannot be read is not "not an endpoint device": open and
 * open_fd report its error (here class/rpmsg is a file: ENOTDIR), not ENODEV. */
START_TEST(test_ept_open_sysfs_error)
{
	char root[] = "/tmp/rpmsg-sysfs-XXXXXX";
	char path[64];
	int fd, null_fd;

	ck_assert_ptr_nonnull(mkdtemp(root));
	snprintf(path, sizeof(path), "%s/class", root);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/class/rpmsg", root);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(rpmsg_ctx_set_roots(fx.ctx, root, NULL), 0);
	null_fd = open("/dev/null", O_RDWR);
	ck_assert_int_ge(null_fd, 0);
	ck_assert_null_errno(rpmsg_ept_open_fd(fx.ctx, null_fd), ENOTDIR);
	ck_assert_null_errno(rpmsg_ept_open(fx.ctx, "/dev/null"), ENOTDIR);
	close(null_fd);
	unlink(path);
	snprintf(path, sizeof(path), "%s/class", root);
	rmdir(path);
	rmdir(root);
}
END_TEST

/* open_fd: each kind of wrong descriptor gets its errno, and the caller keeps it. */
START_TEST(test_ept_open_fd_errors)
{
	int p[2], s[2], null_fd;

	ck_assert_null_errno(rpmsg_ept_open_fd(NULL, 0), EINVAL);
	ck_assert_null_errno(rpmsg_ept_open_fd(fx.ctx, -1), EBADF);
	ck_assert_int_eq(pipe(p), 0);
	ck_assert_null_errno(rpmsg_ept_open_fd(fx.ctx, p[0]), ENOTTY);
	ck_assert_int_ge(fcntl(p[0], F_GETFD), 0);	/* still open: the caller owns it */
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, s), 0);
	ck_assert_null_errno(rpmsg_ept_open_fd(fx.ctx, s[0]), ENOTTY);
	null_fd = open("/dev/null", O_RDWR);
	ck_assert_int_ge(null_fd, 0);
	ck_assert_null_errno(rpmsg_ept_open_fd(fx.ctx, null_fd), ENODEV);
	ck_assert(!(fcntl(null_fd, F_GETFL) & O_NONBLOCK));	/* flags restored */
	close(null_fd);
	close(p[0]);
	close(p[1]);
	close(s[0]);
	close(s[1]);
}
END_TEST

/* An adopted SOCK_SEQPACKET socket works as an endpoint; sendto elsewhere is EOPNOTSUPP. */
START_TEST(test_ept_open_fd_socket)
{
	struct recorder rec = { 0 };
	struct rpmsg_ept *ept;
	char buf[16];
	int s[2];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, s), 0);
	ept = rpmsg_ept_open_fd(fx.ctx, s[0]);
	ck_assert_ptr_nonnull(ept);
	ck_assert_str_eq(rpmsg_ept_get_name(ept), "");
	ck_assert_ptr_null(rpmsg_ept_get_path(ept));
	rpmsg_ept_set_rx_cb(ept, rec_rx, &rec);
	ck_assert_int_eq(rpmsg_ept_send(ept, "abc", 3), 0);
	ck_assert_int_eq(read(s[1], buf, sizeof(buf)), 3);
	ck_assert_int_eq(write(s[1], "hello", 5), 5);
	ck_assert(dispatch_until(fx.ctx, rec.rx_count == 1, 2000));
	ck_assert_uint_eq(rec.last_len, 5);
	ck_assert_errno(rpmsg_ept_sendto(ept, "x", 1, 77), EOPNOTSUPP);
	rpmsg_ept_close(ept);
	close(s[1]);
}
END_TEST

/* A descriptor an endpoint of the context already owns is refused with
 * EBUSY, on both engines, and the first owner keeps working. */
START_TEST(test_ept_open_fd_twice)
{
	struct recorder rec = { 0 };
	struct rpmsg_ept *ept;
	int s[2];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, s), 0);
	ept = rpmsg_ept_open_fd(fx.ctx, s[0]);
	ck_assert_ptr_nonnull(ept);
	ck_assert_null_errno(rpmsg_ept_open_fd(fx.ctx, s[0]), EBUSY);
	ck_assert_null_errno(rpmsg_ept_open_fd(fx.ctx, rpmsg_ept_get_fd(fx.ept)), EBUSY);
	rpmsg_ept_set_rx_cb(ept, rec_rx, &rec);
	ck_assert_int_eq(write(s[1], "one", 3), 3);
	ck_assert(dispatch_until(fx.ctx, rec.rx_count == 1, 2000));
	rpmsg_ept_close(ept);
	close(s[1]);
}
END_TEST

/* Sockets other than AF_UNIX SOCK_SEQPACKET are refused with ENOTTY: datagram
 * sockets (AF_UNIX or UDP) have no connection that can go down. */
START_TEST(test_ept_open_fd_datagram)
{
	int s[2], udp;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_DGRAM, 0, s), 0);
	ck_assert_null_errno(rpmsg_ept_open_fd(fx.ctx, s[0]), ENOTTY);
	ck_assert(!(fcntl(s[0], F_GETFL) & O_NONBLOCK));	/* left as it was */
	udp = socket(AF_INET, SOCK_DGRAM, 0);
	ck_assert_int_ge(udp, 0);
	ck_assert_null_errno(rpmsg_ept_open_fd(fx.ctx, udp), ENOTTY);
	close(udp);
	close(s[0]);
	close(s[1]);
}
END_TEST

static void null_rx(struct rpmsg_ept *ept, const void *data, size_t len, uint32_t src, void *user)
{
}

static void null_event(struct rpmsg_ept *ept, enum rpmsg_event ev, int err, void *user)
{
}

/* The NULL rule: every endpoint function given NULL fails with EINVAL and
 * its documented value; close(NULL) does nothing. */
START_TEST(test_ept_null)
{
	int data;

	ck_assert_null_errno(rpmsg_ept_open(NULL, "/dev/rpmsg0"), EINVAL);
	ck_assert_null_errno(rpmsg_ept_open_fd(NULL, 0), EINVAL);
	ck_assert_errno(rpmsg_ept_set_destroy_on_close(NULL, false), EINVAL);
	ck_assert_errno(rpmsg_ept_destroy(NULL), EINVAL);
	ck_assert_null_errno(rpmsg_ept_get_ctx(NULL), EINVAL);
	ck_assert_null_errno(rpmsg_ept_get_name(NULL), EINVAL);
	ck_assert_value_errno(rpmsg_ept_get_src(NULL), RPMSG_ADDR_ANY, EINVAL);
	ck_assert_value_errno(rpmsg_ept_get_dst(NULL), RPMSG_ADDR_ANY, EINVAL);
	ck_assert_null_errno(rpmsg_ept_get_path(NULL), EINVAL);
	ck_assert_errno(rpmsg_ept_get_fd(NULL), EINVAL);
	ck_assert_value_errno(rpmsg_ept_is_down(NULL), false, EINVAL);
	ck_assert_value_errno(rpmsg_ept_get_mtu(NULL), 0, EINVAL);
	ck_assert_errno(rpmsg_ept_set_mtu(NULL, 100), EINVAL);
	ck_assert_errno(rpmsg_ept_get_send_timeout(NULL), EINVAL);
	ck_assert_errno(rpmsg_ept_set_send_timeout(NULL, 10), EINVAL);
	errno = 0;
	rpmsg_ept_set_rx_cb(NULL, null_rx, &data);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_null_errno(rpmsg_ept_get_rx_cb_data(NULL), EINVAL);
	errno = 0;
	rpmsg_ept_set_event_cb(NULL, null_event, &data);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_null_errno(rpmsg_ept_get_event_cb_data(NULL), EINVAL);
	errno = 0;
	rpmsg_ept_close(NULL);
	ck_assert_int_eq(errno, 0);
}
END_TEST

/* open by path: NULL, missing, not a character device, not an rpmsg device. */
START_TEST(test_ept_open_errors)
{
	char tmpl[] = "/tmp/rpmsg-test-XXXXXX";
	int fd = mkstemp(tmpl);

	ck_assert_int_ge(fd, 0);
	ck_assert_null_errno(rpmsg_ept_open(NULL, "/dev/null"), EINVAL);
	ck_assert_null_errno(rpmsg_ept_open(fx.ctx, NULL), EINVAL);
	ck_assert_null_errno(rpmsg_ept_open(fx.ctx, "/nonexistent/rpmsg0"), ENOENT);
	ck_assert_null_errno(rpmsg_ept_open(fx.ctx, tmpl), ENOTTY);
	ck_assert_null_errno(rpmsg_ept_open(fx.ctx, "/tmp"), ENOTTY);
	ck_assert_null_errno(rpmsg_ept_open(fx.ctx, "/dev/null"), ENODEV);
	close(fd);
	unlink(tmpl);
}
END_TEST

/* Closing completes every queued send with -ECANCELED, inside close. */
START_TEST(test_ept_close_cancels_queue)
{
	struct recorder rec = { 0 };
	int i;

	for (i = 0; i < 5; i++)
		ck_assert_int_eq(rpmsg_ept_send_async(fx.ept, "q", 1, rec_done, &rec), 0);
	rpmsg_ept_close(fx.ept);
	fx.ept = NULL;
	ck_assert_uint_eq(rec.done_count, 5);
	for (i = 0; i < 5; i++)
		ck_assert_int_eq(rec.done_status[i], -ECANCELED);
	rpmsg_ept_close(NULL);
}
END_TEST

static void rx_closes_self(struct rpmsg_ept *ept, const void *data, size_t len, uint32_t src,
			   void *user)
{
	*(int *)user += 1;
	rpmsg_ept_close(ept);
}

/* A callback may close its own endpoint; nothing of it runs afterwards. */
START_TEST(test_ept_close_from_own_callback)
{
	int calls = 0, i;

	rpmsg_ept_set_rx_cb(fx.ept, rx_closes_self, &calls);
	for (i = 0; i < 10; i++)
		ck_assert_int_eq(rpmsg_ept_send(fx.ept, "m", 1), 0);
	ck_assert(dispatch_until(fx.ctx, calls == 1, 2000));
	fx.ept = NULL;	/* closed by the callback */
	rpmsg_ctx_dispatch(fx.ctx, 100);
	ck_assert_int_eq(calls, 1);
}
END_TEST

struct close_on {
	uint32_t src;		/* close when a message from this address arrives */
	unsigned int rx_calls;
	unsigned int after_close;	/* callbacks that ran after the close: must stay 0 */
	bool closed;
};

static void rx_closes_on_src(struct rpmsg_ept *ept, const void *data, size_t len, uint32_t src,
			     void *user)
{
	struct close_on *c = user;

	if (c->closed) {
		c->after_close++;
		return;
	}
	c->rx_calls++;
	if (src == c->src) {
		c->closed = true;
		rpmsg_ept_close(ept);
	}
}

/* A reply that came through a sendto sibling closes its owner: the sibling
 * being delivered is freed only when dispatch ends. */
START_TEST(test_ept_close_from_sibling_rx)
{
	struct close_on c = { .src = 40 };
	int i;

	rpmsg_ept_set_rx_cb(fx.ept, rx_closes_on_src, &c);
	for (i = 0; i < 4; i++)
		ck_assert_int_eq(rpmsg_ept_sendto(fx.ept, "to40", 4, 40), 0);
	ck_assert(dispatch_until(fx.ctx, c.closed, 2000));
	fx.ept = NULL;	/* closed by the callback */
	rpmsg_ctx_dispatch(fx.ctx, 50);
	ck_assert_uint_eq(c.rx_calls, 1);
	ck_assert_uint_eq(c.after_close, 0);
}
END_TEST

/* Close ept the first time, count any callback after that. */
static void close_once(struct rpmsg_ept *ept, struct close_on *c)
{
	if (c->closed) {
		c->after_close++;
		return;
	}
	c->closed = true;
	rpmsg_ept_close(ept);
}

static void event_closes(struct rpmsg_ept *ept, enum rpmsg_event ev, int err, void *user)
{
	close_once(ept, user);
}

/* The down event closes an endpoint whose sendto sibling went down with it
 * and still has messages to deliver. */
START_TEST(test_ept_close_from_event_with_sibling)
{
	struct close_on c = { .src = RPMSG_ADDR_ANY };
	int i;

	ck_assert_int_eq(rpmsg_ept_sendto(fx.ept, "to40", 4, 40), 0);
	rpmsg_ept_set_rx_cb(fx.ept, rx_closes_on_src, &c);
	rpmsg_ept_set_event_cb(fx.ept, event_closes, &c);
	for (i = 0; i < 4; i++)
		ck_assert_int_eq(rpmsg_ept_sendto(fx.ept, "to40", 4, 40), 0);
	rpmsg_sim_crash(fx.sim);
	ck_assert(dispatch_until(fx.ctx, c.closed, 2000));
	fx.ept = NULL;
	rpmsg_ctx_dispatch(fx.ctx, 50);
	ck_assert_uint_eq(c.after_close, 0);
}
END_TEST

static void done_closes(struct rpmsg_ept *ept, int status, void *user)
{
	close_once(ept, user);
}

/* An asynchronous send's completion closes an endpoint while replies wait
 * on its sendto sibling. */
START_TEST(test_ept_close_from_done_with_sibling)
{
	struct close_on c = { .src = RPMSG_ADDR_ANY };
	int i;

	rpmsg_ept_set_rx_cb(fx.ept, rx_closes_on_src, &c);
	for (i = 0; i < 4; i++)
		ck_assert_int_eq(rpmsg_ept_sendto(fx.ept, "to40", 4, 40), 0);
	ck_assert_int_eq(rpmsg_ept_send_async(fx.ept, "a", 1, done_closes, &c), 0);
	ck_assert_int_eq(rpmsg_ept_send_async(fx.ept, "b", 1, done_closes, &c), 0);
	ck_assert(dispatch_until(fx.ctx, c.closed, 2000));
	fx.ept = NULL;
	rpmsg_ctx_dispatch(fx.ctx, 50);
	/* The second send completed once, inside the close. */
	ck_assert_uint_eq(c.after_close, 1);
}
END_TEST

/* A remote crash: the event runs once, with EPIPE; sends then fail with EPIPE,
 * queued sends complete with -EPIPE. */
START_TEST(test_ept_down_event_once)
{
	struct recorder rec = { 0 };

	rpmsg_ept_set_event_cb(fx.ept, rec_event, &rec);
	rpmsg_sim_pause(fx.sim);
	rpmsg_sim_crash(fx.sim);
	ck_assert(dispatch_until(fx.ctx, rec.down_count > 0, 2000));
	rpmsg_ctx_dispatch(fx.ctx, 50);
	ck_assert_uint_eq(rec.down_count, 1);
	ck_assert_int_eq(rec.down_error, EPIPE);
	ck_assert(rpmsg_ept_is_down(fx.ept));
	ck_assert_errno(rpmsg_ept_send(fx.ept, "x", 1), EPIPE);
	ck_assert_errno(rpmsg_ept_trysend(fx.ept, "x", 1), EPIPE);
	ck_assert_errno(rpmsg_ept_timedsend(fx.ept, "x", 1, 10), EPIPE);
	ck_assert_errno(rpmsg_ept_send_async(fx.ept, "x", 1, NULL, NULL), EPIPE);
	rpmsg_ctx_dispatch(fx.ctx, 20);
	ck_assert_uint_eq(rec.down_count, 1);
}
END_TEST

/* Sends queued when the endpoint goes down complete with -EPIPE, none is lost. */
START_TEST(test_ept_down_fails_queued)
{
	struct recorder rec = { 0 };
	int i;

	rpmsg_sim_set_tx_credits(fx.sim, 1);
	rpmsg_sim_pause(fx.sim);
	for (i = 0; i < 40; i++)
		ck_assert_int_eq(rpmsg_ept_send_async(fx.ept, "abcdefgh", 8, rec_done, &rec), 0);
	rpmsg_ctx_dispatch(fx.ctx, 50);
	rpmsg_sim_crash(fx.sim);
	ck_assert(dispatch_until(fx.ctx, rec.done_count == 40, 3000));
	ck_assert_int_eq(rec.done_status[39], -EPIPE);
}
END_TEST

/* destroy: the remote forgets the endpoint; it goes down at once, queued sends complete
 * with -EPIPE, the event comes once, a second destroy is EPIPE, close still works. */
START_TEST(test_ept_destroy)
{
	struct recorder rec = { 0 };
	uint64_t before = rpmsg_sim_get_rx_count(fx.sim);
	int i;

	rpmsg_ept_set_event_cb(fx.ept, rec_event, &rec);
	rpmsg_sim_set_tx_credits(fx.sim, 1);
	rpmsg_sim_pause(fx.sim);
	for (i = 0; i < 10; i++)
		ck_assert_int_eq(rpmsg_ept_send_async(fx.ept, "q", 1, rec_done, &rec), 0);
	ck_assert_int_eq(rpmsg_ept_destroy(fx.ept), 0);
	ck_assert(rpmsg_ept_is_down(fx.ept));
	ck_assert_errno(rpmsg_ept_send(fx.ept, "x", 1), EPIPE);
	ck_assert_errno(rpmsg_ept_destroy(fx.ept), EPIPE);
	ck_assert(dispatch_until(fx.ctx, rec.done_count == 10 && rec.down_count == 1, 2000));
	for (i = 0; i < 10; i++)
		ck_assert_int_eq(rec.done_status[i], -EPIPE);
	ck_assert_int_eq(rec.down_error, EPIPE);
	rpmsg_sim_resume(fx.sim);
	rpmsg_ctx_dispatch(fx.ctx, 50);
	ck_assert_uint_eq(rec.down_count, 1);
	ck_assert_uint_eq(rpmsg_sim_get_rx_count(fx.sim), before);
	rpmsg_ept_close(fx.ept);
	fx.ept = NULL;
}
END_TEST

/* destroy and destroy-on-close: argument errors, and endpoints that live with their handle. */
START_TEST(test_ept_destroy_errors)
{
	struct rpmsg_ept *ept;
	int s[2];

	ck_assert_errno(rpmsg_ept_destroy(NULL), EINVAL);
	ck_assert_errno(rpmsg_ept_set_destroy_on_close(NULL, true), EINVAL);
	ck_assert_errno(rpmsg_ept_set_destroy_on_close(fx.ept, false), EOPNOTSUPP);
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, s), 0);
	ept = rpmsg_ept_open_fd(fx.ctx, s[0]);
	ck_assert_ptr_nonnull(ept);
	ck_assert_errno(rpmsg_ept_destroy(ept), EOPNOTSUPP);
	ck_assert_errno(rpmsg_ept_set_destroy_on_close(ept, true), EOPNOTSUPP);
	ck_assert(!rpmsg_ept_is_down(ept));
	rpmsg_ept_close(ept);
	close(s[1]);
}
END_TEST

/* The down event set after the fact is still delivered, once. */
START_TEST(test_ept_down_event_set_late)
{
	struct recorder rec = { 0 };

	rpmsg_sim_crash(fx.sim);
	ck_assert_errno(rpmsg_ept_timedsend(fx.ept, "x", 1, 1000), EPIPE);
	rpmsg_ept_set_event_cb(fx.ept, rec_event, &rec);
	ck_assert(dispatch_until(fx.ctx, rec.down_count == 1, 2000));
	rpmsg_ctx_dispatch(fx.ctx, 20);
	ck_assert_uint_eq(rec.down_count, 1);
}
END_TEST

/* Channels: opened by name, one opener at a time, messages kept while closed,
 * down when withdrawn. */
START_TEST(test_ept_channel)
{
	struct recorder rec = { 0 }, ev = { 0 };
	struct rpmsg_ept *ch, *again;
	uint32_t local;

	ck_assert_int_eq(rpmsg_sim_announce(fx.sim, "rpmsg-raw", 50), 0);
	ch = rpmsg_ctrl_open_channel(fx.ctrl, "rpmsg-raw", 50);
	ck_assert_ptr_nonnull(ch);
	ck_assert_str_eq(rpmsg_ept_get_name(ch), "rpmsg-raw");
	ck_assert_uint_eq(rpmsg_ept_get_dst(ch), 50);
	local = rpmsg_ept_get_src(ch);
	ck_assert_null_errno(rpmsg_ctrl_open_channel(fx.ctrl, "rpmsg-raw", 50), EBUSY);
	ck_assert_null_errno(rpmsg_ctrl_open_channel(fx.ctrl, "nope", RPMSG_ADDR_ANY), ENOENT);
	ck_assert_errno(rpmsg_ept_sendto(ch, "x", 1, 51), EOPNOTSUPP);
	rpmsg_ept_close(ch);

	/* Sent by the remote while nobody had it open: kept for the next opener. */
	ck_assert_int_eq(rpmsg_sim_send(fx.sim, 50, local, "early", 5), 0);
	again = rpmsg_ctrl_open_channel(fx.ctrl, "rpmsg-raw", RPMSG_ADDR_ANY);
	ck_assert_ptr_nonnull(again);
	rpmsg_ept_set_rx_cb(again, rec_rx, &rec);
	rpmsg_ept_set_event_cb(again, rec_event, &ev);
	ck_assert(dispatch_until(fx.ctx, rec.rx_count == 1, 2000));
	ck_assert_mem_eq(rec.last, "early", 5);
	ck_assert_uint_eq(rec.last_src, 50);

	ck_assert_int_eq(rpmsg_sim_withdraw(fx.sim, "rpmsg-raw", 50), 0);
	ck_assert(dispatch_until(fx.ctx, ev.down_count == 1, 2000));
	ck_assert_errno(rpmsg_ept_send(again, "x", 1), EPIPE);
	rpmsg_ept_close(again);
}
END_TEST

Suite *suite_ept(void)
{
	Suite *s = suite_create("ept");
	TCase *tc = tcase_create("basics");

	tcase_add_checked_fixture(tc, fixture_setup, fixture_teardown);
	tcase_set_timeout(tc, 10);
	tcase_add_test(tc, test_ept_getters);
	tcase_add_test(tc, test_ept_setters);
	tcase_add_test(tc, test_ept_cb_data);
	tcase_add_test(tc, test_ept_open_fd_errors);
	tcase_add_test(tc, test_ept_open_sysfs_error);
	tcase_add_test(tc, test_ept_open_fd_socket);
	tcase_add_test(tc, test_ept_open_fd_twice);
	tcase_add_test(tc, test_ept_open_fd_datagram);
	tcase_add_test(tc, test_ept_null);
	tcase_add_test(tc, test_ept_open_errors);
	suite_add_tcase(s, tc);

	tc = tcase_create("close");
	tcase_add_checked_fixture(tc, fixture_setup, fixture_teardown);
	tcase_set_timeout(tc, 10);
	tcase_add_test(tc, test_ept_close_cancels_queue);
	tcase_add_test(tc, test_ept_close_from_own_callback);
	tcase_add_test(tc, test_ept_close_from_sibling_rx);
	tcase_add_test(tc, test_ept_close_from_event_with_sibling);
	tcase_add_test(tc, test_ept_close_from_done_with_sibling);
	suite_add_tcase(s, tc);

	tc = tcase_create("down");
	tcase_add_checked_fixture(tc, fixture_setup, fixture_teardown);
	tcase_set_timeout(tc, 10);
	tcase_add_test(tc, test_ept_down_event_once);
	tcase_add_test(tc, test_ept_down_fails_queued);
	tcase_add_test(tc, test_ept_down_event_set_late);
	tcase_add_test(tc, test_ept_destroy);
	tcase_add_test(tc, test_ept_destroy_errors);
	tcase_add_test(tc, test_ept_channel);
	suite_add_tcase(s, tc);
	return s;
}
