// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: librpmsg authors

/* Receiving on rpmsg_char: 100 000 messages none lost or reordered, messages
 * kept while no callback is set, unsolicited messages from the remote. */

#include <stdio.h>
#include <stdlib.h>

#include "check-vm.h"

#define RX_TOTAL	100000U
#define RX_WINDOW	128U

struct stream {
	struct seq_rec r;
	uint64_t queued;
};

/* Keep RX_WINDOW messages in flight: every echo queues the next one. */
static void stream_rx(struct rpmsg_ept *ept, const void *data, size_t len, uint32_t src,
		      void *user)
{
	struct stream *s = user;

	seq_rx(ept, data, len, src, &s->r);
	if (s->queued < RX_TOTAL) {
		ck_assert_int_eq(seq_send_async(ept, s->queued, &s->r), 0);
		s->queued++;
	}
}

START_TEST(rx_100000_in_order)
{
	static struct stream s;
	int64_t t0;
	double secs;

	memset(&s, 0, sizeof(s));
	rpmsg_ept_set_rx_cb(vx.ept, stream_rx, &s);
	t0 = now_ms();
	for (; s.queued < RX_WINDOW; s.queued++)
		ck_assert_int_eq(seq_send_async(vx.ept, s.queued, &s.r), 0);
	ck_assert_msg(vm_dispatch_until(vx.ctx, s.r.rx == RX_TOTAL, 150000),
		      "received %llu of %u", (unsigned long long)s.r.rx, RX_TOTAL);
	secs = (double)(now_ms() - t0) / 1000.0;
	ck_assert_uint_eq(s.r.bad, 0);
	ck_assert_uint_eq(s.r.next, RX_TOTAL);
	ck_assert_uint_eq(s.r.done_ok, RX_TOTAL);
	ck_assert_uint_eq(s.r.done_bad, 0);
	ck_assert_int_eq(rpmsg_ctx_dispatch(vx.ctx, 100), 0);
	ck_assert_uint_eq(s.r.rx, RX_TOTAL);
	printf("vm-rx: %u messages echoed in %.2f s (%.0f msg/s, %s)\n", RX_TOTAL, secs,
	       RX_TOTAL / secs, rpmsg_engine_name(rpmsg_ctx_get_engine(vx.ctx)));
	fflush(stdout);
}
END_TEST

/* 1000 echoes pile up in the kernel while no callback is set. */
START_TEST(kept_without_callback)
{
	struct seq_rec r = { 0 };
	uint64_t i;

	for (i = 0; i < 1000; i++)
		ck_assert_int_eq(rpmsg_ept_send(vx.ept, &i, sizeof(i)), 0);
	lb_wait_idle(5000);
	ck_assert_int_eq(rpmsg_ctx_dispatch(vx.ctx, 100), 0);
	rpmsg_ept_set_rx_cb(vx.ept, seq_rx, &r);
	ck_assert(vm_dispatch_until(vx.ctx, r.rx == 1000, 10000));
	ck_assert_uint_eq(r.bad, 0);
	ck_assert_int_eq(rpmsg_ctx_dispatch(vx.ctx, 100), 0);
	ck_assert_uint_eq(r.rx, 1000);
}
END_TEST

/* A fixed local address: with ANY the kernel's choice is not reported. */
#define INJECT_ADDR 1700U

START_TEST(unsolicited_from_remote)
{
	struct rpmsg_ept *ept = rpmsg_ctrl_create_ept(vx.ctrl, "inject", INJECT_ADDR, 0x777);
	struct recorder rec = { 0 };
	char text[64];

	ck_assert_ptr_nonnull(ept);
	rpmsg_ept_set_rx_cb(ept, rec_rx, &rec);
	snprintf(text, sizeof(text), "%u hello from the remote", INJECT_ADDR);
	ck_assert_int_eq(lb_action("inject", text), 0);
	ck_assert(dispatch_until(vx.ctx, rec.rx_count == 1, 3000));
	ck_assert_uint_eq(rec.last_len, strlen("hello from the remote"));
	ck_assert_int_eq(memcmp(rec.last, "hello from the remote", rec.last_len), 0);
	/* the true source is not passed on: src is the endpoint's destination */
	ck_assert_uint_eq(rec.last_src, 0x777);
	rpmsg_ept_close(ept);
	/* nobody at that address any more */
	ck_assert_int_eq(lb_action("inject", text), -ENXIO);
}
END_TEST

Suite *suite_vm_rx(void)
{
	Suite *s = suite_create("vm-rx");
	TCase *tc = vm_tcase("rx", true);

	tcase_add_test(tc, rx_100000_in_order);
	tcase_add_test(tc, kept_without_callback);
	tcase_add_test(tc, unsolicited_from_remote);
	tcase_set_timeout(tc, 180);
	suite_add_tcase(s, tc);
	return s;
}
