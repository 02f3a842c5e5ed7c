// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: librpmsg authors

/* Endpoint life cycle, endpoint devices, siblings, receive ring, callbacks and
 * the "down" event. */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "engine.h"
#include "uapi/rpmsg.h"

struct rpmsg_ept *rpmsgi_ept_new(struct rpmsg_ctx *ctx, int fd, const char *path)
{
	struct rpmsg_ept *ept = calloc(1, sizeof(*ept) + ctx->engine->ept_priv_size);
	unsigned int i;

	if (!ept)
		return NULL;
	if (path) {
		ept->path = strdup(path);
		if (!ept->path) {
			free(ept);
			return NULL;
		}
	}
	ept->ctx = ctx;
	ept->fd = fd;
	ept->src = RPMSG_ADDR_ANY;
	ept->dst = RPMSG_ADDR_ANY;
	ept->mtu = RPMSG_MTU_DEFAULT;
	ept->send_timeout_ms = RPMSG_SEND_TIMEOUT_DEFAULT_MS;
	for (i = 0; i < RPMSGI_RX_SLOTS; i++) {
		ept->rx[i].op.kind = RPMSGI_OP_RX;
		ept->rx[i].op.ept = ept;
	}
	return ept;
}

/* Switch to O_NONBLOCK, register with the engine and start receiving. */
int rpmsgi_ept_attach(struct rpmsg_ept *ept)
{
	struct rpmsg_ctx *ctx = ept->ctx;
	int flags, ret;

	flags = fcntl(ept->fd, F_GETFL);
	if (flags < 0 || fcntl(ept->fd, F_SETFL, flags | O_NONBLOCK) < 0)
		return -errno;
	ret = rpmsgi_rx_prepare_buffers(ept);
	if (ret < 0)
		return ret;
	ret = ctx->engine->add(ctx, ept);
	if (ret < 0)
		return ret;
	ept->next = ctx->epts;
	if (ctx->epts)
		ctx->epts->prev = ept;
	ctx->epts = ept;
	rpmsgi_mark_dirty(ept);
	return 0;
}

void rpmsgi_ept_free(struct rpmsg_ept *ept)
{
	unsigned int i;

	for (i = 0; i < RPMSGI_RX_SLOTS; i++)
		free(ept->rx[i].buf);
	free(ept->path);
	free(ept);
}

/* Receive buffers must hold a whole message: the kernel truncates silently. */
int rpmsgi_rx_prepare_buffers(struct rpmsg_ept *ept)
{
	unsigned int i;

	if (ept->rx_buf_size >= ept->mtu)
		return 0;
	for (i = 0; i < RPMSGI_RX_SLOTS; i++) {
		unsigned char *buf = realloc(ept->rx[i].buf, ept->mtu);

		if (!buf)
			return -ENOMEM;
		ept->rx[i].buf = buf;
	}
	ept->rx_buf_size = ept->mtu;
	return 0;
}

bool rpmsgi_ept_down(struct rpmsg_ept *ept)
{
	return atomic_load(&ept->down_err) != 0;
}

/* Record that the endpoint is gone; any thread. The event is delivered by dispatch. */
void rpmsgi_ept_set_down(struct rpmsg_ept *ept, int err)
{
	int expected = 0;

	atomic_compare_exchange_strong(&ept->down_err, &expected, err);
}

/* An errno that means the endpoint is gone, for receive and send alike: the
 * device was destroyed or the remote reset (EPIPE from the rpmsg driver), the
 * simulator's socket peer left, or the device itself vanished. */
bool rpmsgi_errno_is_down(int err)
{
	return err == EPIPE || err == ENETRESET || err == ECONNRESET || err == ENOTCONN ||
	       err == ENODEV || err == ENXIO;
}

/* On a socket, 0 is both an empty message and end of file: the peer's
 * shutdown (POLLRDHUP) tells them apart. rpmsg devices never return EOF. */
static int socket_eof(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN | POLLRDHUP };

	return poll(&pfd, 1, 0) == 1 && (pfd.revents & (POLLRDHUP | POLLHUP));
}

void rpmsgi_rx_complete(struct rpmsgi_rx_slot *slot, int res)
{
	struct rpmsg_ept *ept = slot->op.ept;

	if (res == 0 && ept->is_socket && socket_eof(ept->fd))
		res = -EPIPE;
	if (res < 0 && rpmsgi_errno_is_down(-res))
		rpmsgi_ept_set_down(ept, -res);
	slot->state = RPMSGI_SLOT_FULL;
	slot->res = res;
	rpmsgi_mark_ready(ept);
}

