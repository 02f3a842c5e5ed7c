// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: librpmsg authors

/* The synchronous send family on rpmsg_char: echo, message boundaries, the
 * MTU, a full TX pool (EAGAIN, waiting, ETIMEDOUT and never errno 512). */

#include <pthread.h>
#include <stdlib.h>

#include "check-vm.h"

/* Echoes recorded in arrival order. */
struct echoes {
	unsigned int n;
	size_t len[64];
	unsigned char data[64][RPMSG_MTU_DEFAULT + 16];
	uint32_t src;
};

static void echoes_rx(struct rpmsg_ept *ept, const void *data, size_t len, uint32_t src,
		      void *user)
{
	struct echoes *e = user;

	if (e->n < 64) {
		e->len[e->n] = len;
		memcpy(e->data[e->n], data, len < sizeof(e->data[0]) ? len : sizeof(e->data[0]));
	}
	e->n++;
	e->src = src;
}

static void pattern(unsigned char *buf, size_t len, unsigned int seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = (unsigned char)(seed * 31 + i * 7 + (i >> 8));
}

START_TEST(send_echo)
{
	static struct echoes e;

	memset(&e, 0, sizeof(e));
	rpmsg_ept_set_rx_cb(vx.ept, echoes_rx, &e);
	ck_assert_int_eq(rpmsg_ept_send(vx.ept, "hello", 5), 0);
	ck_assert(dispatch_until(vx.ctx, e.n == 1, 3000));
	ck_assert_uint_eq(e.len[0], 5);
	ck_assert_int_eq(memcmp(e.data[0], "hello", 5), 0);
	ck_assert_uint_eq(e.src, VM_DST);
	/* nothing more arrives */
	ck_assert_int_eq(rpmsg_ctx_dispatch(vx.ctx, 100), 0);
	ck_assert_uint_eq(e.n, 1);
}
END_TEST

START_TEST(boundaries_kept_no_truncation)
{
	static const size_t sizes[] = { 0, 1, 3, 496, 17, 0, 495, 64, 496, 2 };
	static struct echoes e;
	unsigned char buf[RPMSG_MTU_DEFAULT];
	size_t i, n = sizeof(sizes) / sizeof(sizes[0]);

	memset(&e, 0, sizeof(e));
	rpmsg_ept_set_rx_cb(vx.ept, echoes_rx, &e);
	/* all queued in the kernel before the first is read back */
	for (i = 0; i < n; i++) {
		pattern(buf, sizes[i], (unsigned int)i);
		ck_assert_int_eq(rpmsg_ept_send(vx.ept, buf, sizes[i]), 0);
	}
	ck_assert(dispatch_until(vx.ctx, e.n == n, 3000));
	for (i = 0; i < n; i++) {
		ck_assert_uint_eq(e.len[i], sizes[i]);
		pattern(buf, sizes[i], (unsigned int)i);
		ck_assert_msg(!memcmp(e.data[i], buf, sizes[i]), "message %zu differs", i);
	}
	ck_assert_int_eq(rpmsg_ctx_dispatch(vx.ctx, 50), 0);
	ck_assert_uint_eq(e.n, n);
	ck_assert(!rpmsg_ept_is_down(vx.ept));	/* an empty message is not EOF */
}
END_TEST

START_TEST(mtu_497_emsgsize)
{
	unsigned char buf[600];
	long long sent = lb_stat("sent");
	static struct echoes e;

	memset(&e, 0, sizeof(e));
	memset(buf, 0x5a, sizeof(buf));
	ck_assert_errno(rpmsg_ept_send(vx.ept, buf, 497), EMSGSIZE);
	ck_assert_errno(rpmsg_ept_trysend(vx.ept, buf, 497), EMSGSIZE);
	ck_assert_errno(rpmsg_ept_timedsend(vx.ept, buf, 497, 10), EMSGSIZE);
	ck_assert_errno(rpmsg_ept_send_async(vx.ept, buf, 497, NULL, NULL), EMSGSIZE);
	ck_assert_int_eq(lb_stat("sent"), sent);	/* refused before any write */

	/* a larger MTU than the transport's: the kernel says EMSGSIZE itself */
	ck_assert_int_eq(rpmsg_ept_set_mtu(vx.ept, 600), 0);
	ck_assert_errno(rpmsg_ept_send(vx.ept, buf, 497), EMSGSIZE);
	ck_assert_errno(rpmsg_ept_trysend(vx.ept, buf, 600), EMSGSIZE);
	ck_assert_int_eq(lb_stat("sent"), sent);
	ck_assert(!rpmsg_ept_is_down(vx.ept));

	rpmsg_ept_set_rx_cb(vx.ept, echoes_rx, &e);
	ck_assert_int_eq(rpmsg_ept_send(vx.ept, buf, 496), 0);
	ck_assert(dispatch_until(vx.ctx, e.n == 1, 3000));
	ck_assert_uint_eq(e.len[0], 496);
}
END_TEST

