// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: librpmsg authors

/* Receiving: boundaries, order and no loss under load, kept messages, callback changes. */

#include <string.h>

#include "check-common.h"

/* Sizes 1, 100 and the full MTU arrive whole, one message each. */
START_TEST(test_rx_boundaries)
{
	static const size_t sizes[] = { 1, 100, RPMSG_MTU_DEFAULT };
	struct recorder rec = { 0 };
	unsigned char buf[RPMSG_MTU_DEFAULT];
	unsigned int i;

	memset(buf, 0xa5, sizeof(buf));
	rpmsg_ept_set_rx_cb(fx.ept, rec_rx, &rec);
	for (i = 0; i < 3; i++) {
		ck_assert_int_eq(rpmsg_ept_send(fx.ept, buf, sizes[i]), 0);
		ck_assert(dispatch_until(fx.ctx, rec.rx_count == i + 1, 2000));
		ck_assert_uint_eq(rec.last_len, sizes[i]);
		ck_assert_mem_eq(rec.last, buf, sizes[i]);
	}
}
END_TEST

struct pump {
	struct recorder rec;
	uint64_t sent, total;
	unsigned int in_flight;
};

static void pump_rx(struct rpmsg_ept *ept, const void *data, size_t len, uint32_t src, void *user)
{
	struct pump *p = user;

	rec_seq_rx(ept, data, len, src, &p->rec);
	/* Keep the pipe full: one new message per echo. */
	if (p->sent < p->total) {
		ck_assert_int_eq(rpmsg_ept_send_async(ept, &p->sent, sizeof(p->sent), NULL, NULL), 0);
		p->sent++;
	}
}

/* 100 000 messages through the simulated remote, 64 in flight: none lost or reordered. */
START_TEST(test_rx_100k_in_order)
{
	struct pump p = { .total = 100000 };

	rpmsg_ept_set_rx_cb(fx.ept, pump_rx, &p);
	for (; p.sent < 64; p.sent++)
		ck_assert_int_eq(rpmsg_ept_send_async(fx.ept, &p.sent, sizeof(p.sent), NULL, NULL), 0);
	ck_assert(dispatch_until(fx.ctx, p.rec.rx_count == p.total, 60000));
	ck_assert(!p.rec.seq_broken);
	ck_assert_uint_eq(p.rec.seq_next, p.total);
}
END_TEST

/* Without an rx callback messages are kept, and delivered in order once one is set. */
START_TEST(test_rx_kept_until_callback)
{
	struct recorder rec = { 0 };
	uint64_t i;

	for (i = 0; i < 40; i++)
		ck_assert_int_eq(rpmsg_ept_send(fx.ept, &i, sizeof(i)), 0);
	rpmsg_ctx_dispatch(fx.ctx, 100);
	rpmsg_ctx_dispatch(fx.ctx, 100);
	rpmsg_ept_set_rx_cb(fx.ept, rec_seq_rx, &rec);
	ck_assert(dispatch_until(fx.ctx, rec.rx_count == 40, 3000));
	ck_assert(!rec.seq_broken);
}
END_TEST

/* Messages the remote sends on its own arrive with src = the endpoint's destination. */
START_TEST(test_rx_unsolicited)
{
	struct recorder rec = { 0 };

	rpmsg_ept_set_rx_cb(fx.ept, rec_rx, &rec);
	ck_assert_int_eq(rpmsg_sim_send(fx.sim, 77, rpmsg_ept_get_src(fx.ept), "hi", 2), 0);
	ck_assert(dispatch_until(fx.ctx, rec.rx_count == 1, 2000));
	ck_assert_uint_eq(rec.last_src, 30);
	ck_assert_mem_eq(rec.last, "hi", 2);
}
END_TEST

struct swap {
	struct recorder a, b;
};

static void rx_swaps(struct rpmsg_ept *ept, const void *data, size_t len, uint32_t src, void *user)
{
	struct swap *s = user;

	rec_rx(ept, data, len, src, &s->a);
	rpmsg_ept_set_rx_cb(ept, rec_rx, &s->b);
}

/* A callback replaced from inside itself: the next message goes to the new one. */
START_TEST(test_rx_replace_in_callback)
{
	struct swap s = { 0 };

	rpmsg_ept_set_rx_cb(fx.ept, rx_swaps, &s);
	ck_assert_int_eq(rpmsg_ept_send(fx.ept, "1", 1), 0);
	ck_assert_int_eq(rpmsg_ept_send(fx.ept, "2", 1), 0);
	ck_assert(dispatch_until(fx.ctx, s.a.rx_count + s.b.rx_count == 2, 2000));
	ck_assert_uint_eq(s.a.rx_count, 1);
	ck_assert_uint_eq(s.b.rx_count, 1);
	ck_assert_mem_eq(s.b.last, "2", 1);
}
END_TEST

Suite *suite_rx(void)
{
	Suite *s = suite_create("rx");
	TCase *tc = tcase_create("rx");
	/* Tagged "load": make check-valgrind leaves it out on io_uring, where
	 * valgrind starves the simulator's thread while io_uring_enter waits. */
	TCase *load = tcase_create("rx-load");

	tcase_add_checked_fixture(tc, fixture_setup, fixture_teardown);
	tcase_set_timeout(tc, 90);
	tcase_add_test(tc, test_rx_boundaries);
	tcase_add_test(tc, test_rx_kept_until_callback);
	tcase_add_test(tc, test_rx_unsolicited);
	tcase_add_test(tc, test_rx_replace_in_callback);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(load, fixture_setup, fixture_teardown);
	tcase_set_timeout(load, 90);
	tcase_set_tags(load, "load");
	tcase_add_test(load, test_rx_100k_in_order);
	suite_add_tcase(s, load);
	return s;
}
