/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: librpmsg authors */

/* Definitions shared by the library's files; nothing here is public. */

#ifndef __LIBRPMSG_INTERNAL_H__
#define __LIBRPMSG_INTERNAL_H__

#include <rpmsg/rpmsg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define RPMSG_API __attribute__((visibility("default")))

#define RPMSGI_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define rpmsgi_container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

/* The NULL rule (rpmsg.h, "Conventions"): a NULL object fails with EINVAL. */
#define RPMSGI_REQUIRE(obj, failval) \
	do { if (!(obj)) { errno = EINVAL; return failval; } } while (0)
#define RPMSGI_REQUIRE_VOID(obj) \
	do { if (!(obj)) { errno = EINVAL; return; } } while (0)

/* Receive buffers per endpoint: the io_uring engine keeps them in flight as
 * one hard-linked chain, so up to this many messages arrive per system call. */
#define RPMSGI_RX_SLOTS		16U
/* Most writes handed to the kernel as one linked chain per endpoint. */
#define RPMSGI_TX_CHAIN_MAX	32U
/* Retry delays while the TX ring is full (virtio reports no POLLOUT). */
#define RPMSGI_BACKOFF_MIN_NS	50000LL
#define RPMSGI_BACKOFF_MAX_NS	5000000LL
/* Bound on waiting for a new /dev/rpmsgN node to appear or become accessible. */
#define RPMSGI_NODE_WAIT_MS	2000

enum rpmsgi_op_kind {
	RPMSGI_OP_RX = 1,
	RPMSGI_OP_TX,
	RPMSGI_OP_ENGINE,	/* first kind an engine may use for its own operations */
};

/* What an in-flight engine operation belongs to (io_uring user_data points here). */
struct rpmsgi_op {
	uint8_t kind;
	struct rpmsg_ept *ept;
};

enum rpmsgi_slot_state {
	RPMSGI_SLOT_FREE = 0,
	RPMSGI_SLOT_INFLIGHT,	/* a read owns the buffer */
	RPMSGI_SLOT_FULL,	/* res holds a length or -errno, not yet delivered */
};

struct rpmsgi_rx_slot {
	struct rpmsgi_op op;
	uint8_t state;
	int32_t res;
	unsigned char *buf;
};

enum rpmsgi_tx_state {
	RPMSGI_TX_QUEUED = 0,	/* waiting to be handed to the kernel */
	RPMSGI_TX_INFLIGHT,	/* an engine operation owns it */
	RPMSGI_TX_DONE,		/* status final, completion not yet run */
};

/* One asynchronous send; recycled through the context's free list. */
struct rpmsgi_tx_msg {
	struct rpmsgi_op op;
	struct rpmsgi_tx_msg *next;
	int64_t queued_ns;	/* when send_async took it: its send timeout runs from here */
	uint8_t state;
	int status;
	rpmsg_send_done_fn done;
	void *user_data;
	size_t len;
	size_t cap;
	unsigned char *buf;
};

struct rpmsgi_ctrl_ops;
struct rpmsgi_engine;

struct rpmsg_ctrl {
	struct rpmsg_ctx *ctx;
	const struct rpmsgi_ctrl_ops *ops;
	unsigned int refs;
	int fd;
	char *path;
	char *sysfs_dir;	/* class directory of rpmsg_ctrlN */
	char *transport_dir;	/* device directory holding the transport's bus devices */
	bool legacy;		/* rpmsg_chrdev driver: Linux before 5.18 */
	struct rpmsg_sim *sim;	/* set for a simulator's control device */
	struct rpmsg_ctrl *next;	/* context's list */
};

struct rpmsgi_ctrl_ops {
	struct rpmsg_ept *(*create_ept)(struct rpmsg_ctrl *ctrl, const char *name,
					uint32_t src, uint32_t dst);
	int (*create_channel)(struct rpmsg_ctrl *ctrl, const char *name, uint32_t src,
			      uint32_t dst);
	int (*release_channel)(struct rpmsg_ctrl *ctrl, const char *name, uint32_t src,
			       uint32_t dst);
	struct rpmsg_ept *(*open_channel)(struct rpmsg_ctrl *ctrl, const char *name,
					  uint32_t dst);
};

