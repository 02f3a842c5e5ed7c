// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: librpmsg authors

/* Discovery: lists of control devices, endpoint devices and channels read
 * from fabricated sysfs trees of every kernel layout. */

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "check-common.h"
#include "sysfs-tree.h"

/* What each layout shows for the same population. */
static const struct layout_case {
	enum tree_layout layout;
	const char *bus;	/* prefix of bus device names */
	const char *ctrl_driver;	/* name of a control device */
	const char *rproc;
	const char *rproc_name;
} layouts[] = {
	{ TREE_LINUX_5_10, "virtio0", "rpmsg_chrdev", "remoteproc0", "m4" },
	{ TREE_LINUX_5_18, "virtio0", "rpmsg_ctrl", "remoteproc0", "m4" },
	{ TREE_LINUX_6_1, "virtio0", "rpmsg_ctrl", "remoteproc0", "m4" },
	{ TREE_LOOPBACK, "rpmsg_loopback", "rpmsg_ctrl", NULL, NULL },
};
#define NLAYOUTS ((int)(sizeof(layouts) / sizeof(layouts[0])))

static struct {
	struct rpmsg_ctx *ctx;
	struct sysfs_tree *tree;
	const struct layout_case *lc;
	int ctrl;		/* rpmsg_ctrlN */
	int ept_any;		/* CREATE_EPT {"ept-any", ANY, 1025} */
	int ept_high;		/* CREATE_EPT {"ept-high", 1026, 0x80000000} */
	int raw_ept;		/* eptdev of the announced rpmsg-raw channel at 1040 */
	int dev_ept;		/* eptdev of the CREATE_DEV rpmsg-raw channel 3000 -> 3001 */
} d;

static void discovery_setup(void)
{
	memset(&d, 0, sizeof(d));
	d.ctx = rpmsg_ctx_new(0);
	ck_assert_ptr_nonnull(d.ctx);
}

static void discovery_teardown(void)
{
	rpmsg_ctx_free(d.ctx);
	tree_free(d.tree);
	memset(&d, 0, sizeof(d));
}

/*
 * One remote "m4" with a control device, two endpoint devices made on it,
 * a channel announced by the remote (bound, with an endpoint device), a
 * channel made with CREATE_DEV (bound), and a firmware channel named
 * rpmsg_chrdev that no driver bound. The context points at the tree.
 */
static void populate(int i)
{
	d.lc = &layouts[i];
	d.tree = tree_new(d.lc->layout);
	ck_assert_int_eq(tree_add_remote(d.tree, "m4"), 0);
	d.ctrl = tree_add_ctrl(d.tree, NULL);
	d.ept_any = tree_add_ept(d.tree, d.ctrl, "ept-any", RPMSG_ADDR_ANY, 1025, NULL);
	d.ept_high = tree_add_ept(d.tree, d.ctrl, "ept-high", 1026, 0x80000000U, NULL);
	d.raw_ept = tree_add_channel(d.tree, "rpmsg-raw", RPMSG_ADDR_ANY, 1040, true);
	d.dev_ept = tree_add_channel(d.tree, "rpmsg-raw", 3000, 3001, true);
	ck_assert_int_eq(tree_add_channel(d.tree, "rpmsg_chrdev", RPMSG_ADDR_ANY, 14, false), -1);
	ck_assert_int_eq(rpmsg_ctx_set_roots(d.ctx, tree_root(d.tree), tree_dev_root(d.tree)), 0);
}

/* The only entry of the list with this devname. */
static const struct rpmsg_devinfo *find(const struct rpmsg_devlist *list, const char *devname)
{
	const struct rpmsg_devinfo *found = NULL;
	size_t i;

	for (i = 0; i < rpmsg_devlist_count(list); i++) {
		const struct rpmsg_devinfo *info = rpmsg_devlist_get(list, i);

		ck_assert_ptr_nonnull(info);
		if (strcmp(rpmsg_devinfo_get_devname(info), devname))
			continue;
		ck_assert_msg(!found, "%s listed twice", devname);
		found = info;
	}
	ck_assert_msg(found, "%s not listed", devname);
	return found;
}

static bool listed(const struct rpmsg_devlist *list, const char *devname)
{
	size_t i;

	for (i = 0; i < rpmsg_devlist_count(list); i++)
		if (!strcmp(rpmsg_devinfo_get_devname(rpmsg_devlist_get(list, i)), devname))
			return true;
	return false;
}

static const char *dev_path(const char *devname)
{
	static char buf[PATH_MAX];

	snprintf(buf, sizeof(buf), "%s/%s", tree_dev_root(d.tree), devname);
	return buf;
}

