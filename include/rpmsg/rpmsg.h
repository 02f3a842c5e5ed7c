/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: librpmsg authors */

/**
 * @file rpmsg.h
 * @brief librpmsg: asynchronous C API over the Linux RPMsg character devices.
 *
 * The only public header of librpmsg. Every function documents ownership,
 * the errno values it sets and its thread rules.
 *
 * Conventions (the same in every group):
 * - Calls return -1 or NULL on failure with errno set; completion callbacks
 *   get a status of 0 or -errno.
 * - NULL object arguments (context, control device, endpoint, simulator,
 *   list, ...) never crash. A function that reports errors fails with errno
 *   EINVAL and its failure value (-1, NULL or false). `*_free`, `*_close`
 *   and ::rpmsg_devlist_free accept NULL and do nothing. An accessor that
 *   cannot otherwise fail sets errno EINVAL and returns a neutral value,
 *   named in its documentation: NULL for a string or pointer, -1 for a
 *   descriptor or an int, 0 for a size or count, ::RPMSG_ADDR_ANY for an
 *   address, false for a predicate. A void setter does nothing and sets errno
 *   EINVAL.
 * - Returned strings are borrowed: each function says how long its string
 *   stays valid; never free one.
 * - Callbacks run only inside ::rpmsg_ctx_dispatch (or, where stated,
 *   inside ::rpmsg_ept_close and ::rpmsg_ctx_free), on the calling thread.
 *   From any callback, ::rpmsg_ctx_dispatch fails with EBUSY and
 *   ::rpmsg_ctx_free does nothing (errno EBUSY).
 * - A context and everything attached to it belong to one thread at a time.
 *   The synchronous ::rpmsg_ept_send, ::rpmsg_ept_timedsend and
 *   ::rpmsg_ept_trysend may also be called from other threads while the
 *   endpoint is open. Different contexts are independent: the library has
 *   no global state.
 * - The library never prints.
 */

#ifndef __LIBRPMSG_RPMSG_H__
#define __LIBRPMSG_RPMSG_H__

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct rpmsg_ctx;
struct rpmsg_ctrl;
struct rpmsg_ept;
struct rpmsg_devlist;
struct rpmsg_devinfo;
struct rpmsg_sim;

/**
 * @defgroup rpmsg_misc_group Library information and constants
 * @{
 */

#ifndef RPMSG_ADDR_ANY
/** Any address: let the kernel allocate a local address (src only). */
#define RPMSG_ADDR_ANY		0xFFFFFFFF
#endif

/** Default maximum payload per message: virtio's 512-byte buffer minus its 16-byte header. */
#define RPMSG_MTU_DEFAULT	496U
/** Largest MTU ::rpmsg_ept_set_mtu accepts. */
#define RPMSG_MTU_MAX		65536U
/** Size of a service name including its terminating NUL: names have at most 31 bytes. */
#define RPMSG_NAME_SIZE		32U
/** Default send timeout of a new endpoint, in milliseconds (the kernel's own limit). */
#define RPMSG_SEND_TIMEOUT_DEFAULT_MS	15000

/**
 * @brief Version of the library.
 * @return A static string such as "0.1.0", valid for the life of the
 *         process. Never fails.
 */
const char *rpmsg_api_version(void);

/** @} */

/**
 * @defgroup rpmsg_ctx_group Context
 * @{
 *
 * A context owns the I/O engine, delivers every callback of its endpoints
 * from ::rpmsg_ctx_dispatch, and offers one file descriptor for event loops.
 * It also holds the sysfs and /dev roots used for discovery.
 */

/** I/O engine of a context. */
enum rpmsg_engine {
	/** io_uring (the default): batched submissions and completions. */
	RPMSG_ENGINE_URING = 1,
	/** epoll: used when io_uring cannot be set up; same semantics. */
	RPMSG_ENGINE_EPOLL = 2,
};

/** ::rpmsg_ctx_new flag: use io_uring, fail if it cannot be set up. */
#define RPMSG_CTX_FORCE_URING	(1U << 0)
/** ::rpmsg_ctx_new flag: use epoll. */
#define RPMSG_CTX_FORCE_EPOLL	(1U << 1)

/**
 * @brief Create a context.
 * @param flags 0, ::RPMSG_CTX_FORCE_URING or ::RPMSG_CTX_FORCE_EPOLL.
 * @return New context or NULL on error. Free it with ::rpmsg_ctx_free.
 *
 * Without a flag the environment variable `RPMSG_ENGINE` (`uring` or `epoll`)
 * decides, and without it io_uring is tried first and epoll is used when
 * io_uring cannot be set up (ENOSYS, EPERM from seccomp or
 * `kernel.io_uring_disabled`, ENOMEM, ...).
 * The sysfs and /dev roots start as `RPMSG_SYSFS_ROOT` and `RPMSG_DEV_ROOT`
 * from the environment, or "/sys" and "/dev".
 *
 * Errors: EINVAL (unknown or conflicting flags, or an invalid `RPMSG_ENGINE`
 * value); with ::RPMSG_CTX_FORCE_URING the error of `io_uring_queue_init`
 * (ENOSYS, EPERM, ...); ENOMEM; EMFILE.
 */
struct rpmsg_ctx *rpmsg_ctx_new(unsigned int flags);

/**
 * @brief Free a context.
 * @param ctx Context, or NULL (nothing happens).
 *
 * Endpoints still open are closed first, as by ::rpmsg_ept_close (their
 * queued asynchronous sends complete with -ECANCELED, inside this call), then
 * control devices and simulated remotes still attached are released.
 * Must not be called from a callback, including the completions that
 * ::rpmsg_ept_close and ::rpmsg_ctx_free run: there it frees nothing and sets
 * errno EBUSY. From a simulated remote's handler (::rpmsg_sim_handler_fn) it
 * frees nothing and sets errno EDEADLK: it would join the thread it runs on.
 */
void rpmsg_ctx_free(struct rpmsg_ctx *ctx);

/**
 * @brief File descriptor that becomes readable when ::rpmsg_ctx_dispatch has work.
 * @param ctx Context.
 * @return The descriptor. It belongs to the context: do not
 *         close it or read from it; poll it for POLLIN and call
 *         ::rpmsg_ctx_dispatch with timeout 0 when it is readable.
 *         NULL @p ctx: errno EINVAL, returns -1.
 */
int rpmsg_ctx_get_fd(struct rpmsg_ctx *ctx);

