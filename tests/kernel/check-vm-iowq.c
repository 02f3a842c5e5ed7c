// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: librpmsg authors

/* No io-wq worker threads (iou-wrk-* in /proc/self/task) for the library's
 * pending reads and writes: the endpoint fds are O_NONBLOCK, so io_uring
 * polls them instead of punting a blocking read to a worker (Linux 6.1 does
 * punt for a blocking fd). On the epoll engine the count is trivially 0. */

#include "check-vm.h"

#define IOWQ_EPTS 8

START_TEST(pending_reads_no_workers)
{
	struct rpmsg_ept *epts[IOWQ_EPTS];
	struct seq_rec r[IOWQ_EPTS];
	struct rpmsg_ept *ch;
	struct seq_rec rc = { 0 };
	uint64_t i;
	int k;

	memset(r, 0, sizeof(r));
	for (k = 0; k < IOWQ_EPTS; k++) {
		epts[k] = rpmsg_ctrl_create_ept(vx.ctrl, "iowq", RPMSG_ADDR_ANY, 0x800 + k);
		ck_assert_ptr_nonnull(epts[k]);
		rpmsg_ept_set_rx_cb(epts[k], seq_rx, &r[k]);
	}
	lb_announce("rpmsg-raw", 1080);
	ch = rpmsg_ctrl_open_channel(vx.ctrl, "rpmsg-raw", 1080);
	ck_assert_ptr_nonnull(ch);
	rpmsg_ept_set_rx_cb(ch, seq_rx, &rc);

	/* reads armed and pending on every endpoint */
	ck_assert_int_eq(rpmsg_ctx_dispatch(vx.ctx, 200), 0);
	ck_assert_uint_eq(count_iou_wrk(), 0);

	/* messages complete them; they are re-armed */
	for (i = 0; i < 200; i++) {
		for (k = 0; k < IOWQ_EPTS; k++)
			ck_assert_int_eq(rpmsg_ept_send(epts[k], &i, sizeof(i)), 0);
		ck_assert_int_eq(rpmsg_ept_send(ch, &i, sizeof(i)), 0);
		if (i % 50 == 0)
			ck_assert_uint_eq(count_iou_wrk(), 0);
	}
	ck_assert(vm_dispatch_until(vx.ctx, rc.rx == 200 && r[IOWQ_EPTS - 1].rx == 200, 10000));
	for (k = 0; k < IOWQ_EPTS; k++) {
		ck_assert_uint_eq(r[k].rx, 200);
		ck_assert_uint_eq(r[k].bad, 0);
	}
	ck_assert_uint_eq(rc.bad, 0);
	ck_assert_int_eq(rpmsg_ctx_dispatch(vx.ctx, 200), 0);
	ck_assert_uint_eq(count_iou_wrk(), 0);

	for (k = 0; k < IOWQ_EPTS; k++)
		rpmsg_ept_close(epts[k]);
	rpmsg_ept_close(ch);
	lb_withdraw("rpmsg-raw", 1080);
	ck_assert_uint_eq(count_iou_wrk(), 0);
}
END_TEST

/* Writes that wait for a TX buffer (remote paused, then sinking). */
START_TEST(waiting_writes_no_workers)
{
	struct seq_rec r = { 0 };
	uint64_t i;

	rpmsg_ept_set_rx_cb(vx.ept, seq_rx, &r);
	lb_set("echo", "0");
	lb_set_paused(true);
	for (i = 0; i < VM_TX_BUFS + 64; i++)
		ck_assert_int_eq(seq_send_async(vx.ept, i, &r), 0);
	ck_assert(vm_dispatch_until(vx.ctx, r.done == VM_TX_BUFS, 3000));
	ck_assert_int_eq(rpmsg_ctx_dispatch(vx.ctx, 100), 0);
	ck_assert_uint_eq(count_iou_wrk(), 0);
	lb_set_paused(false);
	ck_assert(vm_dispatch_until(vx.ctx, r.done == VM_TX_BUFS + 64, 10000));
	ck_assert_uint_eq(r.done_ok, VM_TX_BUFS + 64);
	ck_assert_uint_eq(count_iou_wrk(), 0);
}
END_TEST

Suite *suite_vm_iowq(void)
{
	Suite *s = suite_create("vm-iowq");
	TCase *tc = vm_tcase("iowq", true);

	tcase_add_test(tc, pending_reads_no_workers);
	tcase_add_test(tc, waiting_writes_no_workers);
	suite_add_tcase(s, tc);
	return s;
}