static const char *devname_of(const char *prefix, int n)
{
	static char buf[8][64];	/* a few names live at once */
	static int next;
	char *b = buf[next++ % 8];

	snprintf(b, sizeof(buf[0]), "%s%d", prefix, n);
	return b;
}

/* Everything an entry reports, against what the tree holds. */
static void check_info(const struct rpmsg_devinfo *info, enum rpmsg_dev_type type,
		       const char *devname, const char *name, uint32_t src, uint32_t dst,
		       const char *node, const char *ctrl)
{
	ck_assert_int_eq(rpmsg_devinfo_get_type(info), type);
	ck_assert_str_eq(rpmsg_devinfo_get_devname(info), devname);
	ck_assert_str_eq(rpmsg_devinfo_get_name(info), name);
	ck_assert_uint_eq(rpmsg_devinfo_get_src(info), src);
	ck_assert_uint_eq(rpmsg_devinfo_get_dst(info), dst);
	if (node)
		ck_assert_str_eq(rpmsg_devinfo_get_dev_path(info), dev_path(node));
	else
		ck_assert_ptr_null(rpmsg_devinfo_get_dev_path(info));
	ck_assert_str_eq(rpmsg_devinfo_get_sysfs_path(info), tree_path_of(d.tree, devname));
	ck_assert_pstr_eq(rpmsg_devinfo_get_ctrl(info), ctrl);
	ck_assert_pstr_eq(rpmsg_devinfo_get_rproc(info), d.lc->rproc);
	ck_assert_pstr_eq(rpmsg_devinfo_get_rproc_name(info), d.lc->rproc_name);
}

/* CTRL lists the control device with its driver's name, addresses 0 and its node. */
START_TEST(test_discovery_list_ctrl)
{
	struct rpmsg_devlist *list;
	const char *ctrl;

	populate(_i);
	ctrl = devname_of("rpmsg_ctrl", d.ctrl);
	list = rpmsg_ctx_list(d.ctx, RPMSG_DEV_CTRL);
	ck_assert_ptr_nonnull(list);
	ck_assert_uint_eq(rpmsg_devlist_count(list), 1);
	check_info(find(list, ctrl), RPMSG_DEV_CTRL, ctrl, d.lc->ctrl_driver, 0, 0, ctrl, NULL);
	rpmsg_devlist_free(list);
}
END_TEST

/* EPT lists every rpmsgN with signed decimal addresses, and names the ctrl of ctrl-made ones. */
START_TEST(test_discovery_list_ept)
{
	const char *ctrl, *any, *high, *raw, *dev;
	struct rpmsg_devlist *list;

	populate(_i);
	ctrl = devname_of("rpmsg_ctrl", d.ctrl);
	any = devname_of("rpmsg", d.ept_any);
	high = devname_of("rpmsg", d.ept_high);
	raw = devname_of("rpmsg", d.raw_ept);
	list = rpmsg_ctx_list(d.ctx, RPMSG_DEV_EPT);
	ck_assert_ptr_nonnull(list);
	ck_assert_uint_eq(rpmsg_devlist_count(list), 4);
	/* sysfs shows src -1 for ANY, and dst -2147483648 for 0x80000000. */
	check_info(find(list, any), RPMSG_DEV_EPT, any, "ept-any", RPMSG_ADDR_ANY, 1025, any, ctrl);
	check_info(find(list, high), RPMSG_DEV_EPT, high, "ept-high", 1026, 0x80000000U, high,
		   ctrl);
	/* The announced channel's eptdev shows the address allocated at probe. */
	check_info(find(list, raw), RPMSG_DEV_EPT, raw, "rpmsg-raw", 1024, 1040, raw, NULL);
	dev = devname_of("rpmsg", d.dev_ept);
	check_info(find(list, dev), RPMSG_DEV_EPT, dev, "rpmsg-raw", 3000, 3001, dev, NULL);
	ck_assert(!listed(list, ctrl));
	rpmsg_devlist_free(list);
}
END_TEST

