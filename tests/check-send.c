// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: librpmsg authors

/* The send family: arguments, MTU, sendto, TX credits, timeouts, order, threads. */

#include <pthread.h>
#include <string.h>

#include "check-common.h"

/* Argument errors with their errno, checked before any system call. */
START_TEST(test_send_args)
{
	char big[RPMSG_MTU_DEFAULT + 1] = { 0 };

	ck_assert_errno(rpmsg_ept_send(NULL, "x", 1), EINVAL);
	ck_assert_errno(rpmsg_ept_send(fx.ept, NULL, 1), EINVAL);
	ck_assert_errno(rpmsg_ept_trysend(fx.ept, NULL, 1), EINVAL);
	ck_assert_errno(rpmsg_ept_timedsend(fx.ept, "x", 1, -2), EINVAL);
	ck_assert_errno(rpmsg_ept_send_async(NULL, "x", 1, NULL, NULL), EINVAL);
	ck_assert_errno(rpmsg_ept_send_async(fx.ept, NULL, 3, NULL, NULL), EINVAL);
	ck_assert_errno(rpmsg_ept_send(fx.ept, big, sizeof(big)), EMSGSIZE);
	ck_assert_errno(rpmsg_ept_trysend(fx.ept, big, sizeof(big)), EMSGSIZE);
	ck_assert_errno(rpmsg_ept_send_async(fx.ept, big, sizeof(big), NULL, NULL), EMSGSIZE);
	ck_assert_errno(rpmsg_ept_sendto(fx.ept, big, sizeof(big), 31), EMSGSIZE);
	ck_assert_errno(rpmsg_ept_sendto(fx.ept, "x", 1, RPMSG_ADDR_ANY), EINVAL);
	ck_assert_errno(rpmsg_ept_trysendto(fx.ept, "x", 1, RPMSG_ADDR_ANY), EINVAL);
	ck_assert_int_eq(rpmsg_ept_set_mtu(fx.ept, 100), 0);
	ck_assert_errno(rpmsg_ept_send(fx.ept, big, 101), EMSGSIZE);
	ck_assert_int_eq(rpmsg_ept_send(fx.ept, big, 100), 0);
}
END_TEST

/* The NULL rule: every send function given a NULL endpoint fails with EINVAL. */
START_TEST(test_send_null)
{
	ck_assert_errno(rpmsg_ept_send(NULL, "x", 1), EINVAL);
	ck_assert_errno(rpmsg_ept_timedsend(NULL, "x", 1, 10), EINVAL);
	ck_assert_errno(rpmsg_ept_trysend(NULL, "x", 1), EINVAL);
	ck_assert_errno(rpmsg_ept_sendto(NULL, "x", 1, 40), EINVAL);
	ck_assert_errno(rpmsg_ept_trysendto(NULL, "x", 1, 40), EINVAL);
	ck_assert_errno(rpmsg_ept_send_async(NULL, "x", 1, NULL, NULL), EINVAL);
}
END_TEST

/* An endpoint created with dst ANY only receives: sends to its own destination fail
 * EINVAL before reaching the remote; sendto a real address still works. */
START_TEST(test_send_receive_only)
{
	struct rpmsg_ept *ept = rpmsg_ctrl_create_ept(fx.ctrl, "ro", RPMSG_ADDR_ANY,
						      RPMSG_ADDR_ANY);
	struct recorder rec = { 0 };
	uint64_t before = rpmsg_sim_get_rx_count(fx.sim);

	ck_assert_ptr_nonnull(ept);
	rpmsg_ept_set_rx_cb(ept, rec_rx, &rec);
	ck_assert_errno(rpmsg_ept_send(ept, "x", 1), EINVAL);
	ck_assert_errno(rpmsg_ept_trysend(ept, "x", 1), EINVAL);
	ck_assert_errno(rpmsg_ept_timedsend(ept, "x", 1, 10), EINVAL);
	ck_assert_errno(rpmsg_ept_send_async(ept, "x", 1, NULL, NULL), EINVAL);
	ck_assert_int_eq(rpmsg_ept_sendto(ept, "to", 2, 30), 0);
	ck_assert(dispatch_until(fx.ctx, rec.rx_count == 1, 2000));
	ck_assert_mem_eq(rec.last, "to", 2);
	ck_assert_uint_eq(rpmsg_sim_get_rx_count(fx.sim) - before, 1);
	rpmsg_ept_close(ept);
}
END_TEST