START_TEST(trysend_eagain_while_paused)
{
	struct seq_rec r = { 0 };
	long long nomem = lb_stat("trysend_nomem");

	rpmsg_ept_set_rx_cb(vx.ept, seq_rx, &r);
	lb_set_paused(true);
	ck_assert_uint_eq(lb_fill_pool(vx.ept), VM_TX_BUFS);
	ck_assert_errno(rpmsg_ept_trysend(vx.ept, "x", 1), EAGAIN);
	ck_assert_errno(rpmsg_ept_timedsend(vx.ept, "x", 1, 0), ETIMEDOUT);
	ck_assert_int_gt(lb_stat("trysend_nomem"), nomem);
	ck_assert_int_eq(lb_stat("tx_free"), 0);
	lb_set_paused(false);
	/* every accepted message comes back (5-byte "fill" payloads: counted, not sequenced) */
	ck_assert(dispatch_until(vx.ctx, r.rx == VM_TX_BUFS, 5000));
	ck_assert_int_eq(rpmsg_ctx_dispatch(vx.ctx, 100), 0);
	ck_assert_uint_eq(r.rx, VM_TX_BUFS);
	ck_assert_int_eq(rpmsg_ept_trysend(vx.ept, "x", 1), 0);
}
END_TEST

static void *resume_later(void *arg)
{
	sleep_ms((int)(intptr_t)arg);
	lb_set_paused(false);
	return NULL;
}

/* A blocking send waits for the remote and succeeds once it resumes; with
 * tx_poll the device reports POLLOUT (qcom_smd-like), without it (virtio) not. */
START_TEST(send_waits_for_resume)
{
	uint64_t last = 1000;
	struct seq_rec r = { .next = last };
	pthread_t th;
	int64_t t0;

	lb_set("tx_poll", _i ? "1" : "0");
	rpmsg_ept_set_rx_cb(vx.ept, seq_rx, &r);
	lb_set_paused(true);
	ck_assert_uint_eq(lb_fill_pool(vx.ept), VM_TX_BUFS);
	ck_assert_int_eq(pthread_create(&th, NULL, resume_later, (void *)(intptr_t)300), 0);
	t0 = now_ms();
	ck_assert_int_eq(rpmsg_ept_send(vx.ept, &last, sizeof(last)), 0);
	ck_assert_int_ge(now_ms() - t0, 250);
	pthread_join(th, NULL);
	/* 256 "fill" echoes (bad length for seq_rx), then ours */
	ck_assert(dispatch_until(vx.ctx, r.rx == VM_TX_BUFS + 1, 5000));
	ck_assert_uint_eq(r.bad, VM_TX_BUFS);
	ck_assert_uint_eq(r.next, last + 1);
	ck_assert_int_eq(rpmsg_ctx_dispatch(vx.ctx, 100), 0);
	ck_assert_uint_eq(r.rx, VM_TX_BUFS + 1);
}
END_TEST