/* CHANNEL lists bus devices with hex addresses, but not the transport's own devices. */
START_TEST(test_discovery_list_channel)
{
	struct rpmsg_devlist *list;
	char announced[64], created[64], chrdev[64], own[64], ns[64];

	populate(_i);
	snprintf(announced, sizeof(announced), "%s.rpmsg-raw.-1.1040", d.lc->bus);
	snprintf(created, sizeof(created), "%s.rpmsg-raw.3000.3001", d.lc->bus);
	snprintf(chrdev, sizeof(chrdev), "%s.rpmsg_chrdev.-1.14", d.lc->bus);
	snprintf(own, sizeof(own), "%s.%s.0.0", d.lc->bus, d.lc->ctrl_driver);
	snprintf(ns, sizeof(ns), "%s.rpmsg_ns.53.53", d.lc->bus);
	list = rpmsg_ctx_list(d.ctx, RPMSG_DEV_CHANNEL);
	ck_assert_ptr_nonnull(list);
	ck_assert_uint_eq(rpmsg_devlist_count(list), 3);
	check_info(find(list, announced), RPMSG_DEV_CHANNEL, announced, "rpmsg-raw", 1024, 1040,
		   devname_of("rpmsg", d.raw_ept), NULL);
	check_info(find(list, created), RPMSG_DEV_CHANNEL, created, "rpmsg-raw", 3000, 3001,
		   devname_of("rpmsg", d.dev_ept), NULL);
	/* A firmware channel called rpmsg_chrdev is a channel, unlike the 5.10 control device. */
	check_info(find(list, chrdev), RPMSG_DEV_CHANNEL, chrdev, "rpmsg_chrdev", RPMSG_ADDR_ANY,
		   14, NULL, NULL);
	ck_assert(!listed(list, own));
	ck_assert(!listed(list, ns));
	rpmsg_devlist_free(list);
}
END_TEST

/* Devices of a second remote name that remote and its `name` attribute. */
START_TEST(test_discovery_two_remotes)
{
	struct rpmsg_devlist *list;
	const struct rpmsg_devinfo *info;
	int ctrl, ept;

	populate(_i);
	ck_assert_int_eq(tree_add_remote(d.tree, "dsp"), 1);
	ctrl = tree_add_ctrl(d.tree, NULL);
	ept = tree_add_ept(d.tree, ctrl, "on-dsp", 1100, 40, NULL);
	tree_add_channel(d.tree, "rpmsg-raw", RPMSG_ADDR_ANY, 1040, false);

	list = rpmsg_ctx_list(d.ctx, RPMSG_DEV_CTRL);
	ck_assert_ptr_nonnull(list);
	ck_assert_uint_eq(rpmsg_devlist_count(list), 2);
	info = find(list, devname_of("rpmsg_ctrl", ctrl));
	ck_assert_str_eq(rpmsg_devinfo_get_rproc(info), "remoteproc1");
	ck_assert_str_eq(rpmsg_devinfo_get_rproc_name(info), "dsp");
	info = find(list, devname_of("rpmsg_ctrl", d.ctrl));
	ck_assert_str_eq(rpmsg_devinfo_get_rproc(info), "remoteproc0");
	ck_assert_str_eq(rpmsg_devinfo_get_rproc_name(info), "m4");
	rpmsg_devlist_free(list);

	list = rpmsg_ctx_list(d.ctx, RPMSG_DEV_EPT);
	ck_assert_ptr_nonnull(list);
	ck_assert_uint_eq(rpmsg_devlist_count(list), 5);
	info = find(list, devname_of("rpmsg", ept));
	ck_assert_str_eq(rpmsg_devinfo_get_ctrl(info), devname_of("rpmsg_ctrl", ctrl));
	ck_assert_str_eq(rpmsg_devinfo_get_rproc(info), "remoteproc1");
	ck_assert_str_eq(rpmsg_devinfo_get_rproc_name(info), "dsp");
	rpmsg_devlist_free(list);

	list = rpmsg_ctx_list(d.ctx, RPMSG_DEV_CHANNEL);
	ck_assert_ptr_nonnull(list);
	ck_assert_uint_eq(rpmsg_devlist_count(list), 4);
	info = find(list, "virtio1.rpmsg-raw.-1.1040");
	ck_assert_str_eq(rpmsg_devinfo_get_rproc(info), "remoteproc1");
	ck_assert_str_eq(rpmsg_devinfo_get_rproc_name(info), "dsp");
	ck_assert_uint_eq(rpmsg_devinfo_get_src(info), RPMSG_ADDR_ANY);
	ck_assert_ptr_null(rpmsg_devinfo_get_dev_path(info));
	rpmsg_devlist_free(list);
}
END_TEST

/* A list is a snapshot: devices added later appear only in a new list. */
START_TEST(test_discovery_snapshot)
{
	struct rpmsg_devlist *before, *after;
	int ept;

	populate(2);
	before = rpmsg_ctx_list(d.ctx, RPMSG_DEV_EPT);
	ck_assert_ptr_nonnull(before);
	ept = tree_add_ept(d.tree, d.ctrl, "late", RPMSG_ADDR_ANY, 7, NULL);
	after = rpmsg_ctx_list(d.ctx, RPMSG_DEV_EPT);
	ck_assert_ptr_nonnull(after);
	ck_assert_uint_eq(rpmsg_devlist_count(before), 4);
	ck_assert_uint_eq(rpmsg_devlist_count(after), 5);
	ck_assert(!listed(before, devname_of("rpmsg", ept)));
	ck_assert_str_eq(rpmsg_devinfo_get_name(find(after, devname_of("rpmsg", ept))), "late");
	rpmsg_devlist_free(before);
	rpmsg_devlist_free(after);
}
END_TEST

