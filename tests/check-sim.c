// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: librpmsg authors

/* The simulated remote: arguments, handler, MTU, announcements, crash and restart. */

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

/* After a crash nothing can be created (EPIPE) until restart; then it works again. */
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
	suite_add_tcase(s, tc);
	return s;
}
