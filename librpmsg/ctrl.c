// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: librpmsg authors

/* /dev/rpmsg_ctrlN: open, CREATE_EPT (and finding the node it made), channels. */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "uapi/rpmsg.h"

struct rpmsg_ctrl *rpmsgi_ctrl_new(struct rpmsg_ctx *ctx, const struct rpmsgi_ctrl_ops *ops)
{
	struct rpmsg_ctrl *ctrl = calloc(1, sizeof(*ctrl));

	if (!ctrl)
		return NULL;
	ctrl->ctx = ctx;
	ctrl->ops = ops;
	ctrl->refs = 1;
	ctrl->fd = -1;
	ctrl->next = ctx->ctrls;
	ctx->ctrls = ctrl;
	return ctrl;
}

void rpmsgi_ctrl_get(struct rpmsg_ctrl *ctrl)
{
	ctrl->refs++;
}

void rpmsgi_ctrl_put(struct rpmsg_ctrl *ctrl)
{
	struct rpmsg_ctrl **p;

	if (--ctrl->refs)
		return;
	for (p = &ctrl->ctx->ctrls; *p; p = &(*p)->next) {
		if (*p == ctrl) {
			*p = ctrl->next;
			break;
		}
	}
	if (ctrl->fd >= 0)
		close(ctrl->fd);
	free(ctrl->path);
	free(ctrl->sysfs_dir);
	free(ctrl->transport_dir);
	free(ctrl);
}

int rpmsgi_check_name(const char *name)
{
	if (!name || !*name)
		return -EINVAL;
	if (strlen(name) >= RPMSG_NAME_SIZE)
		return -ENAMETOOLONG;
	return 0;
}

RPMSG_API void rpmsg_ctrl_close(struct rpmsg_ctrl *ctrl)
{
	if (!ctrl || ctrl->sim)
		return;
	rpmsgi_ctrl_put(ctrl);
}

RPMSG_API const char *rpmsg_ctrl_get_path(struct rpmsg_ctrl *ctrl)
{
	RPMSGI_REQUIRE(ctrl, NULL);
	return ctrl->path;
}

static void fill_info(struct rpmsgi_endpoint_info *info, const char *name, uint32_t src,
		      uint32_t dst)
{
	memset(info, 0, sizeof(*info));
	snprintf(info->name, sizeof(info->name), "%s", name);
	info->src = src;
	info->dst = dst;
}

static bool index_in(unsigned long index, const unsigned long *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (list[i] == index)
			return true;
	return false;
}

/* Whether the endpoint device dir carries name/src/dst: 1, 0 or -errno. */
static int eptdev_matches(const char *dir, const char *name, uint32_t src, uint32_t dst)
{
	char value[RPMSG_NAME_SIZE + 8];
	uint32_t a;
	int ret;

	ret = rpmsgi_read_attr(dir, "name", value, sizeof(value));
	if (ret < 0 || strcmp(value, name))
		goto out;
	ret = rpmsgi_read_attr_u32(dir, "src", &a);
	if (ret < 0 || a != src)
		goto out;
	ret = rpmsgi_read_attr_u32(dir, "dst", &a);
	if (ret < 0 || a != dst)
		goto out;
	return 1;
out:
	return ret < 0 && !rpmsgi_entry_unusable(ret) ? ret : 0;
}

/* Endpoint devices under the control device that carry name/src/dst, as
 * indices; when dir_out is set, stop at the first that is not in `skip` and
 * return its sysfs directory there. 0 or -errno. */
static int find_eptdevs(struct rpmsg_ctrl *ctrl, const char *name, uint32_t src, uint32_t dst,
			const unsigned long *skip, size_t nskip, char **dir_out,
			unsigned long **found, size_t *nfound)
{
	unsigned long *all = NULL;
	size_t n = 0, kept = 0, i;
	int ret;

	ret = rpmsgi_list_eptdev_children(ctrl->sysfs_dir, &all, &n);
	for (i = 0; i < n && !ret; i++) {
		char devname[32], *dir;
		int match;

		if (index_in(all[i], skip, nskip))
			continue;
		snprintf(devname, sizeof(devname), "rpmsg%lu", all[i]);
		dir = rpmsgi_path_join(ctrl->sysfs_dir, devname);
		if (!dir) {
			ret = -ENOMEM;
			break;
		}
		match = eptdev_matches(dir, name, src, dst);
		if (match > 0 && dir_out) {
			*dir_out = dir;
			break;
		}
		free(dir);
		if (match < 0)
			ret = match;
		else if (match)
			all[kept++] = all[i];
	}
	if (found && !ret) {
		*found = all;
		*nfound = kept;
	} else {
		free(all);
	}
	return ret;
}

