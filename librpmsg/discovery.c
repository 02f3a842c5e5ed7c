// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: librpmsg authors

/*
 * Lists of control devices, endpoint devices and channels read from sysfs.
 * Handles the layouts of Linux 5.10-5.17 (rpmsg_chrdev control devices,
 * possibly on a channel), 5.18+ (virtioX.rpmsg_ctrl.0.0) and 6.1+ (an extra
 * rproc-virtio.N.auto level between remoteprocK and virtioX).
 */

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct rpmsg_devinfo {
	enum rpmsg_dev_type type;
	uint32_t src, dst;
	char *devname, *name, *dev_path, *sysfs_path, *ctrl, *rproc, *rproc_name;
};

struct rpmsg_devlist {
	size_t count, cap;
	struct rpmsg_devinfo *items;
};

static void info_clear(struct rpmsg_devinfo *info)
{
	free(info->devname);
	free(info->name);
	free(info->dev_path);
	free(info->sysfs_path);
	free(info->ctrl);
	free(info->rproc);
	free(info->rproc_name);
}

RPMSG_API void rpmsg_devlist_free(struct rpmsg_devlist *list)
{
	size_t i;

	if (!list)
		return;
	for (i = 0; i < list->count; i++)
		info_clear(&list->items[i]);
	free(list->items);
	free(list);
}

static struct rpmsg_devinfo *list_push(struct rpmsg_devlist *list)
{
	if (list->count == list->cap) {
		size_t cap = list->cap ? 2 * list->cap : 8;
		struct rpmsg_devinfo *items = realloc(list->items, cap * sizeof(*items));

		if (!items)
			return NULL;
		list->items = items;
		list->cap = cap;
	}
	memset(&list->items[list->count], 0, sizeof(list->items[0]));
	return &list->items[list->count++];
}

/* rproc and rproc_name of an entry, from the nearest remoteprocK above it. */
static int fill_rproc(struct rpmsg_devinfo *info, const char *real)
{
	size_t len = 0;
	const char *best = rpmsgi_rproc_in_path(real, &len);
	char *dir, value[256];
	int ret;

	if (!best)
		return 0;
	info->rproc = strndup(best, len);
	dir = strndup(real, (size_t)(best - real) + len);
	if (!info->rproc || !dir) {
		free(dir);
		return -ENOMEM;
	}
	ret = rpmsgi_read_attr(dir, "name", value, sizeof(value));
	free(dir);
	if (ret == 0) {
		info->rproc_name = strdup(value);
		return info->rproc_name ? 0 : -ENOMEM;
	}
	/* The remoteproc itself is there: only its name is unknown. */
	return rpmsgi_entry_unusable(ret) ? 0 : ret;
}

static char *dev_path_for(struct rpmsg_ctx *ctx, const char *devname)
{
	return rpmsgi_path_join(ctx->dev_root, devname);
}

/* The driver's name of a control device ("rpmsg_ctrl", "rpmsg_chrdev"; "" when unbound). */
static char *ctrl_driver_name(const char *dir)
{
	char *driver = rpmsgi_realpath_in(dir, "device/driver");
	const char *base = driver ? strrchr(driver, '/') : NULL;
	char *name = strdup(base ? base + 1 : "");

	free(driver);
	return name;
}

/* Name, addresses and control device of an endpoint device. */
static int fill_eptdev(struct rpmsg_devinfo *info, const char *dir, const char *real)
{
	char value[RPMSG_NAME_SIZE + 8], *parent;
	const char *base;
	int ret;

	ret = rpmsgi_read_attr(dir, "name", value, sizeof(value));
	if (!ret)
		ret = rpmsgi_read_attr_u32(dir, "src", &info->src);
	if (!ret)
		ret = rpmsgi_read_attr_u32(dir, "dst", &info->dst);
	if (ret < 0)
		return ret;
	info->name = strdup(value);
	if (!info->name)
		return -ENOMEM;
	/* Control-created endpoint devices sit directly under rpmsg_ctrlM. */
	parent = rpmsgi_realpath_in(real, "..");
	base = parent ? strrchr(parent, '/') : NULL;
	if (base && rpmsgi_is_ctrl_devname(base + 1)) {
		info->ctrl = strdup(base + 1);
		ret = info->ctrl ? 0 : -ENOMEM;
	}
	free(parent);
	return ret;
}