/**
 * @brief Run the I/O engine and the callbacks that are due.
 * @param ctx Context.
 * @param timeout_ms How long to wait for work when none is pending:
 *        0 does not block, -1 waits without limit.
 * @return Number of callbacks run (0 on timeout), or -1 on error.
 *
 * Submits queued sends, collects received messages and completions and runs
 * the callbacks, all on the calling thread.
 *
 * Errors: EBUSY (called from a callback: one run by this function, or a
 * send completion run by ::rpmsg_ept_close or ::rpmsg_ctx_free), EINVAL
 * (NULL @p ctx, timeout below -1),
 * EINTR (the wait was interrupted and no callback ran: a signal, or, with
 * no signal at all, kernel task work queued for this thread, which Linux
 * delivers the same way; an io_uring ring of the same thread, even a closed
 * one, can cause it). Call again after checking what the signal handlers
 * flagged: the library does not retry by itself, so that a signal can stop
 * a wait without a timeout.
 */
int rpmsg_ctx_dispatch(struct rpmsg_ctx *ctx, int timeout_ms);

/**
 * @brief Engine the context uses.
 * @param ctx Context.
 * @return ::RPMSG_ENGINE_URING or ::RPMSG_ENGINE_EPOLL. NULL @p ctx: errno
 *         EINVAL, returns 0 (no engine).
 */
enum rpmsg_engine rpmsg_ctx_get_engine(struct rpmsg_ctx *ctx);

/**
 * @brief Name of an engine.
 * @param engine Engine.
 * @return "io_uring" or "epoll", a static string valid for the life of the
 *         process, or NULL with errno EINVAL for an unknown value.
 */
const char *rpmsg_engine_name(enum rpmsg_engine engine);

/**
 * @brief Change the sysfs and /dev roots used by discovery and by control devices.
 * @param ctx Context.
 * @param sysfs_root Directory that stands for /sys, or NULL for "/sys".
 * @param dev_root Directory that stands for /dev, or NULL for "/dev".
 * @return 0, or -1 on error: EINVAL (NULL @p ctx, empty string),
 *         ENAMETOOLONG (4096 bytes or more), ENOMEM. On error neither root
 *         changes.
 *
 * Meant for tests that fabricate sysfs trees. Affects objects opened later.
 * The strings returned earlier by ::rpmsg_ctx_get_sysfs_root and
 * ::rpmsg_ctx_get_dev_root are freed when this succeeds.
 */
int rpmsg_ctx_set_roots(struct rpmsg_ctx *ctx, const char *sysfs_root, const char *dev_root);

/**
 * @brief Current sysfs root.
 * @param ctx Context.
 * @return Borrowed string, owned by @p ctx, valid until the roots change or
 *         the context is freed. NULL @p ctx: errno EINVAL, returns NULL.
 */
const char *rpmsg_ctx_get_sysfs_root(struct rpmsg_ctx *ctx);

/**
 * @brief Current /dev root.
 * @param ctx Context.
 * @return Borrowed string, owned by @p ctx, valid until the roots change or
 *         the context is freed. NULL @p ctx: errno EINVAL, returns NULL.
 */
const char *rpmsg_ctx_get_dev_root(struct rpmsg_ctx *ctx);

/** @} */

/**
 * @defgroup rpmsg_discovery_group Discovery
 * @{
 *
 * Lists of control devices (/dev/rpmsg_ctrlN), endpoint devices
 * (/dev/rpmsgN) and channels (rpmsg bus devices, e.g. announced by the
 * remote), read from sysfs under the context's sysfs root. Kernel layouts
 * of 5.10–5.17, 5.18+ and 6.1+ are understood. A list is a snapshot.
 *
 * sysfs is read as the kernel writes it and nothing else is guessed at:
 * attributes must be regular files (a FIFO or device node in their place is
 * never waited on), endpoint devices' `src`/`dst` are signed decimal (-1 is
 * ANY; -2^31 to 2^32-1 are accepted, negative numbers being how the kernel
 * prints addresses from 2^31), bus devices' `src`/`dst` are hexadecimal
 * ("0x%x", up to 0xffffffff), and device names are "rpmsgN",
 * "rpmsg_ctrlN" and "remoteprocN" with N from 0 to INT_MAX written without
 * leading zeros. An entry that does not read that way (a malformed or
 * out-of-range number, a missing attribute, a non-regular file), or that
 * disappears while it is read, is left out of the list; the other entries
 * are listed. Any other failure fails the whole listing (see
 * ::rpmsg_ctx_list), so a list is never short for a reason the caller could
 * fix.
 *
 * Accessors given a NULL list or entry fail with EINVAL and return the
 * neutral value each one states. Every string an entry returns is borrowed
 * from the list and valid until ::rpmsg_devlist_free.
 */

/** Kind of device in a list. */
enum rpmsg_dev_type {
	/** Control device /dev/rpmsg_ctrlN. */
	RPMSG_DEV_CTRL = 1,
	/** Endpoint device /dev/rpmsgN (created with CREATE_EPT or by a channel). */
	RPMSG_DEV_EPT = 2,
	/** Channel: an rpmsg bus device other than the control and name-service devices. */
	RPMSG_DEV_CHANNEL = 3,
};

/**
 * @brief List the devices of one kind.
 * @param ctx Context whose sysfs and /dev roots are used.
 * @param type Kind of device.
 * @return New list (possibly empty) or NULL on error. Free it with
 *         ::rpmsg_devlist_free.
 *
 * A sysfs root without `class/rpmsg` (for ::RPMSG_DEV_CTRL and
 * ::RPMSG_DEV_EPT) or `bus/rpmsg/devices` (for ::RPMSG_DEV_CHANNEL) gives an
 * empty list: rpmsg is not loaded. Entries that are malformed or vanish
 * while being read are left out (see the group's description).
 *
 * Errors: EINVAL (NULL ctx, unknown type), ENOMEM, and any error reading
 * that directory or an entry other than its absence: EMFILE, ENFILE,
 * ENOTDIR (a file where the directory should be), EACCES, EIO, ...
 */
struct rpmsg_devlist *rpmsg_ctx_list(struct rpmsg_ctx *ctx, enum rpmsg_dev_type type);

/**
 * @brief Number of entries in a list.
 * @param list List.
 * @return Count; 0 with errno EINVAL for a NULL list.
 */
size_t rpmsg_devlist_count(const struct rpmsg_devlist *list);

/**
 * @brief Entry of a list.
 * @param list List.
 * @param index Position, below ::rpmsg_devlist_count.
 * @return Borrowed entry, valid until the list is freed, or NULL with errno
 *         ERANGE when @p index is out of range, EINVAL for a NULL list.
 */
const struct rpmsg_devinfo *rpmsg_devlist_get(const struct rpmsg_devlist *list, size_t index);

/**
 * @brief Free a list and its entries.
 * @param list List, or NULL (nothing happens).
 */
void rpmsg_devlist_free(struct rpmsg_devlist *list);

/**
 * @brief Kind of the device.
 * @return The kind; 0 (no kind) with errno EINVAL for a NULL entry.
 */
