// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: librpmsg authors

/* The context: engine choice, the pollable fd, dispatch() and where callbacks run. */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "engine.h"

int64_t rpmsgi_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static char *dup_root(const char *value, const char *fallback)
{
	return strdup(value && *value ? value : fallback);
}

static int pick_engine(unsigned int flags, const struct rpmsgi_engine **engine, bool *forced)
{
	const char *env = getenv("RPMSG_ENGINE");

	*forced = true;
	if (flags & RPMSG_CTX_FORCE_URING) {
		*engine = &rpmsgi_engine_uring;
	} else if (flags & RPMSG_CTX_FORCE_EPOLL) {
		*engine = &rpmsgi_engine_epoll;
	} else if (env && *env) {
		if (!strcmp(env, "uring") || !strcmp(env, "io_uring"))
			*engine = &rpmsgi_engine_uring;
		else if (!strcmp(env, "epoll"))
			*engine = &rpmsgi_engine_epoll;
		else
			return -EINVAL;
	} else {
		*engine = &rpmsgi_engine_uring;
		*forced = false;
	}
	return 0;
}

RPMSG_API struct rpmsg_ctx *rpmsg_ctx_new(unsigned int flags)
{
	const unsigned int known = RPMSG_CTX_FORCE_URING | RPMSG_CTX_FORCE_EPOLL;
	const struct rpmsgi_engine *engine;
	struct rpmsg_ctx *ctx;
	bool forced;
	int ret;

	if ((flags & ~known) || (flags & known) == known) {
		errno = EINVAL;
		return NULL;
	}
	ret = pick_engine(flags, &engine, &forced);
	if (ret < 0) {
		errno = -ret;
		return NULL;
	}

	ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return NULL;
	ctx->sysfs_root = dup_root(getenv("RPMSG_SYSFS_ROOT"), "/sys");
	ctx->dev_root = dup_root(getenv("RPMSG_DEV_ROOT"), "/dev");
	if (!ctx->sysfs_root || !ctx->dev_root)
		goto err;
	ctx->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (ctx->wake_fd < 0)
		goto err;

	ctx->engine = engine;
	ret = engine->init(ctx);
	if (ret < 0 && !forced) {
		/* io_uring unavailable (ENOSYS, EPERM from seccomp or
		 * kernel.io_uring_disabled, ENOMEM from RLIMIT_MEMLOCK...). */
		ctx->engine = &rpmsgi_engine_epoll;
		ret = ctx->engine->init(ctx);
	}
	if (ret < 0) {
		errno = -ret;
		goto err_engine;
	}
	return ctx;

err_engine:
	close(ctx->wake_fd);
err:
	ret = errno;
	free(ctx->sysfs_root);
	free(ctx->dev_root);
	free(ctx);
	errno = ret;
	return NULL;
}

/* Inside a callback the engine and the endpoint being delivered or closed
 * are in use: what the header forbids there fails with EBUSY. */
static bool inside_callback(const struct rpmsg_ctx *ctx)
{
	return ctx->in_dispatch || ctx->in_callback;
}

RPMSG_API void rpmsg_ctx_free(struct rpmsg_ctx *ctx)
{
	if (!ctx)
		return;
	if (rpmsgi_on_sim_thread()) {
		errno = EDEADLK;	/* it would join the thread it runs on */
		return;
	}
	if (inside_callback(ctx)) {
		errno = EBUSY;
		return;
	}
	while (ctx->epts)
		rpmsg_ept_close(ctx->epts);
	while (ctx->sims)
		rpmsg_sim_free(ctx->sims);
	while (ctx->ctrls) {
		/* Callers' references left open: release them now. */
		struct rpmsg_ctrl *ctrl = ctx->ctrls;

		ctrl->refs = 1;
		rpmsgi_ctrl_put(ctrl);
	}
	ctx->engine->fini(ctx);
	rpmsgi_tx_msg_free_all(ctx);
	close(ctx->wake_fd);
	free(ctx->sysfs_root);
	free(ctx->dev_root);
	free(ctx);
}

RPMSG_API int rpmsg_ctx_get_fd(struct rpmsg_ctx *ctx)
{
	RPMSGI_REQUIRE(ctx, -1);
	return ctx->engine->get_fd(ctx);
}

