// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: librpmsg authors

/*
 * The io_uring engine (the default).
 *
 * Receive: each endpoint keeps one chain of reads in flight, linked with
 * IOSQE_IO_HARDLINK so they run strictly one after the other (messages stay
 * in order; independent reads on one fd may complete out of order) and so
 * that a short read, which every message is, does not cut the chain. With
 * messages already queued the whole chain completes inside one
 * io_uring_enter. The fd is O_NONBLOCK, so a read with nothing queued is
 * poll-armed instead of handed to an io-wq worker thread.
 *
 * Send: queued messages go out as one chain of writes linked with
 * IOSQE_IO_LINK, each followed by a LINK_TIMEOUT. On a full TX ring
 * io_uring parks the write until POLLOUT, which virtio before Linux 7.0
 * never reports; the timeout cancels it instead, which also cuts the rest
 * of the chain, so nothing overtakes it. Cancelled messages go back to the
 * queue and are resubmitted with a growing timeout. A write that fails at
 * once with EAGAIN (ENOMEM before 5.18) is retried behind an
 * IORING_OP_TIMEOUT hard-linked in front of the chain.
 *
 * A device that reports POLLOUT wakes its parked writes itself, so its
 * writes carry no LINK_TIMEOUT (a timer per message costs about a third of
 * the throughput). One timer per endpoint, the send-timeout watch, fires
 * at the deadline of the oldest write in flight and cancels it if it is
 * still parked; the queue then expires like any other.
 *
 * Wakeups from other threads arrive through a POLL_ADD on the context's
 * eventfd, so waiting is a single io_uring_enter; the ring fd itself is the
 * context fd that event loops poll.
 */

#include <errno.h>
#include <liburing.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

#define UD_IGNORE	1ULL	/* link timeouts, delay timeouts, cancels */
#define UD_WAKE		2ULL

#define SQ_ENTRIES	256U
#define CQ_ENTRIES	4096U
#define LINK_TIMEOUT_MIN_NS	1000000LL
/* Rounds of cancel-and-reap allowed when closing; each ends at least one read. */
#define CLOSE_MAX_ROUNDS	(4 * RPMSGI_RX_SLOTS + 8)

struct uring_engine {
	struct io_uring ring;
	bool wake_armed;
};

/* The send-timeout watch's operation kind. */
#define OP_TX_WATCH	RPMSGI_OP_ENGINE

/* Per endpoint (rpmsgi_ept_priv). */
struct uring_ept {
	unsigned int rx_inflight;
	unsigned int tx_inflight;
	bool tx_delay_next;	/* delay the next chain (the ring was full at once) */
	bool tx_watch_armed;
	/* POLLOUT devices: one timer instead of a LINK_TIMEOUT per write. */
	struct rpmsgi_op tx_watch;
	/* Read by the kernel when submitted. */
	struct __kernel_timespec lt_ts, delay_ts, watch_ts;
};

static struct uring_ept *uept(struct rpmsg_ept *ept)
{
	return rpmsgi_ept_priv(ept);
}

static struct io_uring *ring_of(struct rpmsg_ctx *ctx)
{
	return &((struct uring_engine *)ctx->engine_data)->ring;
}

static struct io_uring_sqe *get_sqe(struct io_uring *ring)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

	if (!sqe) {
		io_uring_submit(ring);
		sqe = io_uring_get_sqe(ring);
	}
	return sqe;
}

/* Chains must not straddle a submission: make room for n entries first. */
static void reserve(struct io_uring *ring, unsigned int n)
{
	if (io_uring_sq_space_left(ring) < n)
		io_uring_submit(ring);
}

static void arm_wake(struct rpmsg_ctx *ctx)
{
	struct uring_engine *ue = ctx->engine_data;
	struct io_uring_sqe *sqe;

	if (ue->wake_armed)
		return;
	sqe = get_sqe(&ue->ring);
	io_uring_prep_poll_add(sqe, ctx->wake_fd, POLLIN);
	io_uring_sqe_set_data64(sqe, UD_WAKE);
	ue->wake_armed = true;
}

static int uring_init(struct rpmsg_ctx *ctx)
{
	struct uring_engine *ue = calloc(1, sizeof(*ue));
	struct io_uring_params p;
	int ret;

	if (!ue)
		return -ENOMEM;
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_CQSIZE;
	p.cq_entries = CQ_ENTRIES;
	ret = io_uring_queue_init_params(SQ_ENTRIES, &ue->ring, &p);
	if (ret == -EINVAL) {
		memset(&p, 0, sizeof(p));
		ret = io_uring_queue_init_params(SQ_ENTRIES, &ue->ring, &p);
	}
	if (ret < 0) {
		free(ue);
		return ret;
	}
	ctx->engine_data = ue;
	arm_wake(ctx);
	io_uring_submit(&ue->ring);
	return 0;
}