enum rpmsg_dev_type rpmsg_devinfo_get_type(const struct rpmsg_devinfo *info);
/**
 * @brief Kernel name of the device: "rpmsg_ctrl0", "rpmsg3", or a channel's
 *        bus name such as "virtio0.rpmsg-raw.-1.1024".
 * @return Borrowed string; NULL with errno EINVAL for a NULL entry.
 */
const char *rpmsg_devinfo_get_devname(const struct rpmsg_devinfo *info);
/**
 * @brief Service name: the endpoint's or channel's name ("rpmsg-raw", ...);
 *        for a control device, the driver's bus name ("rpmsg_ctrl" or
 *        "rpmsg_chrdev"; "" when no driver is bound).
 * @return Borrowed string; NULL with errno EINVAL for a NULL entry.
 */
const char *rpmsg_devinfo_get_name(const struct rpmsg_devinfo *info);
/**
 * @brief Local address as sysfs reports it (the kernel does not report the
 *        address allocated at open for ANY: it stays ::RPMSG_ADDR_ANY).
 * @return The address; ::RPMSG_ADDR_ANY with errno EINVAL for a NULL entry.
 */
uint32_t rpmsg_devinfo_get_src(const struct rpmsg_devinfo *info);
/**
 * @brief Remote address (0 for a control device).
 * @return The address; ::RPMSG_ADDR_ANY with errno EINVAL for a NULL entry.
 */
uint32_t rpmsg_devinfo_get_dst(const struct rpmsg_devinfo *info);
/**
 * @brief Path of the device node under the /dev root ("/dev/rpmsg3").
 * @return Borrowed string, or NULL for a channel that has no endpoint
 *         device (errno untouched); NULL with errno EINVAL for a NULL entry.
 */
const char *rpmsg_devinfo_get_dev_path(const struct rpmsg_devinfo *info);
/**
 * @brief Path of the device's directory under the sysfs root, resolved.
 * @return Borrowed string; NULL with errno EINVAL for a NULL entry.
 */
const char *rpmsg_devinfo_get_sysfs_path(const struct rpmsg_devinfo *info);
/**
 * @brief For an endpoint device created through a control device, that
 *        control device's name ("rpmsg_ctrl0").
 * @return Borrowed string, or NULL for other devices (errno untouched);
 *         NULL with errno EINVAL for a NULL entry.
 */
const char *rpmsg_devinfo_get_ctrl(const struct rpmsg_devinfo *info);
/**
 * @brief Name of the remoteproc the device belongs to ("remoteproc0").
 * @return Borrowed string, or NULL when it is on no remoteproc (errno
 *         untouched); NULL with errno EINVAL for a NULL entry.
 */
const char *rpmsg_devinfo_get_rproc(const struct rpmsg_devinfo *info);
/**
 * @brief The remoteproc's `name` attribute (e.g. "m4").
 * @return Borrowed string, or NULL when there is no remoteproc or its name
 *         cannot be read (errno untouched); NULL with errno EINVAL for a NULL
 *         entry.
 */
const char *rpmsg_devinfo_get_rproc_name(const struct rpmsg_devinfo *info);

/** @} */

/**
 * @defgroup rpmsg_ctrl_group Control device
 * @{
 *
 * A control device (/dev/rpmsg_ctrlN, or the control side of a simulated
 * remote) creates endpoints and channels on one transport. Endpoints keep
 * their control device alive: ::rpmsg_ctrl_close only drops the caller's
 * reference.
 */

/**
 * @brief Open a control device by path.
 * @param ctx Context that will run the endpoints created through it.
 * @param path Path of the node, e.g. "/dev/rpmsg_ctrl0".
 * @return New control device or NULL on error. Close it with ::rpmsg_ctrl_close.
 *
 * Errors: EINVAL (NULL @p ctx or @p path), ENOENT (no such file), ENOTTY
 * (not a character device), ENODEV (a character device that sysfs does not
 * list as an rpmsg control device), EACCES/EPERM (no permission), ENOMEM,
 * the other errors of stat(2) and open(2) on @p path (ENOTDIR, ELOOP,
 * ENAMETOOLONG, EMFILE, ENFILE, ENXIO, ...), and any error reading
 * `class/rpmsg` under the context's sysfs root other than its absence
 * (EMFILE, ENFILE, ENOTDIR, EACCES, EIO, ...; see ::rpmsg_ctx_list).
 */
struct rpmsg_ctrl *rpmsg_ctrl_open(struct rpmsg_ctx *ctx, const char *path);

/**
 * @brief Open the control device of a remote processor.
 * @param ctx Context.
 * @param rproc "remoteprocK", the index "K", the remoteproc's `name`
 *        attribute, or NULL for the first control device found.
 * @return New control device or NULL on error: EINVAL (NULL ctx, empty
 *         string), ENODEV (no matching remoteproc or it has no control
 *         device), the errors of ::rpmsg_ctx_list (EMFILE, ENFILE, ENOTDIR,
 *         EACCES, EIO, ENOMEM, ...: the control devices could not be
 *         listed) and those of ::rpmsg_ctrl_open.
 */
struct rpmsg_ctrl *rpmsg_ctrl_open_rproc(struct rpmsg_ctx *ctx, const char *rproc);

/**
 * @brief Drop the caller's reference to a control device.
 * @param ctrl Control device, or NULL.
 *
 * The descriptor is closed once no endpoint created through it remains.
 * The control device of a simulated remote is owned by the simulator: closing
 * it is a no-op.
 */
void rpmsg_ctrl_close(struct rpmsg_ctrl *ctrl);

/**
 * @brief Path of the control device.
 * @param ctrl Control device.
 * @return Borrowed string, owned by @p ctrl, valid while it is open (until
 *         ::rpmsg_ctrl_close drops the last reference, or its simulator or
 *         context is freed); "sim:" for a simulated remote. NULL @p ctrl:
 *         errno EINVAL, returns NULL.
 */
const char *rpmsg_ctrl_get_path(struct rpmsg_ctrl *ctrl);

/**
 * @brief Create an endpoint device on the control device and open it.
 * @param ctrl Control device.
 * @param name Service name, 1 to 31 bytes.
 * @param src Local address, or ::RPMSG_ADDR_ANY to let the kernel allocate
 *        one when the device is opened (it is then not reported anywhere).
 * @param dst Remote address; every message sent on the endpoint goes there.
 *        ::RPMSG_ADDR_ANY makes a receive-only endpoint (sends fail EINVAL).
 * @return New endpoint, attached to the control device's context, or NULL on
 *         error. Close it with ::rpmsg_ept_close, which also destroys the
 *         kernel's endpoint device.
 *
 * The new /dev/rpmsgN is identified race-free (sysfs snapshot, ioctl,
 * match by name/src/dst, serialised across processes with an advisory lock on
 * the control node, then checked with the node's device number) and waited
 * for boundedly (udev may still be applying permissions).
 *
 * Errors: EINVAL (NULL @p ctrl, NULL or empty name), ENAMETOOLONG (name over 31 bytes),
 * ETIMEDOUT (the node did not appear or stayed inaccessible for 2 s), ENODEV
 * (the new endpoint device does not show in sysfs as the kernel shows one,
 * e.g. a `dev` attribute that is not "major:minor"; or the simulator of a
 * simulated control device was freed), EPIPE (the simulated remote crashed),
 * the kernel's ioctl and open errors (EINVAL from open or from the simulated
 * remote: address in use; EBUSY; ENXIO: rpmsg_char missing), any error
 * reading the control device's sysfs directory other than a malformed or
 * vanished entry (EMFILE, ENFILE, EACCES, EIO, ...), the errors of flock(2)
 * (EINTR excepted), EMFILE/ENFILE (no descriptor for the simulated
 * endpoint), ENOMEM.
 */