static void assert_all_empty(struct rpmsg_ctx *ctx)
{
	static const enum rpmsg_dev_type types[] = {
		RPMSG_DEV_CTRL, RPMSG_DEV_EPT, RPMSG_DEV_CHANNEL,
	};
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		struct rpmsg_devlist *list = rpmsg_ctx_list(ctx, types[i]);

		ck_assert_ptr_nonnull(list);
		ck_assert_uint_eq(rpmsg_devlist_count(list), 0);
		ck_assert_null_errno(rpmsg_devlist_get(list, 0), ERANGE);
		rpmsg_devlist_free(list);
	}
}

/* An rpmsg class and bus without devices give empty lists. */
START_TEST(test_discovery_empty_tree)
{
	d.tree = tree_new(TREE_LINUX_6_1);
	ck_assert_int_eq(rpmsg_ctx_set_roots(d.ctx, tree_root(d.tree), tree_dev_root(d.tree)), 0);
	assert_all_empty(d.ctx);
}
END_TEST

/* A remote with only its name-service device has no control device and no channel. */
START_TEST(test_discovery_remote_without_ctrl)
{
	d.tree = tree_new(layouts[_i].layout);
	tree_add_remote(d.tree, "m4");
	ck_assert_int_eq(rpmsg_ctx_set_roots(d.ctx, tree_root(d.tree), tree_dev_root(d.tree)), 0);
	assert_all_empty(d.ctx);
}
END_TEST

/* A sysfs root without class/rpmsg or bus/rpmsg (rpmsg not loaded) gives empty lists. */
START_TEST(test_discovery_missing_sysfs)
{
	char missing[PATH_MAX];

	d.tree = tree_new(TREE_LINUX_6_1);
	snprintf(missing, sizeof(missing), "%s/no-such-dir", tree_root(d.tree));
	ck_assert_int_eq(rpmsg_ctx_set_roots(d.ctx, missing, tree_dev_root(d.tree)), 0);
	assert_all_empty(d.ctx);
	/* A root that is a directory but holds nothing: the same. */
	ck_assert_int_eq(rpmsg_ctx_set_roots(d.ctx, tree_dev_root(d.tree), NULL), 0);
	assert_all_empty(d.ctx);
}
END_TEST

/* An unknown type is EINVAL; an index past the end is NULL with ERANGE. */
START_TEST(test_discovery_list_errors)
{
	struct rpmsg_devlist *list;

	populate(1);
	ck_assert_null_errno(rpmsg_ctx_list(d.ctx, (enum rpmsg_dev_type)0), EINVAL);
	ck_assert_null_errno(rpmsg_ctx_list(d.ctx, (enum rpmsg_dev_type)99), EINVAL);
	list = rpmsg_ctx_list(d.ctx, RPMSG_DEV_EPT);
	ck_assert_ptr_nonnull(list);
	ck_assert_uint_eq(rpmsg_devlist_count(list), 4);
	ck_assert_ptr_nonnull(rpmsg_devlist_get(list, 3));
	ck_assert_null_errno(rpmsg_devlist_get(list, 4), ERANGE);
	ck_assert_null_errno(rpmsg_devlist_get(list, (size_t)-1), ERANGE);
	rpmsg_devlist_free(list);
	rpmsg_devlist_free(NULL);
}
END_TEST

/* set_roots refuses empty strings with EINVAL and then leaves both roots as they were. */
START_TEST(test_discovery_set_roots_errors)
{
	ck_assert_int_eq(rpmsg_ctx_set_roots(d.ctx, "/x/sys", "/x/dev"), 0);
	ck_assert_errno(rpmsg_ctx_set_roots(d.ctx, "", NULL), EINVAL);
	ck_assert_errno(rpmsg_ctx_set_roots(d.ctx, NULL, ""), EINVAL);
	ck_assert_errno(rpmsg_ctx_set_roots(d.ctx, "/y/sys", ""), EINVAL);
	ck_assert_str_eq(rpmsg_ctx_get_sysfs_root(d.ctx), "/x/sys");
	ck_assert_str_eq(rpmsg_ctx_get_dev_root(d.ctx), "/x/dev");
	ck_assert_int_eq(rpmsg_ctx_set_roots(d.ctx, NULL, NULL), 0);
	ck_assert_str_eq(rpmsg_ctx_get_sysfs_root(d.ctx), "/sys");
	ck_assert_str_eq(rpmsg_ctx_get_dev_root(d.ctx), "/dev");
}
END_TEST

