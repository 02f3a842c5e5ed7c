// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: librpmsg authors

/*
 * Control devices: opening by path and by remoteproc, name rules, channel
 * requests, and the simulated remote's control device. Character devices
 * that every system has (/dev/null, /dev/full, /dev/ptmx) stand in for
 * /dev/rpmsg_ctrlN and /dev/rpmsgN: a fabricated sysfs tree lists their
 * device numbers, and their ioctls fail with ENOTTY, which shows whether
 * the library reached the kernel.
 */

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check-common.h"
#include "sysfs-tree.h"

/* 31 bytes: the longest name; one more is too long. */
#define NAME_31 "abcdefghijklmnopqrstuvwxyz01234"
#define NAME_32 NAME_31 "5"

static struct {
	struct rpmsg_ctx *ctx;
	struct sysfs_tree *tree;
	struct rpmsg_ctrl *ctrl;
	char null_dev[32];	/* "1:3" */
} c;

static void ctrl_setup(void)
{
	memset(&c, 0, sizeof(c));
	c.ctx = rpmsg_ctx_new(0);
	ck_assert_ptr_nonnull(c.ctx);
	tree_devt_of("/dev/null", c.null_dev, sizeof(c.null_dev));
}

static void ctrl_teardown(void)
{
	rpmsg_ctrl_close(c.ctrl);
	rpmsg_ctx_free(c.ctx);
	tree_free(c.tree);
	memset(&c, 0, sizeof(c));
}

/* A tree of this layout with remote "m4", and the context pointed at it. */
static void use_tree(enum tree_layout layout)
{
	c.tree = tree_new(layout);
	ck_assert_int_eq(tree_add_remote(c.tree, "m4"), 0);
	ck_assert_int_eq(rpmsg_ctx_set_roots(c.ctx, tree_root(c.tree), tree_dev_root(c.tree)), 0);
}

/* /dev/null dressed up as the remote's rpmsg_ctrl0, opened. */
static void open_null_ctrl(enum tree_layout layout)
{
	use_tree(layout);
	ck_assert_int_eq(tree_add_ctrl(c.tree, c.null_dev), 0);
	c.ctrl = rpmsg_ctrl_open(c.ctx, "/dev/null");
	ck_assert_ptr_nonnull(c.ctrl);
}

static const char *in_tree(const char *dir, const char *name)
{
	static char buf[2][PATH_MAX];
	static int next;
	char *b = buf[next++ % 2];

	snprintf(b, PATH_MAX, "%s/%s", dir, name);
	return b;
}

/* NULL context or path is EINVAL. */
START_TEST(test_ctrl_open_null_args)
{
	ck_assert_null_errno(rpmsg_ctrl_open(NULL, "/dev/null"), EINVAL);
	ck_assert_null_errno(rpmsg_ctrl_open(c.ctx, NULL), EINVAL);
}
END_TEST

/* A path that does not exist is ENOENT. */
START_TEST(test_ctrl_open_missing)
{
	use_tree(TREE_LINUX_6_1);
	tree_add_ctrl(c.tree, c.null_dev);
	ck_assert_null_errno(rpmsg_ctrl_open(c.ctx, in_tree(tree_dev_root(c.tree), "rpmsg_ctrl0")),
			     ENOENT);
}
END_TEST

/* A regular file or a directory is not a character device: ENOTTY. */
START_TEST(test_ctrl_open_not_chardev)
{
	const char *file;
	int fd;

	use_tree(TREE_LINUX_6_1);
	file = in_tree(tree_dev_root(c.tree), "plain");
	fd = open(file, O_WRONLY | O_CREAT | O_EXCL, 0600);
	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_null_errno(rpmsg_ctrl_open(c.ctx, file), ENOTTY);
	ck_assert_null_errno(rpmsg_ctrl_open(c.ctx, tree_dev_root(c.tree)), ENOTTY);
}
END_TEST

/* /dev/null is not an rpmsg control device according to the real /sys: ENODEV. */
START_TEST(test_ctrl_open_devnull_default_roots)
{
	ck_assert_int_eq(rpmsg_ctx_set_roots(c.ctx, NULL, NULL), 0);
	ck_assert_null_errno(rpmsg_ctrl_open(c.ctx, "/dev/null"), ENODEV);
}
END_TEST

/* A character device that sysfs does not list is ENODEV. */
START_TEST(test_ctrl_open_unlisted)
{
	use_tree(TREE_LINUX_6_1);
	tree_add_ctrl(c.tree, NULL);
	ck_assert_null_errno(rpmsg_ctrl_open(c.ctx, "/dev/null"), ENODEV);
}
END_TEST

