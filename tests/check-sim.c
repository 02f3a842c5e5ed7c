// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: librpmsg authors

/* The simulated remote: arguments, handler, MTU, announcements, crash and restart. */

#include <stdlib.h>
#include <string.h>

#include "check-common.h"

/* Constructor and setters refuse bad arguments with EINVAL. */
START_TEST(test_sim_args)
{
	ck_assert_null_errno(rpmsg_sim_new(NULL, 0), EINVAL);
	ck_assert_null_errno(rpmsg_sim_new(fx.ctx, 1U << 5), EINVAL);
	ck_assert_errno(rpmsg_sim_set_tx_credits(fx.sim, 0), EINVAL);
	ck_assert_errno(rpmsg_sim_set_mtu(fx.sim, 0), EINVAL);
	ck_assert_errno(rpmsg_sim_set_mtu(fx.sim, RPMSG_MTU_MAX + 1), EINVAL);
	ck_assert_errno(rpmsg_sim_send(NULL, 1, 2, "x", 1), EINVAL);
	ck_assert_errno(rpmsg_sim_send(fx.sim, 1, 2, NULL, 1), EINVAL);
	ck_assert_errno(rpmsg_sim_send(fx.sim, 1, 999999, "x", 1), ENOENT);
	ck_assert_errno(rpmsg_sim_announce(fx.sim, "", 5), EINVAL);
	ck_assert_errno(rpmsg_sim_announce(fx.sim, "x", RPMSG_ADDR_ANY), EINVAL);
	ck_assert_errno(rpmsg_sim_announce(fx.sim, "0123456789012345678901234567890123", 5),
			ENAMETOOLONG);
	ck_assert_errno(rpmsg_sim_withdraw(fx.sim, "absent", 5), ENOENT);
	ck_assert_errno(rpmsg_sim_withdraw(fx.sim, NULL, 5), EINVAL);
	ck_assert_int_eq(rpmsg_sim_announce(fx.sim, "svc", 5), 0);
	ck_assert_errno(rpmsg_sim_announce(fx.sim, "svc", 5), EEXIST);
}
END_TEST

/* The simulator's MTU applies to its endpoints, both ways. */
START_TEST(test_sim_mtu)
{
	struct rpmsg_ept *ept;
	char buf[200] = { 0 };

	ck_assert_int_eq(rpmsg_sim_set_mtu(fx.sim, 100), 0);
	ept = rpmsg_ctrl_create_ept(fx.ctrl, "small", RPMSG_ADDR_ANY, 31);
	ck_assert_ptr_nonnull(ept);
	ck_assert_uint_eq(rpmsg_ept_get_mtu(ept), 100);
	ck_assert_errno(rpmsg_ept_send(ept, buf, 101), EMSGSIZE);
	ck_assert_errno(rpmsg_sim_send(fx.sim, 31, rpmsg_ept_get_src(ept), buf, 101), EMSGSIZE);
	rpmsg_ept_close(ept);
}
END_TEST

static void upper_handler(struct rpmsg_sim *sim, uint32_t from, uint32_t to, const void *data,
			  size_t len, void *user)
{
	char out[64];
	size_t i;

	for (i = 0; i < len && i < sizeof(out); i++)
		out[i] = (char)(((const char *)data)[i] & ~0x20);
	*(uint32_t *)user = to;
	rpmsg_sim_send(sim, to, from, out, i);
}

/* A handler replaces the echo and sees the addresses; NULL restores the echo. */
START_TEST(test_sim_handler)
{
	struct recorder rec = { 0 };
	uint32_t seen_to = 0;
	uint64_t before = rpmsg_sim_get_rx_count(fx.sim);

	rpmsg_ept_set_rx_cb(fx.ept, rec_rx, &rec);
	rpmsg_sim_set_handler(fx.sim, upper_handler, &seen_to);
	ck_assert_int_eq(rpmsg_ept_send(fx.ept, "abc", 3), 0);
	ck_assert(dispatch_until(fx.ctx, rec.rx_count == 1, 2000));
	ck_assert_mem_eq(rec.last, "ABC", 3);
	ck_assert_uint_eq(seen_to, 30);
	rpmsg_sim_set_handler(fx.sim, NULL, NULL);
	ck_assert_int_eq(rpmsg_ept_send(fx.ept, "abc", 3), 0);
	ck_assert(dispatch_until(fx.ctx, rec.rx_count == 2, 2000));
	ck_assert_mem_eq(rec.last, "abc", 3);
	ck_assert_uint_eq(rpmsg_sim_get_rx_count(fx.sim) - before, 2);
}
END_TEST