struct rpmsg_ept *rpmsg_ctrl_create_ept(struct rpmsg_ctrl *ctrl, const char *name,
					uint32_t src, uint32_t dst);

/**
 * @brief Create a channel (RPMSG_CREATE_DEV, Linux 5.18+).
 * @param ctrl Control device.
 * @param name Service name, 1 to 31 bytes (e.g. "rpmsg-raw" to get an endpoint device).
 * @param src Local address or ::RPMSG_ADDR_ANY (then the remote is not told).
 * @param dst Remote address.
 * @return 0 or -1 on error: EINVAL (NULL @p ctrl, NULL or empty name),
 *         ENAMETOOLONG, EEXIST (the same channel exists), EOPNOTSUPP
 *         (kernel before 5.18 or a transport without channel creation),
 *         ENODEV (the simulator of a simulated control device was freed),
 *         any error reading the transport's sysfs directory other than a
 *         malformed or vanished entry (EMFILE, ENFILE, ENOTDIR, EACCES, EIO,
 *         ENOMEM, ...; then nothing is asked of the kernel), and the
 *         kernel's ioctl errors (ENXIO: other kernel failure, ENOMEM, ...).
 *
 * The channel outlives the control device; remove it with ::rpmsg_ctrl_release_channel.
 */
int rpmsg_ctrl_create_channel(struct rpmsg_ctrl *ctrl, const char *name,
			      uint32_t src, uint32_t dst);

/**
 * @brief Remove a channel (RPMSG_RELEASE_DEV, Linux 5.18+).
 * @param ctrl Control device.
 * @param name Service name; "rpmsg_ctrl", "rpmsg_chrdev" and "rpmsg_ns" are refused.
 * @param src Local address or ::RPMSG_ADDR_ANY (matches any).
 * @param dst Remote address or ::RPMSG_ADDR_ANY (matches any).
 * @return 0 or -1 on error: EINVAL (NULL @p ctrl, NULL or empty name),
 *         ENAMETOOLONG, EPERM (a name of the transport's own devices),
 *         ENOENT (no such channel), EOPNOTSUPP (kernel before 5.18 or a
 *         transport without channel removal), ENODEV (the simulator of a
 *         simulated control device was freed), and the kernel's other
 *         ioctl errors.
 */
int rpmsg_ctrl_release_channel(struct rpmsg_ctrl *ctrl, const char *name,
			       uint32_t src, uint32_t dst);

/**
 * @brief Open the endpoint device of a channel on the same transport.
 * @param ctrl Control device whose transport carries the channel.
 * @param name Service name (e.g. "rpmsg-raw").
 * @param dst Remote address of the channel, or ::RPMSG_ADDR_ANY for the first match.
 * @return New endpoint or NULL on error: EINVAL (NULL @p ctrl, NULL or
 *         empty name), ENAMETOOLONG, ENOENT (no such channel), ENODEV (the
 *         channel has no endpoint device: no driver bound it; or the
 *         simulator of a simulated control device was freed), EBUSY (a
 *         simulated channel already open), any error reading the transport's
 *         sysfs directory other than a malformed or vanished entry (EMFILE,
 *         ENFILE, ENOTDIR, EACCES, EIO, ENOMEM, ...), and the errors of
 *         ::rpmsg_ept_open. Closing it does not remove the channel.
 */
struct rpmsg_ept *rpmsg_ctrl_open_channel(struct rpmsg_ctrl *ctrl, const char *name,
					  uint32_t dst);

/** @} */

/**
 * @defgroup rpmsg_ept_group Endpoints
 * @{
 *
 * An endpoint is one open /dev/rpmsgN: one message per send, one per
 * receive, a fixed remote address. Its file descriptor is always
 * non-blocking; blocking sends are built in user space with a timeout.
 *
 * Receiving: set an rx callback. Messages are delivered whole, in order,
 * exactly once. Messages that arrive while no rx callback is set are kept
 * (a few by the library, the rest queued in the kernel) and delivered once a
 * callback is set.
 *
 * Going down: when the remote stops or crashes, the channel is removed or
 * the endpoint device is destroyed, the kernel reports EPIPE/POLLERR (or
 * ENETRESET at open). The event callback then runs once with
 * ::RPMSG_EVENT_DOWN, queued asynchronous sends complete with -EPIPE, and
 * every later send fails with EPIPE. Messages the kernel still held are lost
 * (the kernel discards them). Close the endpoint and create a new one once
 * the remote is back.
 */

/** Endpoint events. */
enum rpmsg_event {
	/** The endpoint went down; delivered once. */
	RPMSG_EVENT_DOWN = 1,
};

/**
 * @brief Receive callback.
 * @param ept Endpoint.
 * @param data Message payload, borrowed until the callback returns.
 * @param len Payload length (0 is a valid, empty message).
 * @param src The remote address the message came from as far as user space
 *        can tell: the destination of the endpoint device that received it.
 *        The kernel does not pass the true source on.
 * @param user_data Pointer given with the callback.
 */
typedef void (*rpmsg_rx_fn)(struct rpmsg_ept *ept, const void *data, size_t len,
			    uint32_t src, void *user_data);

/**
 * @brief Event callback.
 * @param ept Endpoint.
 * @param event ::RPMSG_EVENT_DOWN.
 * @param error Cause: the first error that ended the endpoint, one of
 *        - EPIPE: a send or a receive failed with it, the descriptor reported
 *          POLLERR/POLLHUP (epoll engine), a socket reached end of file, or
 *          ::rpmsg_ept_destroy;
 *        - ENETRESET, ECONNRESET, ENOTCONN: a send or a receive failed with it;
 *        - ENODEV, ENXIO: a send or a receive failed with it (the device
 *          vanished);
 *        - any other errno a read of the endpoint's descriptor failed with
 *          except EAGAIN and EINTR (e.g. EIO, ENOMEM, EFAULT): it ends
 *          reception the same way (seen once an rx callback is set).
 * @param user_data Pointer given with the callback.
 *
 * A sibling made by ::rpmsg_ept_sendto that goes down alone is not reported:
 * delivery from its destination stops and ::rpmsg_ept_sendto to it fails with
 * EPIPE.
 */
