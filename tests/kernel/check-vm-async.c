// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: librpmsg authors

/* rpmsg_ept_send_async on rpmsg_char: order across a full TX pool, a remote
 * that sinks (no echo ever wakes the fd), a pool held by another endpoint,
 * the send timeout and close. No write may stay pending. */

#include <stdio.h>

#include "check-vm.h"

#define ASYNC_N 600

static void queue_seq(struct rpmsg_ept *ept, struct seq_rec *r, uint64_t from, uint64_t to)
{
	uint64_t i;

	for (i = from; i < to; i++)
		ck_assert_int_eq(seq_send_async(ept, i, r), 0);
}

/* Loop index: 0 virtio-like (no POLLOUT), 1 tx_poll (POLLOUT while a buffer is free). */
START_TEST(in_order_across_full_ring)
{
	struct seq_rec r = { 0 };
	long long sent;

	lb_set("tx_poll", _i ? "1" : "0");
	sent = lb_stat("sent");
	rpmsg_ept_set_rx_cb(vx.ept, seq_rx, &r);
	lb_set_paused(true);
	queue_seq(vx.ept, &r, 0, ASYNC_N);
	/* the kernel accepts exactly one pool's worth; the rest wait */
	ck_assert(vm_dispatch_until(vx.ctx, r.done == VM_TX_BUFS, 3000));
	ck_assert_int_eq(rpmsg_ctx_dispatch(vx.ctx, 200), 0);
	ck_assert_uint_eq(r.done, VM_TX_BUFS);
	ck_assert_uint_eq(r.done_ok, VM_TX_BUFS);
	ck_assert_int_eq(lb_stat("tx_free"), 0);
	lb_set_paused(false);
	ck_assert(vm_dispatch_until(vx.ctx, r.done == ASYNC_N && r.rx == ASYNC_N, 10000));
	ck_assert_uint_eq(r.done_ok, ASYNC_N);
	ck_assert_uint_eq(r.done_bad, 0);
	ck_assert_uint_eq(r.bad, 0);
	ck_assert_uint_eq(r.next, ASYNC_N);
	ck_assert_int_eq(lb_stat("sent"), sent + ASYNC_N);
}
END_TEST

START_TEST(sink_remote_full_ring)
{
	struct seq_rec r = { 0 };
	long long sunk = lb_stat("sunk");
	int64_t t0;

	lb_set("echo", "0");
	rpmsg_ept_set_rx_cb(vx.ept, seq_rx, &r);
	lb_set_paused(true);
	queue_seq(vx.ept, &r, 0, ASYNC_N);
	ck_assert(vm_dispatch_until(vx.ctx, r.done == VM_TX_BUFS, 3000));
	/* the remote frees buffers without sending anything back: nothing
	 * wakes the endpoint's fd, the library must retry on its own */
	t0 = now_ms();
	lb_set_paused(false);
	ck_assert_msg(vm_dispatch_until(vx.ctx, r.done == ASYNC_N, 10000),
		      "%llu of %d sends completed", (unsigned long long)r.done, ASYNC_N);
	ck_assert_int_lt(now_ms() - t0, 10000);
	ck_assert_uint_eq(r.done_ok, ASYNC_N);
	ck_assert_uint_eq(r.done_bad, 0);
	lb_wait_idle(5000);	/* accepted by the kernel; now processed by the remote */
	ck_assert_int_eq(lb_stat("sunk"), sunk + ASYNC_N);
	ck_assert_uint_eq(r.rx, 0);
}
END_TEST

START_TEST(sink_remote_slow_streaming)
{
	struct seq_rec r = { 0 };
	long long sunk = lb_stat("sunk");
	const uint64_t n = 2000;

	lb_set("echo", "0");
	lb_set("echo_delay_us", "100");
	rpmsg_ept_set_rx_cb(vx.ept, seq_rx, &r);
	queue_seq(vx.ept, &r, 0, n);
	ck_assert_msg(vm_dispatch_until(vx.ctx, r.done == n, 30000),
		      "%llu of %llu sends completed", (unsigned long long)r.done,
		      (unsigned long long)n);
	ck_assert_uint_eq(r.done_ok, n);
	ck_assert_uint_eq(r.done_bad, 0);
	lb_wait_idle(5000);
	ck_assert_int_eq(lb_stat("sunk"), sunk + (long long)n);
}
END_TEST