/* An endpoint device (rpmsgN) is not a control device: ENODEV. */
START_TEST(test_ctrl_open_eptdev)
{
	use_tree(TREE_LINUX_6_1);
	tree_add_ept(c.tree, tree_add_ctrl(c.tree, NULL), "ept", RPMSG_ADDR_ANY, 1025,
		     c.null_dev);
	ck_assert_null_errno(rpmsg_ctrl_open(c.ctx, "/dev/null"), ENODEV);
	tree_free(c.tree);
	use_tree(TREE_LINUX_6_1);
	tree_add_channel_dev(c.tree, "rpmsg-raw", RPMSG_ADDR_ANY, 1040, c.null_dev);
	ck_assert_null_errno(rpmsg_ctrl_open(c.ctx, "/dev/null"), ENODEV);
}
END_TEST

/* A character device listed as rpmsg_ctrl0 opens, under its own path or a dev-root link. */
START_TEST(test_ctrl_open_listed)
{
	const char *node;

	open_null_ctrl(TREE_LINUX_6_1);
	ck_assert_str_eq(rpmsg_ctrl_get_path(c.ctrl), "/dev/null");
	rpmsg_ctrl_close(c.ctrl);
	c.ctrl = NULL;
	node = in_tree(tree_dev_root(c.tree), "rpmsg_ctrl0");
	tree_dev_link(c.tree, "rpmsg_ctrl0", "/dev/null");
	c.ctrl = rpmsg_ctrl_open(c.ctx, node);
	ck_assert_ptr_nonnull(c.ctrl);
	ck_assert_str_eq(rpmsg_ctrl_get_path(c.ctrl), node);
}
END_TEST

/* Every layout's control device opens, the 5.10 one (rpmsg_chrdev) included. */
START_TEST(test_ctrl_open_layouts)
{
	static const enum tree_layout layouts[] = {
		TREE_LINUX_5_10, TREE_LINUX_5_18, TREE_LINUX_6_1, TREE_LOOPBACK,
	};

	open_null_ctrl(layouts[_i]);
	ck_assert_str_eq(rpmsg_ctrl_get_path(c.ctrl), "/dev/null");
}
END_TEST

/* The NULL rule: every control device function given a NULL object fails
 * with EINVAL; rpmsg_ctrl_close(NULL) does nothing. */
START_TEST(test_ctrl_close_null)
{
	errno = 0;
	rpmsg_ctrl_close(NULL);
	ck_assert_int_eq(errno, 0);
	ck_assert_null_errno(rpmsg_ctrl_get_path(NULL), EINVAL);
	ck_assert_null_errno(rpmsg_ctrl_open_rproc(NULL, NULL), EINVAL);
	ck_assert_null_errno(rpmsg_ctrl_create_ept(NULL, "x", RPMSG_ADDR_ANY, 30), EINVAL);
	ck_assert_errno(rpmsg_ctrl_create_channel(NULL, "x", RPMSG_ADDR_ANY, 30), EINVAL);
	ck_assert_errno(rpmsg_ctrl_release_channel(NULL, "x", RPMSG_ADDR_ANY, 30), EINVAL);
	ck_assert_null_errno(rpmsg_ctrl_open_channel(NULL, "x", RPMSG_ADDR_ANY), EINVAL);
}
END_TEST

/* create_ept fails with the ioctl's errno (ENOTTY), and again: the lock was released. */
START_TEST(test_ctrl_create_ept_ioctl_errno)
{
	open_null_ctrl(TREE_LINUX_6_1);
	ck_assert_null_errno(rpmsg_ctrl_create_ept(c.ctrl, "ept", RPMSG_ADDR_ANY, 1025), ENOTTY);
	ck_assert_null_errno(rpmsg_ctrl_create_ept(c.ctrl, NAME_31, 1024, 1025), ENOTTY);
}
END_TEST

/* The 5.10 control device also passes create_ept on to the kernel. */
START_TEST(test_ctrl_create_ept_legacy)
{
	open_null_ctrl(TREE_LINUX_5_10);
	ck_assert_null_errno(rpmsg_ctrl_create_ept(c.ctrl, "ept", RPMSG_ADDR_ANY, 1025), ENOTTY);
}
END_TEST

