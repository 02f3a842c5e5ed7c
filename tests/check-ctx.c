// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: librpmsg authors

/* Context: creation, engines, the pollable fd, dispatch rules, free. */

#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "check-common.h"

/* Conflicting or unknown flags are refused with EINVAL. */
START_TEST(test_ctx_new_bad_flags)
{
	ck_assert_null_errno(rpmsg_ctx_new(RPMSG_CTX_FORCE_URING | RPMSG_CTX_FORCE_EPOLL), EINVAL);
	ck_assert_null_errno(rpmsg_ctx_new(1U << 7), EINVAL);
}
END_TEST

/* Each flag forces its engine. */
START_TEST(test_ctx_new_forced_engines)
{
	struct rpmsg_ctx *ctx = rpmsg_ctx_new(RPMSG_CTX_FORCE_EPOLL);

	ck_assert_ptr_nonnull(ctx);
	ck_assert_int_eq(rpmsg_ctx_get_engine(ctx), RPMSG_ENGINE_EPOLL);
	rpmsg_ctx_free(ctx);
	ctx = rpmsg_ctx_new(RPMSG_CTX_FORCE_URING);
	ck_assert_ptr_nonnull(ctx);
	ck_assert_int_eq(rpmsg_ctx_get_engine(ctx), RPMSG_ENGINE_URING);
	rpmsg_ctx_free(ctx);
}
END_TEST

/* RPMSG_ENGINE picks the engine; an unknown value is EINVAL. */
START_TEST(test_ctx_new_env)
{
	const char *saved = getenv("RPMSG_ENGINE");
	char *copy = saved ? strdup(saved) : NULL;
	struct rpmsg_ctx *ctx;

	setenv("RPMSG_ENGINE", "epoll", 1);
	ctx = rpmsg_ctx_new(0);
	ck_assert_ptr_nonnull(ctx);
	ck_assert_int_eq(rpmsg_ctx_get_engine(ctx), RPMSG_ENGINE_EPOLL);
	rpmsg_ctx_free(ctx);
	setenv("RPMSG_ENGINE", "uring", 1);
	ctx = rpmsg_ctx_new(0);
	ck_assert_int_eq(rpmsg_ctx_get_engine(ctx), RPMSG_ENGINE_URING);
	rpmsg_ctx_free(ctx);
	setenv("RPMSG_ENGINE", "bogus", 1);
	ck_assert_null_errno(rpmsg_ctx_new(0), EINVAL);
	if (copy)
		setenv("RPMSG_ENGINE", copy, 1);
	else
		unsetenv("RPMSG_ENGINE");
	free(copy);
}
END_TEST

/* Engine names, and EINVAL for an unknown engine. */
START_TEST(test_ctx_engine_name)
{
	ck_assert_str_eq(rpmsg_engine_name(RPMSG_ENGINE_URING), "io_uring");
	ck_assert_str_eq(rpmsg_engine_name(RPMSG_ENGINE_EPOLL), "epoll");
	errno = 0;
	ck_assert_ptr_null(rpmsg_engine_name((enum rpmsg_engine)42));
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_ptr_nonnull(rpmsg_api_version());
	ck_assert_str_eq(rpmsg_api_version(), PACKAGE_VERSION);
}
END_TEST

/* Roots default to /sys and /dev, can be set, and reset with NULL. */
START_TEST(test_ctx_roots)
{
	ck_assert_str_eq(rpmsg_ctx_get_sysfs_root(fx.ctx), "/sys");
	ck_assert_str_eq(rpmsg_ctx_get_dev_root(fx.ctx), "/dev");
	ck_assert_int_eq(rpmsg_ctx_set_roots(fx.ctx, "/tmp/s", "/tmp/d"), 0);
	ck_assert_str_eq(rpmsg_ctx_get_sysfs_root(fx.ctx), "/tmp/s");
	ck_assert_str_eq(rpmsg_ctx_get_dev_root(fx.ctx), "/tmp/d");
	ck_assert_errno(rpmsg_ctx_set_roots(fx.ctx, "", NULL), EINVAL);
	ck_assert_errno(rpmsg_ctx_set_roots(fx.ctx, NULL, ""), EINVAL);
	ck_assert_int_eq(rpmsg_ctx_set_roots(fx.ctx, NULL, NULL), 0);
	ck_assert_str_eq(rpmsg_ctx_get_sysfs_root(fx.ctx), "/sys");
	ck_assert_str_eq(rpmsg_ctx_get_dev_root(fx.ctx), "/dev");
}
END_TEST