static unsigned int deliver_rx(struct rpmsg_ept *ept)
{
	struct rpmsg_ept *owner = rpmsgi_ept_owner(ept);
	unsigned int n = 0;

	while (ept->rx_head != ept->rx_tail && owner->rx_cb && !owner->closing) {
		struct rpmsgi_rx_slot *slot = &ept->rx[ept->rx_head % RPMSGI_RX_SLOTS];

		if (slot->state != RPMSGI_SLOT_FULL)
			break;
		if (slot->res < 0) {
			/* EAGAIN/EINTR cannot reach here from the engines; any
			 * other error ends reception (down was recorded). */
			if (!rpmsgi_ept_down(ept))
				rpmsgi_ept_set_down(ept, -slot->res);
		} else {
			owner->rx_cb(owner, slot->buf, (size_t)slot->res, ept->dst,
				     owner->rx_data);
			n++;
		}
		slot->state = RPMSGI_SLOT_FREE;
		ept->rx_head++;
	}
	return n;
}

/* Run what is due for one endpoint: messages in order, send completions,
 * then the down event once. Any callback may close the endpoint. */
unsigned int rpmsgi_ept_deliver(struct rpmsg_ept *ept)
{
	struct rpmsg_ept *owner = rpmsgi_ept_owner(ept);
	unsigned int n;
	int err;

	/* Siblings made by sendto deliver into their owner's callbacks. */
	if (ept->parent && ept->parent->closing)
		return 0;
	n = deliver_rx(ept);
	n += rpmsgi_tx_deliver(ept);
	if (ept->closing)
		return n;

	err = atomic_load(&ept->down_err);
	if (err && !ept->down_delivered) {
		/* Drain what arrived before the error first; then fail the queue. */
		rpmsgi_tx_fail_queued(ept, -EPIPE);
		n += rpmsgi_tx_deliver(ept);
		if (ept->closing)
			return n;
		if (!ept->parent && owner->ev_cb) {
			ept->down_delivered = true;
			owner->ev_cb(owner, RPMSG_EVENT_DOWN, err, owner->ev_data);
			n++;
		} else if (ept->parent) {
			ept->down_delivered = true;
		}
	}
	if (ept->closing)
		return n;
	if (!rpmsgi_ept_down(ept) && ept->rx_tail - ept->rx_head < RPMSGI_RX_SLOTS)
		ept->ctx->engine->rx_room(ept);
	if (ept->tx_submit)
		rpmsgi_mark_dirty(ept);
	return n;
}

/* DESTROY the endpoint device of ept; 0 or -errno (-EPIPE: already gone).
 * Never DESTROY an endpoint the kernel already removed (destroyed by another
 * fd, channel withdrawn, remote reset): Linux 6.1 oopses on it. Dispatch may
 * not have seen that yet, but the device reports POLLERR from then on. */
static int destroy_eptdev(struct rpmsg_ept *ept)
{
	struct pollfd pfd = { .fd = ept->fd, .events = POLLIN };

	if (poll(&pfd, 1, 0) == 1 && (pfd.revents & (POLLERR | POLLHUP | POLLNVAL)))
		return -EPIPE;
	return ioctl(ept->fd, RPMSG_DESTROY_EPT_IOCTL) < 0 ? -errno : 0;
}

static void unlink_ept(struct rpmsg_ept *ept)
{
	struct rpmsg_ctx *ctx = ept->ctx;

	if (ept->prev)
		ept->prev->next = ept->next;
	else if (ctx->epts == ept)
		ctx->epts = ept->next;
	if (ept->next)
		ept->next->prev = ept->prev;
	ept->prev = ept->next = NULL;
}

struct rpmsg_ept *rpmsgi_ept_owner(struct rpmsg_ept *ept)
{
	return ept->parent ? ept->parent : ept;
}

struct rpmsg_ept *rpmsgi_sibling_find(struct rpmsg_ept *owner, uint32_t dst)
{
	struct rpmsg_ept *sib;

	for (sib = owner->siblings; sib; sib = sib->sibling_next)
		if (sib->dst == dst)
			return sib;
	return NULL;
}

/* sib, just created on owner's control device, becomes owner's sibling:
 * owner's settings, and off the context's list. */