/* A paused remote takes in exactly its credits and holds them; resuming processes them. */
START_TEST(test_sim_held_count)
{
	struct recorder rec = { 0 };
	uint64_t before = rpmsg_sim_get_rx_count(fx.sim);
	int i;

	rpmsg_ept_set_rx_cb(fx.ept, rec_rx, &rec);
	ck_assert_uint_eq(rpmsg_sim_get_held_count(fx.sim), 0);
	ck_assert_int_eq(rpmsg_sim_set_tx_credits(fx.sim, 3), 0);
	rpmsg_sim_pause(fx.sim);
	for (i = 0; i < 5; i++)
		ck_assert_int_eq(rpmsg_ept_send(fx.ept, "h", 1), 0);
	ck_assert(dispatch_until(fx.ctx, rpmsg_sim_get_held_count(fx.sim) == 3, 2000));
	sleep_ms(20);
	ck_assert_uint_eq(rpmsg_sim_get_held_count(fx.sim), 3);
	ck_assert_uint_eq(rpmsg_sim_get_rx_count(fx.sim), before);
	ck_assert_uint_eq(rec.rx_count, 0);
	rpmsg_sim_resume(fx.sim);
	ck_assert(dispatch_until(fx.ctx, rec.rx_count == 5, 2000));
	ck_assert_uint_eq(rpmsg_sim_get_held_count(fx.sim), 0);
	ck_assert_uint_eq(rpmsg_sim_get_rx_count(fx.sim) - before, 5);
}
END_TEST

/* After a crash nothing can be created (EPIPE) until restart; then it works again. */
START_TEST(test_sim_crash_restart)
{
	struct recorder rec = { 0 };
	struct rpmsg_ept *ept;

	rpmsg_sim_crash(fx.sim);
	ck_assert_null_errno(rpmsg_ctrl_create_ept(fx.ctrl, "x", RPMSG_ADDR_ANY, 3), EPIPE);
	ck_assert_errno(rpmsg_sim_announce(fx.sim, "svc", 5), EPIPE);
	ck_assert_errno(rpmsg_sim_send(fx.sim, 1, rpmsg_ept_get_src(fx.ept), "x", 1), EPIPE);
	rpmsg_sim_restart(fx.sim);
	ept = rpmsg_ctrl_create_ept(fx.ctrl, "x", RPMSG_ADDR_ANY, 3);
	ck_assert_ptr_nonnull(ept);
	rpmsg_ept_set_rx_cb(ept, rec_rx, &rec);
	ck_assert_int_eq(rpmsg_ept_send(ept, "back", 4), 0);
	ck_assert(dispatch_until(fx.ctx, rec.rx_count == 1, 2000));
	rpmsg_ept_close(ept);
}
END_TEST

/* Freeing the simulator takes its endpoints down; they can still be closed. */
START_TEST(test_sim_free_live_endpoints)
{
	struct recorder ev = { 0 };

	rpmsg_ept_set_event_cb(fx.ept, rec_event, &ev);
	rpmsg_sim_free(fx.sim);
	fx.sim = NULL;
	ck_assert(dispatch_until(fx.ctx, ev.down_count == 1, 2000));
	ck_assert_errno(rpmsg_ept_send(fx.ept, "x", 1), EPIPE);
	rpmsg_sim_free(NULL);
}
END_TEST

/* An explicit local address in use is refused like the kernel's open(): EINVAL. */
START_TEST(test_sim_src_in_use)
{
	struct rpmsg_ept *a = rpmsg_ctrl_create_ept(fx.ctrl, "a", 2000, 30);

	ck_assert_ptr_nonnull(a);
	ck_assert_uint_eq(rpmsg_ept_get_src(a), 2000);
	ck_assert_null_errno(rpmsg_ctrl_create_ept(fx.ctrl, "b", 2000, 30), EINVAL);
	rpmsg_ept_close(a);
}
END_TEST

/* Every rpmsg_sim_* function given a NULL simulator: EINVAL and its neutral
 * value; rpmsg_sim_free does nothing. */
