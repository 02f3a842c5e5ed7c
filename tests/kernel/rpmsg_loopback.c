// SPDX-License-Identifier: GPL-2.0-only
// SPDX-FileCopyrightText: librpmsg authors
/*
 * rpmsg_loopback - an in-kernel rpmsg "remote processor" for testing.
 *
 * Part of librpmsg's kernel test harness (tests/kernel/). The build script
 * copies this file into drivers/rpmsg/ and builds it into the kernel
 * (CONFIG_RPMSG_LOOPBACK=y).
 *
 * It is a transport like virtio_rpmsg_bus, with a simulated remote instead of
 * virtqueues, and copies virtio's user-visible semantics so that
 * rpmsg_char/rpmsg_ctrl/rpmsg_ns above it behave as on a virtio system:
 *
 *  - a control device (rpmsg_ctrldev_register_device, src = dst = 0) and a
 *    name-service device (rpmsg_ns_register_device, 53/53);
 *  - local addresses from one idr, RPMSG_ADDR_ANY -> first free >= 1024;
 *  - payload MTU buf_size - 16 = 496 (-EMSGSIZE above);
 *  - one pool of tx_bufs (256) TX buffers shared by all endpoints;
 *    trysend* -> -ENOMEM when it is empty, send* waits in 15 s slices of
 *    wait_event_interruptible_timeout() and gives -ERESTARTSYS on timeout;
 *  - -EINVAL when src or dst is RPMSG_ADDR_ANY;
 *  - no poll op semantics (0) unless tx_poll=1 (then EPOLLOUT while a TX
 *    buffer is free, like qcom_smd).
 *
 * The remote is an ordered workqueue that takes the TX FIFO in order; per
 * message it sleeps echo_delay_us, echoes the payload back (rx callback of the
 * sending endpoint, with src = the message's dst) unless echo=0, then frees
 * the TX buffer and wakes senders and pollers. Messages to address 53 are the
 * remote's name service: consumed, never echoed.
 *
 * Knobs, /sys/module/rpmsg_loopback/parameters/ (also rpmsg_loopback.X=... on
 * the kernel command line):
 *   echo_delay_us, paused, echo, tx_poll  runtime
 *   tx_bufs, buf_size, ns                 applied at boot and at remote_reset
 * Actions, /sys/devices/platform/rpmsg_loopback/:
 *   ns_announce "name addr"   remote announces a channel (NS create to 53)
 *   ns_destroy  "name addr"   remote withdraws it (NS destroy)
 *   inject      "dst payload" unsolicited message to local address dst
 *                             (from remote address inject_src)
 *   remote_reset              crash + recovery: unregister and re-create all
 *                             rpmsg devices, drop in-flight TX
 *   flow        "addr 0|1"    (6.6+) remote flow-control signal to the
 *                             endpoint at addr, like GLINK's signals
 *   stats                     counters (read-only)
 */

#include <linux/device.h>
#include <linux/delay.h>
#include <linux/idr.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/platform_device.h>
#include <linux/poll.h>
#include <linux/rpmsg.h>
#include <linux/rpmsg/byteorder.h>
#include <linux/rpmsg/ns.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/version.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "rpmsg_internal.h"

#define LB_NAME			"rpmsg_loopback"
/* virtio_rpmsg_bus: struct rpmsg_hdr is 16 bytes, buffers are 512 bytes */
#define LB_HDR_SIZE		16
#define LB_RESERVED_ADDRESSES	1024
#define LB_SEND_TIMEOUT_MS	15000

/* ---- parameters ---------------------------------------------------------- */

static unsigned int tx_bufs = 256;	/* virtio: 512 buffers, half for TX */
static unsigned int buf_size = 512;	/* virtio: MAX_RPMSG_BUF_SIZE */
static bool ns = true;			/* virtio: VIRTIO_RPMSG_F_NS */
static unsigned int echo_delay_us;
static bool paused;
static bool echo = true;
static bool tx_poll;
static unsigned int inject_src = 0x5000; /* remote address used by inject */

module_param(tx_bufs, uint, 0644);
MODULE_PARM_DESC(tx_bufs, "TX buffers in the pool (applied at boot/remote_reset)");
module_param(buf_size, uint, 0644);
MODULE_PARM_DESC(buf_size, "buffer size incl. 16-byte header (applied at boot/remote_reset)");
module_param(ns, bool, 0644);
MODULE_PARM_DESC(ns, "remote supports name service (applied at boot/remote_reset)");
module_param(echo_delay_us, uint, 0644);
MODULE_PARM_DESC(echo_delay_us, "remote processing time per message");
module_param(echo, bool, 0644);
MODULE_PARM_DESC(echo, "echo messages back (0: sink)");
module_param(inject_src, uint, 0644);
MODULE_PARM_DESC(inject_src, "source address of injected messages");

