// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: librpmsg authors

/* Discovery: lists of control devices, endpoint devices and channels read
 * from fabricated sysfs trees of every kernel layout. */

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	tc = discovery_tcase(s, "roots");
	tcase_add_test(tc, test_discovery_roots_from_env);
	tcase_add_test(tc, test_discovery_roots_default);
	return s;
}