START_TEST(test_sim_null)
{
	ck_assert_null_errno(rpmsg_sim_new(NULL, 0), EINVAL);
	errno = 0;
	rpmsg_sim_free(NULL);
	ck_assert_int_eq(errno, 0);
	ck_assert_null_errno(rpmsg_sim_get_ctrl(NULL), EINVAL);
	errno = 0;
	rpmsg_sim_set_handler(NULL, NULL, NULL);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_errno(rpmsg_sim_send(NULL, 1, 2, "x", 1), EINVAL);
	ck_assert_errno(rpmsg_sim_set_tx_credits(NULL, 1), EINVAL);
	ck_assert_errno(rpmsg_sim_set_mtu(NULL, 100), EINVAL);
	errno = 0;
	rpmsg_sim_pause(NULL);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	rpmsg_sim_resume(NULL);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_errno(rpmsg_sim_announce(NULL, "svc", 5), EINVAL);
	ck_assert_errno(rpmsg_sim_withdraw(NULL, "svc", 5), EINVAL);
	errno = 0;
	rpmsg_sim_crash(NULL);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	rpmsg_sim_restart(NULL);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_value_errno(rpmsg_sim_get_rx_count(NULL), 0, EINVAL);
	ck_assert_value_errno(rpmsg_sim_get_held_count(NULL), 0, EINVAL);
	/* The simulator is untouched by all this. */
	ck_assert_int_eq(rpmsg_sim_send(fx.sim, 30, rpmsg_ept_get_src(fx.ept), "ok", 2), 0);
}
END_TEST

/* What a handler saw when it called the rpmsg_sim_* functions; checked on the
 * test's thread (a failed assertion on the simulator's thread would not end the test). */
struct handler_calls {
	struct rpmsg_sim *other;
	struct rpmsg_ctrl *ctrl;
	int free_errno, new_errno, ctx_free_errno;
	int other_send_errno, other_pause_errno, other_held_errno, other_free_errno;
	int ctrl_ok, credits_ret, mtu_ret, announce_ret, withdraw_ret, send_ret;
	unsigned int held;
	uint64_t rx_count;
	bool crashed;
};

static void calling_handler(struct rpmsg_sim *sim, uint32_t from, uint32_t to,
			    const void *data, size_t len, void *user)
{
	struct handler_calls *c = user;

	if (len == 5 && !memcmp(data, "crash", 5)) {
		c->crashed = true;	/* first: the crash wakes the test's thread */
		rpmsg_sim_crash(sim);
		rpmsg_sim_restart(sim);
		return;
	}
	errno = 0;
	rpmsg_sim_free(sim);
	c->free_errno = errno;
	errno = 0;
	c->new_errno = rpmsg_sim_new(fx.ctx, 0) ? 0 : errno;
	errno = 0;
	rpmsg_ctx_free(fx.ctx);
	c->ctx_free_errno = errno;
	errno = 0;
	c->other_send_errno = rpmsg_sim_send(c->other, 1, 2, "x", 1) < 0 ? errno : 0;
	errno = 0;
	rpmsg_sim_pause(c->other);
	c->other_pause_errno = errno;
	errno = 0;
	c->other_held_errno = rpmsg_sim_get_held_count(c->other) == 0 ? errno : -1;
	errno = 0;
	rpmsg_sim_free(c->other);
	c->other_free_errno = errno;

	c->ctrl_ok = rpmsg_sim_get_ctrl(sim) == c->ctrl;
	c->credits_ret = rpmsg_sim_set_tx_credits(sim, 7);
	c->mtu_ret = rpmsg_sim_set_mtu(sim, 496);
	c->announce_ret = rpmsg_sim_announce(sim, "from-handler", 77);
	c->withdraw_ret = rpmsg_sim_withdraw(sim, "from-handler", 77);
	rpmsg_sim_set_handler(sim, calling_handler, user);
	rpmsg_sim_pause(sim);
	c->held = rpmsg_sim_get_held_count(sim);
	rpmsg_sim_resume(sim);
	c->rx_count = rpmsg_sim_get_rx_count(sim);
	c->send_ret = rpmsg_sim_send(sim, to, from, data, len);
}

/* From its handler a simulator may use its own rpmsg_sim_* functions except
 * rpmsg_sim_free and rpmsg_sim_new, which fail with EDEADLK and change nothing
 * (the thread cannot join itself); another simulator is refused with EDEADLK,
 * and so is rpmsg_ctx_free (it would free the simulator). */