static void uring_fini(struct rpmsg_ctx *ctx)
{
	struct uring_engine *ue = ctx->engine_data;

	io_uring_queue_exit(&ue->ring);
	free(ue);
}

static int uring_get_fd(struct rpmsg_ctx *ctx)
{
	return ring_of(ctx)->ring_fd;
}

static int uring_add(struct rpmsg_ctx *ctx, struct rpmsg_ept *ept)
{
	struct uring_ept *u = uept(ept);

	u->tx_watch.kind = OP_TX_WATCH;
	u->tx_watch.ept = ept;
	return 0;
}

/* One chain of reads at a time: a new one starts when the last ended. */
static void uring_rx_room(struct rpmsg_ept *ept)
{
	if (uept(ept)->rx_inflight == 0)
		rpmsgi_mark_dirty(ept);
}

static bool rx_can_arm(struct rpmsg_ept *ept)
{
	return !rpmsgi_ept_down(ept) && ept->rx_tail - ept->rx_head < RPMSGI_RX_SLOTS &&
	       uept(ept)->rx_inflight == 0;
}

static void arm_rx_chain(struct io_uring *ring, struct rpmsg_ept *ept)
{
	unsigned int n = RPMSGI_RX_SLOTS - (ept->rx_tail - ept->rx_head);
	unsigned int i;

	if (rpmsgi_rx_prepare_buffers(ept) < 0)
		return;	/* ENOMEM: try again on the next dispatch */
	reserve(ring, n);
	for (i = 0; i < n; i++) {
		struct rpmsgi_rx_slot *slot = &ept->rx[ept->rx_tail % RPMSGI_RX_SLOTS];
		struct io_uring_sqe *sqe = get_sqe(ring);

		io_uring_prep_read(sqe, ept->fd, slot->buf, (unsigned int)ept->rx_buf_size, 0);
		io_uring_sqe_set_data(sqe, &slot->op);
		if (i + 1 < n)
			sqe->flags |= IOSQE_IO_HARDLINK;
		slot->state = RPMSGI_SLOT_INFLIGHT;
		ept->rx_tail++;
		uept(ept)->rx_inflight++;
	}
}

static void set_ts(struct __kernel_timespec *ts, int64_t ns)
{
	ts->tv_sec = ns / 1000000000LL;
	ts->tv_nsec = ns % 1000000000LL;
}

static void arm_tx_watch(struct io_uring *ring, struct rpmsg_ept *ept, int64_t ns)
{
	struct uring_ept *u = uept(ept);
	struct io_uring_sqe *sqe = get_sqe(ring);

	set_ts(&u->watch_ts, ns);
	io_uring_prep_timeout(sqe, &u->watch_ts, 0, 0);
	io_uring_sqe_set_data(sqe, &u->tx_watch);
	u->tx_watch_armed = true;
}

/* Arm the watch for the deadline of msg, the oldest write in flight. */
static void watch_write(struct io_uring *ring, struct rpmsg_ept *ept,
			const struct rpmsgi_tx_msg *msg, int64_t now)
{
	int64_t left = rpmsgi_tx_deadline(ept, msg) - now;

	if (ept->send_timeout_ms >= 0)
		arm_tx_watch(ring, ept, left < LINK_TIMEOUT_MIN_NS ? LINK_TIMEOUT_MIN_NS : left);
}

/* The watch fired: cancel the oldest write if it is still parked past its
 * deadline (its chain comes back as -ECANCELED and the queue expires), else
 * watch whichever write is now the oldest. */
static void tx_watch_fired(struct io_uring *ring, struct rpmsg_ept *ept, int res)
{
	int64_t now = rpmsgi_now_ns();
	struct io_uring_sqe *sqe;
	struct rpmsgi_tx_msg *m;

	uept(ept)->tx_watch_armed = false;
	if (res == -ECANCELED || ept->closing || ept->send_timeout_ms < 0)
		return;
	for (m = ept->tx_head; m && m->state != RPMSGI_TX_INFLIGHT; m = m->next)
		;
	if (!m)
		return;
	if (now < rpmsgi_tx_deadline(ept, m)) {
		watch_write(ring, ept, m, now);
		return;
	}
	sqe = get_sqe(ring);
	io_uring_prep_cancel(sqe, &m->op, 0);
	io_uring_sqe_set_data64(sqe, UD_IGNORE);
	if (!ept->tx_blocked_since)
		ept->tx_blocked_since = now;
}