static struct lb_remote *lb_instance;	/* the one platform device's state */
static void lb_kick(struct lb_remote *lb);

/* paused and tx_poll act at once: resuming must process the held buffers */
static int lb_param_set_bool_kick(const char *val, const struct kernel_param *kp)
{
	int ret = param_set_bool(val, kp);

	if (!ret && lb_instance)
		lb_kick(lb_instance);
	return ret;
}

static const struct kernel_param_ops lb_bool_kick_ops = {
	.set = lb_param_set_bool_kick,
	.get = param_get_bool,
};

module_param_cb(paused, &lb_bool_kick_ops, &paused, 0644);
MODULE_PARM_DESC(paused, "remote stops taking TX buffers (they stay held)");
module_param_cb(tx_poll, &lb_bool_kick_ops, &tx_poll, 0644);
MODULE_PARM_DESC(tx_poll, "report EPOLLOUT while a TX buffer is free (like qcom_smd)");

/* ---- state --------------------------------------------------------------- */

/* one TX buffer: header fields + payload, like a virtio TX slot */
struct lb_buf {
	struct list_head node;
	unsigned int gen;	/* remote instance it belongs to */
	u32 src, dst;
	unsigned int len;
	u8 data[];
};

struct lb_stats {
	atomic64_t sent, echoed, sunk, ns_rx, rx, rx_no_recipient, injected;
	atomic64_t send_waits, send_timeouts, trysend_nomem, lost_in_reset;
	atomic64_t resets;
};

struct lb_remote {
	struct platform_device *pdev;

	/* endpoints: one idr per remote, like virtproc_info */
	struct idr endpoints;
	struct mutex endpoints_lock;

	/* TX pool and FIFO; gen changes at each remote_reset */
	spinlock_t lock;
	struct list_head free;	/* buffers of the current gen */
	struct list_head fifo;	/* sent, not yet taken by the remote */
	unsigned int tx_total, tx_free, fifo_len;
	unsigned int gen;
	unsigned int cur_buf_size;
	bool cur_ns;
	wait_queue_head_t sendq;	/* senders and tx_poll pollers */

	struct workqueue_struct *wq;	/* the remote: ordered */
	struct work_struct work;

	struct mutex action_lock;	/* sysfs actions, reset */
	struct lb_stats st;
};

/* an rpmsg device of this transport, like struct virtio_rpmsg_channel */
struct lb_channel {
	struct rpmsg_device rpdev;
	struct lb_remote *lb;
};

#define to_lb_channel(_rpdev) container_of(_rpdev, struct lb_channel, rpdev)

static const struct rpmsg_endpoint_ops lb_endpoint_ops;
static const struct rpmsg_device_ops lb_device_ops;

/* ---- TX pool ------------------------------------------------------------- */

static struct lb_buf *lb_get_tx_buf(struct lb_remote *lb)
{
	struct lb_buf *buf = NULL;

	spin_lock(&lb->lock);
	if (!list_empty(&lb->free)) {
		buf = list_first_entry(&lb->free, struct lb_buf, node);
		list_del(&buf->node);
		lb->tx_free--;
	}
	spin_unlock(&lb->lock);
	return buf;
}

/* return a buffer; one of an older remote instance is simply freed */
static void lb_put_tx_buf(struct lb_remote *lb, struct lb_buf *buf)
{
	spin_lock(&lb->lock);
	if (buf->gen == lb->gen) {
		list_add_tail(&buf->node, &lb->free);
		lb->tx_free++;
		buf = NULL;
	}
	spin_unlock(&lb->lock);
	kfree(buf);
	/* wake blocked senders and (tx_poll) pollers, like rpmsg_xmit_done */
	wake_up_interruptible(&lb->sendq);
}

static bool lb_tx_buf_available(struct lb_remote *lb)
{
	return READ_ONCE(lb->tx_free) > 0;
}

static void lb_free_list(struct list_head *list)
{
	struct lb_buf *buf, *tmp;

	list_for_each_entry_safe(buf, tmp, list, node) {
		list_del(&buf->node);
		kfree(buf);
	}
}