/* Names are checked before any ioctl: NULL or "" is EINVAL, 32 bytes ENAMETOOLONG. */
START_TEST(test_ctrl_names)
{
	open_null_ctrl(TREE_LINUX_6_1);
	tree_add_channel(c.tree, "rpmsg-raw", RPMSG_ADDR_ANY, 1040, true);

	ck_assert_null_errno(rpmsg_ctrl_create_ept(c.ctrl, NULL, RPMSG_ADDR_ANY, 1), EINVAL);
	ck_assert_null_errno(rpmsg_ctrl_create_ept(c.ctrl, "", RPMSG_ADDR_ANY, 1), EINVAL);
	ck_assert_null_errno(rpmsg_ctrl_create_ept(c.ctrl, NAME_32, RPMSG_ADDR_ANY, 1),
			     ENAMETOOLONG);
	ck_assert_null_errno(rpmsg_ctrl_create_ept(c.ctrl, NAME_32 "6789", RPMSG_ADDR_ANY, 1),
			     ENAMETOOLONG);

	ck_assert_errno(rpmsg_ctrl_create_channel(c.ctrl, NULL, RPMSG_ADDR_ANY, 1), EINVAL);
	ck_assert_errno(rpmsg_ctrl_create_channel(c.ctrl, "", RPMSG_ADDR_ANY, 1), EINVAL);
	ck_assert_errno(rpmsg_ctrl_create_channel(c.ctrl, NAME_32, RPMSG_ADDR_ANY, 1),
			ENAMETOOLONG);

	ck_assert_errno(rpmsg_ctrl_release_channel(c.ctrl, NULL, RPMSG_ADDR_ANY, 1), EINVAL);
	ck_assert_errno(rpmsg_ctrl_release_channel(c.ctrl, "", RPMSG_ADDR_ANY, 1), EINVAL);
	ck_assert_errno(rpmsg_ctrl_release_channel(c.ctrl, NAME_32, RPMSG_ADDR_ANY, 1),
			ENAMETOOLONG);

	ck_assert_null_errno(rpmsg_ctrl_open_channel(c.ctrl, NULL, RPMSG_ADDR_ANY), EINVAL);
	ck_assert_null_errno(rpmsg_ctrl_open_channel(c.ctrl, "", RPMSG_ADDR_ANY), EINVAL);
	ck_assert_null_errno(rpmsg_ctrl_open_channel(c.ctrl, NAME_32, RPMSG_ADDR_ANY),
			     ENAMETOOLONG);
}
END_TEST

/* Before 5.18, channel requests are EOPNOTSUPP without an ioctl (that would be ENOTTY). */
START_TEST(test_ctrl_channel_legacy_unsupported)
{
	open_null_ctrl(TREE_LINUX_5_10);
	ck_assert_errno(rpmsg_ctrl_create_channel(c.ctrl, "rpmsg-raw", 1024, 1025), EOPNOTSUPP);
	ck_assert_errno(rpmsg_ctrl_create_channel(c.ctrl, "rpmsg-raw", RPMSG_ADDR_ANY, 1025),
			EOPNOTSUPP);
	ck_assert_errno(rpmsg_ctrl_release_channel(c.ctrl, "rpmsg-raw", RPMSG_ADDR_ANY,
						   RPMSG_ADDR_ANY), EOPNOTSUPP);
}
END_TEST

/* An existing channel is EEXIST before any ioctl; otherwise the ioctl's errno comes back. */
START_TEST(test_ctrl_channel_ioctl)
{
	open_null_ctrl(TREE_LINUX_6_1);
	tree_add_channel(c.tree, "rpmsg-raw", RPMSG_ADDR_ANY, 1040, true);
	tree_add_channel(c.tree, "rpmsg-raw", 3000, 3001, true);
	ck_assert_errno(rpmsg_ctrl_create_channel(c.ctrl, "rpmsg-raw", RPMSG_ADDR_ANY, 1040),
			EEXIST);
	ck_assert_errno(rpmsg_ctrl_create_channel(c.ctrl, "rpmsg-raw", 3000, 3001), EEXIST);
	ck_assert_errno(rpmsg_ctrl_create_channel(c.ctrl, "rpmsg-raw", 3000, 3002), ENOTTY);
	ck_assert_errno(rpmsg_ctrl_create_channel(c.ctrl, "other", 3000, 3001), ENOTTY);
	ck_assert_errno(rpmsg_ctrl_release_channel(c.ctrl, "rpmsg-raw", 3000, 3001), ENOTTY);
}
END_TEST

/* release_channel refuses the transport's own device names with EPERM, whatever the addresses. */
START_TEST(test_ctrl_release_reserved)
{
	static const char *const reserved[] = { "rpmsg_ctrl", "rpmsg_ns", "rpmsg_chrdev" };
	size_t i;

	open_null_ctrl(TREE_LINUX_6_1);
	for (i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++) {
		ck_assert_errno(rpmsg_ctrl_release_channel(c.ctrl, reserved[i], RPMSG_ADDR_ANY,
							   RPMSG_ADDR_ANY), EPERM);
		ck_assert_errno(rpmsg_ctrl_release_channel(c.ctrl, reserved[i], 53, 53), EPERM);
		ck_assert_errno(rpmsg_ctrl_release_channel(c.ctrl, reserved[i], 0, 0), EPERM);
	}
}
END_TEST