START_TEST(test_sim_handler_calls)
{
	struct handler_calls c = { 0 };
	struct recorder rec = { 0 }, ev = { 0 };

	c.other = rpmsg_sim_new(fx.ctx, 0);
	ck_assert_ptr_nonnull(c.other);
	c.ctrl = fx.ctrl;
	rpmsg_ept_set_rx_cb(fx.ept, rec_rx, &rec);
	rpmsg_ept_set_event_cb(fx.ept, rec_event, &ev);
	rpmsg_sim_set_handler(fx.sim, calling_handler, &c);
	ck_assert_int_eq(rpmsg_ept_send(fx.ept, "calls", 5), 0);
	ck_assert(dispatch_until(fx.ctx, rec.rx_count == 1, 2000));
	ck_assert_mem_eq(rec.last, "calls", 5);
	ck_assert_int_eq(c.free_errno, EDEADLK);
	ck_assert_int_eq(c.new_errno, EDEADLK);
	ck_assert_int_eq(c.ctx_free_errno, EDEADLK);
	ck_assert_int_eq(c.other_send_errno, EDEADLK);
	ck_assert_int_eq(c.other_pause_errno, EDEADLK);
	ck_assert_int_eq(c.other_held_errno, EDEADLK);
	ck_assert_int_eq(c.other_free_errno, EDEADLK);
	ck_assert(c.ctrl_ok);
	ck_assert_int_eq(c.credits_ret, 0);
	ck_assert_int_eq(c.mtu_ret, 0);
	ck_assert_int_eq(c.announce_ret, 0);
	ck_assert_int_eq(c.withdraw_ret, 0);
	ck_assert_uint_eq(c.held, 0);
	ck_assert_uint_ge(c.rx_count, 1);
	ck_assert_int_eq(c.send_ret, 0);
	/* Both simulators still work, and the other one was not paused. */
	ck_assert_int_eq(rpmsg_ept_send(fx.ept, "again", 5), 0);
	ck_assert(dispatch_until(fx.ctx, rec.rx_count == 2, 2000));
	ck_assert_uint_eq(rpmsg_sim_get_held_count(c.other), 0);
	rpmsg_sim_free(c.other);

	/* A crash from the handler takes the endpoint down; restarted, it serves again. */
	ck_assert_int_eq(rpmsg_ept_send(fx.ept, "crash", 5), 0);
	ck_assert(dispatch_until(fx.ctx, ev.down_count == 1, 2000));
	ck_assert(c.crashed);
	ck_assert_int_eq(ev.down_error, EPIPE);
	rpmsg_ept_close(fx.ept);
	fx.ept = rpmsg_ctrl_create_ept(fx.ctrl, "test", RPMSG_ADDR_ANY, 30);
	ck_assert_ptr_nonnull(fx.ept);
	rpmsg_ept_set_rx_cb(fx.ept, rec_rx, &rec);
	ck_assert_int_eq(rpmsg_ept_send(fx.ept, "after", 5), 0);
	ck_assert(dispatch_until(fx.ctx, rec.rx_count == 3, 2000));
}
END_TEST

/* At the largest MTU every message is carried both ways: synchronous and
 * asynchronous sends to the remote (echoed back) and the remote's own sends. */
START_TEST(test_sim_max_mtu)
{
	static struct recorder rec, done;
	unsigned char *buf = malloc(RPMSG_MTU_MAX);
	struct rpmsg_ept *ept;
	size_t i;

	memset(&rec, 0, sizeof(rec));
	memset(&done, 0, sizeof(done));
	ck_assert_ptr_nonnull(buf);
	for (i = 0; i < RPMSG_MTU_MAX; i++)
		buf[i] = (unsigned char)(i * 7 + i / 251);
	ck_assert_int_eq(rpmsg_sim_set_mtu(fx.sim, RPMSG_MTU_MAX), 0);
	ept = rpmsg_ctrl_create_ept(fx.ctrl, "big", RPMSG_ADDR_ANY, 31);
	ck_assert_ptr_nonnull(ept);
	ck_assert_uint_eq(rpmsg_ept_get_mtu(ept), RPMSG_MTU_MAX);
	rpmsg_ept_set_rx_cb(ept, rec_rx, &rec);

	ck_assert_int_eq(rpmsg_ept_send(ept, buf, RPMSG_MTU_MAX), 0);
	ck_assert(dispatch_until(fx.ctx, rec.rx_count == 1, 3000));
	ck_assert_uint_eq(rec.last_len, RPMSG_MTU_MAX);
	ck_assert_mem_eq(rec.last, buf, RPMSG_MTU_MAX);

	buf[0] ^= 0xff;
	for (i = 0; i < 4; i++)
		ck_assert_int_eq(rpmsg_ept_send_async(ept, buf, RPMSG_MTU_MAX, rec_done, &done), 0);
	ck_assert(dispatch_until(fx.ctx, rec.rx_count == 5 && done.done_count == 4, 3000));
	for (i = 0; i < 4; i++)
		ck_assert_int_eq(done.done_status[i], 0);
	ck_assert_uint_eq(rec.last_len, RPMSG_MTU_MAX);
	ck_assert_mem_eq(rec.last, buf, RPMSG_MTU_MAX);

	buf[1] ^= 0xff;
	ck_assert_int_eq(rpmsg_sim_send(fx.sim, 31, rpmsg_ept_get_src(ept), buf, RPMSG_MTU_MAX), 0);
	ck_assert(dispatch_until(fx.ctx, rec.rx_count == 6, 3000));
	ck_assert_uint_eq(rec.last_len, RPMSG_MTU_MAX);
	ck_assert_mem_eq(rec.last, buf, RPMSG_MTU_MAX);
	ck_assert_errno(rpmsg_ept_send(ept, buf, RPMSG_MTU_MAX + 1), EMSGSIZE);
	rpmsg_ept_close(ept);
	free(buf);
}
END_TEST