/*
 * Start a new remote instance: fresh pool (with the current tx_bufs and
 * buf_size), everything in flight dropped, blocked senders woken (they see
 * the generation change). Returns 0 or -ENOMEM.
 */
static int lb_new_instance(struct lb_remote *lb)
{
	unsigned int n = max(1U, READ_ONCE(tx_bufs));
	unsigned int size = clamp(READ_ONCE(buf_size), LB_HDR_SIZE + 1U, 65536U);
	LIST_HEAD(fresh);
	LIST_HEAD(old);
	struct lb_buf *buf;
	unsigned int i, gen, dropped;

	spin_lock(&lb->lock);
	gen = lb->gen + 1;
	spin_unlock(&lb->lock);

	for (i = 0; i < n; i++) {
		buf = kzalloc(sizeof(*buf) + size - LB_HDR_SIZE, GFP_KERNEL);
		if (!buf) {
			lb_free_list(&fresh);
			return -ENOMEM;
		}
		buf->gen = gen;
		list_add_tail(&buf->node, &fresh);
	}

	spin_lock(&lb->lock);
	lb->gen = gen;
	list_splice_init(&lb->free, &old);
	dropped = lb->fifo_len;
	list_splice_init(&lb->fifo, &old);
	list_splice_init(&fresh, &lb->free);
	lb->tx_total = n;
	lb->tx_free = n;
	lb->fifo_len = 0;
	lb->cur_buf_size = size;
	lb->cur_ns = READ_ONCE(ns);
	spin_unlock(&lb->lock);

	atomic64_add(dropped, &lb->st.lost_in_reset);
	lb_free_list(&old);
	wake_up_interruptible(&lb->sendq);
	return 0;
}

/* ---- the remote ---------------------------------------------------------- */

static void lb_ept_release(struct kref *kref)
{
	kfree(container_of(kref, struct rpmsg_endpoint, refcount));
}

/*
 * Deliver a message from the remote to local address dst, like
 * rpmsg_recv_single(): lookup under endpoints_lock, kref, callback under
 * cb_lock. Returns the callback's result, or -ENXIO without a recipient.
 */
static int lb_deliver(struct lb_remote *lb, u32 src, u32 dst, void *data,
		      unsigned int len)
{
	struct rpmsg_endpoint *ept;
	int ret = 0;

	mutex_lock(&lb->endpoints_lock);
	ept = idr_find(&lb->endpoints, dst);
	if (ept)
		kref_get(&ept->refcount);
	mutex_unlock(&lb->endpoints_lock);

	if (!ept) {
		atomic64_inc(&lb->st.rx_no_recipient);
		dev_warn_ratelimited(&lb->pdev->dev, "msg received with no recipient\n");
		return -ENXIO;
	}

	mutex_lock(&ept->cb_lock);
	if (ept->cb)
		ret = ept->cb(ept->rpdev, data, len, ept->priv, src);
	mutex_unlock(&ept->cb_lock);
	kref_put(&ept->refcount, lb_ept_release);

	atomic64_inc(&lb->st.rx);
	return ret;
}

/* the remote takes TX buffers in order, unless paused */
static void lb_remote_work(struct work_struct *work)
{
	struct lb_remote *lb = container_of(work, struct lb_remote, work);
	struct lb_buf *buf;
	unsigned int delay;

	for (;;) {
		spin_lock(&lb->lock);
		if (READ_ONCE(paused) || list_empty(&lb->fifo)) {
			spin_unlock(&lb->lock);
			return;
		}
		buf = list_first_entry(&lb->fifo, struct lb_buf, node);
		list_del(&buf->node);
		lb->fifo_len--;
		spin_unlock(&lb->lock);

		delay = READ_ONCE(echo_delay_us);
		if (delay)
			fsleep(delay);

		/* sent to a remote instance that has since crashed: lost */
		if (buf->gen != READ_ONCE(lb->gen)) {
			atomic64_inc(&lb->st.lost_in_reset);
			kfree(buf);
			continue;
		}

		if (buf->dst == RPMSG_NS_ADDR) {
			/* our own announcement: the remote's name service eats it */
			atomic64_inc(&lb->st.ns_rx);
		} else if (READ_ONCE(echo)) {
			/* reply from the address it was sent to */
			lb_deliver(lb, buf->dst, buf->src, buf->data, buf->len);
			atomic64_inc(&lb->st.echoed);
		} else {
			atomic64_inc(&lb->st.sunk);
		}

		lb_put_tx_buf(lb, buf);
		cond_resched();
	}
}