typedef void (*rpmsg_event_fn)(struct rpmsg_ept *ept, enum rpmsg_event event, int error,
			       void *user_data);

/**
 * @brief Open an existing endpoint device (for example a channel's).
 * @param ctx Context.
 * @param path Path of the node, e.g. "/dev/rpmsg2".
 * @return New endpoint or NULL on error. ::rpmsg_ept_close does not destroy
 *         the device.
 *
 * Errors: EINVAL (NULL argument), ENOENT, ENOTTY (not a character device),
 * ENODEV (a character device that is not an rpmsg endpoint device), EBUSY
 * (already open: one opener per device), ENETRESET (being torn down),
 * EACCES, ENOMEM, or the error that kept sysfs from identifying the device
 * (EMFILE, ENFILE, ENOTDIR, ...).
 */
struct rpmsg_ept *rpmsg_ept_open(struct rpmsg_ctx *ctx, const char *path);

/**
 * @brief Adopt an open file descriptor as an endpoint.
 * @param ctx Context.
 * @param fd Descriptor of an endpoint device, or, for tests, of an
 *        AF_UNIX SOCK_SEQPACKET socket (what the simulated remote uses). It is
 *        switched to O_NONBLOCK.
 * @return New endpoint or NULL on error. On success the endpoint owns @p fd
 *         and closes it; on failure the caller keeps it, with its flags
 *         unchanged.
 *
 * Errors: EINVAL (NULL ctx), EBADF (not an open descriptor), EBUSY (an
 * endpoint of @p ctx already owns @p fd, whichever the engine), ENOTTY
 * (neither a character device nor an AF_UNIX SOCK_SEQPACKET socket: pipes,
 * files, byte streams and datagram sockets, AF_UNIX or UDP, are refused),
 * ENODEV (a character device that is not an rpmsg endpoint device), ENOMEM,
 * or the error that kept sysfs from identifying the device (EMFILE, ENFILE,
 * ENOTDIR, ...).
 * An adopted endpoint has no control device: ::rpmsg_ept_sendto to another
 * destination fails with EOPNOTSUPP.
 */
struct rpmsg_ept *rpmsg_ept_open_fd(struct rpmsg_ctx *ctx, int fd);

/**
 * @brief Close an endpoint.
 * @param ept Endpoint, or NULL.
 *
 * Stops its I/O, completes every send still queued with -ECANCELED (those
 * completion callbacks run inside this call), destroys the kernel endpoint
 * device if the library created it (exactly once, and never after it went
 * down), and closes the descriptor. No callback of @p ept runs after this
 * returns. May be called from any callback of the endpoint's context,
 * including the endpoint's own; the memory is then freed once
 * ::rpmsg_ctx_dispatch ends. The completions run here are callbacks:
 * ::rpmsg_ctx_dispatch fails with EBUSY in them and ::rpmsg_ctx_free does
 * nothing.
 */
void rpmsg_ept_close(struct rpmsg_ept *ept);

/**
 * @brief Choose whether ::rpmsg_ept_close destroys the kernel endpoint device.
 * @param ept Endpoint.
 * @param destroy true: closing destroys the device (the default for endpoints
 *        made by ::rpmsg_ctrl_create_ept); false: the device stays, for this or
 *        another process to open by path later (the default for endpoints
 *        opened with ::rpmsg_ept_open, ::rpmsg_ept_open_fd or
 *        ::rpmsg_ctrl_open_channel).
 * @return 0, or -1 with EINVAL (NULL, or the endpoint is closing) or
 *         EOPNOTSUPP (a simulated endpoint or an adopted socket: it exists only
 *         as long as its handle).
 *
 * A device that outlives its handle keeps its addresses and keeps receiving:
 * the kernel queues messages for it without bound until someone opens it.
 * Destroying is never done twice, nor after the endpoint went down.
 */
int rpmsg_ept_set_destroy_on_close(struct rpmsg_ept *ept, bool destroy);

/**
 * @brief Destroy the kernel endpoint device now.
 * @param ept Endpoint: one this handle created, or any endpoint device opened
 *        by path (e.g. one another process left behind).
 * @return 0, or -1 with: EINVAL (NULL, or the endpoint is closing); EPIPE (it
 *         was already down or gone); EOPNOTSUPP (an adopted socket); the
 *         error of `RPMSG_DESTROY_EPT_IOCTL` (e.g. ENOTTY).
 *
 * The device disappears and the endpoint goes down: sends fail with EPIPE,
 * and the next ::rpmsg_ctx_dispatch completes queued asynchronous sends with
 * -EPIPE and delivers ::RPMSG_EVENT_DOWN once, as for any vanished endpoint.
 * The handle stays valid until ::rpmsg_ept_close, which will not destroy
 * again. On a simulated endpoint the remote forgets it the same way.
 */
int rpmsg_ept_destroy(struct rpmsg_ept *ept);

/**
 * @brief Context of the endpoint.
 * @return Borrowed. NULL @p ept: errno EINVAL, returns NULL.
 */
struct rpmsg_ctx *rpmsg_ept_get_ctx(struct rpmsg_ept *ept);
/**
 * @brief Service name (sysfs `name`; "" when unknown, e.g. for a socket).
 * @return Borrowed string, owned by @p ept, valid until ::rpmsg_ept_close.
 *         NULL @p ept: errno EINVAL, returns NULL.
 */
const char *rpmsg_ept_get_name(struct rpmsg_ept *ept);
/**
 * @brief Local address, or ::RPMSG_ADDR_ANY when the kernel did not report it.
 * @return The address. NULL @p ept: errno EINVAL, returns ::RPMSG_ADDR_ANY.
 */
uint32_t rpmsg_ept_get_src(struct rpmsg_ept *ept);
/**
 * @brief Remote address (::RPMSG_ADDR_ANY when unknown).
 * @return The address. NULL @p ept: errno EINVAL, returns ::RPMSG_ADDR_ANY.
 */
uint32_t rpmsg_ept_get_dst(struct rpmsg_ept *ept);
/**
 * @brief Path of the device node, or NULL for an adopted descriptor or a
 *        simulated endpoint.
 * @return Borrowed string, owned by @p ept, valid until ::rpmsg_ept_close.
 *         NULL @p ept: errno EINVAL, returns NULL.
 */
const char *rpmsg_ept_get_path(struct rpmsg_ept *ept);
/**
 * @brief The endpoint's descriptor; it stays owned by the endpoint.
 * @return The descriptor. NULL @p ept: errno EINVAL, returns -1.
 */