/* A failure on either root changes neither. */
START_TEST(test_ctx_roots_atomic)
{
	char *long_root = malloc(5000);

	ck_assert_ptr_nonnull(long_root);
	memset(long_root, 'a', 4999);
	long_root[0] = '/';
	long_root[4999] = '\0';
	ck_assert_int_eq(rpmsg_ctx_set_roots(fx.ctx, "/tmp/s", "/tmp/d"), 0);
	ck_assert_errno(rpmsg_ctx_set_roots(fx.ctx, "/tmp/s2", long_root), ENAMETOOLONG);
	ck_assert_str_eq(rpmsg_ctx_get_sysfs_root(fx.ctx), "/tmp/s");
	ck_assert_str_eq(rpmsg_ctx_get_dev_root(fx.ctx), "/tmp/d");
	ck_assert_errno(rpmsg_ctx_set_roots(fx.ctx, "/tmp/s2", ""), EINVAL);
	ck_assert_str_eq(rpmsg_ctx_get_sysfs_root(fx.ctx), "/tmp/s");
	ck_assert_errno(rpmsg_ctx_set_roots(fx.ctx, long_root, "/tmp/d2"), ENAMETOOLONG);
	ck_assert_str_eq(rpmsg_ctx_get_dev_root(fx.ctx), "/tmp/d");
	ck_assert_errno(rpmsg_ctx_set_roots(fx.ctx, NULL, long_root), ENAMETOOLONG);
	ck_assert_str_eq(rpmsg_ctx_get_sysfs_root(fx.ctx), "/tmp/s");
	free(long_root);
}
END_TEST

/* The NULL rule: every context function given NULL fails with EINVAL and
 * its documented value; ctx_free(NULL) does nothing. */
START_TEST(test_ctx_null)
{
	ck_assert_errno(rpmsg_ctx_get_fd(NULL), EINVAL);
	ck_assert_value_errno(rpmsg_ctx_get_engine(NULL), 0, EINVAL);
	ck_assert_errno(rpmsg_ctx_dispatch(NULL, 0), EINVAL);
	ck_assert_errno(rpmsg_ctx_set_roots(NULL, "/tmp/s", "/tmp/d"), EINVAL);
	ck_assert_null_errno(rpmsg_ctx_get_sysfs_root(NULL), EINVAL);
	ck_assert_null_errno(rpmsg_ctx_get_dev_root(NULL), EINVAL);
	ck_assert_null_errno(rpmsg_engine_name((enum rpmsg_engine)0), EINVAL);
	errno = 0;
	rpmsg_ctx_free(NULL);
	ck_assert_int_eq(errno, 0);
}
END_TEST

/* dispatch: a timeout below -1 is EINVAL; with nothing to do, 0 returns 0 at once. */
START_TEST(test_ctx_dispatch_args)
{
	int64_t t0;

	ck_assert_errno(rpmsg_ctx_dispatch(fx.ctx, -2), EINVAL);
	t0 = now_ms();
	ck_assert_int_eq(rpmsg_ctx_dispatch(fx.ctx, 0), 0);
	ck_assert_int_eq(rpmsg_ctx_dispatch(fx.ctx, 50), 0);
	ck_assert_int_ge(now_ms() - t0, 45);
}
END_TEST

static int nested_ret, nested_errno;

static void rx_dispatches(struct rpmsg_ept *ept, const void *data, size_t len, uint32_t src,
			  void *user)
{
	errno = 0;
	nested_ret = rpmsg_ctx_dispatch(rpmsg_ept_get_ctx(ept), 0);
	nested_errno = errno;
	*(int *)user += 1;
}

/* dispatch from a callback fails with EBUSY. */
START_TEST(test_ctx_dispatch_nested)
{
	int calls = 0;

	rpmsg_ept_set_rx_cb(fx.ept, rx_dispatches, &calls);
	ck_assert_int_eq(rpmsg_ept_send(fx.ept, "x", 1), 0);
	ck_assert(dispatch_until(fx.ctx, calls == 1, 2000));
	ck_assert_int_eq(nested_ret, -1);
	ck_assert_int_eq(nested_errno, EBUSY);
}
END_TEST

/* What a callback run outside dispatch tried (completions run by close or ctx_free). */
struct reentry {
	struct rpmsg_ctx *ctx;
	unsigned int calls;
	int dispatch_ret, dispatch_errno;
	int free_errno;
};

