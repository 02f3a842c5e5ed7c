// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: librpmsg authors

/*
 * The epoll engine: used when io_uring cannot be set up, or when forced.
 * Same semantics as the io_uring engine with plain non-blocking read() and
 * write(): reads on EPOLLIN until EAGAIN or the receive ring is full, writes
 * in queue order until EAGAIN, then waits for EPOLLOUT where the device
 * reports it and otherwise retries from a timerfd on a growing backoff.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "engine.h"

#define MAX_EVENTS 64

struct epoll_engine {
	int epfd;
	int timerfd;
	int64_t timer_at;	/* armed expiry, 0 when disarmed */
	bool need_timer;	/* a flushed endpoint has a retry due */
};

/* Per endpoint (rpmsgi_ept_priv). */
struct epoll_ept {
	int64_t tx_retry_at;	/* next retry of a blocked send, 0 for none */
	uint32_t events;	/* registered interest */
	bool registered;
};

static struct epoll_ept *eept(struct rpmsg_ept *ept)
{
	return rpmsgi_ept_priv(ept);
}

/* epoll data for the two internal fds; endpoints use their own pointer. */
static char wake_tag, timer_tag;

static int ep_ctl(int epfd, int op, int fd, uint32_t events, void *ptr)
{
	struct epoll_event ev = { .events = events, .data.ptr = ptr };

	return epoll_ctl(epfd, op, fd, &ev) < 0 ? -errno : 0;
}

static int epoll_init(struct rpmsg_ctx *ctx)
{
	struct epoll_engine *ee = calloc(1, sizeof(*ee));
	int ret;

	if (!ee)
		return -ENOMEM;
	ee->epfd = epoll_create1(EPOLL_CLOEXEC);
	ee->timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (ee->epfd < 0 || ee->timerfd < 0) {
		ret = -errno;
		goto err;
	}
	ret = ep_ctl(ee->epfd, EPOLL_CTL_ADD, ctx->wake_fd, EPOLLIN, &wake_tag);
	if (!ret)
		ret = ep_ctl(ee->epfd, EPOLL_CTL_ADD, ee->timerfd, EPOLLIN, &timer_tag);
	if (ret < 0)
		goto err;
	ctx->engine_data = ee;
	return 0;
err:
	if (ee->epfd >= 0)
		close(ee->epfd);
	if (ee->timerfd >= 0)
		close(ee->timerfd);
	free(ee);
	return ret;
}

static void epoll_fini(struct rpmsg_ctx *ctx)
{
	struct epoll_engine *ee = ctx->engine_data;

	close(ee->epfd);
	close(ee->timerfd);
	free(ee);
}

static int epoll_get_fd(struct rpmsg_ctx *ctx)
{
	return ((struct epoll_engine *)ctx->engine_data)->epfd;
}

static int epoll_add(struct rpmsg_ctx *ctx, struct rpmsg_ept *ept)
{
	struct epoll_engine *ee = ctx->engine_data;
	int ret = ep_ctl(ee->epfd, EPOLL_CTL_ADD, ept->fd, 0, ept);

	if (!ret)
		eept(ept)->registered = true;
	return ret;
}

static void epoll_remove(struct rpmsg_ctx *ctx, struct rpmsg_ept *ept)
{
	struct epoll_engine *ee = ctx->engine_data;

	if (eept(ept)->registered)
		epoll_ctl(ee->epfd, EPOLL_CTL_DEL, ept->fd, NULL);
	eept(ept)->registered = false;
	ept->rx_head = ept->rx_tail;
}

/* Interest follows state: EPOLLIN while receive slots are free, EPOLLOUT
 * while sends wait on a device that reports it. A down endpoint leaves the
 * set (it would report EPOLLERR forever). */
static void update_interest(struct epoll_engine *ee, struct rpmsg_ept *ept)
{
	struct epoll_ept *e = eept(ept);
	uint32_t want = 0;

	if (!e->registered)
		return;
	if (rpmsgi_ept_down(ept)) {
		epoll_ctl(ee->epfd, EPOLL_CTL_DEL, ept->fd, NULL);
		e->registered = false;
		return;
	}
	if (ept->rx_tail - ept->rx_head < RPMSGI_RX_SLOTS)
		want |= EPOLLIN;
	if (ept->tx_submit && ept->tx_blocked_since && ept->pollout_ok)
		want |= EPOLLOUT;
	if (want != e->events) {
		ep_ctl(ee->epfd, EPOLL_CTL_MOD, ept->fd, want, ept);
		e->events = want;
	}
}

/* EPOLLIN was dropped while the slots were full: take it up again. */
static void epoll_rx_room(struct rpmsg_ept *ept)
{
	struct epoll_ept *e = eept(ept);

	if (e->registered && !(e->events & EPOLLIN))
		rpmsgi_mark_dirty(ept);
}

static void read_ready(struct rpmsg_ept *ept)
{
	if (rpmsgi_rx_prepare_buffers(ept) < 0)
		return;
	while (ept->rx_tail - ept->rx_head < RPMSGI_RX_SLOTS && !rpmsgi_ept_down(ept)) {
		struct rpmsgi_rx_slot *slot = &ept->rx[ept->rx_tail % RPMSGI_RX_SLOTS];
		ssize_t n = read(ept->fd, slot->buf, ept->rx_buf_size);

		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			break;
		ept->rx_tail++;
		rpmsgi_rx_complete(slot, n < 0 ? -errno : (int)n);
	}
}