START_TEST(send_timeout_etimedout_never_512)
{
	int64_t t0;

	lb_set_paused(true);
	ck_assert_uint_eq(lb_fill_pool(vx.ept), VM_TX_BUFS);

	t0 = now_ms();
	ck_assert_errno(rpmsg_ept_timedsend(vx.ept, "x", 1, 200), ETIMEDOUT);
	ck_assert_int_ge(now_ms() - t0, 200);
	ck_assert_int_lt(now_ms() - t0, 2000);

	ck_assert_int_eq(rpmsg_ept_set_send_timeout(vx.ept, 150), 0);
	t0 = now_ms();
	ck_assert_errno(rpmsg_ept_send(vx.ept, "x", 1), ETIMEDOUT);
	ck_assert_int_ge(now_ms() - t0, 150);
	ck_assert_errno(rpmsg_ept_timedsend(vx.ept, "x", 1, 0), ETIMEDOUT);
	ck_assert_errno(rpmsg_ept_timedsend(vx.ept, "x", 1, -2), EINVAL);
	/* the library waits in user space: the kernel's 15 s wait is never entered */
	ck_assert_int_eq(lb_stat("send_timeouts"), 0);
	ck_assert(!rpmsg_ept_is_down(vx.ept));
	lb_set_paused(false);
	lb_wait_idle(5000);
	ck_assert_int_eq(rpmsg_ept_timedsend(vx.ept, "x", 1, 200), 0);
}
END_TEST

/* --slow only: the default timeout is the kernel's own 15 s limit; the
 * library reports ETIMEDOUT, never the kernel's leaked -ERESTARTSYS (512). */
START_TEST(default_timeout_15s_etimedout)
{
	int64_t t0;

	lb_set_paused(true);
	ck_assert_uint_eq(lb_fill_pool(vx.ept), VM_TX_BUFS);
	ck_assert_int_eq(rpmsg_ept_get_send_timeout(vx.ept), RPMSG_SEND_TIMEOUT_DEFAULT_MS);
	t0 = now_ms();
	errno = 0;
	ck_assert_int_eq(rpmsg_ept_send(vx.ept, "x", 1), -1);
	ck_assert_int_ne(errno, 512);
	ck_assert_int_eq(errno, ETIMEDOUT);
	ck_assert_int_ge(now_ms() - t0, RPMSG_SEND_TIMEOUT_DEFAULT_MS);
	ck_assert_int_lt(now_ms() - t0, RPMSG_SEND_TIMEOUT_DEFAULT_MS + 3000);
	ck_assert(!rpmsg_ept_is_down(vx.ept));
}
END_TEST

START_TEST(sendto_other_address)
{
	static struct echoes e;

	memset(&e, 0, sizeof(e));
	rpmsg_ept_set_rx_cb(vx.ept, echoes_rx, &e);
	ck_assert_int_eq(rpmsg_ept_sendto(vx.ept, "to 0x900", 8, 0x900), 0);
	ck_assert(dispatch_until(vx.ctx, e.n == 1, 3000));
	ck_assert_uint_eq(e.src, 0x900);
	ck_assert_uint_eq(e.len[0], 8);
	ck_assert_int_eq(rpmsg_ept_sendto(vx.ept, "to dst", 6, VM_DST), 0);
	ck_assert(dispatch_until(vx.ctx, e.n == 2, 3000));
	ck_assert_uint_eq(e.src, VM_DST);
	ck_assert_errno(rpmsg_ept_sendto(vx.ept, "x", 1, RPMSG_ADDR_ANY), EINVAL);
	/* the sibling device goes away with the endpoint (teardown counts nodes) */
}
END_TEST

Suite *suite_vm_send(void)
{
	Suite *s = suite_create("vm-send");
	TCase *tc = vm_tcase("send", true);
	const char *slow = getenv("RPMSG_VM_SLOW");

	tcase_add_test(tc, send_echo);
	tcase_add_test(tc, boundaries_kept_no_truncation);
	tcase_add_test(tc, mtu_497_emsgsize);
	tcase_add_test(tc, trysend_eagain_while_paused);
	tcase_add_loop_test(tc, send_waits_for_resume, 0, 2);
	tcase_add_test(tc, send_timeout_etimedout_never_512);
	tcase_add_test(tc, sendto_other_address);
	suite_add_tcase(s, tc);

	if (slow && !strcmp(slow, "1")) {
		tc = vm_tcase("slow", true);
		tcase_add_test(tc, default_timeout_15s_etimedout);
		suite_add_tcase(s, tc);
	}
	return s;
}
