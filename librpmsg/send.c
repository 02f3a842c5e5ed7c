// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: librpmsg authors

/* send, send_timeout, trysend, sendto, trysendto and the send_async queue:
 * queueing, completion, expiry, delivery and cancel on close. */

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "engine.h"

/* Linux's -ERESTARTSYS leaks to user space when virtio's 15 s TX wait expires. */
#define KERNEL_ERESTARTSYS 512

int rpmsgi_errno_normalise(struct rpmsg_ept *ept, int err)
{
	if (err == KERNEL_ERESTARTSYS)
		return ETIMEDOUT;
	/* Before 5.18 a non-blocking write on a full TX ring gave ENOMEM. */
	if (err == ENOMEM && ept->legacy)
		return EAGAIN;
	if (err == EWOULDBLOCK)
		return EAGAIN;
	return err;
}

/* One write attempt: the message length, or -errno (normalised). */
ssize_t rpmsgi_write_once(struct rpmsg_ept *ept, const void *data, size_t len)
{
	ssize_t n;

	do {
		if (ept->is_socket)
			n = send(ept->fd, data, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		else
			n = write(ept->fd, data, len);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -rpmsgi_errno_normalise(ept, errno);
	return n;
}

static int check_send_args(struct rpmsg_ept *ept, const void *data, size_t len)
{
	if (!ept || (!data && len))
		return -EINVAL;
	if (ept->closing)
		return -EPIPE;
	if (len > ept->mtu)
		return -EMSGSIZE;
	if (rpmsgi_ept_down(ept))
		return -EPIPE;
	return 0;
}

/* Checks for a send to the endpoint's own destination. One created with dst
 * ANY only receives: the kernel answers EINVAL, and the simulated remote
 * cannot tell, so check here, before any system call. */
static int check_send_own_dst(struct rpmsg_ept *ept, const void *data, size_t len)
{
	int ret = check_send_args(ept, data, len);

	if (!ret && ept->created && ept->dst == RPMSG_ADDR_ANY)
		ret = -EINVAL;
	return ret;
}

static void sleep_ns(int64_t ns)
{
	struct timespec ts = { .tv_sec = ns / 1000000000LL, .tv_nsec = ns % 1000000000LL };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Sleep until fd reports POLLOUT (or an error), or for ns (-1: no limit). */
static void wait_pollout(int fd, int64_t ns)
{
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };
	int64_t ms = ns < 0 ? -1 : (ns + 999999) / 1000000;

	poll(&pfd, 1, ms > INT_MAX ? INT_MAX : (int)ms);
}

/* Wait for room in the TX ring before the next attempt; deadline 0: none.
 * Where the device reports POLLOUT, sleep until it does or the deadline
 * comes; otherwise (virtio before 7.0) sleep the backoff delay, which then
 * doubles. -ETIMEDOUT once the deadline has passed. */
static int wait_for_tx(struct rpmsg_ept *ept, int64_t deadline, int64_t *backoff)
{
	int64_t wait = ept->pollout_ok ? -1 : *backoff;

	if (deadline) {
		int64_t left = deadline - rpmsgi_now_ns();

		if (left <= 0)
			return -ETIMEDOUT;
		if (wait < 0 || wait > left)
			wait = left;
	}
	if (ept->pollout_ok) {
		wait_pollout(ept->fd, wait);
		return 0;
	}
	sleep_ns(wait);
	*backoff = *backoff * 2 > RPMSGI_BACKOFF_MAX_NS ? RPMSGI_BACKOFF_MAX_NS : *backoff * 2;
	return 0;
}

/* A synchronous send found the endpoint gone: record it and let the owner's
 * dispatch deliver the event (this may be another thread). */
static int sync_send_down(struct rpmsg_ept *ept, int err)
{
	rpmsgi_ept_set_down(ept, err);
	atomic_store(&ept->ctx->down_hint, true);
	rpmsgi_ctx_wake(ept->ctx);
	return -EPIPE;
}

/* Non-blocking writes, retried while the ring is full: 0 or -errno. */
static int write_retrying(struct rpmsg_ept *ept, const void *data, size_t len, int timeout_ms,
			  int timeout_errno)
{
	int64_t backoff = RPMSGI_BACKOFF_MIN_NS;
	int64_t deadline = 0;

	if (timeout_ms > 0)
		deadline = rpmsgi_now_ns() + (int64_t)timeout_ms * 1000000LL;
	for (;;) {
		ssize_t n = rpmsgi_write_once(ept, data, len);
		int ret;

		if (n >= 0)
			return 0;
		if (n != -EAGAIN)
			return (int)n;
		if (timeout_ms == 0)
			return -timeout_errno;
		ret = wait_for_tx(ept, deadline, &backoff);
		if (ret < 0)
			return ret;
	}
}

/* The synchronous family: timeout_ms 0 tries once (failing with
 * timeout_errno on a full ring), -1 waits forever. */
static int send_sync(struct rpmsg_ept *ept, const void *data, size_t len, int timeout_ms,
		     int timeout_errno)
{
	int ret = check_send_own_dst(ept, data, len);

	if (!ret) {
		ret = write_retrying(ept, data, len, timeout_ms, timeout_errno);
		if (ret < 0 && rpmsgi_errno_is_down(-ret))
			ret = sync_send_down(ept, -ret);
	}
	if (!ret)
		return 0;
	errno = -ret;
	return -1;
}

RPMSG_API int rpmsg_ept_send(struct rpmsg_ept *ept, const void *data, size_t len)
{
	RPMSGI_REQUIRE(ept, -1);
	return send_sync(ept, data, len, ept->send_timeout_ms, ETIMEDOUT);
}

RPMSG_API int rpmsg_ept_timedsend(struct rpmsg_ept *ept, const void *data, size_t len,
				     int timeout_ms)
{
	RPMSGI_REQUIRE(ept, -1);
	if (timeout_ms < -1) {
		errno = EINVAL;
		return -1;
	}
	return send_sync(ept, data, len, timeout_ms, ETIMEDOUT);
}

RPMSG_API int rpmsg_ept_trysend(struct rpmsg_ept *ept, const void *data, size_t len)
{
	RPMSGI_REQUIRE(ept, -1);
	return send_sync(ept, data, len, 0, EAGAIN);
}

/* The endpoint that carries messages to dst: ept itself or a sibling made on
 * first use on the same control device (the kernel fixes dst per device). */
static struct rpmsg_ept *ept_for_dst(struct rpmsg_ept *ept, uint32_t dst)
{
	struct rpmsg_ept *sib;

	if (dst == ept->dst)
		return ept;
	sib = rpmsgi_sibling_find(ept, dst);
	if (sib)
		return sib;
	if (!ept->ctrl) {
		errno = EOPNOTSUPP;
		return NULL;
	}
	sib = rpmsg_ctrl_create_ept(ept->ctrl, ept->name, RPMSG_ADDR_ANY, dst);
	if (sib)
		rpmsgi_sibling_adopt(ept, sib);
	return sib;
}

static int sendto_common(struct rpmsg_ept *ept, const void *data, size_t len, uint32_t dst,
			 int timeout_ms, int timeout_errno)
{
	struct rpmsg_ept *target;
	int ret = check_send_args(ept, data, len);

	if (!ret && dst == RPMSG_ADDR_ANY)
		ret = -EINVAL;
	if (ret < 0) {
		errno = -ret;
		return -1;
	}
	target = ept_for_dst(ept, dst);
	if (!target)
		return -1;
	return send_sync(target, data, len, timeout_ms, timeout_errno);
}

RPMSG_API int rpmsg_ept_sendto(struct rpmsg_ept *ept, const void *data, size_t len, uint32_t dst)
{
	RPMSGI_REQUIRE(ept, -1);
	return sendto_common(ept, data, len, dst, ept->send_timeout_ms, ETIMEDOUT);
}

RPMSG_API int rpmsg_ept_trysendto(struct rpmsg_ept *ept, const void *data, size_t len,
				  uint32_t dst)
{
	RPMSGI_REQUIRE(ept, -1);
	return sendto_common(ept, data, len, dst, 0, EAGAIN);
}

/* Back on the context's free list, buffer kept for the next send. */
static void tx_msg_recycle(struct rpmsg_ctx *ctx, struct rpmsgi_tx_msg *msg)
{
	msg->next = ctx->tx_free;
	ctx->tx_free = msg;
}

static struct rpmsgi_tx_msg *tx_msg_get(struct rpmsg_ctx *ctx, size_t len)
{
	struct rpmsgi_tx_msg *msg = ctx->tx_free;

	if (msg) {
		ctx->tx_free = msg->next;
	} else {
		msg = calloc(1, sizeof(*msg));
		if (!msg)
			return NULL;
		msg->op.kind = RPMSGI_OP_TX;
	}
	if (msg->cap < len || !msg->buf) {
		size_t cap = len > RPMSG_MTU_DEFAULT ? len : RPMSG_MTU_DEFAULT;
		unsigned char *buf = realloc(msg->buf, cap);

		if (!buf) {
			tx_msg_recycle(ctx, msg);
			return NULL;
		}
		msg->buf = buf;
		msg->cap = cap;
	}
	msg->next = NULL;
	return msg;
}

void rpmsgi_tx_msg_free_all(struct rpmsg_ctx *ctx)
{
	while (ctx->tx_free) {
		struct rpmsgi_tx_msg *msg = ctx->tx_free;

		ctx->tx_free = msg->next;
		free(msg->buf);
		free(msg);
	}
}

RPMSG_API int rpmsg_ept_send_async(struct rpmsg_ept *ept, const void *data, size_t len,
				   rpmsg_send_done_fn done, void *user_data)
{
	struct rpmsgi_tx_msg *msg;
	int ret;

	RPMSGI_REQUIRE(ept, -1);
	ret = check_send_own_dst(ept, data, len);
	if (ret < 0) {
		errno = -ret;
		return -1;
	}
	msg = tx_msg_get(ept->ctx, len);
	if (!msg) {
		errno = ENOMEM;
		return -1;
	}
	msg->op.ept = ept;
	msg->state = RPMSGI_TX_QUEUED;
	msg->queued_ns = rpmsgi_now_ns();
	msg->status = 0;
	msg->done = done;
	msg->user_data = user_data;
	msg->len = len;
	if (len)
		memcpy(msg->buf, data, len);
	if (ept->tx_tail)
		ept->tx_tail->next = msg;
	else
		ept->tx_head = msg;
	ept->tx_tail = msg;
	if (!ept->tx_submit)
		ept->tx_submit = msg;
	rpmsgi_mark_dirty(ept);
	return 0;
}

static void tx_reset_submit(struct rpmsg_ept *ept)
{
	struct rpmsgi_tx_msg *msg;

	for (msg = ept->tx_head; msg; msg = msg->next)
		if (msg->state == RPMSGI_TX_QUEUED)
			break;
	ept->tx_submit = msg;
}

/* Final status of one send (res: bytes written or -errno). */
void rpmsgi_tx_complete(struct rpmsgi_tx_msg *msg, int res)
{
	struct rpmsg_ept *ept = msg->op.ept;

	msg->state = RPMSGI_TX_DONE;
	msg->status = res < 0 ? res : 0;
	if (res >= 0) {
		ept->tx_backoff_ns = 0;
		ept->tx_blocked_since = 0;
	}
	if (res < 0 && rpmsgi_errno_is_down(-res)) {
		rpmsgi_ept_set_down(ept, -res);
		msg->status = -EPIPE;
	}
	rpmsgi_mark_ready(ept);
}

/* The message was not sent (ring full or its chain was cut): back in the queue. */
void rpmsgi_tx_requeue(struct rpmsgi_tx_msg *msg)
{
	struct rpmsg_ept *ept = msg->op.ept;
	int64_t next;

	msg->state = RPMSGI_TX_QUEUED;
	if (!ept->tx_blocked_since)
		ept->tx_blocked_since = rpmsgi_now_ns();
	next = ept->tx_backoff_ns ? ept->tx_backoff_ns * 2 : RPMSGI_BACKOFF_MIN_NS;
	ept->tx_backoff_ns = next > RPMSGI_BACKOFF_MAX_NS ? RPMSGI_BACKOFF_MAX_NS : next;
	tx_reset_submit(ept);
}

/* When msg times out (0: never): the endpoint's send timeout after send_async
 * queued it, so a deep queue behind a stalled remote fails within one
 * timeout, not one timeout per message. */
int64_t rpmsgi_tx_deadline(const struct rpmsg_ept *ept, const struct rpmsgi_tx_msg *msg)
{
	if (ept->send_timeout_ms < 0)
		return 0;
	return msg->queued_ns + (int64_t)ept->send_timeout_ms * 1000000LL;
}

/* While the ring is full, fail with ETIMEDOUT the messages at the front of
 * the queue whose deadline has passed. */
bool rpmsgi_tx_expire_queued(struct rpmsg_ept *ept, int64_t now)
{
	struct rpmsgi_tx_msg *msg;
	bool expired = false;

	if (!ept->tx_blocked_since || ept->send_timeout_ms < 0)
		return false;
	for (msg = ept->tx_submit; msg && msg->state == RPMSGI_TX_QUEUED; msg = msg->next) {
		if (rpmsgi_tx_deadline(ept, msg) > now)
			break;
		msg->state = RPMSGI_TX_DONE;
		msg->status = -ETIMEDOUT;
		expired = true;
	}
	if (expired) {
		tx_reset_submit(ept);
		rpmsgi_mark_ready(ept);
	}
	return expired;
}

/* Complete every message not yet handed to the kernel with status. */
void rpmsgi_tx_fail_queued(struct rpmsg_ept *ept, int status)
{
	struct rpmsgi_tx_msg *msg;

	for (msg = ept->tx_head; msg; msg = msg->next) {
		if (msg->state == RPMSGI_TX_QUEUED) {
			msg->state = RPMSGI_TX_DONE;
			msg->status = status;
		}
	}
	ept->tx_submit = NULL;
}

/* Run the completions due at the head of the queue, in order. A callback may
 * close the endpoint: stop then (close cancels the rest). */
unsigned int rpmsgi_tx_deliver(struct rpmsg_ept *ept)
{
	unsigned int n = 0;

	while (ept->tx_head && ept->tx_head->state == RPMSGI_TX_DONE && !ept->closing) {
		struct rpmsgi_tx_msg *msg = ept->tx_head;

		ept->tx_head = msg->next;
		if (!ept->tx_head)
			ept->tx_tail = NULL;
		if (msg->done) {
			msg->done(ept, msg->status, msg->user_data);
			n++;
		}
		tx_msg_recycle(ept->ctx, msg);
	}
	return n;
}

/* Closing, after the engine let go of every message: each queued send
 * completes exactly once, here, ECANCELED unless it had finished. */
void rpmsgi_tx_cancel_all(struct rpmsg_ept *ept)
{
	struct rpmsg_ept *owner = rpmsgi_ept_owner(ept);
	struct rpmsgi_tx_msg *msg;

	while ((msg = ept->tx_head)) {
		ept->tx_head = msg->next;
		if (msg->state != RPMSGI_TX_DONE)
			msg->status = -ECANCELED;
		if (msg->done)
			msg->done(owner, msg->status, msg->user_data);
		tx_msg_recycle(ept->ctx, msg);
	}
	ept->tx_tail = ept->tx_submit = NULL;
}