static void write_queued(struct rpmsg_ept *ept, int64_t now)
{
	rpmsgi_tx_expire_queued(ept, now);
	while (ept->tx_submit) {
		struct rpmsgi_tx_msg *msg = ept->tx_submit;
		ssize_t n = rpmsgi_write_once(ept, msg->buf, msg->len);

		if (n == -EAGAIN) {
			rpmsgi_tx_requeue(msg);
			eept(ept)->tx_retry_at = now + ept->tx_backoff_ns;
			return;
		}
		ept->tx_submit = msg->next;
		rpmsgi_tx_complete(msg, (int)n);
		if (n < 0 && rpmsgi_ept_down(ept))
			return;
	}
	eept(ept)->tx_retry_at = 0;
}

static void arm_timer(struct epoll_engine *ee, int64_t at)
{
	struct itimerspec its = { 0 };

	if (at == ee->timer_at)
		return;
	if (at) {
		its.it_value.tv_sec = at / 1000000000LL;
		its.it_value.tv_nsec = at % 1000000000LL;
	}
	timerfd_settime(ee->timerfd, TFD_TIMER_ABSTIME, &its, NULL);
	ee->timer_at = at;
}

/* When a blocked send must be looked at again, 0 for never: the next retry
 * on a device without POLLOUT; on one with POLLOUT (which wakes us when the
 * ring has room) the moment the queue head times out. */
static int64_t retry_due(struct rpmsg_ept *ept)
{
	if (!ept->pollout_ok)
		return eept(ept)->tx_retry_at;
	if (!ept->tx_submit || !ept->tx_blocked_since)
		return 0;
	return rpmsgi_tx_deadline(ept, ept->tx_submit);
}

/* Retry (or time out) the blocked sends that are due and re-arm the timer for the next. */
static void service_retries(struct rpmsg_ctx *ctx, struct epoll_engine *ee)
{
	int64_t now = rpmsgi_now_ns(), next = 0;
	struct rpmsg_ept *ept, *sib;

	for (ept = ctx->epts; ept; ept = ept->next) {
		RPMSGI_FOR_EACH_WITH_SIBLINGS(ept, sib) {
			int64_t due = retry_due(sib);

			if (!due)
				continue;
			if (due <= now)
				rpmsgi_mark_dirty(sib);
			else if (!next || due < next)
				next = due;
		}
	}
	arm_timer(ee, next);
}

static void epoll_flush_ept(struct rpmsg_ctx *ctx, struct rpmsg_ept *ept)
{
	struct epoll_engine *ee = ctx->engine_data;
	int64_t retry_at = eept(ept)->tx_retry_at;
	int64_t now = rpmsgi_now_ns();

	if (!rpmsgi_ept_down(ept) && ept->tx_submit &&
	    (!retry_at || retry_at <= now || ept->pollout_ok))
		write_queued(ept, now);
	if (retry_due(ept))
		ee->need_timer = true;
	update_interest(ee, ept);
}

static void epoll_flush_end(struct rpmsg_ctx *ctx)
{
	struct epoll_engine *ee = ctx->engine_data;

	if (ee->need_timer || ee->timer_at)
		service_retries(ctx, ee);
	ee->need_timer = false;
}

static int epoll_submit_wait_reap(struct rpmsg_ctx *ctx, int timeout_ms)
{
	struct epoll_engine *ee = ctx->engine_data;
	struct epoll_event events[MAX_EVENTS];
	int i, n;

	/* A retry that fell due during the flush is on the dirty list again. */
	if (ctx->ready || ctx->dirty)
		timeout_ms = 0;
	n = epoll_wait(ee->epfd, events, MAX_EVENTS, timeout_ms);
	if (n < 0)
		return -errno;
	for (i = 0; i < n; i++) {
		void *ptr = events[i].data.ptr;
		struct rpmsg_ept *ept;

		if (ptr == &wake_tag) {
			rpmsgi_ctx_drain_wake(ctx);
			continue;
		}
		if (ptr == &timer_tag) {
			uint64_t expirations;

			if (read(ee->timerfd, &expirations, sizeof(expirations)) < 0) {
				/* EAGAIN: already consumed */
			}
			ee->timer_at = 0;
			service_retries(ctx, ee);
			continue;
		}
		ept = ptr;
		if (events[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP))
			read_ready(ept);
		if ((events[i].events & (EPOLLERR | EPOLLHUP)) &&
		    ept->rx_tail - ept->rx_head >= RPMSGI_RX_SLOTS) {
			/* No slot to read the error into: the kernel reports
			 * EPOLLERR only for a dead endpoint. */
			rpmsgi_ept_set_down(ept, EPIPE);
			rpmsgi_mark_ready(ept);
		}
		if (events[i].events & EPOLLOUT)
			rpmsgi_mark_dirty(ept);
		/* Slots may be full or the endpoint down: adjust now, not on the
		 * next event, or a level-triggered fd spins. */
		update_interest(ee, ept);
	}
	return 0;
}

const struct rpmsgi_engine rpmsgi_engine_epoll = {
	.id = RPMSG_ENGINE_EPOLL,
	.ept_priv_size = sizeof(struct epoll_ept),
	.init = epoll_init,
	.fini = epoll_fini,
	.get_fd = epoll_get_fd,
	.add = epoll_add,
	.remove = epoll_remove,
	.rx_room = epoll_rx_room,
	.flush_ept = epoll_flush_ept,
	.flush_end = epoll_flush_end,
	.submit_wait_reap = epoll_submit_wait_reap,
};