RPMSG_API enum rpmsg_engine rpmsg_ctx_get_engine(struct rpmsg_ctx *ctx)
{
	RPMSGI_REQUIRE(ctx, (enum rpmsg_engine)0);
	return ctx->engine->id;
}

RPMSG_API const char *rpmsg_engine_name(enum rpmsg_engine engine)
{
	switch (engine) {
	case RPMSG_ENGINE_URING:
		return "io_uring";
	case RPMSG_ENGINE_EPOLL:
		return "epoll";
	}
	errno = EINVAL;
	return NULL;
}

/* A new copy of a root (value, or fallback for NULL), or NULL with errno. */
static char *copy_root(const char *value, const char *fallback)
{
	if (value && !*value) {
		errno = EINVAL;
		return NULL;
	}
	if (value && strlen(value) >= 4096) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	return strdup(value ? value : fallback);
}

RPMSG_API int rpmsg_ctx_set_roots(struct rpmsg_ctx *ctx, const char *sysfs_root,
				  const char *dev_root)
{
	char *sysfs_copy, *dev_copy;

	RPMSGI_REQUIRE(ctx, -1);
	/* Both copies first: a failure changes neither root. */
	sysfs_copy = copy_root(sysfs_root, "/sys");
	if (!sysfs_copy)
		return -1;
	dev_copy = copy_root(dev_root, "/dev");
	if (!dev_copy) {
		int err = errno;

		free(sysfs_copy);
		errno = err;
		return -1;
	}
	free(ctx->sysfs_root);
	ctx->sysfs_root = sysfs_copy;
	free(ctx->dev_root);
	ctx->dev_root = dev_copy;
	return 0;
}

RPMSG_API const char *rpmsg_ctx_get_sysfs_root(struct rpmsg_ctx *ctx)
{
	RPMSGI_REQUIRE(ctx, NULL);
	return ctx->sysfs_root;
}

RPMSG_API const char *rpmsg_ctx_get_dev_root(struct rpmsg_ctx *ctx)
{
	RPMSGI_REQUIRE(ctx, NULL);
	return ctx->dev_root;
}

/* Make the context fd readable so that an event loop calls dispatch. Safe
 * from any thread; one eventfd write per dispatch cycle at most. */
void rpmsgi_ctx_wake(struct rpmsg_ctx *ctx)
{
	uint64_t one = 1;

	if (ctx->in_dispatch)
		return;
	if (!atomic_exchange(&ctx->wake_pending, true)) {
		if (write(ctx->wake_fd, &one, sizeof(one)) < 0) {
			/* EAGAIN: the counter is saturated, hence readable anyway. */
		}
	}
}

/* Other threads only ever report "down" (from synchronous sends). */
static void scan_down(struct rpmsg_ctx *ctx)
{
	struct rpmsg_ept *ept;

	if (!atomic_exchange(&ctx->down_hint, false))
		return;
	for (ept = ctx->epts; ept; ept = ept->next)
		if (atomic_load(&ept->down_err) && !ept->down_delivered)
			rpmsgi_mark_ready(ept);
}

/* Consume the wakeup: read first, then clear, so a concurrent waker either
 * sees the flag still set (its state change precedes our scan) or writes again. */
void rpmsgi_ctx_drain_wake(struct rpmsg_ctx *ctx)
{
	uint64_t val;

	if (read(ctx->wake_fd, &val, sizeof(val)) < 0) {
		/* EAGAIN: nothing to drain. */
	}
	atomic_store(&ctx->wake_pending, false);
	scan_down(ctx);
}

void rpmsgi_mark_ready(struct rpmsg_ept *ept)
{
	struct rpmsg_ctx *ctx = ept->ctx;

	if (ept->on_ready)
		return;
	ept->on_ready = true;
	ept->ready_next = ctx->ready;
	ctx->ready = ept;
	rpmsgi_ctx_wake(ctx);
}

void rpmsgi_mark_dirty(struct rpmsg_ept *ept)
{
	struct rpmsg_ctx *ctx = ept->ctx;

	if (ept->on_dirty)
		return;
	ept->on_dirty = true;
	ept->dirty_next = ctx->dirty;
	ctx->dirty = ept;
	rpmsgi_ctx_wake(ctx);
}

/* Hand every dirty endpoint's work to the engine. A down endpoint's queued
 * sends are failed by delivery instead. */