int rpmsg_ept_get_fd(struct rpmsg_ept *ept);
/**
 * @brief True once the endpoint went down.
 * @return The state. NULL @p ept: errno EINVAL, returns false.
 */
bool rpmsg_ept_is_down(struct rpmsg_ept *ept);

/**
 * @brief Maximum payload per message (default ::RPMSG_MTU_DEFAULT).
 * @return The MTU. NULL @p ept: errno EINVAL, returns 0.
 */
size_t rpmsg_ept_get_mtu(struct rpmsg_ept *ept);
/**
 * @brief Set the maximum payload per message.
 * @param ept Endpoint.
 * @param mtu 1 to ::RPMSG_MTU_MAX. Use the transport's real buffer size minus
 *        16: receive buffers have this size and the kernel silently truncates
 *        longer messages.
 * @return 0 or -1 with EINVAL (NULL @p ept, @p mtu out of range).
 */
int rpmsg_ept_set_mtu(struct rpmsg_ept *ept, size_t mtu);

/**
 * @brief Timeout of ::rpmsg_ept_send, ::rpmsg_ept_sendto and ::rpmsg_ept_send_async, in ms (-1: none).
 * @return The timeout. NULL @p ept: errno EINVAL, returns -1 (which is also
 *         a valid timeout: check errno).
 */
int rpmsg_ept_get_send_timeout(struct rpmsg_ept *ept);
/**
 * @brief Set the send timeout.
 * @param ept Endpoint.
 * @param timeout_ms Milliseconds, or -1 to wait without limit.
 * @return 0 or -1 with EINVAL (NULL @p ept, below -1).
 */
int rpmsg_ept_set_send_timeout(struct rpmsg_ept *ept, int timeout_ms);

/**
 * @brief Set (or clear with NULL) the receive callback.
 * @param ept Endpoint.
 * @param cb Callback, or NULL to stop delivery (messages are kept, see above).
 * @param user_data Passed to @p cb; ::rpmsg_ept_get_rx_cb_data returns it.
 *
 * NULL @p ept: does nothing, errno EINVAL.
 */
void rpmsg_ept_set_rx_cb(struct rpmsg_ept *ept, rpmsg_rx_fn cb, void *user_data);
/**
 * @brief The user_data of the current receive callback (lets bindings release it).
 * @return The pointer. NULL @p ept: errno EINVAL, returns NULL.
 */
void *rpmsg_ept_get_rx_cb_data(struct rpmsg_ept *ept);

/**
 * @brief Set (or clear with NULL) the event callback.
 * @param ept Endpoint.
 * @param cb Callback, or NULL.
 * @param user_data Passed to @p cb.
 *
 * If the endpoint is already down and the event has not been delivered, it is
 * delivered by the next ::rpmsg_ctx_dispatch. NULL @p ept: does nothing,
 * errno EINVAL.
 */
void rpmsg_ept_set_event_cb(struct rpmsg_ept *ept, rpmsg_event_fn cb, void *user_data);
/**
 * @brief The user_data of the current event callback.
 * @return The pointer. NULL @p ept: errno EINVAL, returns NULL.
 */
void *rpmsg_ept_get_event_cb_data(struct rpmsg_ept *ept);

/** @} */

/**
 * @defgroup rpmsg_send_group Sending
 * @{
 *
 * Every send is one message, all or nothing. Sizes are checked against the
 * endpoint's MTU before any system call. Errors common to the family:
 * EINVAL (NULL endpoint; NULL data with a non-zero length; a destination of ANY),
 * EMSGSIZE (longer than the MTU), EPIPE (endpoint down; also when the
 * kernel answers ENODEV or ENXIO, a vanished device), and the kernel's
 * own (EINVAL when the endpoint's destination is ANY). The kernel's quirks
 * are normalised: errno 512 becomes ETIMEDOUT; ENOMEM for a full TX ring
 * on kernels before 5.18 becomes EAGAIN.
 *
 * Order: messages of one endpoint leave in the order of the calls within the
 * synchronous family, and within ::rpmsg_ept_send_async, including across
 * retries on a full TX ring. A synchronous send does not wait for
 * asynchronous sends still queued on the same endpoint.
 */

/**
 * @brief Send, waiting up to the endpoint's send timeout for a TX buffer.
 * @param ept Endpoint.
 * @param data Payload (copied by the kernel before this returns).
 * @param len Length, 0 to the MTU.
 * @return 0 or -1 on error: the common errors and ETIMEDOUT.
 *
 * Virtio before Linux 7.0 never reports POLLOUT, so the wait retries on a
 * backoff of 50 µs growing to 5 ms. May be called from any thread.
 */
int rpmsg_ept_send(struct rpmsg_ept *ept, const void *data, size_t len);

/**
 * @brief Send, waiting at most @p timeout_ms for a TX buffer.
 * @param ept Endpoint.
 * @param data Payload.
 * @param len Length.
 * @param timeout_ms Milliseconds; 0 behaves like ::rpmsg_ept_trysend except
 *        for the error (ETIMEDOUT); -1 waits without limit.
 * @return 0 or -1: the common errors and ETIMEDOUT. May be called from any thread.
 *
 * Named after POSIX mq_timedsend(); before the first release it was
 * rpmsg_ept_send_timeout.
 */
int rpmsg_ept_timedsend(struct rpmsg_ept *ept, const void *data, size_t len, int timeout_ms);

/**
 * @brief Send if a TX buffer is free now.
 * @return 0 or -1: the common errors and EAGAIN (no TX buffer). May be called from any thread.
 */
int rpmsg_ept_trysend(struct rpmsg_ept *ept, const void *data, size_t len);

/**
 * @brief Send to another remote address.
 * @param ept Endpoint.
 * @param data Payload.
 * @param len Length.
 * @param dst Remote address. The endpoint's own destination makes this a
 *        plain ::rpmsg_ept_send.
 * @return 0 or -1: the common errors, ETIMEDOUT, EOPNOTSUPP (the endpoint
 *         has no control device: a channel or an adopted descriptor), and the
 *         errors of ::rpmsg_ctrl_create_ept.
 *
 * The kernel fixes one destination per endpoint device. For another @p dst
 * the library creates (on first use) a sibling endpoint device on the same
 * control device with the same name and src ::RPMSG_ADDR_ANY, keeps it with
 * the endpoint, and delivers what arrives on it to the same rx callback with
 * `src` = @p dst. The remote therefore sees another source address.
 * Call it from the context's thread.
 */
int rpmsg_ept_sendto(struct rpmsg_ept *ept, const void *data, size_t len, uint32_t dst);

/**
 * @brief ::rpmsg_ept_sendto without waiting: EAGAIN when no TX buffer is free.
 */
int rpmsg_ept_trysendto(struct rpmsg_ept *ept, const void *data, size_t len, uint32_t dst);

