// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: librpmsg authors

/*
 * Discovery and control-device lookups through the public API over a sysfs
 * tree that the input describes (librpmsg/discovery.c, sysfs.c and the
 * sysfs parts of ctrl.c and ept.c, compiled in as they are). The input is
 * one operation a line, paths relative to the tree's base:
 *
 *   d sys/class/rpmsg                      make a directory (and its parents)
 *   f sys/devices/x/rpmsg0/src -1          write a file: the rest of the line and "\n"
 *   l sys/class/rpmsg/rpmsg0 sys/devices/x/rpmsg0
 *                                          symlink to <base>/target, or to /dev/null
 *   p sys/devices/x/rpmsg0/name            make a FIFO
 *
 * Paths start with sys/ or dev/ (the sysfs and /dev roots) and have no "."
 * or ".." component, and links point into the base or at /dev/null, so
 * nothing outside the base (but /dev/null) is ever reached. Then every kind
 * is listed and every entry read, the first control device is opened and a
 * channel looked up on it, and every listed endpoint device is opened.
 */

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rpmsg/rpmsg.h>

#define MAX_OPS		64
#define MAX_LINE	256

static struct rpmsg_ctx *ctx;
static char *base, *sys_root, *dev_root;

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void clear_roots(void)
{
	nftw(sys_root, remove_one, 16, FTW_DEPTH | FTW_PHYS);
	nftw(dev_root, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void cleanup(void)
{
	rpmsg_ctx_free(ctx);
	nftw(base, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *tmp = getenv("TMPDIR");

	(void)argc;
	(void)argv;
	if (asprintf(&base, "%s/librpmsg-fuzz-tree-XXXXXX", tmp && *tmp ? tmp : "/tmp") < 0 ||
	    !mkdtemp(base) || asprintf(&sys_root, "%s/sys", base) < 0 ||
	    asprintf(&dev_root, "%s/dev", base) < 0)
		abort();
	ctx = rpmsg_ctx_new(RPMSG_CTX_FORCE_EPOLL);
	if (!ctx)
		abort();
	atexit(cleanup);
	return 0;
}

/* sys/... or dev/..., at least two components, none empty, "." or "..". */
static bool path_ok(const char *p)
{
	const char *c = p;
	int n = 0;

	if (strncmp(p, "sys/", 4) && strncmp(p, "dev/", 4))
		return false;
	while (*c) {
		const char *slash = strchr(c, '/');
		size_t len = slash ? (size_t)(slash - c) : strlen(c);

		if (!len || (len == 1 && c[0] == '.') || (len == 2 && !strncmp(c, "..", 2)))
			return false;
		n++;
		c += len + (slash ? 1 : 0);
		if (slash && !*c)
			return false;
	}
	return n >= 2;
}

static char *in_base(const char *rel)
{
	char *p;

	return asprintf(&p, "%s/%s", base, rel) < 0 ? NULL : p;
}

/* mkdir -p of path (absolute, under base); errors are the input's problem. */
static void make_dirs(char *path)
{
	char *p;

	for (p = path + strlen(base) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		mkdir(path, 0755);
		*p = '/';
	}
	mkdir(path, 0755);
}

static void make_parent(char *path)
{
	char *slash = strrchr(path, '/');

	*slash = '\0';
	make_dirs(path);
	*slash = '/';
}

static void run_op(char op, const char *rel, const char *arg)
{
	char *path = in_base(rel), *target = NULL;
	int fd;

	if (!path)
		return;
	switch (op) {
	case 'd':
		make_dirs(path);
		break;
	case 'f':
		make_parent(path);
		/* Never through a link or into an existing FIFO: a new file only. */
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_NONBLOCK, 0644);
		if (fd >= 0) {
			if (write(fd, arg, strlen(arg)) < 0 || write(fd, "\n", 1) < 0)
				abort();
			close(fd);
		}
		break;
	case 'l':
		if (strcmp(arg, "/dev/null") && !(path_ok(arg) && (target = in_base(arg))))
			break;
		make_parent(path);
		if (symlink(target ? target : arg, path) < 0 && errno == ENOMEM)
			abort();
		break;
	case 'p':
		make_parent(path);
		mkfifo(path, 0644);
		break;
	}
	free(target);
	free(path);
}

static void build_tree(const uint8_t *data, size_t size)
{
	char line[MAX_LINE + 1];
	size_t i = 0;
	int ops = 0;

	mkdir(sys_root, 0755);
	mkdir(dev_root, 0755);
	while (i < size && ops < MAX_OPS) {
		const uint8_t *nl = memchr(data + i, '\n', size - i);
		size_t len = nl ? (size_t)(nl - (data + i)) : size - i;
		char *rel, *arg;

		if (len <= MAX_LINE && len > 2 && !memchr(data + i, '\0', len)) {
			memcpy(line, data + i, len);
			line[len] = '\0';
			rel = line + 2;
			arg = strchr(rel, ' ');
			if (arg)
				*arg++ = '\0';
			if (line[1] == ' ' && path_ok(rel))
				run_op(line[0], rel, arg ? arg : "");
			ops++;
		}
		i += len + 1;
	}
}

static size_t touch(const char *s)
{
	return s ? strlen(s) : 0;
}

/* Read every field of every entry; return the list for further use. */
static struct rpmsg_devlist *list_all(enum rpmsg_dev_type type)
{
	struct rpmsg_devlist *list = rpmsg_ctx_list(ctx, type);
	size_t i, n = rpmsg_devlist_count(list);

	for (i = 0; i < n; i++) {
		const struct rpmsg_devinfo *info = rpmsg_devlist_get(list, i);
		size_t total = 0;

		if (!info || rpmsg_devinfo_get_type(info) != type)
			abort();
		total += touch(rpmsg_devinfo_get_devname(info));
		total += touch(rpmsg_devinfo_get_name(info));
		total += touch(rpmsg_devinfo_get_dev_path(info));
		total += touch(rpmsg_devinfo_get_sysfs_path(info));
		total += touch(rpmsg_devinfo_get_ctrl(info));
		total += touch(rpmsg_devinfo_get_rproc(info));
		total += touch(rpmsg_devinfo_get_rproc_name(info));
		total += rpmsg_devinfo_get_src(info) + rpmsg_devinfo_get_dst(info);
		(void)total;
	}
	return list;
}

static void use_ctrl(void)
{
	struct rpmsg_ctrl *ctrl;
	struct rpmsg_ept *ept;

	/* By remoteproc index and name (ctrl.c matches them against the list). */
	rpmsg_ctrl_close(rpmsg_ctrl_open_rproc(ctx, "0"));
	rpmsg_ctrl_close(rpmsg_ctrl_open_rproc(ctx, "m4"));
	ctrl = rpmsg_ctrl_open_rproc(ctx, NULL);
	if (!ctrl)
		return;
	ept = rpmsg_ctrl_open_channel(ctrl, "rpmsg-raw", RPMSG_ADDR_ANY);
	rpmsg_ept_close(ept);
	/* Looks the channel up, then the ioctl fails on /dev/null. */
	rpmsg_ctrl_create_channel(ctrl, "rpmsg-raw", RPMSG_ADDR_ANY, 1024);
	rpmsg_ctrl_close(ctrl);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rpmsg_devlist *list;
	size_t i;

	build_tree(data, size);
	if (rpmsg_ctx_set_roots(ctx, sys_root, dev_root) < 0)
		abort();
	rpmsg_devlist_free(list_all(RPMSG_DEV_CTRL));
	rpmsg_devlist_free(list_all(RPMSG_DEV_CHANNEL));
	list = list_all(RPMSG_DEV_EPT);
	for (i = 0; i < rpmsg_devlist_count(list); i++) {
		const char *path = rpmsg_devinfo_get_dev_path(rpmsg_devlist_get(list, i));

		rpmsg_ept_close(rpmsg_ept_open(ctx, path));
	}
	rpmsg_devlist_free(list);
	use_ctrl();
	clear_roots();
	return 0;
}