static void arm_tx_chain(struct io_uring *ring, struct rpmsg_ept *ept)
{
	struct uring_ept *u = uept(ept);
	struct rpmsgi_tx_msg *msg = ept->tx_submit;
	int64_t lt = ept->tx_backoff_ns;
	bool watch = ept->pollout_ok;
	unsigned int n = 0, i;
	struct rpmsgi_tx_msg *m;

	for (m = msg; m && n < RPMSGI_TX_CHAIN_MAX; m = m->next)
		n++;
	reserve(ring, 2 * n + 2);
	if (lt < LINK_TIMEOUT_MIN_NS)
		lt = LINK_TIMEOUT_MIN_NS;
	set_ts(&u->lt_ts, lt);
	if (u->tx_delay_next) {
		struct io_uring_sqe *sqe = get_sqe(ring);

		/* Hard link: the timeout's -ETIME must not cut the chain. */
		set_ts(&u->delay_ts, ept->tx_backoff_ns);
		io_uring_prep_timeout(sqe, &u->delay_ts, 0, 0);
		io_uring_sqe_set_data64(sqe, UD_IGNORE);
		sqe->flags |= IOSQE_IO_HARDLINK;
		u->tx_delay_next = false;
	}
	for (i = 0, m = msg; i < n; i++, m = m->next) {
		struct io_uring_sqe *sqe = get_sqe(ring);

		if (ept->is_socket)
			io_uring_prep_send(sqe, ept->fd, m->buf, m->len, MSG_NOSIGNAL);
		else
			io_uring_prep_write(sqe, ept->fd, m->buf, (unsigned int)m->len, 0);
		io_uring_sqe_set_data(sqe, &m->op);
		m->op.ept = ept;
		m->state = RPMSGI_TX_INFLIGHT;
		u->tx_inflight++;
		if (watch) {
			if (i + 1 < n)
				sqe->flags |= IOSQE_IO_LINK;
			continue;
		}
		sqe->flags |= IOSQE_IO_LINK;
		sqe = get_sqe(ring);
		io_uring_prep_link_timeout(sqe, &u->lt_ts, 0);
		io_uring_sqe_set_data64(sqe, UD_IGNORE);
		if (i + 1 < n)
			sqe->flags |= IOSQE_IO_LINK;
	}
	ept->tx_submit = m;
	if (watch && !u->tx_watch_armed)
		watch_write(ring, ept, msg, rpmsgi_now_ns());
}

static void uring_flush_ept(struct rpmsg_ctx *ctx, struct rpmsg_ept *ept)
{
	struct io_uring *ring = ring_of(ctx);

	if (rx_can_arm(ept))
		arm_rx_chain(ring, ept);
	if (rpmsgi_ept_down(ept))
		return;
	if (ept->tx_submit && uept(ept)->tx_inflight == 0) {
		rpmsgi_tx_expire_queued(ept, rpmsgi_now_ns());
		if (ept->tx_submit)
			arm_tx_chain(ring, ept);
	}
}

static void uring_flush_end(struct rpmsg_ctx *ctx)
{
	arm_wake(ctx);
}

static void complete_tx(struct rpmsgi_tx_msg *msg, int res)
{
	struct rpmsg_ept *ept = msg->op.ept;
	struct uring_ept *u = uept(ept);

	u->tx_inflight--;
	if (res >= 0) {
		rpmsgi_tx_complete(msg, res);
	} else if (res == -ECANCELED && !ept->closing) {
		/* Link timeout fired (ring full) or an earlier write failed. */
		rpmsgi_tx_requeue(msg);
	} else {
		int err = rpmsgi_errno_normalise(ept, -res);

		if (err == EAGAIN && !ept->closing) {
			rpmsgi_tx_requeue(msg);
			u->tx_delay_next = true;
		} else {
			rpmsgi_tx_complete(msg, -err);
		}
	}
	if (u->tx_inflight == 0 && ept->tx_submit && !ept->closing)
		rpmsgi_mark_dirty(ept);
}