/* Fill info for class device devname; 0 (added), 1 (left out) or -errno. */
static int read_class_device(struct rpmsg_ctx *ctx, struct rpmsg_devinfo *info,
			     const char *classdir, const char *devname, bool ctrl)
{
	char *dir = rpmsgi_path_join(classdir, devname);
	char *real = dir ? realpath(dir, NULL) : NULL;
	int ret;

	if (!real) {
		ret = dir ? -errno : -ENOMEM;
		goto out;
	}
	info->type = ctrl ? RPMSG_DEV_CTRL : RPMSG_DEV_EPT;
	info->devname = strdup(devname);
	info->dev_path = dev_path_for(ctx, devname);
	info->sysfs_path = strdup(real);
	if (ctrl) {
		info->name = ctrl_driver_name(dir);
		ret = 0;
	} else {
		ret = fill_eptdev(info, dir, real);
	}
	if (!ret)
		ret = fill_rproc(info, real);
	if (!ret && !(info->devname && info->dev_path && info->sysfs_path && info->name))
		ret = -ENOMEM;
out:
	free(real);
	free(dir);
	return rpmsgi_entry_unusable(ret) ? 1 : ret;
}

/* A channel's entry; 0 (added), 1 (left out: not a channel, or unusable) or -errno. */
static int read_channel(struct rpmsg_ctx *ctx, struct rpmsg_devinfo *info, const char *busdir,
			const char *devname)
{
	char value[RPMSG_NAME_SIZE + 8], *dir = rpmsgi_path_join(busdir, devname);
	char *real = NULL, *eptdev = NULL;
	int ret;

	if (!dir)
		return -ENOMEM;
	ret = rpmsgi_read_attr(dir, "name", value, sizeof(value));
	if (!ret && rpmsgi_is_transport_device(devname, value))
		ret = 1;
	if (!ret)
		ret = rpmsgi_read_attr_hex_u32(dir, "src", &info->src);
	if (!ret)
		ret = rpmsgi_read_attr_hex_u32(dir, "dst", &info->dst);
	if (!ret && !(real = realpath(dir, NULL)))
		ret = -errno;
	if (ret)
		goto out;
	info->type = RPMSG_DEV_CHANNEL;
	info->devname = strdup(devname);
	info->name = strdup(value);
	info->sysfs_path = strdup(real);
	ret = rpmsgi_channel_eptdev(dir, &eptdev);
	if (rpmsgi_entry_unusable(ret))
		ret = 0;	/* no usable endpoint device: dev_path stays NULL */
	if (!ret && eptdev && !(info->dev_path = dev_path_for(ctx, eptdev)))
		ret = -ENOMEM;
	if (!ret)
		ret = fill_rproc(info, real);
	if (!ret && !(info->devname && info->name && info->sysfs_path))
		ret = -ENOMEM;
out:
	free(eptdev);
	free(real);
	free(dir);
	return rpmsgi_entry_unusable(ret) ? 1 : ret;
}

/* Keep info in the list when read gave 0; 0 or -errno for the listing. */
static int add_entry(struct rpmsg_devlist *list, int read, struct rpmsg_devinfo *info)
{
	struct rpmsg_devinfo *slot = read == 0 ? list_push(list) : NULL;

	if (slot) {
		*slot = *info;
		return 0;
	}
	info_clear(info);
	if (read == 0)
		return -ENOMEM;
	return read < 0 ? read : 0;
}

/*
 * The entries of dir in version order; a directory that does not exist
 * holds nothing (rpmsg not loaded), any other failure is an error.
 */
static int scan(const char *dir, struct dirent ***names)
{
	int n = scandir(dir, names, NULL, versionsort);

	if (n < 0) {
		*names = NULL;
		return errno == ENOENT ? 0 : -errno;
	}
	return n;
}

static int list_class(struct rpmsg_ctx *ctx, struct rpmsg_devlist *list, bool ctrl)
{
	char *classdir = rpmsgi_path_join(ctx->sysfs_root, "class/rpmsg");
	bool (*wanted)(const char *name) = ctrl ? rpmsgi_is_ctrl_devname : rpmsgi_is_eptdev_name;
	struct dirent **names = NULL;
	int i, n, ret = 0;

	if (!classdir)
		return -ENOMEM;
	n = scan(classdir, &names);
	if (n < 0)
		ret = n;
	for (i = 0; i < n; i++) {
		const char *d = names[i]->d_name;

		if (!ret && wanted(d)) {
			struct rpmsg_devinfo info = { 0 };

			ret = add_entry(list, read_class_device(ctx, &info, classdir, d, ctrl),
					&info);
		}
		free(names[i]);
	}
	free(names);
	free(classdir);
	return ret;
}