static void restore_env(const char *name, char *saved)
{
	if (saved)
		setenv(name, saved, 1);
	else
		unsetenv(name);
	free(saved);
}

/* A new context lists under RPMSG_SYSFS_ROOT/RPMSG_DEV_ROOT; NULL roots reset to the defaults. */
START_TEST(test_discovery_roots_from_env)
{
	const char *s = getenv("RPMSG_SYSFS_ROOT"), *v = getenv("RPMSG_DEV_ROOT");
	char *saved_sys = s ? strdup(s) : NULL, *saved_dev = v ? strdup(v) : NULL;
	struct rpmsg_devlist *list;
	struct rpmsg_ctx *ctx;
	const char *ctrl;

	populate(2);
	ctrl = devname_of("rpmsg_ctrl", d.ctrl);
	setenv("RPMSG_SYSFS_ROOT", tree_root(d.tree), 1);
	setenv("RPMSG_DEV_ROOT", tree_dev_root(d.tree), 1);
	ctx = rpmsg_ctx_new(0);
	restore_env("RPMSG_SYSFS_ROOT", saved_sys);
	restore_env("RPMSG_DEV_ROOT", saved_dev);
	ck_assert_ptr_nonnull(ctx);
	ck_assert_str_eq(rpmsg_ctx_get_sysfs_root(ctx), tree_root(d.tree));
	ck_assert_str_eq(rpmsg_ctx_get_dev_root(ctx), tree_dev_root(d.tree));
	list = rpmsg_ctx_list(ctx, RPMSG_DEV_CTRL);
	ck_assert_ptr_nonnull(list);
	ck_assert_uint_eq(rpmsg_devlist_count(list), 1);
	ck_assert_str_eq(rpmsg_devinfo_get_dev_path(find(list, ctrl)), dev_path(ctrl));
	rpmsg_devlist_free(list);
	ck_assert_int_eq(rpmsg_ctx_set_roots(ctx, NULL, NULL), 0);
	ck_assert_str_eq(rpmsg_ctx_get_sysfs_root(ctx), "/sys");
	ck_assert_str_eq(rpmsg_ctx_get_dev_root(ctx), "/dev");
	rpmsg_ctx_free(ctx);
}
END_TEST

/* Without the variables a new context uses "/sys" and "/dev". */
START_TEST(test_discovery_roots_default)
{
	const char *s = getenv("RPMSG_SYSFS_ROOT"), *v = getenv("RPMSG_DEV_ROOT");
	char *saved_sys = s ? strdup(s) : NULL, *saved_dev = v ? strdup(v) : NULL;
	struct rpmsg_ctx *ctx;

	unsetenv("RPMSG_SYSFS_ROOT");
	unsetenv("RPMSG_DEV_ROOT");
	ctx = rpmsg_ctx_new(0);
	restore_env("RPMSG_SYSFS_ROOT", saved_sys);
	restore_env("RPMSG_DEV_ROOT", saved_dev);
	ck_assert_ptr_nonnull(ctx);
	ck_assert_str_eq(rpmsg_ctx_get_sysfs_root(ctx), "/sys");
	ck_assert_str_eq(rpmsg_ctx_get_dev_root(ctx), "/dev");
	rpmsg_ctx_free(ctx);
}
END_TEST


static const enum rpmsg_dev_type all_types[] = {
	RPMSG_DEV_CTRL, RPMSG_DEV_EPT, RPMSG_DEV_CHANNEL,
};
#define NTYPES ((int)(sizeof(all_types) / sizeof(all_types[0])))

/*
 * Only a missing directory means "no device": EMFILE while opening
 * class/rpmsg or bus/rpmsg/devices fails the listing. (RLIMIT_NOFILE rather
 * than permission bits, which do not stop root.)
 */
START_TEST(test_discovery_scandir_emfile)
{
	struct rlimit saved, low;
	int fd;

	populate(_i);
	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &saved), 0);
	/* The lowest free descriptor becomes the limit: the next open fails. */
	fd = dup(0);
	ck_assert_int_ge(fd, 0);
	close(fd);
	low = saved;
	low.rlim_cur = (rlim_t)fd;
	for (int t = 0; t < NTYPES; t++) {
		struct rpmsg_devlist *list;
		int err;

		ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &low), 0);
		errno = 0;
		list = rpmsg_ctx_list(d.ctx, all_types[t]);
		err = errno;
		ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &saved), 0);
		ck_assert_msg(!list, "type %d: listed %zu entries at EMFILE", all_types[t],
			      rpmsg_devlist_count(list));
		ck_assert_int_eq(err, EMFILE);
	}
}
END_TEST