static void lb_kick(struct lb_remote *lb)
{
	if (!READ_ONCE(paused))
		queue_work(lb->wq, &lb->work);
	/* tx_poll may have changed: let pollers re-evaluate */
	wake_up_interruptible(&lb->sendq);
}

/* ---- endpoints ----------------------------------------------------------- */

static struct rpmsg_endpoint *lb_create_ept_addr(struct lb_remote *lb,
						 struct rpmsg_device *rpdev,
						 rpmsg_rx_cb_t cb, void *priv,
						 u32 addr)
{
	struct rpmsg_endpoint *ept;
	int id_min, id_max, id;

	ept = kzalloc(sizeof(*ept), GFP_KERNEL);
	if (!ept)
		return NULL;

	kref_init(&ept->refcount);
	mutex_init(&ept->cb_lock);
	ept->rpdev = rpdev;
	ept->cb = cb;
	ept->priv = priv;
	ept->ops = &lb_endpoint_ops;

	/* ANY: first free dynamic address; the low 1024 are reserved */
	if (addr == RPMSG_ADDR_ANY) {
		id_min = LB_RESERVED_ADDRESSES;
		id_max = 0;
	} else {
		id_min = addr;
		id_max = addr + 1;
	}

	mutex_lock(&lb->endpoints_lock);
	id = idr_alloc(&lb->endpoints, ept, id_min, id_max, GFP_KERNEL);
	mutex_unlock(&lb->endpoints_lock);
	if (id < 0) {
		dev_err(&rpdev->dev, "idr_alloc failed: %d\n", id);
		kref_put(&ept->refcount, lb_ept_release);
		return NULL;
	}
	ept->addr = id;
	return ept;
}

static struct rpmsg_endpoint *lb_create_ept(struct rpmsg_device *rpdev,
					    rpmsg_rx_cb_t cb, void *priv,
					    struct rpmsg_channel_info chinfo)
{
	return lb_create_ept_addr(to_lb_channel(rpdev)->lb, rpdev, cb, priv,
				  chinfo.src);
}

static void lb_destroy_ept(struct rpmsg_endpoint *ept)
{
	struct lb_remote *lb = to_lb_channel(ept->rpdev)->lb;

	/* new messages can't find it anymore */
	mutex_lock(&lb->endpoints_lock);
	idr_remove(&lb->endpoints, ept->addr);
	mutex_unlock(&lb->endpoints_lock);

	/* in-flight ones won't call it anymore */
	mutex_lock(&ept->cb_lock);
	ept->cb = NULL;
	mutex_unlock(&ept->cb_lock);

	kref_put(&ept->refcount, lb_ept_release);
}

/* ---- sending (rpmsg_send_offchannel_raw) --------------------------------- */

static int lb_send_raw(struct rpmsg_device *rpdev, u32 src, u32 dst,
		       void *data, int len, bool wait)
{
	struct lb_remote *lb = to_lb_channel(rpdev)->lb;
	struct device *dev = &rpdev->dev;
	unsigned int gen = READ_ONCE(lb->gen);
	struct lb_buf *buf;
	long err;

	/* bcasting isn't allowed */
	if (src == RPMSG_ADDR_ANY || dst == RPMSG_ADDR_ANY) {
		dev_err(dev, "invalid addr (src 0x%x, dst 0x%x)\n", src, dst);
		return -EINVAL;
	}

	if (len < 0 || len > READ_ONCE(lb->cur_buf_size) - LB_HDR_SIZE) {
		dev_err(dev, "message is too big (%d)\n", len);
		return -EMSGSIZE;
	}

	buf = lb_get_tx_buf(lb);
	if (!buf && !wait) {
		atomic64_inc(&lb->st.trysend_nomem);
		return -ENOMEM;
	}

	/* like virtio: retry in 15 s slices; a pending signal just retries */
	while (!buf) {
		atomic64_inc(&lb->st.send_waits);
		err = wait_event_interruptible_timeout(lb->sendq,
				(buf = lb_get_tx_buf(lb)) ||
				READ_ONCE(lb->gen) != gen,
				msecs_to_jiffies(LB_SEND_TIMEOUT_MS));

		/*
		 * Not in virtio (where the reset remote never returns buffers
		 * and this is a 15 s timeout): fail at once so that remote_reset
		 * tests need not wait.
		 */
		if (READ_ONCE(lb->gen) != gen) {
			if (buf)
				lb_put_tx_buf(lb, buf);
			dev_err(dev, "remote reset while waiting for a tx buffer\n");
			return -ERESTARTSYS;
		}

		if (!err) {
			atomic64_inc(&lb->st.send_timeouts);
			dev_err(dev, "timeout waiting for a tx buffer\n");
			return -ERESTARTSYS;
		}
	}

	buf->src = src;
	buf->dst = dst;
	buf->len = len;
	memcpy(buf->data, data, len);

	spin_lock(&lb->lock);
	list_add_tail(&buf->node, &lb->fifo);
	lb->fifo_len++;
	spin_unlock(&lb->lock);
	atomic64_inc(&lb->st.sent);

	/* "kick" the remote */
	if (!READ_ONCE(paused))
		queue_work(lb->wq, &lb->work);
	return 0;
}