/* The pool is drained by echoes to another endpoint: our fd gets no wakeup. */
START_TEST(pool_held_by_other_endpoint)
{
	struct rpmsg_ept *other = rpmsg_ctrl_create_ept(vx.ctrl, "other", RPMSG_ADDR_ANY, 0x501);
	struct seq_rec r = { 0 };

	ck_assert_ptr_nonnull(other);
	rpmsg_ept_set_rx_cb(vx.ept, seq_rx, &r);
	lb_set_paused(true);
	ck_assert_uint_eq(lb_fill_pool(other), VM_TX_BUFS);
	queue_seq(vx.ept, &r, 0, 50);
	ck_assert_int_eq(rpmsg_ctx_dispatch(vx.ctx, 100), 0);
	ck_assert_uint_eq(r.done, 0);
	lb_set_paused(false);
	ck_assert(vm_dispatch_until(vx.ctx, r.done == 50 && r.rx == 50, 10000));
	ck_assert_uint_eq(r.done_ok, 50);
	ck_assert_uint_eq(r.bad, 0);
	rpmsg_ept_close(other);
}
END_TEST

/* Each message beyond the pool times out when the send timeout has passed
 * since its send_async and the pool is still full: all of them within about
 * one timeout (not one per message), in order, and the endpoint stays usable. */
#define EXPIRE_MS	100
#define EXPIRE_N	20

START_TEST(send_timeout_expires_queue)
{
	struct seq_rec r = { 0 };
	int64_t t0, first_fail = 0;

	ck_assert_int_eq(rpmsg_ept_set_send_timeout(vx.ept, EXPIRE_MS), 0);
	rpmsg_ept_set_rx_cb(vx.ept, seq_rx, &r);
	lb_set_paused(true);
	t0 = now_ms();
	queue_seq(vx.ept, &r, 0, VM_TX_BUFS + EXPIRE_N);
	ck_assert(vm_dispatch_until(vx.ctx, r.done_err >= 1, 3000));
	first_fail = now_ms() - t0;
	ck_assert_int_ge(first_fail, EXPIRE_MS);
	ck_assert_msg(vm_dispatch_until(vx.ctx, r.done == VM_TX_BUFS + EXPIRE_N,
					EXPIRE_MS + 3000),
		      "%llu completions (%llu ok, last error %d)", (unsigned long long)r.done,
		      (unsigned long long)r.done_ok, r.done_last_err);
	printf("vm-async: %d sends failed ETIMEDOUT: first after %lld ms, last after %lld ms "
	       "(timeout %d ms, %s)\n", EXPIRE_N, (long long)first_fail, (long long)(now_ms() - t0),
	       EXPIRE_MS, rpmsg_engine_name(rpmsg_ctx_get_engine(vx.ctx)));
	ck_assert_uint_eq(r.done_ok, VM_TX_BUFS);
	ck_assert_uint_eq(r.done_err, EXPIRE_N);
	ck_assert_int_eq(r.done_last_err, -ETIMEDOUT);
	ck_assert_uint_eq(r.done_bad, 0);
	ck_assert(!rpmsg_ept_is_down(vx.ept));
	lb_set_paused(false);
	ck_assert(vm_dispatch_until(vx.ctx, r.rx == VM_TX_BUFS, 5000));
	ck_assert_uint_eq(r.bad, 0);
	/* and the endpoint still works: the next number goes through */
	r.next = VM_TX_BUFS + EXPIRE_N;
	ck_assert_int_eq(seq_send_async(vx.ept, VM_TX_BUFS + EXPIRE_N, &r), 0);
	ck_assert(vm_dispatch_until(vx.ctx, r.rx == VM_TX_BUFS + 1, 3000));
	ck_assert_uint_eq(r.done_ok, VM_TX_BUFS + 1);
	ck_assert_uint_eq(r.bad, 0);
}
END_TEST

START_TEST(close_cancels_queued)
{
	struct seq_rec r = { 0 };

	rpmsg_ept_set_rx_cb(vx.ept, seq_rx, &r);
	lb_set_paused(true);
	queue_seq(vx.ept, &r, 0, VM_TX_BUFS + 30);
	ck_assert(vm_dispatch_until(vx.ctx, r.done == VM_TX_BUFS, 3000));
	rpmsg_ept_close(vx.ept);
	vx.ept = NULL;
	/* completions ran inside close, in order */
	ck_assert_uint_eq(r.done, VM_TX_BUFS + 30);
	ck_assert_uint_eq(r.done_err, 30);
	ck_assert_int_eq(r.done_last_err, -ECANCELED);
	ck_assert_uint_eq(r.done_bad, 0);
	ck_assert_uint_eq(destroy_log.calls, 1);
}
END_TEST

Suite *suite_vm_async(void)
{
	Suite *s = suite_create("vm-async");
	TCase *tc = vm_tcase("async", true);

	tcase_add_loop_test(tc, in_order_across_full_ring, 0, 2);
	tcase_add_test(tc, sink_remote_full_ring);
	tcase_add_test(tc, sink_remote_slow_streaming);
	tcase_add_test(tc, pool_held_by_other_endpoint);
	tcase_add_test(tc, send_timeout_expires_queue);
	tcase_add_test(tc, close_cancels_queued);
	suite_add_tcase(s, tc);
	return s;
}