/* A file where class/rpmsg or bus/rpmsg/devices should be fails with ENOTDIR. */
START_TEST(test_discovery_scandir_enotdir)
{
	populate(_i);
	tree_replace_with_file(d.tree, "class/rpmsg");
	ck_assert_null_errno(rpmsg_ctx_list(d.ctx, RPMSG_DEV_CTRL), ENOTDIR);
	ck_assert_null_errno(rpmsg_ctx_list(d.ctx, RPMSG_DEV_EPT), ENOTDIR);
	tree_replace_with_file(d.tree, "bus/rpmsg/devices");
	ck_assert_null_errno(rpmsg_ctx_list(d.ctx, RPMSG_DEV_CHANNEL), ENOTDIR);
}
END_TEST

/*
 * A FIFO in place of an attribute must not block: the entry is left out
 * and the rest listed. The alarm turns a blocking read into a failure
 * instead of a hang (also without fork mode).
 */
START_TEST(test_discovery_fifo_attr)
{
	char announced[64], null_dev[32];
	struct rpmsg_devlist *list;
	struct rpmsg_ctrl *ctrl;

	alarm(5);
	populate(_i);
	snprintf(announced, sizeof(announced), "%s.rpmsg-raw.-1.1040", d.lc->bus);
	tree_make_fifo(d.tree, devname_of("rpmsg", d.ept_any), "name");
	tree_make_fifo(d.tree, devname_of("rpmsg", d.ept_high), "src");
	tree_make_fifo(d.tree, announced, "dst");

	list = rpmsg_ctx_list(d.ctx, RPMSG_DEV_EPT);
	ck_assert_ptr_nonnull(list);
	ck_assert_uint_eq(rpmsg_devlist_count(list), 2);
	ck_assert(!listed(list, devname_of("rpmsg", d.ept_any)));
	ck_assert(!listed(list, devname_of("rpmsg", d.ept_high)));
	rpmsg_devlist_free(list);
	list = rpmsg_ctx_list(d.ctx, RPMSG_DEV_CHANNEL);
	ck_assert_ptr_nonnull(list);
	ck_assert_uint_eq(rpmsg_devlist_count(list), 2);
	ck_assert(!listed(list, announced));
	rpmsg_devlist_free(list);
	/* Opening a node looks for its device number in every `dev`: a FIFO there is no match. */
	tree_devt_of("/dev/null", null_dev, sizeof(null_dev));
	tree_write_attr(d.tree, devname_of("rpmsg_ctrl", d.ctrl), "dev", null_dev);
	ctrl = rpmsg_ctrl_open(d.ctx, "/dev/null");
	ck_assert_ptr_nonnull(ctrl);
	rpmsg_ctrl_close(ctrl);
	tree_make_fifo(d.tree, devname_of("rpmsg_ctrl", d.ctrl), "dev");
	ck_assert_null_errno(rpmsg_ctrl_open(d.ctx, "/dev/null"), ENODEV);
	alarm(0);
}
END_TEST

/* An attribute value and what it must read as; ok false: the entry is left out. */
struct attr_case {
	const char *text;
	bool ok;
	uint32_t value;
};

/* Endpoint-device src/dst: %d, so -2^31..2^31-1; the unsigned spelling is accepted too. */
static const struct attr_case dec_cases[] = {
	{ "4294967295", true, 0xFFFFFFFFU },
	{ "-1", true, RPMSG_ADDR_ANY },
	{ "-2147483648", true, 0x80000000U },
	{ "0", true, 0 },
	{ "4294967296", false, 0 },	/* 2^32: was read as 0 */
	{ "4294967297", false, 0 },
	{ "-2147483649", false, 0 },
	{ "18446744073709551617", false, 0 },
	{ "0x400", false, 0 },		/* hexadecimal is the bus devices' format */
	{ "+1024", false, 0 },
	{ " 1024", false, 0 },
	{ "1024abc", false, 0 },
	{ "--1", false, 0 },
	{ "", false, 0 },
};

/* Bus device src/dst: 0x%x. */
static const struct attr_case hex_cases[] = {
	{ "0xffffffff", true, 0xFFFFFFFFU },
	{ "0x0", true, 0 },
	{ "0x00000410", true, 0x410 },
	{ "0x100000001", false, 0 },	/* was read as 1 */
	{ "0x100000000", false, 0 },
	{ "1040", false, 0 },		/* decimal is the endpoint devices' format */
	{ "0x", false, 0 },
	{ "-0x1", false, 0 },
	{ "0x1g", false, 0 },
	{ "", false, 0 },
};