/* open_channel: no such channel here is ENOENT (the transport's own devices are not
 * channels), an unbound one ENODEV, a missing node ENOENT. */
START_TEST(test_ctrl_open_channel_errors)
{
	open_null_ctrl(TREE_LINUX_6_1);
	tree_add_channel(c.tree, "rpmsg-raw", RPMSG_ADDR_ANY, 1040, true);
	tree_add_channel(c.tree, "unbound", RPMSG_ADDR_ANY, 1050, false);
	tree_add_remote(c.tree, "dsp");
	tree_add_channel(c.tree, "elsewhere", RPMSG_ADDR_ANY, 1060, true);

	ck_assert_null_errno(rpmsg_ctrl_open_channel(c.ctrl, "absent", RPMSG_ADDR_ANY), ENOENT);
	ck_assert_null_errno(rpmsg_ctrl_open_channel(c.ctrl, "rpmsg-raw", 1041), ENOENT);
	ck_assert_null_errno(rpmsg_ctrl_open_channel(c.ctrl, "rpmsg-ra", RPMSG_ADDR_ANY), ENOENT);
	ck_assert_null_errno(rpmsg_ctrl_open_channel(c.ctrl, "elsewhere", RPMSG_ADDR_ANY),
			     ENOENT);
	ck_assert_null_errno(rpmsg_ctrl_open_channel(c.ctrl, "unbound", 1050), ENODEV);
	ck_assert_null_errno(rpmsg_ctrl_open_channel(c.ctrl, "unbound", RPMSG_ADDR_ANY), ENODEV);
	ck_assert_null_errno(rpmsg_ctrl_open_channel(c.ctrl, "rpmsg-raw", 1040), ENOENT);
	ck_assert_null_errno(rpmsg_ctrl_open_channel(c.ctrl, "rpmsg_ns", RPMSG_ADDR_ANY), ENOENT);
	ck_assert_null_errno(rpmsg_ctrl_open_channel(c.ctrl, "rpmsg_ctrl", RPMSG_ADDR_ANY),
			     ENOENT);
}
END_TEST

/* open_channel opens the channel's eptdev node under the dev root, identified from sysfs. */
START_TEST(test_ctrl_open_channel)
{
	char ptmx_dev[32];
	struct rpmsg_ept *ept;
	int n;

	open_null_ctrl(TREE_LINUX_6_1);
	tree_devt_of("/dev/ptmx", ptmx_dev, sizeof(ptmx_dev));
	tree_add_channel(c.tree, "rpmsg-raw", RPMSG_ADDR_ANY, 1039, false);
	n = tree_add_channel_dev(c.tree, "rpmsg-raw", RPMSG_ADDR_ANY, 1040, ptmx_dev);
	ck_assert_int_eq(n, 0);
	tree_dev_link(c.tree, "rpmsg0", "/dev/ptmx");

	ept = rpmsg_ctrl_open_channel(c.ctrl, "rpmsg-raw", 1040);
	ck_assert_ptr_nonnull(ept);
	ck_assert_str_eq(rpmsg_ept_get_path(ept), in_tree(tree_dev_root(c.tree), "rpmsg0"));
	ck_assert_str_eq(rpmsg_ept_get_name(ept), "rpmsg-raw");
	ck_assert_uint_eq(rpmsg_ept_get_src(ept), 1024);
	ck_assert_uint_eq(rpmsg_ept_get_dst(ept), 1040);
	ck_assert(!rpmsg_ept_is_down(ept));
	rpmsg_ept_close(ept);
	ept = rpmsg_ctrl_open_channel(c.ctrl, "rpmsg-raw", 1040);
	ck_assert_ptr_nonnull(ept);
	/* The node is not really an endpoint device: the kernel's error comes back. */
	ck_assert_errno(rpmsg_ept_destroy(ept), ENOTTY);
	ck_assert(!rpmsg_ept_is_down(ept));
	ck_assert_int_eq(rpmsg_ept_set_destroy_on_close(ept, true), 0);
	rpmsg_ept_close(ept);
}
END_TEST

/* The transport directory of the open control device, relative to the sysfs root. */
static const char *transport_rel(void)
{
	static char rel[PATH_MAX];
	char *real = realpath(in_tree(tree_path_of(c.tree, "rpmsg_ctrl0"), "device/.."), NULL);
	size_t root_len = strlen(tree_root(c.tree));

	ck_assert_ptr_nonnull(real);
	ck_assert(!strncmp(real, tree_root(c.tree), root_len) && real[root_len] == '/');
	snprintf(rel, sizeof(rel), "%s", real + root_len + 1);
	free(real);
	return rel;
}