/**
 * @brief Completion of an asynchronous send.
 * @param ept Endpoint.
 * @param status 0 when the kernel accepted the message, or -errno:
 *        -EPIPE (endpoint down), -ETIMEDOUT (no TX buffer within the send
 *        timeout), -ECANCELED (endpoint closed first), or the kernel's error.
 * @param user_data Pointer given with the send.
 */
typedef void (*rpmsg_send_done_fn)(struct rpmsg_ept *ept, int status, void *user_data);

/**
 * @brief Queue a message; it is handed to the kernel by ::rpmsg_ctx_dispatch.
 * @param ept Endpoint.
 * @param data Payload, copied before this returns.
 * @param len Length, 0 to the MTU.
 * @param done Completion callback, or NULL.
 * @param user_data Passed to @p done.
 * @return 0 when queued (@p done will run exactly once), or -1: EINVAL,
 *         EMSGSIZE, EPIPE, ENOMEM.
 *
 * Messages queued on one endpoint leave in order; when the TX ring is full
 * they wait (without blocking the thread). A message still waiting for a TX
 * buffer when the endpoint's send timeout has passed since this call
 * completes with -ETIMEDOUT, so a deep queue behind a stalled remote fails
 * within one timeout; the messages behind it keep their own deadlines. The
 * timeout in force when the queue is checked applies. Steady-state sending
 * allocates no memory: payload buffers are recycled.
 */
int rpmsg_ept_send_async(struct rpmsg_ept *ept, const void *data, size_t len,
			 rpmsg_send_done_fn done, void *user_data);

/** @} */

/**
 * @defgroup rpmsg_sim_group Simulated remote
 * @{
 *
 * A remote processor simulated in the process, for machines without RPMsg
 * hardware: the demo, the library's tests and applications' own tests.
 * Its control device (::rpmsg_sim_get_ctrl) creates endpoints that behave
 * like the kernel's where it matters: one message per send and receive,
 * MTU → EMSGSIZE, finite TX credits shared by all endpoints (a paused remote
 * makes ::rpmsg_ept_trysend fail with EAGAIN and ::rpmsg_ept_send wait or
 * time out), no POLLOUT unless asked for, channels announced by the remote,
 * and crashes that take every endpoint down.
 *
 * The remote runs on its own thread. Each endpoint is an AF_UNIX
 * SOCK_SEQPACKET socket pair; the remote stops reading an endpoint's socket
 * while it holds as many messages as it has TX credits, so a paused remote
 * accepts its credits plus what the socket buffers (the "slack": about
 * 4.5 KiB, or twice the MTU when that is larger; a few small messages)
 * before sends report a full ring. By default the remote echoes every message
 * back from the address it was sent to.
 *
 * Threads: every rpmsg_sim function other than ::rpmsg_sim_new and
 * ::rpmsg_sim_free may be called from any thread; those two belong to the
 * thread of the simulator's context, like the context itself. Every
 * function except ::rpmsg_sim_get_ctrl, ::rpmsg_sim_get_rx_count,
 * ::rpmsg_sim_new and ::rpmsg_sim_free takes the simulator's lock, which the
 * simulator's thread holds while a remote handler runs: a language binding
 * whose handlers need an interpreter lock must release that lock around
 * these calls.
 *
 * From a remote handler (::rpmsg_sim_handler_fn, on the simulator's thread):
 * the handler's own simulator may be used with every rpmsg_sim function
 * except ::rpmsg_sim_free and ::rpmsg_sim_new, which fail there with EDEADLK
 * and do nothing (the thread cannot join itself, and the context belongs to
 * another thread). Any other simulator is refused with EDEADLK: its thread
 * could be waiting for this one's lock. No other librpmsg function may be
 * called from a handler.
 *
 * NULL simulator: functions fail with EINVAL (accessors return 0 or NULL and
 * set errno EINVAL, void functions only set errno EINVAL);
 * ::rpmsg_sim_free with NULL does nothing.
 */

/** ::rpmsg_sim_new flag: endpoints report POLLOUT, like qcom_smd or virtio 7.0+. */
#define RPMSG_SIM_POLLOUT	(1U << 0)

/**
 * @brief Remote handler: runs on the simulator's thread for every message the remote receives.
 * @param sim Simulator.
 * @param from Linux-side address of the sending endpoint.
 * @param to Remote address the message was sent to.
 * @param data Payload, borrowed until the handler returns.
 * @param len Length.
 * @param user_data Pointer given with the handler.
 *
 * Reply with `rpmsg_sim_send(sim, to, from, ...)` (::rpmsg_sim_send). The
 * handler may call the rpmsg_sim functions on @p sim except ::rpmsg_sim_free
 * and ::rpmsg_sim_new (EDEADLK); see the group's description. It must not
 * call other librpmsg functions.
 */
typedef void (*rpmsg_sim_handler_fn)(struct rpmsg_sim *sim, uint32_t from, uint32_t to,
				     const void *data, size_t len, void *user_data);

/**
 * @brief Start a simulated remote.
 * @param ctx Context its endpoints will use.
 * @param flags 0 or ::RPMSG_SIM_POLLOUT.
 * @return New simulator or NULL: EINVAL (NULL @p ctx, unknown flag), EDEADLK
 *         (called from a remote handler), ENOMEM, EAGAIN (thread creation),
 *         EMFILE. Free it with ::rpmsg_sim_free; ::rpmsg_ctx_free frees it too.
 *
 * Call it from the context's thread.
 */
struct rpmsg_sim *rpmsg_sim_new(struct rpmsg_ctx *ctx, unsigned int flags);

/**
 * @brief Stop the remote and free it.
 * @param sim Simulator, or NULL (nothing happens).
 *
 * Joins the simulator's thread. Endpoints created through it stay valid
 * objects but go down (EPIPE). Call it from the context's thread: from a
 * remote handler it does nothing and sets errno to EDEADLK.
 */
void rpmsg_sim_free(struct rpmsg_sim *sim);

/**
 * @brief The simulator's control device.
 * @param sim Simulator.
 * @return Borrowed, owned by @p sim, valid until ::rpmsg_sim_free;
 *         ::rpmsg_ctrl_close on it does nothing. NULL with errno EINVAL for a
 *         NULL @p sim. Takes no lock.
 */
struct rpmsg_ctrl *rpmsg_sim_get_ctrl(struct rpmsg_sim *sim);

/**
 * @brief Replace the echo with a handler (NULL restores the echo).
 * @param sim Simulator.
 * @param handler Handler, or NULL.
 * @param user_data Passed to @p handler; the caller keeps it alive while it is set.
 *
 * Sets errno to EINVAL (NULL @p sim) or EDEADLK (another simulator's
 * handler) and does nothing on error.
 */
void rpmsg_sim_set_handler(struct rpmsg_sim *sim, rpmsg_sim_handler_fn handler,
			   void *user_data);