/* Pause takes effect before it returns: every message sent before it has been
 * processed or is held. Once the remote holds its credits and a send failed with
 * EAGAIN, the ring stays full until resume: trysend fails with EAGAIN and
 * send_timeout times out, every time. Repeated to catch the remote's thread at
 * any point. */
START_TEST(test_sim_pause_deterministic)
{
	struct recorder rec = { 0 };
	uint64_t rx0 = rpmsg_sim_get_rx_count(fx.sim);
	unsigned int sent = 0, slack;
	int round;

	rpmsg_ept_set_rx_cb(fx.ept, rec_rx, &rec);
	ck_assert_int_eq(rpmsg_sim_set_tx_credits(fx.sim, 2), 0);
	for (round = 0; round < 200; round++) {
		ck_assert_int_eq(rpmsg_ept_trysend(fx.ept, "p", 1), 0);
		sent++;
		rpmsg_sim_pause(fx.sim);
		ck_assert_uint_eq(rpmsg_sim_get_rx_count(fx.sim) - rx0 +
				  rpmsg_sim_get_held_count(fx.sim), sent);
		while (rpmsg_sim_get_held_count(fx.sim) < 2) {
			ck_assert_int_eq(rpmsg_ept_trysend(fx.ept, "p", 1), 0);
			sent++;
		}
		for (slack = 0; rpmsg_ept_trysend(fx.ept, "p", 1) == 0; slack++)
			ck_assert_uint_lt(slack, 64);
		ck_assert_int_eq(errno, EAGAIN);
		sent += slack;
		ck_assert_errno(rpmsg_ept_trysend(fx.ept, "p", 1), EAGAIN);
		ck_assert_errno(rpmsg_ept_timedsend(fx.ept, "p", 1, 2), ETIMEDOUT);
		ck_assert_uint_eq(rpmsg_sim_get_held_count(fx.sim), 2);
		rpmsg_sim_resume(fx.sim);
		ck_assert(dispatch_until(fx.ctx, rec.rx_count == sent, 2000));
	}
	ck_assert_uint_eq(rpmsg_sim_get_rx_count(fx.sim) - rx0, sent);
}
END_TEST

Suite *suite_sim(void)
{
	Suite *s = suite_create("sim");
	TCase *tc = tcase_create("sim");

	tcase_add_checked_fixture(tc, fixture_setup, fixture_teardown);
	tcase_set_timeout(tc, 10);
	tcase_add_test(tc, test_sim_args);
	tcase_add_test(tc, test_sim_mtu);
	tcase_add_test(tc, test_sim_handler);
	tcase_add_test(tc, test_sim_held_count);
	tcase_add_test(tc, test_sim_crash_restart);
	tcase_add_test(tc, test_sim_free_live_endpoints);
	tcase_add_test(tc, test_sim_src_in_use);
	tcase_add_test(tc, test_sim_null);
	tcase_add_test(tc, test_sim_handler_calls);
	tcase_add_test(tc, test_sim_max_mtu);
	tcase_add_test(tc, test_sim_pause_deterministic);
	suite_add_tcase(s, tc);
	return s;
}