/* Lower RLIMIT_NOFILE so that only `spare` more descriptors can be opened. */
static void limit_fds(int spare, struct rlimit *saved)
{
	struct rlimit low;
	int fd = dup(0);

	ck_assert_int_ge(fd, 0);
	close(fd);	/* the lowest free descriptor */
	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, saved), 0);
	low = *saved;
	low.rlim_cur = (rlim_t)(fd + spare);
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &low), 0);
}

static void restore_fds(const struct rlimit *saved)
{
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, saved), 0);
}

/*
 * A transport directory that cannot be read is not "no such channel": the
 * lookup's error comes back, and create_channel makes no ioctl (that would be
 * ENOTTY on /dev/null). Here a file replaced the directory: ENOTDIR.
 */
START_TEST(test_ctrl_channel_lookup_enotdir)
{
	open_null_ctrl(TREE_LINUX_6_1);
	tree_add_channel(c.tree, "rpmsg-raw", RPMSG_ADDR_ANY, 1040, true);
	tree_replace_with_file(c.tree, transport_rel());
	ck_assert_null_errno(rpmsg_ctrl_open_channel(c.ctrl, "rpmsg-raw", RPMSG_ADDR_ANY),
			     ENOTDIR);
	ck_assert_null_errno(rpmsg_ctrl_open_channel(c.ctrl, "absent", RPMSG_ADDR_ANY), ENOTDIR);
	ck_assert_errno(rpmsg_ctrl_create_channel(c.ctrl, "rpmsg-raw", 3000, 3001), ENOTDIR);
}
END_TEST

/*
 * Out of descriptors while looking a channel up: EMFILE, whether opening the
 * transport directory (no spare descriptor) or an attribute of one of its
 * entries (one spare) failed, never ENOENT or an ioctl.
 */
START_TEST(test_ctrl_channel_lookup_emfile)
{
	struct rlimit saved;
	struct rpmsg_ept *ept;
	int open_err, create_ret, create_err;

	open_null_ctrl(TREE_LINUX_6_1);
	tree_add_channel(c.tree, "rpmsg-raw", RPMSG_ADDR_ANY, 1040, true);
	limit_fds(_i, &saved);
	errno = 0;
	ept = rpmsg_ctrl_open_channel(c.ctrl, "rpmsg-raw", RPMSG_ADDR_ANY);
	open_err = errno;
	errno = 0;
	create_ret = rpmsg_ctrl_create_channel(c.ctrl, "rpmsg-raw", 3000, 3001);
	create_err = errno;
	restore_fds(&saved);
	ck_assert_ptr_null(ept);
	ck_assert_msg(open_err == EMFILE, "open_channel: %s", strerror(open_err));
	ck_assert_int_eq(create_ret, -1);
	ck_assert_msg(create_err == EMFILE, "create_channel: %s", strerror(create_err));
}
END_TEST

/*
 * rpmsg_ctrl_open says ENODEV only for a device sysfs does not list as a
 * control device: when class/rpmsg cannot be read, that error comes back.
 */
START_TEST(test_ctrl_open_sysfs_errors)
{
	struct rlimit saved;
	struct rpmsg_ctrl *ctrl;
	int err;

	use_tree(TREE_LINUX_6_1);
	tree_add_ctrl(c.tree, c.null_dev);
	/* One spare descriptor: the node opens, class/rpmsg does not. */
	limit_fds(1, &saved);
	errno = 0;
	ctrl = rpmsg_ctrl_open(c.ctx, "/dev/null");
	err = errno;
	restore_fds(&saved);
	ck_assert_ptr_null(ctrl);
	ck_assert_msg(err == EMFILE, "rpmsg_ctrl_open: %s", strerror(err));
	tree_replace_with_file(c.tree, "class/rpmsg");
	ck_assert_null_errno(rpmsg_ctrl_open(c.ctx, "/dev/null"), ENOTDIR);
}
END_TEST

/* A second remote "dsp" whose rpmsg_ctrl1 is /dev/full, and a third without control
 * device; rpmsg_ctrl0 (/dev/null) and rpmsg_ctrl1 have nodes under the dev root. */
static void two_ctrl_tree(void)
{
	char full_dev[32];

	use_tree(TREE_LINUX_6_1);
	tree_devt_of("/dev/full", full_dev, sizeof(full_dev));
	ck_assert_int_eq(tree_add_ctrl(c.tree, c.null_dev), 0);
	ck_assert_int_eq(tree_add_remote(c.tree, "dsp"), 1);
	ck_assert_int_eq(tree_add_ctrl(c.tree, full_dev), 1);
	ck_assert_int_eq(tree_add_remote(c.tree, "a53"), 2);
	tree_dev_link(c.tree, "rpmsg_ctrl0", "/dev/null");
	tree_dev_link(c.tree, "rpmsg_ctrl1", "/dev/full");
}