static void reap(struct rpmsg_ctx *ctx)
{
	struct uring_engine *ue = ctx->engine_data;
	struct io_uring_cqe *cqe;
	unsigned int head, count = 0;

	io_uring_for_each_cqe(&ue->ring, head, cqe) {
		uint64_t ud = cqe->user_data;

		count++;
		if (ud == UD_IGNORE) {
			continue;
		} else if (ud == UD_WAKE) {
			ue->wake_armed = false;
			rpmsgi_ctx_drain_wake(ctx);
		} else {
			struct rpmsgi_op *op = (struct rpmsgi_op *)(uintptr_t)ud;

			if (op->kind == OP_TX_WATCH) {
				tx_watch_fired(&ue->ring, op->ept, cqe->res);
			} else if (op->kind == RPMSGI_OP_RX) {
				struct rpmsgi_rx_slot *slot =
					rpmsgi_container_of(op, struct rpmsgi_rx_slot, op);

				uept(op->ept)->rx_inflight--;
				rpmsgi_rx_complete(slot, cqe->res);
			} else {
				complete_tx(rpmsgi_container_of(op, struct rpmsgi_tx_msg, op),
					    cqe->res);
			}
		}
	}
	io_uring_cq_advance(&ue->ring, count);
}

static int uring_submit_wait_reap(struct rpmsg_ctx *ctx, int timeout_ms)
{
	struct io_uring *ring = ring_of(ctx);
	struct io_uring_cqe *cqe;
	int ret;

	if (timeout_ms == 0 || io_uring_cq_ready(ring)) {
		ret = io_uring_submit(ring);
	} else if (timeout_ms < 0) {
		ret = io_uring_submit_and_wait(ring, 1);
	} else {
		struct __kernel_timespec ts = {
			.tv_sec = timeout_ms / 1000,
			.tv_nsec = (long long)(timeout_ms % 1000) * 1000000,
		};

		ret = io_uring_submit_and_wait_timeout(ring, &cqe, 1, &ts, NULL);
	}
	if (ret < 0 && ret != -ETIME && ret != -EINTR && ret != -EAGAIN && ret != -EBUSY)
		return ret;
	reap(ctx);
	/* Submit now what reaping queued (the wake poll, a watch's cancel): an
	 * event loop may sleep on our fd before the next dispatch. */
	arm_wake(ctx);
	if (io_uring_sq_ready(ring))
		io_uring_submit(ring);
	return ret == -EINTR ? -EINTR : 0;
}

static void uring_remove(struct rpmsg_ctx *ctx, struct rpmsg_ept *ept)
{
	struct io_uring *ring = ring_of(ctx);
	struct uring_ept *u = uept(ept);
	unsigned int round;

	for (round = 0; round < CLOSE_MAX_ROUNDS &&
			(u->rx_inflight || u->tx_inflight || u->tx_watch_armed);
	     round++) {
		struct __kernel_timespec ts = { .tv_sec = 0, .tv_nsec = 10000000 };
		struct io_uring_cqe *cqe;
		struct rpmsgi_tx_msg *m;
		unsigned int i;

		/* Cancelling a hard-linked read starts the next one: repeat. */
		for (i = 0; i < RPMSGI_RX_SLOTS; i++) {
			if (ept->rx[i].state == RPMSGI_SLOT_INFLIGHT) {
				struct io_uring_sqe *sqe = get_sqe(ring);

				io_uring_prep_cancel(sqe, &ept->rx[i].op, 0);
				io_uring_sqe_set_data64(sqe, UD_IGNORE);
			}
		}
		if (u->tx_watch_armed) {
			struct io_uring_sqe *sqe = get_sqe(ring);

			io_uring_prep_timeout_remove(sqe, (uintptr_t)&u->tx_watch, 0);
			io_uring_sqe_set_data64(sqe, UD_IGNORE);
		}
		for (m = ept->tx_head; m; m = m->next) {
			if (m->state == RPMSGI_TX_INFLIGHT) {
				struct io_uring_sqe *sqe = get_sqe(ring);

				io_uring_prep_cancel(sqe, &m->op, 0);
				io_uring_sqe_set_data64(sqe, UD_IGNORE);
			}
		}
		io_uring_submit_and_wait_timeout(ring, &cqe, 1, &ts, NULL);
		reap(ctx);
	}
	/* Whatever was received or not yet delivered is dropped with the endpoint. */
	ept->rx_head = ept->rx_tail;
}

const struct rpmsgi_engine rpmsgi_engine_uring = {
	.id = RPMSG_ENGINE_URING,
	.ept_priv_size = sizeof(struct uring_ept),
	.init = uring_init,
	.fini = uring_fini,
	.get_fd = uring_get_fd,
	.add = uring_add,
	.remove = uring_remove,
	.rx_room = uring_rx_room,
	.flush_ept = uring_flush_ept,
	.flush_end = uring_flush_end,
	.submit_wait_reap = uring_submit_wait_reap,
};