static int lb_send(struct rpmsg_endpoint *ept, void *data, int len)
{
	return lb_send_raw(ept->rpdev, ept->addr, ept->rpdev->dst, data, len, true);
}

static int lb_sendto(struct rpmsg_endpoint *ept, void *data, int len, u32 dst)
{
	return lb_send_raw(ept->rpdev, ept->addr, dst, data, len, true);
}

static int lb_send_offchannel(struct rpmsg_endpoint *ept, u32 src, u32 dst,
			      void *data, int len)
{
	return lb_send_raw(ept->rpdev, src, dst, data, len, true);
}

static int lb_trysend(struct rpmsg_endpoint *ept, void *data, int len)
{
	return lb_send_raw(ept->rpdev, ept->addr, ept->rpdev->dst, data, len, false);
}

static int lb_trysendto(struct rpmsg_endpoint *ept, void *data, int len, u32 dst)
{
	return lb_send_raw(ept->rpdev, ept->addr, dst, data, len, false);
}

static int lb_trysend_offchannel(struct rpmsg_endpoint *ept, u32 src, u32 dst,
				 void *data, int len)
{
	return lb_send_raw(ept->rpdev, src, dst, data, len, false);
}

/* virtio (before 7.0) has no poll op, i.e. 0; tx_poll=1 behaves like qcom_smd */
static __poll_t lb_poll(struct rpmsg_endpoint *ept, struct file *filp,
			poll_table *wait)
{
	struct lb_remote *lb = to_lb_channel(ept->rpdev)->lb;

	if (!READ_ONCE(tx_poll))
		return 0;

	/* lb lives as long as the platform device, never per instance */
	poll_wait(filp, &lb->sendq, wait);
	return lb_tx_buf_available(lb) ? EPOLLOUT | EPOLLWRNORM : 0;
}

static ssize_t lb_get_mtu(struct rpmsg_endpoint *ept)
{
	return READ_ONCE(to_lb_channel(ept->rpdev)->lb->cur_buf_size) - LB_HDR_SIZE;
}

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
/* like virtio: no flow control (rpmsg core would say -EOPNOTSUPP too) */
static int lb_set_flow_control(struct rpmsg_endpoint *ept, bool pause, u32 dst)
{
	return -EOPNOTSUPP;
}
#endif

static const struct rpmsg_endpoint_ops lb_endpoint_ops = {
	.destroy_ept = lb_destroy_ept,
	.send = lb_send,
	.sendto = lb_sendto,
	.send_offchannel = lb_send_offchannel,
	.trysend = lb_trysend,
	.trysendto = lb_trysendto,
	.trysend_offchannel = lb_trysend_offchannel,
	.poll = lb_poll,
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
	.set_flow_control = lb_set_flow_control,
#endif
	.get_mtu = lb_get_mtu,
};

/* ---- rpmsg devices (channels) -------------------------------------------- */

static void lb_release_device(struct device *dev)
{
	struct rpmsg_device *rpdev = to_rpmsg_device(dev);

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 12, 0)
	/* before the driver core owned it, the transport freed it (virtio does) */
	kfree(rpdev->driver_override);
#endif
	kfree(to_lb_channel(rpdev));
}

static struct lb_channel *lb_alloc_channel(struct lb_remote *lb)
{
	struct lb_channel *ch = kzalloc(sizeof(*ch), GFP_KERNEL);