static void done_reenters(struct rpmsg_ept *ept, int status, void *user)
{
	struct reentry *r = user;

	r->calls++;
	errno = 0;
	r->dispatch_ret = rpmsg_ctx_dispatch(r->ctx, 0);
	r->dispatch_errno = errno;
	errno = 0;
	rpmsg_ctx_free(r->ctx);	/* refused: the context is in use */
	r->free_errno = errno;
}

/* Completions that rpmsg_ept_close runs outside dispatch cannot re-enter the
 * engine: dispatch and ctx_free fail with EBUSY, and the context still works. */
START_TEST(test_ctx_reenter_from_close_completion)
{
	struct reentry r = { .ctx = fx.ctx };
	struct recorder rec = { 0 };

	ck_assert_int_eq(rpmsg_ept_send_async(fx.ept, "a", 1, done_reenters, &r), 0);
	rpmsg_ept_close(fx.ept);
	fx.ept = NULL;
	ck_assert_uint_eq(r.calls, 1);
	ck_assert_int_eq(r.dispatch_ret, -1);
	ck_assert_int_eq(r.dispatch_errno, EBUSY);
	ck_assert_int_eq(r.free_errno, EBUSY);

	fx.ept = rpmsg_ctrl_create_ept(fx.ctrl, "again", RPMSG_ADDR_ANY, 30);
	ck_assert_ptr_nonnull(fx.ept);
	rpmsg_ept_set_rx_cb(fx.ept, rec_rx, &rec);
	ck_assert_int_eq(rpmsg_ept_send(fx.ept, "x", 1), 0);
	ck_assert(dispatch_until(fx.ctx, rec.rx_count == 1, 2000));
}
END_TEST

/* The same for the completions that rpmsg_ctx_free runs: the nested free is
 * refused and the outer one completes (ASan sees no double free). */
START_TEST(test_ctx_reenter_from_free_completion)
{
	struct rpmsg_ctx *ctx = rpmsg_ctx_new(0);
	struct rpmsg_sim *sim;
	struct rpmsg_ept *ept;
	struct reentry r = { .ctx = ctx };

	ck_assert_ptr_nonnull(ctx);
	sim = rpmsg_sim_new(ctx, 0);
	ck_assert_ptr_nonnull(sim);
	ept = rpmsg_ctrl_create_ept(rpmsg_sim_get_ctrl(sim), "x", RPMSG_ADDR_ANY, 5);
	ck_assert_ptr_nonnull(ept);
	ck_assert_int_eq(rpmsg_ept_send_async(ept, "a", 1, done_reenters, &r), 0);
	rpmsg_ctx_free(ctx);
	ck_assert_uint_eq(r.calls, 1);
	ck_assert_int_eq(r.dispatch_ret, -1);
	ck_assert_int_eq(r.dispatch_errno, EBUSY);
	ck_assert_int_eq(r.free_errno, EBUSY);
}
END_TEST

static void rx_frees_ctx(struct rpmsg_ept *ept, const void *data, size_t len, uint32_t src,
			 void *user)
{
	struct reentry *r = user;

	r->calls++;
	errno = 0;
	rpmsg_ctx_free(r->ctx);
	r->free_errno = errno;
}

/* ctx_free from a callback inside dispatch is refused with EBUSY. */
START_TEST(test_ctx_free_from_callback)
{
	struct reentry r = { .ctx = fx.ctx };
	struct recorder rec = { 0 };

	rpmsg_ept_set_rx_cb(fx.ept, rx_frees_ctx, &r);
	ck_assert_int_eq(rpmsg_ept_send(fx.ept, "x", 1), 0);
	ck_assert(dispatch_until(fx.ctx, r.calls == 1, 2000));
	ck_assert_int_eq(r.free_errno, EBUSY);
	rpmsg_ept_set_rx_cb(fx.ept, rec_rx, &rec);
	ck_assert_int_eq(rpmsg_ept_send(fx.ept, "y", 1), 0);
	ck_assert(dispatch_until(fx.ctx, rec.rx_count == 1, 2000));
}
END_TEST

