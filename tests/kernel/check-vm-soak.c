// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: librpmsg authors

/* Soak on rpmsg_char: RPMSG_VM_SOAK messages (e.g. 1000000) through
 * rpmsg_ept_send_async, echoed by the loopback remote, 32 in flight. Every
 * message must come back once and in order, every completion succeed in
 * order, and the resident set may grow by less than 1 MiB after warm-up.
 * check-vm adds this suite only when RPMSG_VM_SOAK is set (check-kernel.sh
 * sets it for the soak run), so it never counts as a pass by being skipped. */

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "check-vm.h"

#define SOAK_IN_FLIGHT	32U
#define SOAK_WARMUP	20000U
#define SOAK_RSS_LIMIT_KIB 1024L
/* Limit for the whole soak: a TCG guest echoes well over 10k messages/s. */
#define SOAK_TIMEOUT_S	1800

static uint64_t soak_count(void)
{
	const char *s = getenv("RPMSG_VM_SOAK");

	return s ? strtoull(s, NULL, 10) : 0;
}

static long rss_kib(void)
{
	long pages = 0, rss = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fscanf(f, "%ld %ld", &pages, &rss), 2);
	fclose(f);
	return rss * (sysconf(_SC_PAGESIZE) / 1024);
}

START_TEST(send_async_echo_soak)
{
	const uint64_t n = soak_count();
	struct seq_rec r = { 0 };
	uint64_t queued = 0;
	long rss_warm = 0;
	int64_t t0 = now_ms();

	rpmsg_ept_set_rx_cb(vx.ept, seq_rx, &r);
	while (r.rx < n) {
		int ret;

		while (queued < n && queued - r.rx < SOAK_IN_FLIGHT)
			ck_assert_int_eq(seq_send_async(vx.ept, queued++, &r), 0);
		ret = rpmsg_ctx_dispatch(vx.ctx, 5000);
		ck_assert_msg(ret > 0, "dispatch returned %d (%s) after %llu of %llu echoes", ret,
			      ret < 0 ? strerror(errno) : "nothing within 5 s",
			      (unsigned long long)r.rx, (unsigned long long)n);
		if (!rss_warm && r.rx >= SOAK_WARMUP)
			rss_warm = rss_kib();
	}
	/* the last completions may trail the last echo */
	ck_assert(vm_dispatch_until(vx.ctx, r.done == n, 5000));
	printf("soak: %llu messages in %lld ms, lost %llu, reordered %llu, failed sends %llu, "
	       "RSS growth after warm-up %ld KiB (limit %ld)\n",
	       (unsigned long long)n, (long long)(now_ms() - t0),
	       (unsigned long long)(n - r.rx), (unsigned long long)r.bad,
	       (unsigned long long)r.done_err, rss_kib() - rss_warm, SOAK_RSS_LIMIT_KIB);
	ck_assert_uint_eq(r.rx, n);
	ck_assert_uint_eq(r.next, n);
	ck_assert_uint_eq(r.bad, 0);
	ck_assert_uint_eq(r.done_ok, n);
	ck_assert_uint_eq(r.done_bad, 0);
	if (n > SOAK_WARMUP)
		ck_assert_int_lt(rss_kib() - rss_warm, SOAK_RSS_LIMIT_KIB);
}
END_TEST

Suite *suite_vm_soak(void)
{
	Suite *s = suite_create("vm_soak");
	TCase *tc;

	if (!soak_count())
		return s;
	tc = vm_tcase("soak", true);
	tcase_set_timeout(tc, SOAK_TIMEOUT_S);
	tcase_add_test(tc, send_async_echo_soak);
	suite_add_tcase(s, tc);
	return s;
}