/**
 * @brief Send a message from the remote to a Linux-side address.
 * @param sim Simulator.
 * @param from Remote address (ignored by the kernel interface: the receiver
 *        sees only its endpoint's destination).
 * @param to Local address of the endpoint.
 * @param data Payload, copied before this returns.
 * @param len Length, at most the simulator's MTU.
 * @return 0 or -1: EINVAL (NULL @p sim, NULL @p data with a length),
 *         EDEADLK (another simulator's handler), EMSGSIZE, ENOENT (no
 *         endpoint has that address; the kernel would drop it), EPIPE
 *         (crashed), ENOMEM.
 */
int rpmsg_sim_send(struct rpmsg_sim *sim, uint32_t from, uint32_t to, const void *data,
		   size_t len);

/**
 * @brief Set the number of TX buffers the remote holds (default 256).
 * @param sim Simulator.
 * @param credits At least 1.
 * @return 0 or -1: EINVAL (NULL @p sim, 0), EDEADLK (another simulator's handler).
 *
 * A paused remote with more credits takes in what is waiting in the
 * endpoints' sockets before this returns, as ::rpmsg_sim_pause does.
 */
int rpmsg_sim_set_tx_credits(struct rpmsg_sim *sim, unsigned int credits);

/**
 * @brief Set the MTU of endpoints created afterwards (default 496).
 * @param sim Simulator.
 * @param mtu 1 to ::RPMSG_MTU_MAX.
 * @return 0 or -1: EINVAL (NULL @p sim, 0 or above ::RPMSG_MTU_MAX), EDEADLK
 *         (another simulator's handler), EMSGSIZE (this system's socket
 *         buffers cannot carry a message of @p mtu: `net.core.wmem_max` is
 *         below @p mtu / 2 + 16, never with Linux's default), EMFILE or
 *         ENFILE (no descriptor for that check).
 *
 * Every message up to the MTU is carried both ways, synchronous and
 * asynchronous sends alike.
 */
int rpmsg_sim_set_mtu(struct rpmsg_sim *sim, size_t mtu);

/**
 * @brief Stop processing: messages are held until ::rpmsg_sim_resume.
 * @param sim Simulator.
 *
 * Takes effect before it returns: the remote processes nothing more, and it
 * has taken in what the endpoints sent before the call (up to its credits;
 * the rest waits in the sockets). It keeps taking in messages on its thread
 * until it holds its credits, so while ::rpmsg_sim_get_held_count is below
 * the credits a send may still find the socket momentarily full (EAGAIN) and
 * succeed a moment later. The ring is full for good once
 * ::rpmsg_sim_get_held_count equals the credits and a send has then failed
 * with EAGAIN: from then on, until ::rpmsg_sim_resume (or more credits),
 * ::rpmsg_ept_trysend fails with EAGAIN and ::rpmsg_ept_timedsend times
 * out, every time. To get there without sleeping: send while
 * ::rpmsg_sim_get_held_count is below the credits (each such send finds an
 * empty socket), then send until EAGAIN.
 *
 * Sets errno to EINVAL (NULL @p sim) or EDEADLK (another simulator's
 * handler) and does nothing on error. From the simulator's own handler it
 * applies from the next message.
 */
void rpmsg_sim_pause(struct rpmsg_sim *sim);

/**
 * @brief Process the held messages, on the simulator's thread, and continue.
 * @param sim Simulator.
 *
 * Returns at once: the held messages are processed (echoed or given to the
 * handler) after it, in order. Sets errno to EINVAL (NULL @p sim) or EDEADLK
 * (another simulator's handler) and does nothing on error.
 */
void rpmsg_sim_resume(struct rpmsg_sim *sim);

/**
 * @brief Announce a channel, as a remote does through the name service.
 * @param sim Simulator.
 * @param name Service name, 1 to 31 bytes.
 * @param addr Remote address of the service.
 * @return 0 or -1: EINVAL (NULL @p sim, NULL or empty name, @p addr
 *         ::RPMSG_ADDR_ANY), ENAMETOOLONG, EEXIST, EPIPE (crashed), EDEADLK
 *         (another simulator's handler), ENOMEM, EMFILE.
 *         Open it with ::rpmsg_ctrl_open_channel.
 */
int rpmsg_sim_announce(struct rpmsg_sim *sim, const char *name, uint32_t addr);

/**
 * @brief Withdraw an announced channel; its open endpoint goes down.
 * @param sim Simulator.
 * @param name Service name.
 * @param addr Remote address it was announced with.
 * @return 0 or -1: EINVAL (NULL @p sim or @p name), ENOENT (not announced),
 *         EDEADLK (another simulator's handler).
 */
int rpmsg_sim_withdraw(struct rpmsg_sim *sim, const char *name, uint32_t addr);

/**
 * @brief Crash the remote: every endpoint goes down and channels disappear.
 * @param sim Simulator.
 *
 * Creating endpoints fails with EPIPE until ::rpmsg_sim_restart. Held
 * messages are dropped. Sets errno to EINVAL (NULL @p sim) or EDEADLK
 * (another simulator's handler) and does nothing on error.
 */
void rpmsg_sim_crash(struct rpmsg_sim *sim);

/**
 * @brief Recover after ::rpmsg_sim_crash: new endpoints can be created.
 * @param sim Simulator.
 *
 * Sets errno to EINVAL (NULL @p sim) or EDEADLK (another simulator's
 * handler) and does nothing on error.
 */
void rpmsg_sim_restart(struct rpmsg_sim *sim);

/**
 * @brief Number of messages the remote has received since it started.
 * @param sim Simulator.
 * @return The count; 0 with errno EINVAL for a NULL @p sim. Takes no lock.
 */
uint64_t rpmsg_sim_get_rx_count(struct rpmsg_sim *sim);

/**
 * @brief Number of messages the remote has taken in but not yet processed.
 * @param sim Simulator.
 * @return The count; 0 with errno EINVAL (NULL @p sim) or EDEADLK (another
 *         simulator's handler).
 *
 * Non-zero only while it is paused: it then takes in up to its TX credits
 * (::rpmsg_sim_set_tx_credits) and holds them until ::rpmsg_sim_resume.
 * Before counting, a paused remote takes in what the endpoints already sent
 * (up to its credits), so the count is exact when this returns: a send made
 * before it and not counted is waiting in a socket. Once this equals the
 * credits, what is still sent fills the socket the remote reads from (the
 * slack), then sends fail with EAGAIN, and they keep failing until the
 * remote resumes. Tests use it to reach a full TX ring deterministically
 * (see ::rpmsg_sim_pause).
 */
unsigned int rpmsg_sim_get_held_count(struct rpmsg_sim *sim);

/** @} */

#ifdef __cplusplus
}
#endif

#endif /* __LIBRPMSG_RPMSG_H__ */