/* Numbers outside 32 bits and malformed numbers are not truncated: the entry is left out. */
START_TEST(test_discovery_attr_range)
{
	const char *ept;
	char chan[64];
	size_t i;

	populate(_i);
	ept = devname_of("rpmsg", d.ept_high);
	snprintf(chan, sizeof(chan), "%s.rpmsg-raw.-1.1040", d.lc->bus);
	for (i = 0; i < sizeof(dec_cases) / sizeof(dec_cases[0]); i++) {
		const struct attr_case *c = &dec_cases[i];
		struct rpmsg_devlist *list;

		tree_write_attr(d.tree, ept, "dst", c->text);
		list = rpmsg_ctx_list(d.ctx, RPMSG_DEV_EPT);
		ck_assert_ptr_nonnull(list);
		ck_assert_msg(listed(list, ept) == c->ok, "dst \"%s\": %s", c->text,
			      c->ok ? "left out" : "listed");
		ck_assert_uint_eq(rpmsg_devlist_count(list), c->ok ? 4 : 3);
		if (c->ok)
			ck_assert_uint_eq(rpmsg_devinfo_get_dst(find(list, ept)), c->value);
		rpmsg_devlist_free(list);
	}
	for (i = 0; i < sizeof(hex_cases) / sizeof(hex_cases[0]); i++) {
		const struct attr_case *c = &hex_cases[i];
		struct rpmsg_devlist *list;

		tree_write_attr(d.tree, chan, "dst", c->text);
		list = rpmsg_ctx_list(d.ctx, RPMSG_DEV_CHANNEL);
		ck_assert_ptr_nonnull(list);
		ck_assert_msg(listed(list, chan) == c->ok, "dst \"%s\": %s", c->text,
			      c->ok ? "left out" : "listed");
		ck_assert_uint_eq(rpmsg_devlist_count(list), c->ok ? 3 : 2);
		if (c->ok)
			ck_assert_uint_eq(rpmsg_devinfo_get_dst(find(list, chan)), c->value);
		rpmsg_devlist_free(list);
	}
}
END_TEST

/*
 * A control device looks channels up with the same parser: an out-of-range
 * dst matches nothing, so creating the channel reaches the ioctl (ENOTTY on
 * /dev/null) instead of failing EEXIST.
 */
START_TEST(test_discovery_find_channel_range)
{
	struct rpmsg_ctrl *ctrl;
	char null_dev[32], chan[64];

	populate(_i);
	snprintf(chan, sizeof(chan), "%s.rpmsg-raw.-1.1040", d.lc->bus);
	tree_devt_of("/dev/null", null_dev, sizeof(null_dev));
	tree_write_attr(d.tree, devname_of("rpmsg_ctrl", d.ctrl), "dev", null_dev);
	ctrl = rpmsg_ctrl_open(d.ctx, "/dev/null");
	ck_assert_ptr_nonnull(ctrl);
	ck_assert_errno(rpmsg_ctrl_create_channel(ctrl, "rpmsg-raw", RPMSG_ADDR_ANY, 1040), EEXIST);
	tree_write_attr(d.tree, chan, "dst", "0x100000410");
	ck_assert_errno(rpmsg_ctrl_create_channel(ctrl, "rpmsg-raw", RPMSG_ADDR_ANY, 0x410),
			ENOTTY);
	tree_write_attr(d.tree, chan, "dst", "1040");
	ck_assert_errno(rpmsg_ctrl_create_channel(ctrl, "rpmsg-raw", RPMSG_ADDR_ANY, 1040), ENOTTY);
	rpmsg_ctrl_close(ctrl);
}
END_TEST

/*
 * rpmsgN names the kernel cannot make (N past INT_MAX, overflowing, with a
 * leading zero) are not endpoint devices: they are not listed, and a
 * channel's device path is never built from a wrapped or rewritten index.
 */
START_TEST(test_discovery_index_overflow)
{
	static const char *const bad[] = {
		"rpmsg18446744073709551617", "rpmsg007", "rpmsg2147483648",
	};
	char announced[64], created[64];
	struct rpmsg_devlist *list;

	populate(_i);
	snprintf(announced, sizeof(announced), "%s.rpmsg-raw.-1.1040", d.lc->bus);
	snprintf(created, sizeof(created), "%s.rpmsg-raw.3000.3001", d.lc->bus);
	tree_rename(d.tree, devname_of("rpmsg", d.raw_ept), bad[0]);
	tree_rename(d.tree, devname_of("rpmsg", d.dev_ept), bad[1]);
	tree_rename(d.tree, devname_of("rpmsg", d.ept_any), bad[2]);

	list = rpmsg_ctx_list(d.ctx, RPMSG_DEV_CHANNEL);
	ck_assert_ptr_nonnull(list);
	ck_assert_pstr_eq(rpmsg_devinfo_get_dev_path(find(list, announced)), NULL);
	ck_assert_pstr_eq(rpmsg_devinfo_get_dev_path(find(list, created)), NULL);
	rpmsg_devlist_free(list);
	list = rpmsg_ctx_list(d.ctx, RPMSG_DEV_EPT);
	ck_assert_ptr_nonnull(list);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(!listed(list, bad[i]), "%s listed", bad[i]);
	ck_assert_uint_eq(rpmsg_devlist_count(list), 1);
	rpmsg_devlist_free(list);
}
END_TEST