static void assert_rproc_opens(const char *rproc, const char *devname)
{
	struct rpmsg_ctrl *ctrl = rpmsg_ctrl_open_rproc(c.ctx, rproc);

	ck_assert_msg(ctrl, "open_rproc(%s): %s", rproc ? rproc : "NULL", strerror(errno));
	ck_assert_str_eq(rpmsg_ctrl_get_path(ctrl), in_tree(tree_dev_root(c.tree), devname));
	rpmsg_ctrl_close(ctrl);
}

/* open_rproc finds a remote by "remoteprocK", by "K" and by its name attribute. */
START_TEST(test_ctrl_open_rproc)
{
	two_ctrl_tree();
	assert_rproc_opens("remoteproc0", "rpmsg_ctrl0");
	assert_rproc_opens("0", "rpmsg_ctrl0");
	assert_rproc_opens("m4", "rpmsg_ctrl0");
	assert_rproc_opens("remoteproc1", "rpmsg_ctrl1");
	assert_rproc_opens("1", "rpmsg_ctrl1");
	assert_rproc_opens("dsp", "rpmsg_ctrl1");
}
END_TEST

/* open_rproc(NULL) opens the first control device of the list. */
START_TEST(test_ctrl_open_rproc_first)
{
	struct rpmsg_devlist *list;
	char first[PATH_MAX];

	two_ctrl_tree();
	list = rpmsg_ctx_list(c.ctx, RPMSG_DEV_CTRL);
	ck_assert_ptr_nonnull(list);
	ck_assert_uint_eq(rpmsg_devlist_count(list), 2);
	snprintf(first, sizeof(first), "%s",
		 rpmsg_devinfo_get_devname(rpmsg_devlist_get(list, 0)));
	rpmsg_devlist_free(list);
	assert_rproc_opens(NULL, first);
}
END_TEST

/* open_rproc: "" or no context is EINVAL; an unknown remote or one without ctrl is ENODEV. */
START_TEST(test_ctrl_open_rproc_errors)
{
	two_ctrl_tree();
	ck_assert_null_errno(rpmsg_ctrl_open_rproc(c.ctx, ""), EINVAL);
	ck_assert_null_errno(rpmsg_ctrl_open_rproc(NULL, "m4"), EINVAL);
	ck_assert_null_errno(rpmsg_ctrl_open_rproc(NULL, NULL), EINVAL);
	ck_assert_null_errno(rpmsg_ctrl_open_rproc(c.ctx, "m7"), ENODEV);
	ck_assert_null_errno(rpmsg_ctrl_open_rproc(c.ctx, "remoteproc9"), ENODEV);
	ck_assert_null_errno(rpmsg_ctrl_open_rproc(c.ctx, "9"), ENODEV);
	ck_assert_null_errno(rpmsg_ctrl_open_rproc(c.ctx, "a53"), ENODEV);
	ck_assert_null_errno(rpmsg_ctrl_open_rproc(c.ctx, "remoteproc2"), ENODEV);
	ck_assert_null_errno(rpmsg_ctrl_open_rproc(c.ctx, "2"), ENODEV);
}
END_TEST

/* open_rproc with no control device anywhere is ENODEV, NULL included. */
START_TEST(test_ctrl_open_rproc_none)
{
	use_tree(TREE_LINUX_6_1);
	tree_add_channel(c.tree, "rpmsg-raw", RPMSG_ADDR_ANY, 1040, true);
	ck_assert_null_errno(rpmsg_ctrl_open_rproc(c.ctx, NULL), ENODEV);
	ck_assert_null_errno(rpmsg_ctrl_open_rproc(c.ctx, "m4"), ENODEV);
}
END_TEST

/* open_rproc passes on rpmsg_ctrl_open's error: a listed device without a node is ENOENT. */
START_TEST(test_ctrl_open_rproc_no_node)
{
	use_tree(TREE_LINUX_6_1);
	tree_add_ctrl(c.tree, c.null_dev);
	ck_assert_null_errno(rpmsg_ctrl_open_rproc(c.ctx, "m4"), ENOENT);
	ck_assert_null_errno(rpmsg_ctrl_open_rproc(c.ctx, NULL), ENOENT);
}
END_TEST