/* The context fd becomes readable when a message waits, and dispatch runs its callback. */
START_TEST(test_ctx_fd_readable)
{
	struct recorder rec = { 0 };
	struct pollfd pfd = { .fd = rpmsg_ctx_get_fd(fx.ctx), .events = POLLIN };
	int64_t end = now_ms() + 2000;

	ck_assert_int_ge(pfd.fd, 0);
	rpmsg_ept_set_rx_cb(fx.ept, rec_rx, &rec);
	/* Drain the wakeup that creating the endpoint caused. */
	rpmsg_ctx_dispatch(fx.ctx, 0);
	ck_assert_int_eq(rpmsg_ept_send(fx.ept, "ping", 4), 0);
	while (rec.rx_count == 0 && now_ms() < end) {
		int n = poll(&pfd, 1, 100);

		ck_assert_int_ge(n, 0);
		if (n == 1)
			ck_assert_int_ge(rpmsg_ctx_dispatch(fx.ctx, 0), 0);
	}
	ck_assert_uint_eq(rec.rx_count, 1);
	ck_assert_mem_eq(rec.last, "ping", 4);
}
END_TEST

/* A send queued outside dispatch makes the fd readable so a poll loop flushes it. */
START_TEST(test_ctx_fd_after_async_send)
{
	struct recorder rec = { 0 };
	struct pollfd pfd = { .fd = rpmsg_ctx_get_fd(fx.ctx), .events = POLLIN };

	rpmsg_ctx_dispatch(fx.ctx, 0);
	ck_assert_int_eq(rpmsg_ept_send_async(fx.ept, "a", 1, rec_done, &rec), 0);
	ck_assert_int_eq(poll(&pfd, 1, 1000), 1);
	ck_assert(dispatch_until(fx.ctx, rec.done_count == 1, 2000));
	ck_assert_int_eq(rec.done_status[0], 0);
}
END_TEST

/* Freeing a context closes its endpoints; queued sends complete with -ECANCELED. */
START_TEST(test_ctx_free_with_endpoints)
{
	struct rpmsg_ctx *ctx = rpmsg_ctx_new(0);
	struct rpmsg_sim *sim = rpmsg_sim_new(ctx, 0);
	struct rpmsg_ept *ept = rpmsg_ctrl_create_ept(rpmsg_sim_get_ctrl(sim), "x", RPMSG_ADDR_ANY, 5);
	struct recorder rec = { 0 };

	ck_assert_ptr_nonnull(ept);
	ck_assert_int_eq(rpmsg_ept_send_async(ept, "a", 1, rec_done, &rec), 0);
	ck_assert_int_eq(rpmsg_ept_send_async(ept, "b", 1, rec_done, &rec), 0);
	rpmsg_ctx_free(ctx);
	ck_assert_uint_eq(rec.done_count, 2);
	ck_assert_int_eq(rec.done_status[0], -ECANCELED);
	ck_assert_int_eq(rec.done_status[1], -ECANCELED);
	rpmsg_ctx_free(NULL);
}
END_TEST

/* Closing the last endpoint and then freeing the context closes nothing twice. */
START_TEST(test_ctx_free_after_last_close)
{
	rpmsg_ept_close(fx.ept);
	fx.ept = NULL;
	rpmsg_sim_free(fx.sim);
	fx.sim = NULL;
	rpmsg_ctx_free(fx.ctx);
	fx.ctx = NULL;
}
END_TEST

Suite *suite_ctx(void)
{
	Suite *s = suite_create("ctx");
	TCase *tc = tcase_create("new");

	tcase_add_test(tc, test_ctx_new_bad_flags);
	tcase_add_test(tc, test_ctx_new_forced_engines);
	tcase_add_test(tc, test_ctx_new_env);
	tcase_add_test(tc, test_ctx_engine_name);
	tcase_add_test(tc, test_ctx_free_with_endpoints);
	tcase_add_test(tc, test_ctx_reenter_from_free_completion);
	tcase_add_test(tc, test_ctx_null);
	suite_add_tcase(s, tc);

	tc = tcase_create("dispatch");
	tcase_add_checked_fixture(tc, fixture_setup, fixture_teardown);
	tcase_set_timeout(tc, 10);
	tcase_add_test(tc, test_ctx_roots);
	tcase_add_test(tc, test_ctx_roots_atomic);
	tcase_add_test(tc, test_ctx_dispatch_args);
	tcase_add_test(tc, test_ctx_dispatch_nested);
	tcase_add_test(tc, test_ctx_reenter_from_close_completion);
	tcase_add_test(tc, test_ctx_free_from_callback);
	tcase_add_test(tc, test_ctx_fd_readable);
	tcase_add_test(tc, test_ctx_fd_after_async_send);
	tcase_add_test(tc, test_ctx_free_after_last_close);
	suite_add_tcase(s, tc);
	return s;
}