void rpmsgi_sibling_adopt(struct rpmsg_ept *owner, struct rpmsg_ept *sib)
{
	sib->parent = owner;
	sib->mtu = owner->mtu;
	sib->send_timeout_ms = owner->send_timeout_ms;
	sib->sibling_next = owner->siblings;
	owner->siblings = sib;
	unlink_ept(sib);
}

static void drop_from_list(struct rpmsg_ept **list, struct rpmsg_ept *ept, bool dirty)
{
	while (*list) {
		if (*list == ept) {
			*list = dirty ? ept->dirty_next : ept->ready_next;
			return;
		}
		list = dirty ? &(*list)->dirty_next : &(*list)->ready_next;
	}
}

static void close_one(struct rpmsg_ept *ept)
{
	struct rpmsg_ctx *ctx = ept->ctx;

	ept->closing = true;
	ctx->engine->remove(ctx, ept);
	rpmsgi_tx_cancel_all(ept);

	if (ept->on_ready) {
		drop_from_list(&ctx->ready, ept, false);
		ept->on_ready = false;
	}
	if (ept->on_dirty) {
		drop_from_list(&ctx->dirty, ept, true);
		ept->on_dirty = false;
	}
	/* DESTROY exactly once and never after the endpoint went down: a second
	 * DESTROY, or one after the device vanished, oopses Linux 6.1. */
	if (ept->destroy_on_close && !rpmsgi_ept_down(ept))
		destroy_eptdev(ept);
	if (ept->sim)
		rpmsgi_sim_ept_closed(ept);
	close(ept->fd);
	ept->fd = -1;
	unlink_ept(ept);
	if (ept->ctrl)
		rpmsgi_ctrl_put(ept->ctrl);
	ept->ctrl = NULL;
}

RPMSG_API int rpmsg_ept_set_destroy_on_close(struct rpmsg_ept *ept, bool destroy)
{
	RPMSGI_REQUIRE(ept, -1);
	if (ept->closing) {
		errno = EINVAL;
		return -1;
	}
	if (ept->is_socket) {
		errno = EOPNOTSUPP;	/* simulated or adopted: it lives with its handle */
		return -1;
	}
	ept->destroy_on_close = destroy;
	return 0;
}

RPMSG_API int rpmsg_ept_destroy(struct rpmsg_ept *ept)
{
	int ret;

	RPMSGI_REQUIRE(ept, -1);
	if (ept->closing) {
		errno = EINVAL;
		return -1;
	}
	if (rpmsgi_ept_down(ept)) {
		errno = EPIPE;
		return -1;
	}
	if (ept->sim) {
		rpmsgi_sim_ept_closed(ept);	/* the remote forgets it, as the kernel would */
		ret = 0;
	} else if (ept->is_socket) {
		ret = -EOPNOTSUPP;
	} else {
		ret = destroy_eptdev(ept);
	}
	if (ret < 0 && ret != -EPIPE) {
		errno = -ret;
		return -1;
	}
	/* Down from now on, like any vanished endpoint: dispatch fails the queue
	 * and delivers the event once; close will not DESTROY again. */
	rpmsgi_ept_set_down(ept, EPIPE);
	rpmsgi_mark_ready(ept);
	if (ret == -EPIPE) {
		errno = EPIPE;
		return -1;
	}
	return 0;
}

/* Free now, or, inside dispatch, once it ends: a callback may still hold the
 * pointer, and the receive path may be walking a sibling whose reply the
 * callback is handling. */
static void free_or_defer(struct rpmsg_ctx *ctx, struct rpmsg_ept *ept)
{
	if (ctx->in_dispatch) {
		ept->next = ctx->zombies;
		ctx->zombies = ept;
	} else {
		rpmsgi_ept_free(ept);
	}
}

static void close_siblings(struct rpmsg_ept *owner)
{
	while (owner->siblings) {
		struct rpmsg_ept *sib = owner->siblings;

		owner->siblings = sib->sibling_next;
		close_one(sib);
		free_or_defer(owner->ctx, sib);
	}
}

RPMSG_API void rpmsg_ept_close(struct rpmsg_ept *ept)
{
	struct rpmsg_ctx *ctx;
	bool was_in_callback;

	if (!ept || ept->closing)
		return;
	ctx = ept->ctx;
	/* The completions run here are callbacks: no dispatch, no ctx_free. */
	was_in_callback = ctx->in_callback;
	ctx->in_callback = true;
	ept->closing = true;
	close_siblings(ept);
	close_one(ept);
	free_or_defer(ctx, ept);
	ctx->in_callback = was_in_callback;
}