	if (!ch)
		return NULL;
	ch->lb = lb;
	ch->rpdev.ops = &lb_device_ops;
	ch->rpdev.little_endian = true;
	ch->rpdev.dev.parent = &lb->pdev->dev;
	ch->rpdev.dev.release = lb_release_device;
	return ch;
}

static struct rpmsg_device *lb_create_channel_info(struct lb_remote *lb,
						   struct rpmsg_channel_info *chinfo)
{
	struct device *tmp, *dev = &lb->pdev->dev;
	struct lb_channel *ch;

	tmp = rpmsg_find_device(dev, chinfo);
	if (tmp) {
		put_device(tmp);
		dev_err(dev, "channel %s:%x:%x already exist\n",
			chinfo->name, chinfo->src, chinfo->dst);
		return NULL;
	}

	ch = lb_alloc_channel(lb);
	if (!ch)
		return NULL;
	ch->rpdev.src = chinfo->src;
	ch->rpdev.dst = chinfo->dst;
	/* server channels (fixed local address) announce themselves */
	ch->rpdev.announce = chinfo->src != RPMSG_ADDR_ANY;
	strscpy(ch->rpdev.id.name, chinfo->name, sizeof(ch->rpdev.id.name));

	/* on failure the release callback has freed ch */
	if (rpmsg_register_device(&ch->rpdev))
		return NULL;
	return &ch->rpdev;
}

static struct rpmsg_device *lb_create_channel(struct rpmsg_device *rpdev,
					      struct rpmsg_channel_info *chinfo)
{
	return lb_create_channel_info(to_lb_channel(rpdev)->lb, chinfo);
}

static int lb_release_channel(struct rpmsg_device *rpdev,
			      struct rpmsg_channel_info *chinfo)
{
	return rpmsg_unregister_device(&to_lb_channel(rpdev)->lb->pdev->dev, chinfo);
}

static int lb_announce(struct rpmsg_device *rpdev, u32 flags)
{
	struct lb_remote *lb = to_lb_channel(rpdev)->lb;
	struct rpmsg_ns_msg nsm;
	int err;

	if (!rpdev->announce || !rpdev->ept || !READ_ONCE(lb->cur_ns))
		return 0;

	strscpy_pad(nsm.name, rpdev->id.name, sizeof(nsm.name));
	nsm.addr = cpu_to_rpmsg32(rpdev, rpdev->ept->addr);
	nsm.flags = cpu_to_rpmsg32(rpdev, flags);

	err = rpmsg_sendto(rpdev->ept, &nsm, sizeof(nsm), RPMSG_NS_ADDR);
	if (err)
		dev_err(&rpdev->dev, "failed to announce service %d\n", err);
	return err;
}

static int lb_announce_create(struct rpmsg_device *rpdev)
{
	return lb_announce(rpdev, RPMSG_NS_CREATE);
}

static int lb_announce_destroy(struct rpmsg_device *rpdev)
{
	return lb_announce(rpdev, RPMSG_NS_DESTROY);
}

static const struct rpmsg_device_ops lb_device_ops = {
	.create_channel = lb_create_channel,
	.release_channel = lb_release_channel,
	.create_ept = lb_create_ept,
	.announce_create = lb_announce_create,
	.announce_destroy = lb_announce_destroy,
};

/* the control device and (if ns) the name-service device, as virtio's probe */
static int lb_add_devices(struct lb_remote *lb)
{
	struct lb_channel *ch;
	int err;

	ch = lb_alloc_channel(lb);
	if (!ch)
		return -ENOMEM;
	err = rpmsg_ctrldev_register_device(&ch->rpdev);
	if (err)
		return err;

	if (!lb->cur_ns)
		return 0;
	ch = lb_alloc_channel(lb);
	if (!ch)
		return -ENOMEM;
	return rpmsg_ns_register_device(&ch->rpdev);
}

static int lb_remove_child(struct device *dev, void *data)
{
	device_unregister(dev);
	return 0;
}

/* like a remoteproc crash + recovery: virtio remove, then probe again */
static int lb_remote_reset(struct lb_remote *lb)
{
	int err;

	err = lb_new_instance(lb);
	if (err)
		return err;
	device_for_each_child(&lb->pdev->dev, NULL, lb_remove_child);

	mutex_lock(&lb->endpoints_lock);
	WARN_ON(!idr_is_empty(&lb->endpoints));
	mutex_unlock(&lb->endpoints_lock);

	atomic64_inc(&lb->st.resets);
	err = lb_add_devices(lb);
	lb_kick(lb);
	return err;
}

