// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: librpmsg authors

/* Endpoints going down under the library: the endpoint device destroyed, the
 * channel withdrawn by the remote, the remote reset (and rediscovered). The
 * down event comes once, sends fail with EPIPE, queued sends complete with
 * -EPIPE, and close never issues a second (or a late) DESTROY. */

#include <stdio.h>
#include <sys/stat.h>

#include "check-vm.h"

/* Queue n async sends that cannot leave (the pool is full, the remote paused). */
static void queue_stuck(struct rpmsg_ept *ept, struct seq_rec *r, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		ck_assert_int_eq(seq_send_async(ept, i, r), 0);
	ck_assert_int_eq(rpmsg_ctx_dispatch(rpmsg_ept_get_ctx(ept), 50), 0);
	ck_assert_uint_eq(r->done, 0);
}

/* Everything the library promises once an endpoint went down. */
static void check_down(struct rpmsg_ept *ept, struct seq_rec *r, unsigned int stuck)
{
	struct rpmsg_ctx *ctx = rpmsg_ept_get_ctx(ept);

	ck_assert_msg(vm_dispatch_until(ctx, r->down == 1 && r->done == stuck, 5000),
		      "down %u, %llu of %u completions", r->down, (unsigned long long)r->done,
		      stuck);
	ck_assert_int_eq(r->down_err, EPIPE);
	ck_assert_uint_eq(r->done_err, stuck);
	if (stuck)
		ck_assert_int_eq(r->done_last_err, -EPIPE);
	ck_assert_uint_eq(r->done_bad, 0);
	ck_assert(rpmsg_ept_is_down(ept));
	ck_assert_errno(rpmsg_ept_send(ept, "x", 1), EPIPE);
	ck_assert_errno(rpmsg_ept_trysend(ept, "x", 1), EPIPE);
	ck_assert_errno(rpmsg_ept_timedsend(ept, "x", 1, 100), EPIPE);
	ck_assert_errno(rpmsg_ept_send_async(ept, "x", 1, seq_done, NULL), EPIPE);
	/* once only */
	ck_assert_int_eq(rpmsg_ctx_dispatch(ctx, 100), 0);
	ck_assert_uint_eq(r->down, 1);
}

START_TEST(ept_destroyed_under_open_endpoint)
{
	struct seq_rec r = { 0 };
	char path[128];
	struct stat st;

	rpmsg_ept_set_rx_cb(vx.ept, seq_rx, &r);
	rpmsg_ept_set_event_cb(vx.ept, seq_event, &r);
	lb_set_paused(true);
	ck_assert_uint_eq(lb_fill_pool(vx.ept), VM_TX_BUFS);
	queue_stuck(vx.ept, &r, 10);
	snprintf(path, sizeof(path), "%s", rpmsg_ept_get_path(vx.ept));

	ck_assert_int_eq(raw_destroy_ept(rpmsg_ept_get_fd(vx.ept)), 0);
	ck_assert_int_eq(stat(path, &st), -1);
	check_down(vx.ept, &r, 10);
	rpmsg_ept_close(vx.ept);
	vx.ept = NULL;
	ck_assert_uint_eq(destroy_log.calls, 0);
}
END_TEST

/* The library only learns of it when it closes: no dispatch in between. */
START_TEST(ept_destroyed_then_closed_at_once)
{
	ck_assert_int_eq(raw_destroy_ept(rpmsg_ept_get_fd(vx.ept)), 0);
	rpmsg_ept_close(vx.ept);
	vx.ept = NULL;
	ck_assert_uint_eq(destroy_log.on_dead, 0);
}
END_TEST

START_TEST(channel_withdrawn_under_open_endpoint)
{
	struct seq_rec r = { 0 };
	struct rpmsg_ept *ch;

	lb_announce("rpmsg-raw", 1060);
	ch = rpmsg_ctrl_open_channel(vx.ctrl, "rpmsg-raw", 1060);
	ck_assert_ptr_nonnull(ch);
	rpmsg_ept_set_rx_cb(ch, seq_rx, &r);
	rpmsg_ept_set_event_cb(ch, seq_event, &r);
	lb_set_paused(true);
	ck_assert_uint_eq(lb_fill_pool(ch), VM_TX_BUFS);
	queue_stuck(ch, &r, 5);
	lb_withdraw("rpmsg-raw", 1060);
	check_down(ch, &r, 5);
	rpmsg_ept_close(ch);
	ck_assert_uint_eq(destroy_log.calls, 0);
	ck_assert_null_errno(rpmsg_ctrl_open_channel(vx.ctrl, "rpmsg-raw", 1060), ENOENT);
}
END_TEST