struct rpmsg_ept {
	struct rpmsg_ctx *ctx;
	struct rpmsg_ctrl *ctrl;	/* reference held; NULL for adopted/opened devices */
	struct rpmsg_sim *sim;		/* simulated endpoint: tell the remote on close */
	struct rpmsg_ept *parent;	/* sibling endpoints made by sendto point at their owner */
	struct rpmsg_ept *siblings;	/* owner: its siblings, linked by sibling_next */
	struct rpmsg_ept *sibling_next;
	struct rpmsg_ept *prev, *next;	/* context's list of open endpoints */

	int fd;
	bool is_socket;		/* AF_UNIX test transport: EOF means down */
	bool pollout_ok;	/* the device reports POLLOUT (not virtio before 7.0) */
	bool legacy;		/* ENOMEM on a full TX ring means EAGAIN (Linux < 5.18) */
	bool created;		/* made by CREATE_EPT (or the simulator's equivalent) */
	bool destroy_on_close;	/* close DESTROYs the device: created ones, unless told */
	bool closing;
	char name[RPMSG_NAME_SIZE];
	uint32_t src, dst;
	char *path;
	size_t mtu;
	int send_timeout_ms;

	rpmsg_rx_fn rx_cb;
	void *rx_data;
	rpmsg_event_fn ev_cb;
	void *ev_data;

	/* Receive ring: slots [rx_head, rx_tail) are in flight or full. */
	struct rpmsgi_rx_slot rx[RPMSGI_RX_SLOTS];
	unsigned int rx_head, rx_tail;
	size_t rx_buf_size;

	/* Asynchronous sends in order; tx_submit is the first not yet handed over. */
	struct rpmsgi_tx_msg *tx_head, *tx_tail, *tx_submit;
	int64_t tx_backoff_ns;		/* current retry delay, 0 when the ring accepted */
	int64_t tx_blocked_since;	/* when the queue head first found the ring full */

	/* Down: set by whichever path sees it first (any thread), delivered once. */
	atomic_int down_err;
	bool down_delivered;

	/* Context bookkeeping. */
	bool on_ready, on_dirty;
	struct rpmsg_ept *ready_next, *dirty_next;

	/* The engine's own state for this endpoint (engine.h). */
	max_align_t engine_priv[];
};

struct rpmsg_ctx {
	const struct rpmsgi_engine *engine;
	void *engine_data;
	int wake_fd;			/* eventfd: another thread or a setter has work for dispatch */
	atomic_bool wake_pending;
	atomic_bool down_hint;		/* a synchronous send saw an endpoint go down */
	atomic_bool in_dispatch;
	bool in_callback;		/* rpmsg_ept_close runs completions, maybe outside dispatch */
	char *sysfs_root;
	char *dev_root;
	struct rpmsg_ept *epts;		/* open endpoints */
	struct rpmsg_ept *ready;	/* endpoints with callbacks due */
	struct rpmsg_ept *dirty;	/* endpoints that need the engine (re-arm rx, submit tx) */
	struct rpmsg_ept *zombies;	/* closed from a callback, freed when dispatch ends */
	struct rpmsg_ctrl *ctrls;	/* open control devices, kept until their last reference */
	struct rpmsgi_tx_msg *tx_free;	/* recycled send buffers */
	struct rpmsg_sim *sims;
	unsigned int callbacks_run;
};

/* ctx.c */
void rpmsgi_ctx_wake(struct rpmsg_ctx *ctx);
void rpmsgi_mark_ready(struct rpmsg_ept *ept);
void rpmsgi_mark_dirty(struct rpmsg_ept *ept);
int64_t rpmsgi_now_ns(void);

/* ept.c: siblings, the endpoints sendto makes (one per destination) on their
 * owner's control device. They live and die with the owner, deliver into its
 * callbacks, and are not on the context's list. */
#define RPMSGI_FOR_EACH_WITH_SIBLINGS(owner, e) \
	for ((e) = (owner); (e); (e) = ((e) == (owner) ? (owner)->siblings : (e)->sibling_next))
struct rpmsg_ept *rpmsgi_ept_owner(struct rpmsg_ept *ept);
struct rpmsg_ept *rpmsgi_sibling_find(struct rpmsg_ept *owner, uint32_t dst);
void rpmsgi_sibling_adopt(struct rpmsg_ept *owner, struct rpmsg_ept *sib);

