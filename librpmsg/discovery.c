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

static bool is_rproc_component(const char *s, size_t len)
{
	size_t i;

	if (len <= 10 || strncmp(s, "remoteproc", 10))
		return false;
	for (i = 10; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* The nearest remoteprocK among the ancestors of a resolved sysfs path. */
static void fill_rproc(struct rpmsg_devinfo *info, const char *real)
{
	const char *p = real, *best = NULL;
	size_t best_len = 0;
	char *dir, value[64];

	while (p && *p) {
		const char *slash = strchr(p, '/');
		size_t len = slash ? (size_t)(slash - p) : strlen(p);

		if (is_rproc_component(p, len)) {
			best = p;
			best_len = len;
		}
		p = slash ? slash + 1 : NULL;
	}
	if (!best)
		return;
	info->rproc = strndup(best, best_len);
	dir = strndup(real, (size_t)(best - real) + best_len);
	if (dir && !rpmsgi_read_attr(dir, "name", value, sizeof(value)))
		info->rproc_name = strdup(value);
	free(dir);
}

static char *dev_path_for(struct rpmsg_ctx *ctx, const char *devname)
{
	return rpmsgi_path_join(ctx->dev_root, devname);
}

static int add_class_device(struct rpmsg_ctx *ctx, struct rpmsg_devlist *list,
			    const char *classdir, const char *devname, bool ctrl)
{
	char *dir = rpmsgi_path_join(classdir, devname);
	char *real = dir ? realpath(dir, NULL) : NULL;
	struct rpmsg_devinfo *info;
	char value[RPMSG_NAME_SIZE + 8];
	int ret = -ENOMEM;

	if (!dir)
		return -ENOMEM;
	info = list_push(list);
	if (!info)
		goto out;
	info->type = ctrl ? RPMSG_DEV_CTRL : RPMSG_DEV_EPT;
	info->devname = strdup(devname);
	info->dev_path = dev_path_for(ctx, devname);
	info->sysfs_path = strdup(real ? real : dir);
	if (ctrl) {
		char *driver = rpmsgi_realpath_in(dir, "device/driver");
		const char *base = driver ? strrchr(driver, '/') : NULL;

		info->name = strdup(base ? base + 1 : "");
		free(driver);
		info->src = 0;
		info->dst = 0;
	} else {
		char *parent = real ? rpmsgi_realpath_in(real, "..") : NULL;
		const char *base = parent ? strrchr(parent, '/') : NULL;

		info->name = strdup(rpmsgi_read_attr(dir, "name", value, sizeof(value)) ? ""
											 : value);
		if (rpmsgi_read_attr_u32(dir, "src", &info->src))
			info->src = RPMSG_ADDR_ANY;
		if (rpmsgi_read_attr_u32(dir, "dst", &info->dst))
			info->dst = RPMSG_ADDR_ANY;
		/* Control-created endpoint devices sit directly under rpmsg_ctrlM. */
		if (base && !strncmp(base + 1, "rpmsg_ctrl", 10))
			info->ctrl = strdup(base + 1);
		free(parent);
	}
	if (real)
		fill_rproc(info, real);
	ret = (info->devname && info->dev_path && info->sysfs_path && info->name) ? 0 : -ENOMEM;
out:
	free(real);
	free(dir);
	return ret;
}

static int list_class(struct rpmsg_ctx *ctx, struct rpmsg_devlist *list, bool ctrl)
{
	char *classdir = rpmsgi_path_join(ctx->sysfs_root, "class/rpmsg");
	struct dirent **names = NULL;
	int i, n, ret = 0;

	if (!classdir)
		return -ENOMEM;
	n = scandir(classdir, &names, NULL, versionsort);
	for (i = 0; i < n; i++) {
		const char *d = names[i]->d_name;
		bool is_ctrl = !strncmp(d, "rpmsg_ctrl", 10);
		bool is_ept = !strncmp(d, "rpmsg", 5) && d[5] >= '0' && d[5] <= '9';

		if (!ret && ((ctrl && is_ctrl) || (!ctrl && is_ept)))
			ret = add_class_device(ctx, list, classdir, d, ctrl);
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
	n = scandir(busdir, &names, NULL, versionsort);
	for (i = 0; i < n; i++) {
		const char *d = names[i]->d_name;
		char value[RPMSG_NAME_SIZE + 8], *dir = NULL, *real = NULL, *eptdev = NULL;
		struct rpmsg_devinfo *info;

		if (ret || d[0] == '.')
			goto next;
		dir = rpmsgi_path_join(busdir, d);
		if (!dir) {
			ret = -ENOMEM;
			goto next;
		}
		if (rpmsgi_read_attr(dir, "name", value, sizeof(value)) ||
		    rpmsgi_is_transport_device(d, value))
			goto next;
		real = realpath(dir, NULL);
		info = list_push(list);
		if (!info) {
			ret = -ENOMEM;
			goto next;
		}
		info->type = RPMSG_DEV_CHANNEL;
		info->devname = strdup(d);
		info->name = strdup(value);
		info->sysfs_path = strdup(real ? real : dir);
		if (rpmsgi_read_attr_u32(dir, "src", &info->src))
			info->src = RPMSG_ADDR_ANY;
		if (rpmsgi_read_attr_u32(dir, "dst", &info->dst))
			info->dst = RPMSG_ADDR_ANY;
		eptdev = rpmsgi_channel_eptdev(dir);
		if (eptdev)
			info->dev_path = dev_path_for(ctx, eptdev);
		if (real)
			fill_rproc(info, real);
		if (!info->devname || !info->name || !info->sysfs_path)
			ret = -ENOMEM;
next:
		free(eptdev);
		free(real);
		free(dir);
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

	if (!ctx || type < RPMSG_DEV_CTRL || type > RPMSG_DEV_CHANNEL) {
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
	return list->count;
}

RPMSG_API const struct rpmsg_devinfo *rpmsg_devlist_get(const struct rpmsg_devlist *list,
							size_t index)
{
	if (index >= list->count) {
		errno = ERANGE;
		return NULL;
	}
	return &list->items[index];
}

RPMSG_API enum rpmsg_dev_type rpmsg_devinfo_get_type(const struct rpmsg_devinfo *info)
{
	return info->type;
}

RPMSG_API const char *rpmsg_devinfo_get_devname(const struct rpmsg_devinfo *info)
{
	return info->devname;
}

RPMSG_API const char *rpmsg_devinfo_get_name(const struct rpmsg_devinfo *info)
{
	return info->name;
}

RPMSG_API uint32_t rpmsg_devinfo_get_src(const struct rpmsg_devinfo *info)
{
	return info->src;
}

RPMSG_API uint32_t rpmsg_devinfo_get_dst(const struct rpmsg_devinfo *info)
{
	return info->dst;
}

RPMSG_API const char *rpmsg_devinfo_get_dev_path(const struct rpmsg_devinfo *info)
{
	return info->dev_path;
}

RPMSG_API const char *rpmsg_devinfo_get_sysfs_path(const struct rpmsg_devinfo *info)
{
	return info->sysfs_path;
}

RPMSG_API const char *rpmsg_devinfo_get_ctrl(const struct rpmsg_devinfo *info)
{
	return info->ctrl;
}

RPMSG_API const char *rpmsg_devinfo_get_rproc(const struct rpmsg_devinfo *info)
{
	return info->rproc;
}

RPMSG_API const char *rpmsg_devinfo_get_rproc_name(const struct rpmsg_devinfo *info)
{
	return info->rproc_name;
}
