// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: librpmsg authors

/* Signals (handlers without SA_RESTART) while sends wait for a TX buffer:
 * every message leaves exactly once, waits keep their deadline, and
 * rpmsg_ctx_dispatch reports EINTR only as documented. */

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <sys/time.h>

#include "check-vm.h"

static volatile sig_atomic_t signals_seen;

static void on_signal(int sig)
{
	signals_seen++;
}

/* SIGALRM every period_us on this process, no SA_RESTART. */
static void start_alarms(long period_us)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct itimerval it = { .it_interval = { 0, period_us }, .it_value = { 0, period_us } };

	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;
	ck_assert_int_eq(sigaction(SIGALRM, &sa, NULL), 0);
	ck_assert_int_eq(sigaction(SIGUSR1, &sa, NULL), 0);
	signals_seen = 0;
	ck_assert_int_eq(setitimer(ITIMER_REAL, &it, NULL), 0);
}

static void stop_alarms(void)
{
	struct itimerval it = { { 0, 0 }, { 0, 0 } };

	setitimer(ITIMER_REAL, &it, NULL);
}

struct resumer {
	pthread_t self;
	pthread_t target;
	int after_ms;
};

/* Signals the sending thread directly, then resumes the remote. */
static void *resumer_main(void *arg)
{
	struct resumer *rs = arg;
	int t;

	for (t = 0; t < rs->after_ms; t += 20) {
		pthread_kill(rs->target, SIGUSR1);
		sleep_ms(20);
	}
	lb_set_paused(false);
	return NULL;
}

/* Alarms go to the process: keep them off the helper thread. */
static void start_resumer(struct resumer *rs, int after_ms)
{
	sigset_t block, old;

	rs->target = pthread_self();
	rs->after_ms = after_ms;
	sigemptyset(&block);
	sigaddset(&block, SIGALRM);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	ck_assert_int_eq(pthread_create(&rs->self, NULL, resumer_main, rs), 0);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

START_TEST(blocking_send_survives_signals)
{
	uint64_t mine = 5000;
	struct seq_rec r = { .next = mine };
	struct resumer rs;
	int64_t t0;

	rpmsg_ept_set_rx_cb(vx.ept, seq_rx, &r);
	lb_set_paused(true);
	ck_assert_uint_eq(lb_fill_pool(vx.ept), VM_TX_BUFS);
	start_alarms(5000);
	start_resumer(&rs, 400);
	t0 = now_ms();
	ck_assert_int_eq(rpmsg_ept_send(vx.ept, &mine, sizeof(mine)), 0);
	ck_assert_int_ge(now_ms() - t0, 350);
	pthread_join(rs.self, NULL);
	ck_assert_int_gt(signals_seen, 10);
	/* 256 "fill" echoes, then ours exactly once */
	ck_assert(vm_dispatch_until(vx.ctx, r.rx == VM_TX_BUFS + 1, 5000));
	stop_alarms();
	ck_assert_int_eq(rpmsg_ctx_dispatch(vx.ctx, 100), 0);
	ck_assert_uint_eq(r.rx, VM_TX_BUFS + 1);
	ck_assert_uint_eq(r.bad, VM_TX_BUFS);
	ck_assert_uint_eq(r.next, mine + 1);
}
END_TEST

START_TEST(send_timeout_keeps_deadline_under_signals)
{
	int64_t t0;

	lb_set_paused(true);
	ck_assert_uint_eq(lb_fill_pool(vx.ept), VM_TX_BUFS);
	start_alarms(3000);
	t0 = now_ms();
	ck_assert_errno(rpmsg_ept_timedsend(vx.ept, "x", 1, 300), ETIMEDOUT);
	stop_alarms();
	ck_assert_int_ge(now_ms() - t0, 300);
	ck_assert_int_lt(now_ms() - t0, 3000);
	ck_assert_int_gt(signals_seen, 10);
}
END_TEST

/* Async sends across a full ring, dispatch interrupted all along. */
START_TEST(async_sends_survive_signals)
{
	struct seq_rec r = { 0 };
	unsigned int eintr = 0;
	const uint64_t n = 2000;
	int64_t end;
	uint64_t i;

	rpmsg_ept_set_rx_cb(vx.ept, seq_rx, &r);
	lb_set("echo_delay_us", "50");
	start_alarms(2000);
	for (i = 0; i < n; i++)
		ck_assert_int_eq(seq_send_async(vx.ept, i, &r), 0);
	end = now_ms() + 30000;
	while ((r.rx < n || r.done < n) && now_ms() < end) {
		int ret = rpmsg_ctx_dispatch(vx.ctx, 20);

		if (ret < 0) {
			ck_assert_int_eq(errno, EINTR);
			eintr++;
		}
	}
	stop_alarms();
	ck_assert_uint_eq(r.done_ok, n);
	ck_assert_uint_eq(r.done_bad, 0);
	ck_assert_uint_eq(r.rx, n);
	ck_assert_uint_eq(r.bad, 0);
	ck_assert_int_eq(rpmsg_ctx_dispatch(vx.ctx, 100), 0);
	ck_assert_uint_eq(r.rx, n);
	ck_assert_int_gt(signals_seen, 0);
	printf("vm-signals: %d signals, %u dispatch calls returned EINTR (%s)\n",
	       (int)signals_seen, eintr, rpmsg_engine_name(rpmsg_ctx_get_engine(vx.ctx)));
}
END_TEST

Suite *suite_vm_signals(void)
{
	Suite *s = suite_create("vm-signals");
	TCase *tc = vm_tcase("signals", true);

	tcase_add_test(tc, blocking_send_survives_signals);
	tcase_add_test(tc, send_timeout_keeps_deadline_under_signals);
	tcase_add_test(tc, async_sends_survive_signals);
	suite_add_tcase(s, tc);
	return s;
}