/* Every variant sends exactly the bytes given, including an empty message. */
START_TEST(test_send_variants_echo)
{
	struct recorder rec = { 0 };

	rpmsg_ept_set_rx_cb(fx.ept, rec_rx, &rec);
	ck_assert_int_eq(rpmsg_ept_send(fx.ept, "one", 3), 0);
	ck_assert(dispatch_until(fx.ctx, rec.rx_count == 1, 2000));
	ck_assert_mem_eq(rec.last, "one", 3);
	ck_assert_int_eq(rpmsg_ept_trysend(fx.ept, "two!", 4), 0);
	ck_assert(dispatch_until(fx.ctx, rec.rx_count == 2, 2000));
	ck_assert_uint_eq(rec.last_len, 4);
	ck_assert_int_eq(rpmsg_ept_timedsend(fx.ept, "three", 5, 100), 0);
	ck_assert(dispatch_until(fx.ctx, rec.rx_count == 3, 2000));
	ck_assert_int_eq(rpmsg_ept_sendto(fx.ept, "four", 4, 30), 0);	/* own dst: plain send */
	ck_assert(dispatch_until(fx.ctx, rec.rx_count == 4, 2000));
	ck_assert_uint_eq(rec.last_src, 30);
	ck_assert_int_eq(rpmsg_ept_send(fx.ept, NULL, 0), 0);
	ck_assert(dispatch_until(fx.ctx, rec.rx_count == 5, 2000));
	ck_assert_uint_eq(rec.last_len, 0);
	ck_assert_int_eq(rpmsg_ept_send_async(fx.ept, "six", 3, rec_done, &rec), 0);
	ck_assert(dispatch_until(fx.ctx, rec.rx_count == 6 && rec.done_count == 1, 2000));
	ck_assert_int_eq(rec.done_status[0], 0);
}
END_TEST

/* sendto another address goes through a sibling endpoint; replies arrive with src = that address. */
START_TEST(test_send_sendto_sibling)
{
	struct recorder rec = { 0 };

	rpmsg_ept_set_rx_cb(fx.ept, rec_rx, &rec);
	ck_assert_int_eq(rpmsg_ept_sendto(fx.ept, "to40", 4, 40), 0);
	ck_assert(dispatch_until(fx.ctx, rec.rx_count == 1, 2000));
	ck_assert_uint_eq(rec.last_src, 40);
	ck_assert_int_eq(rpmsg_ept_trysendto(fx.ept, "again", 5, 40), 0);
	ck_assert(dispatch_until(fx.ctx, rec.rx_count == 2, 2000));
	ck_assert_uint_eq(rec.last_src, 40);
	ck_assert_int_eq(rpmsg_ept_send(fx.ept, "home", 4), 0);
	ck_assert(dispatch_until(fx.ctx, rec.rx_count == 3, 2000));
	ck_assert_uint_eq(rec.last_src, 30);
}
END_TEST

/* With the remote paused, trysend reports EAGAIN once the credits (plus the
 * socket's few messages of slack) are used, and everything accepted is echoed later. */
START_TEST(test_send_credits_trysend)
{
	struct recorder rec = { 0 };
	unsigned int ok = 0;
	int rounds = 0;

	rpmsg_ept_set_rx_cb(fx.ept, rec_rx, &rec);
	ck_assert_int_eq(rpmsg_sim_set_tx_credits(fx.sim, 4), 0);
	rpmsg_sim_pause(fx.sim);
	/* The remote takes messages concurrently: retry until EAGAIN persists. */
	while (rounds < 20) {
		if (rpmsg_ept_trysend(fx.ept, "c", 1) == 0) {
			ok++;
			rounds = 0;
			continue;
		}
		ck_assert_int_eq(errno, EAGAIN);
		rounds++;
		sleep_ms(5);
	}
	ck_assert_uint_ge(ok, 4);
	ck_assert_uint_lt(ok, 4 + 64);
	rpmsg_sim_resume(fx.sim);
	ck_assert(dispatch_until(fx.ctx, rec.rx_count == ok, 3000));
}
END_TEST

/* Pause sim with 2 credits and send on ept until the ring is full: once the
 * remote holds its credits, nothing more leaves until it resumes. */
static void fill_ring_of(struct rpmsg_sim *sim, struct rpmsg_ept *ept)
{
	int64_t end = now_ms() + 2000;

	rpmsg_sim_set_tx_credits(sim, 2);
	rpmsg_sim_pause(sim);
	while (rpmsg_sim_get_held_count(sim) < 2 && now_ms() < end) {
		rpmsg_ept_trysend(ept, "f", 1);
		sleep_ms(1);
	}
	ck_assert_uint_eq(rpmsg_sim_get_held_count(sim), 2);
	while (rpmsg_ept_trysend(ept, "f", 1) == 0)
		;
	ck_assert_int_eq(errno, EAGAIN);
}