static void flush_dirty(struct rpmsg_ctx *ctx)
{
	while (ctx->dirty) {
		struct rpmsg_ept *ept = ctx->dirty;

		ctx->dirty = ept->dirty_next;
		ept->on_dirty = false;
		if (ept->closing)
			continue;
		if (rpmsgi_ept_down(ept) && ept->tx_submit)
			rpmsgi_mark_ready(ept);
		ctx->engine->flush_ept(ctx, ept);
	}
	ctx->engine->flush_end(ctx);
}

/* One engine round: flush, submit, wait up to timeout_ms, reap. 0 or -errno. */
static int engine_round(struct rpmsg_ctx *ctx, int timeout_ms)
{
	flush_dirty(ctx);
	return ctx->engine->submit_wait_reap(ctx, timeout_ms);
}

static void run_ready(struct rpmsg_ctx *ctx)
{
	while (ctx->ready) {
		struct rpmsg_ept *ept = ctx->ready;

		ctx->ready = ept->ready_next;
		ept->on_ready = false;
		if (!ept->closing)
			ctx->callbacks_run += rpmsgi_ept_deliver(ept);
	}
}

static void free_zombies(struct rpmsg_ctx *ctx)
{
	while (ctx->zombies) {
		struct rpmsg_ept *ept = ctx->zombies;

		ctx->zombies = ept->next;
		rpmsgi_ept_free(ept);
	}
}

/* Rounds of "submit, collect what completed inline, run callbacks" per call:
 * enough to drain a pipelined burst, bounded so one call cannot starve the
 * caller's loop. */
#define DISPATCH_MAX_ROUNDS 8

/* Rounds of engine work and callbacks until nothing is due, the timeout
 * passes or DISPATCH_MAX_ROUNDS; the engine's last status (0 or -errno). */
static int dispatch_rounds(struct rpmsg_ctx *ctx, int timeout_ms)
{
	int64_t deadline = 0;
	int wait_ms = timeout_ms;
	int rounds = 0;
	int ret;

	if (timeout_ms > 0)
		deadline = rpmsgi_now_ns() + (int64_t)timeout_ms * 1000000;
	for (;;) {
		ret = engine_round(ctx, ctx->ready ? 0 : wait_ms);
		if (ret < 0 && ret != -EINTR)
			break;
		scan_down(ctx);
		run_ready(ctx);
		if (ret == -EINTR)
			break;
		if (ctx->callbacks_run == 0 && timeout_ms != 0) {
			/* Woken without a callback to run (an internal wakeup):
			 * keep waiting for the rest of the timeout. */
			if (timeout_ms > 0) {
				int64_t left = deadline - rpmsgi_now_ns();

				if (left <= 0)
					break;
				wait_ms = (int)((left + 999999) / 1000000);
			}
			continue;
		}
		if (!ctx->dirty && !ctx->ready)
			break;
		if (++rounds >= DISPATCH_MAX_ROUNDS)
			break;
		wait_ms = 0;
	}
	return ret;
}

/* Callbacks run, or -1 with errno; an interrupted wait that ran callbacks
 * reports them. */
static int dispatch_result(const struct rpmsg_ctx *ctx, int ret)
{
	if (ret < 0 && !(ret == -EINTR && ctx->callbacks_run)) {
		errno = -ret;
		return -1;
	}
	return (int)ctx->callbacks_run;
}

RPMSG_API int rpmsg_ctx_dispatch(struct rpmsg_ctx *ctx, int timeout_ms)
{
	int ret;

	RPMSGI_REQUIRE(ctx, -1);
	if (inside_callback(ctx)) {
		errno = EBUSY;
		return -1;
	}
	if (timeout_ms < -1) {
		errno = EINVAL;
		return -1;
	}
	ctx->in_dispatch = true;
	ctx->callbacks_run = 0;
	ret = dispatch_rounds(ctx, timeout_ms);
	/* Work the callbacks queued must reach the kernel before we return:
	 * the caller may now sleep in poll() on our fd. */
	if (ctx->dirty && ret >= 0)
		ret = engine_round(ctx, 0);
	free_zombies(ctx);
	ctx->in_dispatch = false;
	if (ctx->ready || atomic_load(&ctx->down_hint)) {
		/* Results collected by the final flush: keep the fd readable. */
		rpmsgi_ctx_wake(ctx);
	}
	return dispatch_result(ctx, ret);
}