/* open_rproc fails with the errors of rpmsg_ctx_list: ENOTDIR, EMFILE, not ENODEV. */
START_TEST(test_ctrl_open_rproc_list_errors)
{
	struct rlimit saved;
	struct rpmsg_ctrl *ctrl;
	int err;

	two_ctrl_tree();
	limit_fds(0, &saved);
	errno = 0;
	ctrl = rpmsg_ctrl_open_rproc(c.ctx, "m4");
	err = errno;
	restore_fds(&saved);
	ck_assert_ptr_null(ctrl);
	ck_assert_msg(err == EMFILE, "open_rproc: %s", strerror(err));
	tree_replace_with_file(c.tree, "class/rpmsg");
	ck_assert_null_errno(rpmsg_ctrl_open_rproc(c.ctx, "m4"), ENOTDIR);
	ck_assert_null_errno(rpmsg_ctrl_open_rproc(c.ctx, NULL), ENOTDIR);
}
END_TEST

/* The simulated remote's control device is called "sim:". */
START_TEST(test_ctrl_sim_path)
{
	ck_assert_str_eq(rpmsg_ctrl_get_path(fx.ctrl), "sim:");
}
END_TEST

/* The simulated transport takes no channel requests: EOPNOTSUPP; reserved names stay EPERM. */
START_TEST(test_ctrl_sim_channels_unsupported)
{
	ck_assert_errno(rpmsg_ctrl_create_channel(fx.ctrl, "svc", RPMSG_ADDR_ANY, 5), EOPNOTSUPP);
	ck_assert_errno(rpmsg_ctrl_create_channel(fx.ctrl, "svc", 1100, 5), EOPNOTSUPP);
	ck_assert_errno(rpmsg_ctrl_release_channel(fx.ctrl, "svc", RPMSG_ADDR_ANY, RPMSG_ADDR_ANY),
			EOPNOTSUPP);
	ck_assert_errno(rpmsg_ctrl_release_channel(fx.ctrl, "rpmsg_ns", RPMSG_ADDR_ANY,
						   RPMSG_ADDR_ANY), EPERM);
	ck_assert_null_errno(rpmsg_ctrl_open_channel(fx.ctrl, "svc", RPMSG_ADDR_ANY), ENOENT);
}
END_TEST

/* Closing the simulator's control device does nothing: it and its endpoints keep working. */
START_TEST(test_ctrl_sim_close_noop)
{
	struct recorder rec = { 0 }, rec2 = { 0 };
	struct rpmsg_ept *ept;

	rpmsg_ctrl_close(fx.ctrl);
	rpmsg_ctrl_close(fx.ctrl);
	ck_assert_str_eq(rpmsg_ctrl_get_path(fx.ctrl), "sim:");
	ept = rpmsg_ctrl_create_ept(fx.ctrl, "after-close", RPMSG_ADDR_ANY, 31);
	ck_assert_ptr_nonnull(ept);
	rpmsg_ept_set_rx_cb(ept, rec_rx, &rec);
	rpmsg_ept_set_rx_cb(fx.ept, rec_rx, &rec2);
	ck_assert_int_eq(rpmsg_ept_send(ept, "one", 3), 0);
	ck_assert_int_eq(rpmsg_ept_send(fx.ept, "two", 3), 0);
	ck_assert(dispatch_until(fx.ctx, rec.rx_count == 1 && rec2.rx_count == 1, 2000));
	ck_assert_mem_eq(rec.last, "one", 3);
	ck_assert_mem_eq(rec2.last, "two", 3);
	rpmsg_ept_close(ept);
}
END_TEST

/* A local address in use is EINVAL, like the kernel's open(), until its endpoint closes. */
START_TEST(test_ctrl_sim_src_in_use)
{
	struct rpmsg_ept *a = rpmsg_ctrl_create_ept(fx.ctrl, "a", 2000, 30);
	struct rpmsg_ept *b;

	ck_assert_ptr_nonnull(a);
	ck_assert_null_errno(rpmsg_ctrl_create_ept(fx.ctrl, "b", 2000, 31), EINVAL);
	ck_assert_null_errno(rpmsg_ctrl_create_ept(fx.ctrl, "c", rpmsg_ept_get_src(fx.ept), 30),
			     EINVAL);
	rpmsg_ept_close(a);
	b = rpmsg_ctrl_create_ept(fx.ctrl, "b", 2000, 31);
	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq(rpmsg_ept_get_src(b), 2000);
	rpmsg_ept_close(b);
}
END_TEST