static void fill_ring(void)
{
	fill_ring_of(fx.sim, fx.ept);
}

/* send_timeout gives ETIMEDOUT after the timeout on a full ring, never errno 512. */
START_TEST(test_send_timeout_expires)
{
	int64_t t0;

	fill_ring();
	t0 = now_ms();
	ck_assert_errno(rpmsg_ept_timedsend(fx.ept, "t", 1, 100), ETIMEDOUT);
	ck_assert_int_ge(now_ms() - t0, 95);
	ck_assert_int_lt(now_ms() - t0, 1000);
	ck_assert_errno(rpmsg_ept_timedsend(fx.ept, "t", 1, 0), ETIMEDOUT);
	ck_assert_int_eq(rpmsg_ept_set_send_timeout(fx.ept, 50), 0);
	ck_assert_errno(rpmsg_ept_send(fx.ept, "t", 1), ETIMEDOUT);
	ck_assert_errno(rpmsg_ept_sendto(fx.ept, "t", 1, 30), ETIMEDOUT);
	ck_assert_errno(rpmsg_ept_trysend(fx.ept, "t", 1), EAGAIN);
}
END_TEST

static void *resume_later(void *arg)
{
	sleep_ms(200);
	rpmsg_sim_resume(arg);
	return NULL;
}

/* send waits for a TX buffer and succeeds once the remote resumes. */
START_TEST(test_send_waits_then_succeeds)
{
	pthread_t t;
	int64_t t0;

	fill_ring();
	ck_assert_int_eq(pthread_create(&t, NULL, resume_later, fx.sim), 0);
	t0 = now_ms();
	ck_assert_int_eq(rpmsg_ept_send(fx.ept, "w", 1), 0);
	ck_assert_int_ge(now_ms() - t0, 150);
	pthread_join(t, NULL);
}
END_TEST

/* Loop index 0: the fixture's remote, which reports no POLLOUT (like virtio);
 * 1: a remote that reports POLLOUT, whose writes wait parked in the kernel. */
static struct rpmsg_ept *loop_remote(int i, struct rpmsg_sim **sim)
{
	struct rpmsg_ept *ept;

	if (i == 0) {
		*sim = fx.sim;
		return fx.ept;
	}
	*sim = rpmsg_sim_new(fx.ctx, RPMSG_SIM_POLLOUT);
	ck_assert_ptr_nonnull(*sim);
	ept = rpmsg_ctrl_create_ept(rpmsg_sim_get_ctrl(*sim), "p", RPMSG_ADDR_ANY, 9);
	ck_assert_ptr_nonnull(ept);
	rpmsg_ept_close(fx.ept);
	fx.ept = ept;
	return ept;
}

/* Async sends keep their order across a full ring and all complete with 0. */
START_TEST(test_send_async_order_full_ring)
{
	struct recorder rec = { 0 }, done = { 0 };
	struct rpmsg_sim *sim;
	struct rpmsg_ept *ept = loop_remote(_i, &sim);
	pthread_t t;
	uint64_t i;

	rpmsg_ept_set_rx_cb(ept, rec_seq_rx, &rec);
	rpmsg_sim_set_tx_credits(sim, 8);
	rpmsg_sim_pause(sim);
	for (i = 0; i < 300; i++)
		ck_assert_int_eq(rpmsg_ept_send_async(ept, &i, sizeof(i), rec_done, &done), 0);
	ck_assert_int_eq(pthread_create(&t, NULL, resume_later, sim), 0);
	ck_assert(dispatch_until(fx.ctx, rec.rx_count == 300 && done.done_count == 300, 5000));
	pthread_join(t, NULL);
	ck_assert(!rec.seq_broken);
	for (i = 0; i < REC_MAX; i++)
		ck_assert_int_eq(done.done_status[i], 0);
	if (sim != fx.sim) {
		rpmsg_ept_close(fx.ept);
		fx.ept = NULL;
		rpmsg_sim_free(sim);
	}
}
END_TEST

/* Async sends that cannot leave within the send timeout of their send_async complete
 * with -ETIMEDOUT, all within about one timeout however deep the queue; a message
 * queued later has a deadline of its own; the endpoint stays usable. */