/* ---- sysfs actions ------------------------------------------------------- */

static struct lb_remote *dev_to_lb(struct device *dev)
{
	return platform_get_drvdata(to_platform_device(dev));
}

/* "name addr" */
static int lb_parse_ns(const char *buf, char *name, u32 *addr)
{
	char a[24];

	if (sscanf(buf, "%31s %23s", name, a) != 2)
		return -EINVAL;
	return kstrtou32(a, 0, addr);
}

static ssize_t lb_ns_store(struct device *dev, const char *buf, size_t count,
			   u32 flags)
{
	struct lb_remote *lb = dev_to_lb(dev);
	struct rpmsg_ns_msg nsm = {};
	char name[RPMSG_NAME_SIZE];
	u32 addr;
	int ret;

	ret = lb_parse_ns(buf, name, &addr);
	if (ret)
		return ret;

	strscpy_pad(nsm.name, name, sizeof(nsm.name));
	nsm.addr = cpu_to_le32(addr);	/* our devices are little endian */
	nsm.flags = cpu_to_le32(flags);

	/* the remote's service announces itself from its own address */
	mutex_lock(&lb->action_lock);
	ret = lb_deliver(lb, addr, RPMSG_NS_ADDR, &nsm, sizeof(nsm));
	mutex_unlock(&lb->action_lock);
	return ret ? ret : count;
}

static ssize_t ns_announce_store(struct device *dev, struct device_attribute *attr,
				 const char *buf, size_t count)
{
	return lb_ns_store(dev, buf, count, RPMSG_NS_CREATE);
}
static DEVICE_ATTR_WO(ns_announce);

static ssize_t ns_destroy_store(struct device *dev, struct device_attribute *attr,
				const char *buf, size_t count)
{
	return lb_ns_store(dev, buf, count, RPMSG_NS_DESTROY);
}
static DEVICE_ATTR_WO(ns_destroy);

/* "dst payload": payload is the rest of the line (one trailing \n dropped) */
static ssize_t inject_store(struct device *dev, struct device_attribute *attr,
			    const char *buf, size_t count)
{
	struct lb_remote *lb = dev_to_lb(dev);
	const char *sp = memchr(buf, ' ', count);
	char a[24];
	size_t alen, plen;
	u32 dst;
	int ret;

	alen = sp ? sp - buf : count;
	if (!alen || alen >= sizeof(a))
		return -EINVAL;
	memcpy(a, buf, alen);
	a[alen] = '\0';
	ret = kstrtou32(strim(a), 0, &dst);
	if (ret)
		return ret;

	plen = sp ? count - alen - 1 : 0;
	if (plen && sp[plen] == '\n')
		plen--;
	if (plen > READ_ONCE(lb->cur_buf_size) - LB_HDR_SIZE)
		return -EMSGSIZE;	/* virtio: "inbound msg too big" */

	mutex_lock(&lb->action_lock);
	ret = lb_deliver(lb, READ_ONCE(inject_src), dst, (void *)(sp ? sp + 1 : buf), plen);
	mutex_unlock(&lb->action_lock);
	if (!ret)
		atomic64_inc(&lb->st.injected);
	return ret ? ret : count;
}
static DEVICE_ATTR_WO(inject);

static ssize_t remote_reset_store(struct device *dev, struct device_attribute *attr,
				  const char *buf, size_t count)
{
	struct lb_remote *lb = dev_to_lb(dev);
	int ret;

	mutex_lock(&lb->action_lock);
	ret = lb_remote_reset(lb);
	mutex_unlock(&lb->action_lock);
	return ret ? ret : count;
}
static DEVICE_ATTR_WO(remote_reset);

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
/* "addr 0|1": remote asks the endpoint at addr to stop (1) / resume (0) */
static ssize_t flow_store(struct device *dev, struct device_attribute *attr,
			  const char *buf, size_t count)
{
	struct lb_remote *lb = dev_to_lb(dev);
	struct rpmsg_endpoint *ept;
	u32 addr;
	int on, ret = 0;

	if (sscanf(buf, "%u %d", &addr, &on) != 2)
		return -EINVAL;

	mutex_lock(&lb->endpoints_lock);
	ept = idr_find(&lb->endpoints, addr);
	if (ept)
		kref_get(&ept->refcount);
	mutex_unlock(&lb->endpoints_lock);
	if (!ept)
		return -ENXIO;

	mutex_lock(&ept->cb_lock);
	if (ept->cb && ept->flow_cb)
		ret = ept->flow_cb(ept->rpdev, ept->priv, !!on);
	mutex_unlock(&ept->cb_lock);
	kref_put(&ept->refcount, lb_ept_release);
	return ret ? ret : count;
}
static DEVICE_ATTR_WO(flow);
#endif