static int list_channels(struct rpmsg_ctx *ctx, struct rpmsg_devlist *list)
{
	char *busdir = rpmsgi_path_join(ctx->sysfs_root, "bus/rpmsg/devices");
	struct dirent **names = NULL;
	int i, n, ret = 0;

	if (!busdir)
		return -ENOMEM;
	n = scan(busdir, &names);
	if (n < 0)
		ret = n;
	for (i = 0; i < n; i++) {
		const char *d = names[i]->d_name;

		if (!ret && d[0] != '.') {
			struct rpmsg_devinfo info = { 0 };

			ret = add_entry(list, read_channel(ctx, &info, busdir, d), &info);
		}
		free(names[i]);
	}
	free(names);
	free(busdir);
	return ret;
}

RPMSG_API struct rpmsg_devlist *rpmsg_ctx_list(struct rpmsg_ctx *ctx, enum rpmsg_dev_type type)
{
	struct rpmsg_devlist *list;
	int ret;

	RPMSGI_REQUIRE(ctx, NULL);
	if (type < RPMSG_DEV_CTRL || type > RPMSG_DEV_CHANNEL) {
		errno = EINVAL;
		return NULL;
	}
	list = calloc(1, sizeof(*list));
	if (!list)
		return NULL;
	if (type == RPMSG_DEV_CHANNEL)
		ret = list_channels(ctx, list);
	else
		ret = list_class(ctx, list, type == RPMSG_DEV_CTRL);
	if (ret < 0) {
		rpmsg_devlist_free(list);
		errno = -ret;
		return NULL;
	}
	return list;
}

RPMSG_API size_t rpmsg_devlist_count(const struct rpmsg_devlist *list)
{
	RPMSGI_REQUIRE(list, 0);
	return list->count;
}

RPMSG_API const struct rpmsg_devinfo *rpmsg_devlist_get(const struct rpmsg_devlist *list,
							size_t index)
{
	RPMSGI_REQUIRE(list, NULL);
	if (index >= list->count) {
		errno = ERANGE;
		return NULL;
	}
	return &list->items[index];
}

RPMSG_API enum rpmsg_dev_type rpmsg_devinfo_get_type(const struct rpmsg_devinfo *info)
{
	RPMSGI_REQUIRE(info, (enum rpmsg_dev_type)0);
	return info->type;
}

RPMSG_API const char *rpmsg_devinfo_get_devname(const struct rpmsg_devinfo *info)
{
	RPMSGI_REQUIRE(info, NULL);
	return info->devname;
}

RPMSG_API const char *rpmsg_devinfo_get_name(const struct rpmsg_devinfo *info)
{
	RPMSGI_REQUIRE(info, NULL);
	return info->name;
}

RPMSG_API uint32_t rpmsg_devinfo_get_src(const struct rpmsg_devinfo *info)
{
	RPMSGI_REQUIRE(info, RPMSG_ADDR_ANY);
	return info->src;
}

RPMSG_API uint32_t rpmsg_devinfo_get_dst(const struct rpmsg_devinfo *info)
{
	RPMSGI_REQUIRE(info, RPMSG_ADDR_ANY);
	return info->dst;
}

RPMSG_API const char *rpmsg_devinfo_get_dev_path(const struct rpmsg_devinfo *info)
{
	RPMSGI_REQUIRE(info, NULL);
	return info->dev_path;
}

RPMSG_API const char *rpmsg_devinfo_get_sysfs_path(const struct rpmsg_devinfo *info)
{
	RPMSGI_REQUIRE(info, NULL);
	return info->sysfs_path;
}

RPMSG_API const char *rpmsg_devinfo_get_ctrl(const struct rpmsg_devinfo *info)
{
	RPMSGI_REQUIRE(info, NULL);
	return info->ctrl;
}

RPMSG_API const char *rpmsg_devinfo_get_rproc(const struct rpmsg_devinfo *info)
{
	RPMSGI_REQUIRE(info, NULL);
	return info->rproc;
}

RPMSG_API const char *rpmsg_devinfo_get_rproc_name(const struct rpmsg_devinfo *info)
{
	RPMSGI_REQUIRE(info, NULL);
	return info->rproc_name;
}