START_TEST(test_send_async_timeout)
{
	struct recorder done = { 0 };
	struct rpmsg_sim *sim;
	struct rpmsg_ept *ept = loop_remote(_i, &sim);
	int64_t t0, t1;
	unsigned int i;

	rpmsg_ept_set_send_timeout(ept, 100);
	fill_ring_of(sim, ept);
	t0 = now_ms();
	for (i = 0; i < 40; i++)
		ck_assert_int_eq(rpmsg_ept_send_async(ept, "abcdefgh", 8, rec_done, &done), 0);
	ck_assert(dispatch_until(fx.ctx, done.done_count == 40, 3000));
	ck_assert_int_ge(now_ms() - t0, 95);
	ck_assert_int_lt(now_ms() - t0, 1000);
	for (i = 0; i < 40; i++)
		ck_assert_int_eq(done.done_status[i], -ETIMEDOUT);

	t1 = now_ms();
	ck_assert_int_eq(rpmsg_ept_send_async(ept, "late", 4, rec_done, &done), 0);
	ck_assert(dispatch_until(fx.ctx, done.done_count == 41, 3000));
	ck_assert_int_eq(done.done_status[40], -ETIMEDOUT);
	ck_assert_int_ge(now_ms() - t1, 95);

	rpmsg_sim_resume(sim);
	ck_assert_int_eq(rpmsg_ept_send_async(ept, "after", 5, rec_done, &done), 0);
	ck_assert(dispatch_until(fx.ctx, done.done_count == 42, 3000));
	ck_assert_int_eq(done.done_status[41], 0);
	rpmsg_ept_close(fx.ept);
	fx.ept = NULL;
	if (sim != fx.sim)
		rpmsg_sim_free(sim);
}
END_TEST

static void *send_many(void *arg)
{
	uint64_t i;

	for (i = 0; i < 2000; i++)
		if (rpmsg_ept_send(arg, &i, sizeof(i)) < 0)
			return (void *)1;
	return NULL;
}

/* Synchronous sends from another thread while this one dispatches: in order, none lost. */
START_TEST(test_send_from_other_thread)
{
	struct recorder rec = { 0 };
	void *res;
	pthread_t t;

	rpmsg_ept_set_rx_cb(fx.ept, rec_seq_rx, &rec);
	ck_assert_int_eq(pthread_create(&t, NULL, send_many, fx.ept), 0);
	ck_assert(dispatch_until(fx.ctx, rec.rx_count == 2000, 5000));
	pthread_join(t, &res);
	ck_assert_ptr_null(res);
	ck_assert(!rec.seq_broken);
}
END_TEST

/* With a remote that reports POLLOUT, a waiting send sleeps in poll() and still succeeds. */
START_TEST(test_send_pollout_device)
{
	struct rpmsg_sim *sim = rpmsg_sim_new(fx.ctx, RPMSG_SIM_POLLOUT);
	struct rpmsg_ept *ept = rpmsg_ctrl_create_ept(rpmsg_sim_get_ctrl(sim), "p", RPMSG_ADDR_ANY, 9);
	pthread_t t;

	ck_assert_ptr_nonnull(ept);
	fill_ring_of(sim, ept);
	ck_assert_int_eq(pthread_create(&t, NULL, resume_later, sim), 0);
	ck_assert_int_eq(rpmsg_ept_timedsend(ept, "p", 1, 3000), 0);
	pthread_join(t, NULL);
	rpmsg_ept_close(ept);
	rpmsg_sim_free(sim);
}
END_TEST

Suite *suite_send(void)
{
	Suite *s = suite_create("send");
	TCase *tc = tcase_create("basics");

	tcase_add_checked_fixture(tc, fixture_setup, fixture_teardown);
	tcase_set_timeout(tc, 10);
	tcase_add_test(tc, test_send_args);
	tcase_add_test(tc, test_send_null);
	tcase_add_test(tc, test_send_variants_echo);
	tcase_add_test(tc, test_send_receive_only);
	tcase_add_test(tc, test_send_sendto_sibling);
	suite_add_tcase(s, tc);

	tc = tcase_create("credits");
	tcase_add_checked_fixture(tc, fixture_setup, fixture_teardown);
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, test_send_credits_trysend);
	tcase_add_test(tc, test_send_timeout_expires);
	tcase_add_test(tc, test_send_waits_then_succeeds);
	tcase_add_loop_test(tc, test_send_async_order_full_ring, 0, 2);
	tcase_add_loop_test(tc, test_send_async_timeout, 0, 2);
	tcase_add_test(tc, test_send_pollout_device);
	suite_add_tcase(s, tc);

	/* Tagged "load": make check-valgrind leaves it out on io_uring, where
	 * valgrind runs the sending thread only while no io_uring_enter waits. */
	tc = tcase_create("credits-load");
	tcase_add_checked_fixture(tc, fixture_setup, fixture_teardown);
	tcase_set_timeout(tc, 20);
	tcase_set_tags(tc, "load");
	tcase_add_test(tc, test_send_from_other_thread);
	suite_add_tcase(s, tc);
	return s;
}