/* The NULL rule: EINVAL and a neutral value, never a crash. */
START_TEST(test_discovery_null)
{
	ck_assert_null_errno(rpmsg_ctx_list(NULL, RPMSG_DEV_CTRL), EINVAL);
	ck_assert_value_errno(rpmsg_devlist_count(NULL), 0, EINVAL);
	ck_assert_null_errno(rpmsg_devlist_get(NULL, 0), EINVAL);
	errno = 0;
	rpmsg_devlist_free(NULL);
	ck_assert_int_eq(errno, 0);
	ck_assert_value_errno(rpmsg_devinfo_get_type(NULL), 0, EINVAL);
	ck_assert_value_errno(rpmsg_devinfo_get_src(NULL), RPMSG_ADDR_ANY, EINVAL);
	ck_assert_value_errno(rpmsg_devinfo_get_dst(NULL), RPMSG_ADDR_ANY, EINVAL);
	ck_assert_null_errno(rpmsg_devinfo_get_devname(NULL), EINVAL);
	ck_assert_null_errno(rpmsg_devinfo_get_name(NULL), EINVAL);
	ck_assert_null_errno(rpmsg_devinfo_get_dev_path(NULL), EINVAL);
	ck_assert_null_errno(rpmsg_devinfo_get_sysfs_path(NULL), EINVAL);
	ck_assert_null_errno(rpmsg_devinfo_get_ctrl(NULL), EINVAL);
	ck_assert_null_errno(rpmsg_devinfo_get_rproc(NULL), EINVAL);
	ck_assert_null_errno(rpmsg_devinfo_get_rproc_name(NULL), EINVAL);
}
END_TEST

static TCase *discovery_tcase(Suite *s, const char *name)
{
	TCase *tc = tcase_create(name);

	tcase_add_unchecked_fixture(tc, tree_scratch_setup, tree_scratch_teardown);
	tcase_add_checked_fixture(tc, discovery_setup, discovery_teardown);
	tcase_set_timeout(tc, 10);
	suite_add_tcase(s, tc);
	return tc;
}

Suite *suite_discovery(void)
{
	Suite *s = suite_create("discovery");
	TCase *tc;

	/* The listing tests run once per layout (_i indexes layouts[]). */
	tc = discovery_tcase(s, "ctrl");
	tcase_add_loop_test(tc, test_discovery_list_ctrl, 0, NLAYOUTS);
	tc = discovery_tcase(s, "ept");
	tcase_add_loop_test(tc, test_discovery_list_ept, 0, NLAYOUTS);
	tc = discovery_tcase(s, "channel");
	tcase_add_loop_test(tc, test_discovery_list_channel, 0, NLAYOUTS);
	tc = discovery_tcase(s, "remotes");
	/* Not the loopback layout (the last): it has a single transport. */
	tcase_add_loop_test(tc, test_discovery_two_remotes, 0, NLAYOUTS - 1);
	tc = discovery_tcase(s, "snapshot");
	tcase_add_test(tc, test_discovery_snapshot);
	tc = discovery_tcase(s, "empty");
	tcase_add_test(tc, test_discovery_empty_tree);
	tcase_add_loop_test(tc, test_discovery_remote_without_ctrl, 0, NLAYOUTS);
	tcase_add_test(tc, test_discovery_missing_sysfs);
	tc = discovery_tcase(s, "errors");
	tcase_add_test(tc, test_discovery_list_errors);
	tcase_add_test(tc, test_discovery_set_roots_errors);
	tcase_add_test(tc, test_discovery_null);
	tc = discovery_tcase(s, "malformed");
	tcase_add_loop_test(tc, test_discovery_scandir_emfile, 0, NLAYOUTS);
	tcase_add_loop_test(tc, test_discovery_scandir_enotdir, 0, NLAYOUTS);
	tcase_add_loop_test(tc, test_discovery_fifo_attr, 0, NLAYOUTS);
	tcase_add_loop_test(tc, test_discovery_attr_range, 0, NLAYOUTS);
	/* Not the 5.10 layout (the first): it has no channel creation. */
	tcase_add_loop_test(tc, test_discovery_find_channel_range, 1, NLAYOUTS);
	tcase_add_loop_test(tc, test_discovery_index_overflow, 0, NLAYOUTS);
	tc = discovery_tcase(s, "roots");
	tcase_add_test(tc, test_discovery_roots_from_env);
	tcase_add_test(tc, test_discovery_roots_default);
	return s;
}