/* The simulator's control device applies the same name rules; 31 bytes is fine. */
START_TEST(test_ctrl_sim_names)
{
	struct rpmsg_ept *ept;

	ck_assert_null_errno(rpmsg_ctrl_create_ept(fx.ctrl, NULL, RPMSG_ADDR_ANY, 1), EINVAL);
	ck_assert_null_errno(rpmsg_ctrl_create_ept(fx.ctrl, "", RPMSG_ADDR_ANY, 1), EINVAL);
	ck_assert_null_errno(rpmsg_ctrl_create_ept(fx.ctrl, NAME_32, RPMSG_ADDR_ANY, 1),
			     ENAMETOOLONG);
	ck_assert_errno(rpmsg_ctrl_create_channel(fx.ctrl, "", RPMSG_ADDR_ANY, 1), EINVAL);
	ck_assert_errno(rpmsg_ctrl_create_channel(fx.ctrl, NAME_32, RPMSG_ADDR_ANY, 1),
			ENAMETOOLONG);
	ck_assert_errno(rpmsg_ctrl_release_channel(fx.ctrl, NULL, RPMSG_ADDR_ANY, 1), EINVAL);
	ck_assert_errno(rpmsg_ctrl_release_channel(fx.ctrl, NAME_32, RPMSG_ADDR_ANY, 1),
			ENAMETOOLONG);
	ck_assert_null_errno(rpmsg_ctrl_open_channel(fx.ctrl, "", RPMSG_ADDR_ANY), EINVAL);
	ck_assert_null_errno(rpmsg_ctrl_open_channel(fx.ctrl, NAME_32, RPMSG_ADDR_ANY),
			     ENAMETOOLONG);
	ept = rpmsg_ctrl_create_ept(fx.ctrl, NAME_31, RPMSG_ADDR_ANY, 1);
	ck_assert_ptr_nonnull(ept);
	ck_assert_str_eq(rpmsg_ept_get_name(ept), NAME_31);
	rpmsg_ept_close(ept);
}
END_TEST

static TCase *ctrl_tcase(Suite *s, const char *name, bool sim)
{
	TCase *tc = tcase_create(name);

	if (sim) {
		tcase_add_checked_fixture(tc, fixture_setup, fixture_teardown);
	} else {
		tcase_add_unchecked_fixture(tc, tree_scratch_setup, tree_scratch_teardown);
		tcase_add_checked_fixture(tc, ctrl_setup, ctrl_teardown);
	}
	tcase_set_timeout(tc, 10);
	suite_add_tcase(s, tc);
	return tc;
}

Suite *suite_ctrl(void)
{
	Suite *s = suite_create("ctrl");
	TCase *tc;

	tc = ctrl_tcase(s, "open-errors", false);
	tcase_add_test(tc, test_ctrl_open_null_args);
	tcase_add_test(tc, test_ctrl_open_missing);
	tcase_add_test(tc, test_ctrl_open_not_chardev);
	tcase_add_test(tc, test_ctrl_open_devnull_default_roots);
	tcase_add_test(tc, test_ctrl_open_unlisted);
	tcase_add_test(tc, test_ctrl_open_eptdev);
	tcase_add_test(tc, test_ctrl_open_sysfs_errors);

	tc = ctrl_tcase(s, "open", false);
	tcase_add_test(tc, test_ctrl_open_listed);
	tcase_add_loop_test(tc, test_ctrl_open_layouts, 0, 4);
	tcase_add_test(tc, test_ctrl_close_null);

	tc = ctrl_tcase(s, "create-ept", false);
	tcase_add_test(tc, test_ctrl_create_ept_ioctl_errno);
	tcase_add_test(tc, test_ctrl_create_ept_legacy);

	tc = ctrl_tcase(s, "names", false);
	tcase_add_test(tc, test_ctrl_names);

	tc = ctrl_tcase(s, "channels", false);
	tcase_add_test(tc, test_ctrl_channel_legacy_unsupported);
	tcase_add_test(tc, test_ctrl_channel_ioctl);
	tcase_add_test(tc, test_ctrl_release_reserved);

	tc = ctrl_tcase(s, "open-channel", false);
	tcase_add_test(tc, test_ctrl_open_channel_errors);
	tcase_add_test(tc, test_ctrl_open_channel);
	tcase_add_test(tc, test_ctrl_channel_lookup_enotdir);
	tcase_add_loop_test(tc, test_ctrl_channel_lookup_emfile, 0, 2);

	tc = ctrl_tcase(s, "rproc", false);
	tcase_add_test(tc, test_ctrl_open_rproc);
	tcase_add_test(tc, test_ctrl_open_rproc_first);
	tcase_add_test(tc, test_ctrl_open_rproc_errors);
	tcase_add_test(tc, test_ctrl_open_rproc_none);
	tcase_add_test(tc, test_ctrl_open_rproc_no_node);
	tcase_add_test(tc, test_ctrl_open_rproc_list_errors);

	tc = ctrl_tcase(s, "sim", true);
	tcase_add_test(tc, test_ctrl_sim_path);
	tcase_add_test(tc, test_ctrl_sim_channels_unsupported);
	tcase_add_test(tc, test_ctrl_sim_close_noop);
	tcase_add_test(tc, test_ctrl_sim_src_in_use);
	tcase_add_test(tc, test_ctrl_sim_names);
	return s;
}