/* 0 when rdev is an endpoint device (its identity filled in), -ENODEV when
 * it is another device, or the error that kept sysfs from saying. */
static int identify_eptdev(struct rpmsg_ctx *ctx, dev_t rdev, struct rpmsg_ept *ept)
{
	char devname[64];
	char *dir = rpmsgi_class_dir_for_rdev(ctx, rdev, devname, sizeof(devname));
	char value[64];
	uint32_t addr;

	if (!dir)
		return -errno;
	if (!rpmsgi_is_eptdev_name(devname)) {
		free(dir);
		return -ENODEV;
	}
	if (rpmsgi_read_attr(dir, "name", value, sizeof(value)) == 0)
		snprintf(ept->name, sizeof(ept->name), "%.31s", value);
	if (rpmsgi_read_attr_u32(dir, "src", &addr) == 0)
		ept->src = addr;
	if (rpmsgi_read_attr_u32(dir, "dst", &addr) == 0)
		ept->dst = addr;
	/* A parent control device driven by rpmsg_chrdev means Linux < 5.18. */
	{
		char *ctrl_dir = rpmsgi_realpath_in(dir, "..");
		bool legacy = false;
		char *transport;

		if (ctrl_dir) {
			transport = rpmsgi_ctrl_transport_dir(ctrl_dir, &legacy);
			free(transport);
			free(ctrl_dir);
		}
		ept->legacy = legacy;
	}
	free(dir);
	return 0;
}

/* One owner per descriptor: fd already belongs to an endpoint of ctx
 * (siblings made by sendto are not on the context's list). */
static bool fd_in_use(struct rpmsg_ctx *ctx, int fd)
{
	struct rpmsg_ept *ept, *sib;

	for (ept = ctx->epts; ept; ept = ept->next)
		RPMSGI_FOR_EACH_WITH_SIBLINGS(ept, sib)
			if (sib->fd == fd)
				return true;
	return false;
}

/* Check what fd is and fill in the endpoint's identity. */
static int identify_fd(struct rpmsg_ctx *ctx, int fd, struct rpmsg_ept *ept)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (S_ISSOCK(st.st_mode)) {
		int type, domain;
		socklen_t len = sizeof(type);

		if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) < 0)
			return -errno;
		len = sizeof(domain);
		if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) < 0)
			return -errno;
		/* Only what the simulator uses: a byte stream has no message
		 * boundaries, a datagram socket no connection that can go down. */
		if (domain != AF_UNIX || type != SOCK_SEQPACKET)
			return -ENOTTY;
		ept->is_socket = true;
		ept->pollout_ok = true;
		return 0;
	}
	if (!S_ISCHR(st.st_mode))
		return -ENOTTY;
	return identify_eptdev(ctx, st.st_rdev, ept);
}

RPMSG_API struct rpmsg_ept *rpmsg_ept_open_fd(struct rpmsg_ctx *ctx, int fd)
{
	struct rpmsg_ept *ept;
	int flags, ret;

	RPMSGI_REQUIRE(ctx, NULL);
	flags = fcntl(fd, F_GETFL);
	if (flags < 0)
		return NULL;	/* EBADF */
	if (fd_in_use(ctx, fd)) {
		errno = EBUSY;
		return NULL;
	}
	ept = rpmsgi_ept_new(ctx, fd, NULL);
	if (!ept)
		return NULL;
	ret = identify_fd(ctx, fd, ept);
	if (!ret)
		ret = rpmsgi_ept_attach(ept);
	if (ret < 0) {
		fcntl(fd, F_SETFL, flags);
		rpmsgi_ept_free(ept);
		errno = -ret;
		return NULL;
	}
	return ept;
}

RPMSG_API struct rpmsg_ept *rpmsg_ept_open(struct rpmsg_ctx *ctx, const char *path)
{
	struct rpmsg_ept *ept;
	int fd, ret;

	fd = rpmsgi_open_chardev(ctx, path, O_RDWR | O_NONBLOCK);
	if (fd < 0) {
		errno = -fd;
		return NULL;
	}
	ept = rpmsgi_ept_new(ctx, fd, path);
	if (!ept) {
		close(fd);
		return NULL;
	}
	ret = identify_fd(ctx, fd, ept);
	if (!ret)
		ret = rpmsgi_ept_attach(ept);
	if (ret < 0) {
		close(fd);
		rpmsgi_ept_free(ept);
		errno = -ret;
		return NULL;
	}
	return ept;
}