/* CREATE_EPT does not say which device it made. Another process may destroy
 * an endpoint device at any moment and the kernel gives its index to the next
 * new one, so ours is told apart by what it carries, not by a new index: it
 * is the device with our name/src/dst that was not there before the ioctl
 * (`twins`: the ones that were). 0 with *dir, -ENODEV, or -errno. */
static int find_new_eptdev(struct rpmsg_ctrl *ctrl, const unsigned long *twins, size_t ntwins,
			   const char *name, uint32_t src, uint32_t dst, char **dir)
{
	int ret;

	*dir = NULL;
	ret = find_eptdevs(ctrl, name, src, dst, twins, ntwins, dir, NULL, NULL);
	if (!ret && !*dir)
		ret = -ENODEV;	/* created by the kernel but not visible in sysfs */
	return ret;
}

static void sleep_ms(int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

/* devtmpfs makes the node during the ioctl, but udev may still be changing
 * its owner and mode, and /dev may not be devtmpfs at all: wait, bounded. */
static int open_node_waiting(const char *path, dev_t want)
{
	int waited = 0, step = 1;

	for (;;) {
		int fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
		struct stat st;

		if (fd >= 0) {
			if (fstat(fd, &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == want)
				return fd;
			close(fd);
			errno = ENOENT;	/* a stale node from a reused index: wait for udev */
		}
		if (errno != ENOENT && errno != EACCES && errno != EPERM && errno != ENXIO &&
		    errno != ENODEV)
			return -errno;
		if (waited >= RPMSGI_NODE_WAIT_MS)
			return -ETIMEDOUT;
		sleep_ms(step);
		waited += step;
		step = step < 64 ? step * 2 : 64;
	}
}

/* Serialise creators across processes so the sysfs diff is unambiguous.
 * A kernel without CONFIG_FILE_LOCKING has no flock: go on unlocked
 * (creators in one process are still serialised by the caller). */
static int lock_creators(struct rpmsg_ctrl *ctrl, bool *locked)
{
	*locked = true;
	while (flock(ctrl->fd, LOCK_EX) < 0) {
		if (errno == ENOSYS || errno == EOPNOTSUPP) {
			*locked = false;
			return 0;
		}
		if (errno != EINTR)
			return -errno;
	}
	return 0;
}

/* CREATE_EPT, then the sysfs directory of the device it made: 0 or -errno. */
static int create_and_find(struct rpmsg_ctrl *ctrl, const char *name, uint32_t src,
			   uint32_t dst, char **dir)
{
	struct rpmsgi_endpoint_info info;
	unsigned long *twins = NULL;
	size_t ntwins = 0;
	int ret;

	ret = find_eptdevs(ctrl, name, src, dst, NULL, 0, NULL, &twins, &ntwins);
	if (!ret) {
		fill_info(&info, name, src, dst);
		if (ioctl(ctrl->fd, RPMSG_CREATE_EPT_IOCTL, &info) < 0)
			ret = -errno;
		else
			ret = find_new_eptdev(ctrl, twins, ntwins, name, src, dst, dir);
	}
	free(twins);
	return ret;
}

/* Open the node of the endpoint device whose sysfs directory is dir: the fd
 * (*path: the node's path) or -errno. */
static int open_eptdev_node(struct rpmsg_ctrl *ctrl, const char *dir, char **path)
{
	char value[32];
	dev_t devt;
	int ret;

	/* Strictly "major:minor": a half-parsed number would wait for a wrong node. */
	ret = rpmsgi_read_attr(dir, "dev", value, sizeof(value));
	if (!ret)
		ret = rpmsgi_parse_devt(value, &devt);
	if (ret < 0)
		return rpmsgi_entry_unusable(ret) ? -ENODEV : ret;
	*path = rpmsgi_path_join(ctrl->ctx->dev_root, strrchr(dir, '/') + 1);
	if (!*path)
		return -ENOMEM;
	return open_node_waiting(*path, devt);
}

/* The endpoint of a device just created on ctrl, or NULL with *err. */
static struct rpmsg_ept *attach_created(struct rpmsg_ctrl *ctrl, int fd, const char *path,
					const char *name, uint32_t src, uint32_t dst, int *err)
{
	struct rpmsg_ept *ept = rpmsgi_ept_new(ctrl->ctx, fd, path);

	if (!ept) {
		*err = -ENOMEM;
		return NULL;
	}
	snprintf(ept->name, sizeof(ept->name), "%s", name);
	ept->src = src;
	ept->dst = dst;
	ept->legacy = ctrl->legacy;
	ept->created = true;
	ept->destroy_on_close = true;
	ept->ctrl = ctrl;
	rpmsgi_ctrl_get(ctrl);
	*err = rpmsgi_ept_attach(ept);
	if (*err < 0) {
		rpmsgi_ctrl_put(ctrl);
		rpmsgi_ept_free(ept);
		return NULL;
	}
	return ept;
}

static struct rpmsg_ept *real_create_ept(struct rpmsg_ctrl *ctrl, const char *name,
					 uint32_t src, uint32_t dst)
{
	struct rpmsg_ept *ept = NULL;
	char *dir = NULL, *path = NULL;
	bool locked;
	int fd, ret;

	ret = lock_creators(ctrl, &locked);
	if (ret < 0) {
		errno = -ret;
		return NULL;
	}
	ret = create_and_find(ctrl, name, src, dst, &dir);
	if (!ret) {
		/* A device that cannot be opened cannot be DESTROYed either. */
		fd = open_eptdev_node(ctrl, dir, &path);
		ret = fd < 0 ? fd : 0;
	}
	if (!ret) {
		ept = attach_created(ctrl, fd, path, name, src, dst, &ret);
		if (!ept) {
			ioctl(fd, RPMSG_DESTROY_EPT_IOCTL);
			close(fd);
		}
	}
	if (locked)
		flock(ctrl->fd, LOCK_UN);
	free(dir);
	free(path);
	if (!ept)
		errno = -ret;
	return ept;
}

static int real_create_channel(struct rpmsg_ctrl *ctrl, const char *name, uint32_t src,
			       uint32_t dst)
{
	struct rpmsgi_endpoint_info info;
	char *found;
	int ret;

	if (ctrl->legacy)
		return -EOPNOTSUPP;
	ret = rpmsgi_find_channel(ctrl->transport_dir, name, src, dst, &found, NULL);
	if (!ret) {
		free(found);
		return -EEXIST;
	}
	if (ret != -ENOENT)
		return ret;	/* the transport could not be read: do not guess */
	fill_info(&info, name, src, dst);
	if (ioctl(ctrl->fd, RPMSG_CREATE_DEV_IOCTL, &info) < 0)
		return errno == EINVAL ? -EOPNOTSUPP : -errno;
	return 0;
}

static int real_release_channel(struct rpmsg_ctrl *ctrl, const char *name, uint32_t src,
				uint32_t dst)
{
	struct rpmsgi_endpoint_info info;

	if (ctrl->legacy)
		return -EOPNOTSUPP;
	fill_info(&info, name, src, dst);
	if (ioctl(ctrl->fd, RPMSG_RELEASE_DEV_IOCTL, &info) < 0)
		return errno == EINVAL ? -ENOENT : -errno;	/* virtio: no match */
	return 0;
}

static struct rpmsg_ept *real_open_channel(struct rpmsg_ctrl *ctrl, const char *name,
					   uint32_t dst)
{
	char *busdev, *eptdev, *path;
	struct rpmsg_ept *ept;
	int ret = rpmsgi_find_channel(ctrl->transport_dir, name, RPMSG_ADDR_ANY, dst,
				      &busdev, &eptdev);

	if (ret < 0) {
		errno = -ret;	/* ENOENT: no such channel */
		return NULL;
	}
	free(busdev);
	if (!eptdev) {
		errno = ENODEV;
		return NULL;
	}
	path = rpmsgi_path_join(ctrl->ctx->dev_root, eptdev);
	free(eptdev);
	if (!path)
		return NULL;
	ept = rpmsg_ept_open(ctrl->ctx, path);
	free(path);
	return ept;
}

static const struct rpmsgi_ctrl_ops real_ops = {
	.create_ept = real_create_ept,
	.create_channel = real_create_channel,
	.release_channel = real_release_channel,
	.open_channel = real_open_channel,
};

RPMSG_API struct rpmsg_ctrl *rpmsg_ctrl_open(struct rpmsg_ctx *ctx, const char *path)
{
	struct rpmsg_ctrl *ctrl;
	char devname[64];
	struct stat st;
	int fd, err;

	RPMSGI_REQUIRE(ctx, NULL);
	fd = rpmsgi_open_chardev(ctx, path, O_RDWR);
	if (fd < 0) {
		errno = -fd;
		return NULL;
	}
	ctrl = rpmsgi_ctrl_new(ctx, &real_ops);
	if (!ctrl) {
		close(fd);
		return NULL;
	}
	ctrl->fd = fd;
	ctrl->path = strdup(path);
	if (fstat(fd, &st) < 0) {
		err = errno;
		goto fail;
	}
	ctrl->sysfs_dir = rpmsgi_class_dir_for_rdev(ctx, st.st_rdev, devname, sizeof(devname));
	if (!ctrl->sysfs_dir) {
		err = errno;	/* ENODEV: not an rpmsg device, or sysfs could not be read */
		goto fail;
	}
	if (!rpmsgi_is_ctrl_devname(devname)) {
		err = ENODEV;
		goto fail;
	}
	ctrl->transport_dir = rpmsgi_ctrl_transport_dir(ctrl->sysfs_dir, &ctrl->legacy);
	if (!ctrl->path || !ctrl->transport_dir) {
		err = ctrl->path ? ENODEV : ENOMEM;
		goto fail;
	}
	return ctrl;
fail:
	rpmsgi_ctrl_put(ctrl);
	errno = err;
	return NULL;
}

static bool rproc_matches(const struct rpmsg_devinfo *info, const char *want)
{
	const char *rproc = rpmsg_devinfo_get_rproc(info);
	const char *name = rpmsg_devinfo_get_rproc_name(info);

	if (!want)
		return true;
	if (rproc && (!strcmp(rproc, want) || !strcmp(rproc + 10, want)))
		return true;	/* "remoteproc0" or "0" */
	return name && !strcmp(name, want);
}

RPMSG_API struct rpmsg_ctrl *rpmsg_ctrl_open_rproc(struct rpmsg_ctx *ctx, const char *rproc)
{
	struct rpmsg_devlist *list;
	struct rpmsg_ctrl *ctrl = NULL;
	size_t i;

	if (!ctx || (rproc && !*rproc)) {
		errno = EINVAL;
		return NULL;
	}
	list = rpmsg_ctx_list(ctx, RPMSG_DEV_CTRL);
	if (!list)
		return NULL;
	errno = ENODEV;
	for (i = 0; i < rpmsg_devlist_count(list); i++) {
		const struct rpmsg_devinfo *info = rpmsg_devlist_get(list, i);

		if (rproc_matches(info, rproc)) {
			ctrl = rpmsg_ctrl_open(ctx, rpmsg_devinfo_get_dev_path(info));
			break;
		}
	}
	rpmsg_devlist_free(list);
	return ctrl;
}

RPMSG_API struct rpmsg_ept *rpmsg_ctrl_create_ept(struct rpmsg_ctrl *ctrl, const char *name,
						  uint32_t src, uint32_t dst)
{
	int ret = ctrl ? rpmsgi_check_name(name) : -EINVAL;

	if (ret < 0) {
		errno = -ret;
		return NULL;
	}
	return ctrl->ops->create_ept(ctrl, name, src, dst);
}

RPMSG_API int rpmsg_ctrl_create_channel(struct rpmsg_ctrl *ctrl, const char *name,
					uint32_t src, uint32_t dst)
{
	int ret = ctrl ? rpmsgi_check_name(name) : -EINVAL;

	if (!ret)
		ret = ctrl->ops->create_channel(ctrl, name, src, dst);
	if (ret < 0) {
		errno = -ret;
		return -1;
	}
	return 0;
}

RPMSG_API int rpmsg_ctrl_release_channel(struct rpmsg_ctrl *ctrl, const char *name,
					 uint32_t src, uint32_t dst)
{
	int ret = ctrl ? rpmsgi_check_name(name) : -EINVAL;

	/* Wildcards would match the transport's own devices and unregister them. */
	if (!ret && rpmsgi_is_transport_name(name))
		ret = -EPERM;
	if (!ret)
		ret = ctrl->ops->release_channel(ctrl, name, src, dst);
	if (ret < 0) {
		errno = -ret;
		return -1;
	}
	return 0;
}

RPMSG_API struct rpmsg_ept *rpmsg_ctrl_open_channel(struct rpmsg_ctrl *ctrl, const char *name,
						    uint32_t dst)
{
	int ret = ctrl ? rpmsgi_check_name(name) : -EINVAL;

	if (ret < 0) {
		errno = -ret;
		return NULL;
	}
	return ctrl->ops->open_channel(ctrl, name, dst);
}