/* ept.c */
struct rpmsg_ept *rpmsgi_ept_new(struct rpmsg_ctx *ctx, int fd, const char *path);
int rpmsgi_ept_attach(struct rpmsg_ept *ept);
void rpmsgi_ept_set_down(struct rpmsg_ept *ept, int err);
bool rpmsgi_ept_down(struct rpmsg_ept *ept);
bool rpmsgi_errno_is_down(int err);
unsigned int rpmsgi_ept_deliver(struct rpmsg_ept *ept);
void rpmsgi_ept_free(struct rpmsg_ept *ept);

/* send.c */
void rpmsgi_tx_fail_queued(struct rpmsg_ept *ept, int status);
void rpmsgi_tx_msg_free_all(struct rpmsg_ctx *ctx);
unsigned int rpmsgi_tx_deliver(struct rpmsg_ept *ept);
void rpmsgi_tx_cancel_all(struct rpmsg_ept *ept);

/* ctrl.c */
struct rpmsg_ctrl *rpmsgi_ctrl_new(struct rpmsg_ctx *ctx, const struct rpmsgi_ctrl_ops *ops);
void rpmsgi_ctrl_get(struct rpmsg_ctrl *ctrl);
void rpmsgi_ctrl_put(struct rpmsg_ctrl *ctrl);
int rpmsgi_check_name(const char *name);

/* sysfs.c */
/* An error reading a sysfs entry that means "not one of ours": pass it over. */
bool rpmsgi_entry_unusable(int err);
char *rpmsgi_path_join(const char *a, const char *b);
int rpmsgi_open_chardev(struct rpmsg_ctx *ctx, const char *path, int flags);
/* Parsers of sysfs text, no I/O: 0, -EINVAL (malformed) or -ERANGE. */
int rpmsgi_parse_dec_addr(const char *s, uint32_t *out);	/* eptdev src/dst: %d */
int rpmsgi_parse_hex_addr(const char *s, uint32_t *out);	/* bus src/dst: 0x%x */
int rpmsgi_parse_devt(const char *s, dev_t *out);		/* dev: "major:minor" */
bool rpmsgi_parse_index(const char *name, const char *prefix, unsigned long *index);
const char *rpmsgi_rproc_in_path(const char *path, size_t *len);
int rpmsgi_attr_text(char *buf, size_t n, size_t size);
/* Attributes: 0 or -errno; -EINVAL also for a file that is not a regular one. */
int rpmsgi_read_attr(const char *dir, const char *attr, char *buf, size_t size);
int rpmsgi_read_attr_u32(const char *dir, const char *attr, uint32_t *out);	/* decimal */
int rpmsgi_read_attr_hex_u32(const char *dir, const char *attr, uint32_t *out);
/* NULL with errno: ENODEV (no class device has rdev) or the error reading sysfs. */
char *rpmsgi_class_dir_for_rdev(struct rpmsg_ctx *ctx, dev_t rdev, char *devname, size_t size);
char *rpmsgi_realpath_in(const char *dir, const char *rel);
char *rpmsgi_ctrl_transport_dir(const char *ctrl_class_dir, bool *legacy);
int rpmsgi_channel_eptdev(const char *busdev, char **name);
int rpmsgi_list_eptdev_children(const char *dir, unsigned long **out, size_t *count);
/* Device names exactly as the kernel makes them: rpmsgN, rpmsg_ctrlN. */
bool rpmsgi_is_eptdev_name(const char *name);
bool rpmsgi_is_ctrl_devname(const char *name);
/* The one list of the transport's own bus device names (reserved for channels). */
bool rpmsgi_is_transport_name(const char *name);
/* True for a transport's own bus device (control, name service): not a channel. */
bool rpmsgi_is_transport_device(const char *devname, const char *name);
/* 0 with *busdev (and *eptdev_name, NULL without endpoint device), -ENOENT
 * (no such channel) or -errno (the transport could not be read). */
int rpmsgi_find_channel(const char *transport_dir, const char *name, uint32_t src, uint32_t dst,
			char **busdev, char **eptdev_name);

/* sim.c */
/* True on a simulator's own thread, i.e. inside a remote handler. */
bool rpmsgi_on_sim_thread(void);
void rpmsgi_sim_ept_closed(struct rpmsg_ept *ept);

#endif /* __LIBRPMSG_INTERNAL_H__ */