RPMSG_API struct rpmsg_ctx *rpmsg_ept_get_ctx(struct rpmsg_ept *ept)
{
	RPMSGI_REQUIRE(ept, NULL);
	return ept->ctx;
}

RPMSG_API const char *rpmsg_ept_get_name(struct rpmsg_ept *ept)
{
	RPMSGI_REQUIRE(ept, NULL);
	return ept->name;
}

RPMSG_API uint32_t rpmsg_ept_get_src(struct rpmsg_ept *ept)
{
	RPMSGI_REQUIRE(ept, RPMSG_ADDR_ANY);
	return ept->src;
}

RPMSG_API uint32_t rpmsg_ept_get_dst(struct rpmsg_ept *ept)
{
	RPMSGI_REQUIRE(ept, RPMSG_ADDR_ANY);
	return ept->dst;
}

RPMSG_API const char *rpmsg_ept_get_path(struct rpmsg_ept *ept)
{
	RPMSGI_REQUIRE(ept, NULL);
	return ept->path;
}

RPMSG_API int rpmsg_ept_get_fd(struct rpmsg_ept *ept)
{
	RPMSGI_REQUIRE(ept, -1);
	return ept->fd;
}

RPMSG_API bool rpmsg_ept_is_down(struct rpmsg_ept *ept)
{
	RPMSGI_REQUIRE(ept, false);
	return rpmsgi_ept_down(ept);
}

RPMSG_API size_t rpmsg_ept_get_mtu(struct rpmsg_ept *ept)
{
	RPMSGI_REQUIRE(ept, 0);
	return ept->mtu;
}

RPMSG_API int rpmsg_ept_set_mtu(struct rpmsg_ept *ept, size_t mtu)
{
	struct rpmsg_ept *sib;

	RPMSGI_REQUIRE(ept, -1);
	if (mtu == 0 || mtu > RPMSG_MTU_MAX) {
		errno = EINVAL;
		return -1;
	}
	/* Buffers grow when the receive chain is next armed (none is in use then). */
	RPMSGI_FOR_EACH_WITH_SIBLINGS(ept, sib)
		sib->mtu = mtu;
	return 0;
}

RPMSG_API int rpmsg_ept_get_send_timeout(struct rpmsg_ept *ept)
{
	RPMSGI_REQUIRE(ept, -1);
	return ept->send_timeout_ms;
}

RPMSG_API int rpmsg_ept_set_send_timeout(struct rpmsg_ept *ept, int timeout_ms)
{
	struct rpmsg_ept *sib;

	RPMSGI_REQUIRE(ept, -1);
	if (timeout_ms < -1) {
		errno = EINVAL;
		return -1;
	}
	RPMSGI_FOR_EACH_WITH_SIBLINGS(ept, sib)
		sib->send_timeout_ms = timeout_ms;
	return 0;
}

/* Kept messages become deliverable when a callback appears. */
static void ept_and_siblings_ready(struct rpmsg_ept *ept)
{
	struct rpmsg_ept *sib;

	RPMSGI_FOR_EACH_WITH_SIBLINGS(ept, sib)
		rpmsgi_mark_ready(sib);
}

RPMSG_API void rpmsg_ept_set_rx_cb(struct rpmsg_ept *ept, rpmsg_rx_fn cb, void *user_data)
{
	RPMSGI_REQUIRE_VOID(ept);
	ept->rx_cb = cb;
	ept->rx_data = user_data;
	if (cb && !ept->closing)
		ept_and_siblings_ready(ept);
}

RPMSG_API void *rpmsg_ept_get_rx_cb_data(struct rpmsg_ept *ept)
{
	RPMSGI_REQUIRE(ept, NULL);
	return ept->rx_data;
}

RPMSG_API void rpmsg_ept_set_event_cb(struct rpmsg_ept *ept, rpmsg_event_fn cb,
				      void *user_data)
{
	RPMSGI_REQUIRE_VOID(ept);
	ept->ev_cb = cb;
	ept->ev_data = user_data;
	if (cb && !ept->closing && rpmsgi_ept_down(ept) && !ept->down_delivered)
		rpmsgi_mark_ready(ept);
}

RPMSG_API void *rpmsg_ept_get_event_cb_data(struct rpmsg_ept *ept)
{
	RPMSGI_REQUIRE(ept, NULL);
	return ept->ev_data;
}