static long long lb_rd(atomic64_t *v)
{
	return atomic64_read(v);
}

static ssize_t stats_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	struct lb_remote *lb = dev_to_lb(dev);
	struct lb_stats *st = &lb->st;
	unsigned int total, nfree, fifo, gen;

	spin_lock(&lb->lock);
	total = lb->tx_total;
	nfree = lb->tx_free;
	fifo = lb->fifo_len;
	gen = lb->gen;
	spin_unlock(&lb->lock);

	return sysfs_emit(buf,
		"instance %u\ntx_bufs %u\ntx_free %u\nfifo %u\nmtu %u\n"
		"sent %lld\nechoed %lld\nsunk %lld\nns_rx %lld\nrx %lld\n"
		"rx_no_recipient %lld\ninjected %lld\nsend_waits %lld\n"
		"send_timeouts %lld\ntrysend_nomem %lld\nlost_in_reset %lld\n"
		"resets %lld\n",
		gen, total, nfree, fifo, READ_ONCE(lb->cur_buf_size) - LB_HDR_SIZE,
		lb_rd(&st->sent), lb_rd(&st->echoed), lb_rd(&st->sunk), lb_rd(&st->ns_rx), lb_rd(&st->rx),
		lb_rd(&st->rx_no_recipient), lb_rd(&st->injected), lb_rd(&st->send_waits),
		lb_rd(&st->send_timeouts), lb_rd(&st->trysend_nomem), lb_rd(&st->lost_in_reset),
		lb_rd(&st->resets));
}
static DEVICE_ATTR_RO(stats);

static struct attribute *lb_attrs[] = {
	&dev_attr_ns_announce.attr,
	&dev_attr_ns_destroy.attr,
	&dev_attr_inject.attr,
	&dev_attr_remote_reset.attr,
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
	&dev_attr_flow.attr,
#endif
	&dev_attr_stats.attr,
	NULL
};
ATTRIBUTE_GROUPS(lb);

/* ---- platform driver ----------------------------------------------------- */

static int lb_probe(struct platform_device *pdev)
{
	struct lb_remote *lb;
	int err;

	lb = devm_kzalloc(&pdev->dev, sizeof(*lb), GFP_KERNEL);
	if (!lb)
		return -ENOMEM;

	lb->pdev = pdev;
	idr_init(&lb->endpoints);
	mutex_init(&lb->endpoints_lock);
	mutex_init(&lb->action_lock);
	spin_lock_init(&lb->lock);
	INIT_LIST_HEAD(&lb->free);
	INIT_LIST_HEAD(&lb->fifo);
	init_waitqueue_head(&lb->sendq);
	INIT_WORK(&lb->work, lb_remote_work);

	lb->wq = alloc_ordered_workqueue(LB_NAME, 0);
	if (!lb->wq)
		return -ENOMEM;

	err = lb_new_instance(lb);
	if (err)
		return err;

	platform_set_drvdata(pdev, lb);
	err = lb_add_devices(lb);
	if (err)
		return err;

	WRITE_ONCE(lb_instance, lb);
	dev_info(&pdev->dev, "rpmsg loopback remote online: %u tx bufs of %u bytes\n",
		 lb->tx_total, lb->cur_buf_size);
	return 0;
}

static struct platform_driver lb_driver = {
	.probe = lb_probe,
	.driver = {
		.name = LB_NAME,
		.dev_groups = lb_groups,
		/* built in, never unbound: lb and its wait queue live forever */
		.suppress_bind_attrs = true,
	},
};

static int __init lb_init(void)
{
	struct platform_device *pdev;
	int err;

	err = platform_driver_register(&lb_driver);
	if (err)
		return err;

	pdev = platform_device_register_simple(LB_NAME, PLATFORM_DEVID_NONE, NULL, 0);
	if (IS_ERR(pdev)) {
		platform_driver_unregister(&lb_driver);
		return PTR_ERR(pdev);
	}
	return 0;
}
device_initcall(lb_init);

MODULE_DESCRIPTION("rpmsg loopback remote for librpmsg's tests");
MODULE_LICENSE("GPL");