START_TEST(remote_reset_and_rediscovery)
{
	struct seq_rec r = { 0 }, rc = { 0 };
	struct rpmsg_ctrl *ctrl2;
	struct rpmsg_ept *ch, *ept2;
	struct recorder rec = { 0 };
	char old_ctrl[64];
	long long resets = lb_stat("resets");

	lb_announce("rpmsg-raw", 1070);
	ch = rpmsg_ctrl_open_channel(vx.ctrl, "rpmsg-raw", 1070);
	ck_assert_ptr_nonnull(ch);
	rpmsg_ept_set_rx_cb(vx.ept, seq_rx, &r);
	rpmsg_ept_set_event_cb(vx.ept, seq_event, &r);
	rpmsg_ept_set_rx_cb(ch, seq_rx, &rc);
	rpmsg_ept_set_event_cb(ch, seq_event, &rc);
	lb_set_paused(true);
	ck_assert_uint_eq(lb_fill_pool(vx.ept), VM_TX_BUFS);
	queue_stuck(vx.ept, &r, 7);
	queue_stuck(ch, &rc, 3);
	snprintf(old_ctrl, sizeof(old_ctrl), "%s", rpmsg_ctrl_get_path(vx.ctrl));

	lb_remote_reset();
	ck_assert_int_eq(lb_stat("resets"), resets + 1);
	check_down(vx.ept, &r, 7);
	check_down(ch, &rc, 3);
	rpmsg_ept_close(ch);
	ck_assert_uint_eq(destroy_log.calls, 0);

	/* The old control device is still open (through vx.ctrl and the down
	 * endpoint), so the new one has another index. Rediscover it. */
	lb_set_paused(false);
	ctrl2 = vm_open_ctrl(vx.ctx);
	ck_assert_str_ne(rpmsg_ctrl_get_path(ctrl2), old_ctrl);
	printf("vm-down: control device after reset: %s (was %s)\n", rpmsg_ctrl_get_path(ctrl2),
	       old_ctrl);
	ept2 = rpmsg_ctrl_create_ept(ctrl2, "after-reset", RPMSG_ADDR_ANY, VM_DST);
	ck_assert_msg(ept2 != NULL, "create after reset: %s", strerror(errno));
	rpmsg_ept_set_rx_cb(ept2, rec_rx, &rec);
	ck_assert_int_eq(rpmsg_ept_send(ept2, "back", 4), 0);
	ck_assert(dispatch_until(vx.ctx, rec.rx_count == 1, 3000));
	ck_assert_uint_eq(rec.last_len, 4);
	rpmsg_ept_close(ept2);
	ck_assert_uint_eq(destroy_log.calls, 1);
	rpmsg_ept_close(vx.ept);
	vx.ept = NULL;
	ck_assert_uint_eq(destroy_log.calls, 1);	/* none for the endpoint that went down */
	rpmsg_ctrl_close(vx.ctrl);
	vx.ctrl = ctrl2;
	/* the announced channel did not survive the reset */
	ck_assert_null_errno(rpmsg_ctrl_open_channel(vx.ctrl, "rpmsg-raw", 1070), ENOENT);
}
END_TEST

/* Reset, then close before any dispatch: the library has not seen the error. */
START_TEST(remote_reset_then_closed_at_once)
{
	lb_remote_reset();
	rpmsg_ept_close(vx.ept);
	vx.ept = NULL;
	ck_assert_uint_eq(destroy_log.on_dead, 0);
}
END_TEST

/* With no old descriptor open the control device comes back as rpmsg_ctrl0
 * (the lowest free index), whatever its index was before. */
START_TEST(remote_reset_without_open_ctrl)
{
	struct rpmsg_ctrl *ctrl;
	struct recorder rec = { 0 };
	struct rpmsg_ept *ept;

	rpmsg_ctrl_close(vx.ctrl);
	vx.ctrl = NULL;
	lb_remote_reset();
	ctrl = vm_open_ctrl(vx.ctx);
	ck_assert_str_eq(rpmsg_ctrl_get_path(ctrl), "/dev/rpmsg_ctrl0");
	vx.ctrl = ctrl;
	ept = rpmsg_ctrl_create_ept(ctrl, "after-reset", RPMSG_ADDR_ANY, VM_DST);
	ck_assert_ptr_nonnull(ept);
	rpmsg_ept_set_rx_cb(ept, rec_rx, &rec);
	ck_assert_int_eq(rpmsg_ept_send(ept, "again", 5), 0);
	ck_assert(dispatch_until(vx.ctx, rec.rx_count == 1, 3000));
	rpmsg_ept_close(ept);
}
END_TEST

Suite *suite_vm_down(void)
{
	Suite *s = suite_create("vm-down");
	TCase *tc = vm_tcase("down", true);

	tcase_add_test(tc, ept_destroyed_under_open_endpoint);
	tcase_add_test(tc, ept_destroyed_then_closed_at_once);
	tcase_add_test(tc, channel_withdrawn_under_open_endpoint);
	suite_add_tcase(s, tc);

	tc = vm_tcase("reset", true);
	tcase_add_test(tc, remote_reset_and_rediscovery);
	tcase_add_test(tc, remote_reset_then_closed_at_once);
	suite_add_tcase(s, tc);

	tc = vm_tcase("reset-no-ctrl", false);
	tcase_add_test(tc, remote_reset_without_open_ctrl);
	suite_add_tcase(s, tc);
	return s;
}
