/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: librpmsg authors */

/*
 * The contract between an I/O engine (engine-uring.c, engine-epoll.c) and the
 * rest of the library. An engine includes this file only. Beside the calls
 * below it reads the generic state of struct rpmsg_ept (fd, is_socket,
 * pollout_ok, the receive ring and the send queue, internal.h) and keeps its
 * own per-endpoint state in a private block.
 *
 * Per-endpoint private state, as libusb's *_priv_size: the engine declares
 * ept_priv_size, the block is allocated (zeroed) with the endpoint and
 * reached with rpmsgi_ept_priv(). Not a union of both engines' structs,
 * which would put every engine's fields back in one header; not an opaque
 * pointer, which would cost an allocation per endpoint and a pointer chase
 * on every completion.
 *
 * One dispatch round (ctx.c): the context walks its dirty list and hands
 * each endpoint to flush_ept, calls flush_end, then submit_wait_reap, whose
 * completions go back through rpmsgi_rx_complete and rpmsgi_tx_complete /
 * rpmsgi_tx_requeue onto the ready list that dispatch delivers.
 */

#ifndef __LIBRPMSG_ENGINE_H__
#define __LIBRPMSG_ENGINE_H__

#include "internal.h"

struct rpmsgi_engine {
	enum rpmsg_engine id;
	/* Bytes of per-endpoint state (rpmsgi_ept_priv), zeroed at creation. */
	size_t ept_priv_size;
	int (*init)(struct rpmsg_ctx *ctx);
	void (*fini)(struct rpmsg_ctx *ctx);
	int (*get_fd)(struct rpmsg_ctx *ctx);
	/* Start watching ept; 0 or -errno. */
	int (*add)(struct rpmsg_ctx *ctx, struct rpmsg_ept *ept);
	/* Stop all I/O of ept; on return nothing of it is in flight. */
	void (*remove)(struct rpmsg_ctx *ctx, struct rpmsg_ept *ept);
	/* Delivery left free receive slots in ept: mark it dirty if reading
	 * must be started again. */
	void (*rx_room)(struct rpmsg_ept *ept);
	/* Take the pending work of one dirty endpoint (not closing; maybe
	 * down): start reading, hand queued sends over. */
	void (*flush_ept)(struct rpmsg_ctx *ctx, struct rpmsg_ept *ept);
	/* The dirty list has been flushed. */
	void (*flush_end)(struct rpmsg_ctx *ctx);
	/* Submit what was flushed, wait up to timeout_ms (0: not at all, -1:
	 * forever) for something to happen, and reap the results into the
	 * endpoints (ready list). Returns 0 or -errno. */
	int (*submit_wait_reap)(struct rpmsg_ctx *ctx, int timeout_ms);
};

extern const struct rpmsgi_engine rpmsgi_engine_uring;
extern const struct rpmsgi_engine rpmsgi_engine_epoll;

static inline void *rpmsgi_ept_priv(struct rpmsg_ept *ept)
{
	return ept->engine_priv;
}

/* ctx.c: the context's wake eventfd became readable. */
void rpmsgi_ctx_drain_wake(struct rpmsg_ctx *ctx);

/* ept.c: the receive ring. */
int rpmsgi_rx_prepare_buffers(struct rpmsg_ept *ept);
/* A read into slot ended: a length or -errno. */
void rpmsgi_rx_complete(struct rpmsgi_rx_slot *slot, int res);

/* send.c: the send queue. */
ssize_t rpmsgi_write_once(struct rpmsg_ept *ept, const void *data, size_t len);
int rpmsgi_errno_normalise(struct rpmsg_ept *ept, int err);
/* A write ended: bytes written or -errno. */
void rpmsgi_tx_complete(struct rpmsgi_tx_msg *msg, int res);
/* A write did not happen (ring full, chain cut): back in the queue. */
void rpmsgi_tx_requeue(struct rpmsgi_tx_msg *msg);
int64_t rpmsgi_tx_deadline(const struct rpmsg_ept *ept, const struct rpmsgi_tx_msg *msg);
bool rpmsgi_tx_expire_queued(struct rpmsg_ept *ept, int64_t now);

#endif /* __LIBRPMSG_ENGINE_H__ */
