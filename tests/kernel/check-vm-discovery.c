// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: librpmsg authors

/* Discovery on the real sysfs: control device, endpoint devices, announced channels. */

#include <stdio.h>
#include <sys/stat.h>

#include "check-vm.h"

static const struct rpmsg_devinfo *find(struct rpmsg_devlist *list, const char *name,
					uint32_t dst)
{
	size_t i;

	for (i = 0; i < rpmsg_devlist_count(list); i++) {
		const struct rpmsg_devinfo *d = rpmsg_devlist_get(list, i);

		if (!strcmp(rpmsg_devinfo_get_name(d), name) && rpmsg_devinfo_get_dst(d) == dst)
			return d;
	}
	return NULL;
}

static bool is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

START_TEST(ctrl_listed)
{
	struct rpmsg_devlist *list = rpmsg_ctx_list(vx.ctx, RPMSG_DEV_CTRL);
	const struct rpmsg_devinfo *d;
	struct stat st;

	ck_assert_ptr_nonnull(list);
	ck_assert_uint_eq(rpmsg_devlist_count(list), 1);
	d = rpmsg_devlist_get(list, 0);
	ck_assert_int_eq(rpmsg_devinfo_get_type(d), RPMSG_DEV_CTRL);
	ck_assert_str_eq(rpmsg_devinfo_get_name(d), "rpmsg_ctrl");
	ck_assert_int_eq(strncmp(rpmsg_devinfo_get_devname(d), "rpmsg_ctrl", 10), 0);
	ck_assert_uint_eq(rpmsg_devinfo_get_dst(d), 0);
	ck_assert_ptr_nonnull(rpmsg_devinfo_get_dev_path(d));
	ck_assert_int_eq(stat(rpmsg_devinfo_get_dev_path(d), &st), 0);
	ck_assert(S_ISCHR(st.st_mode));
	ck_assert(is_dir(rpmsg_devinfo_get_sysfs_path(d)));
	/* the loopback is not a remoteproc */
	ck_assert_ptr_null(rpmsg_devinfo_get_rproc(d));
	ck_assert_null_errno(rpmsg_devlist_get(list, 1), ERANGE);
	rpmsg_devlist_free(list);
	/* the control device's own path matches discovery */
	ck_assert_int_eq(strncmp(rpmsg_ctrl_get_path(vx.ctrl), "/dev/rpmsg_ctrl", 15), 0);
}
END_TEST

START_TEST(ctrl_open_rproc_first)
{
	struct rpmsg_ctrl *ctrl = rpmsg_ctrl_open_rproc(vx.ctx, NULL);

	ck_assert_msg(ctrl != NULL, "open_rproc(NULL): %s", strerror(errno));
	ck_assert_str_eq(rpmsg_ctrl_get_path(ctrl), rpmsg_ctrl_get_path(vx.ctrl));
	rpmsg_ctrl_close(ctrl);
	ck_assert_null_errno(rpmsg_ctrl_open_rproc(vx.ctx, "remoteproc7"), ENODEV);
}
END_TEST

START_TEST(ept_listed_while_it_exists)
{
	struct rpmsg_ept *a = rpmsg_ctrl_create_ept(vx.ctrl, "disc-a", RPMSG_ADDR_ANY, 0x601);
	struct rpmsg_ept *b = rpmsg_ctrl_create_ept(vx.ctrl, "disc-b", 1500, 0x602);
	struct rpmsg_devlist *list;
	const struct rpmsg_devinfo *d;
	const char *ctrlname = strrchr(rpmsg_ctrl_get_path(vx.ctrl), '/') + 1;

	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	list = rpmsg_ctx_list(vx.ctx, RPMSG_DEV_EPT);
	ck_assert_ptr_nonnull(list);
	ck_assert_uint_eq(rpmsg_devlist_count(list), 2);

	d = find(list, "disc-a", 0x601);
	ck_assert_ptr_nonnull(d);
	ck_assert_int_eq(rpmsg_devinfo_get_type(d), RPMSG_DEV_EPT);
	ck_assert_str_eq(rpmsg_devinfo_get_dev_path(d), rpmsg_ept_get_path(a));
	ck_assert_uint_eq(rpmsg_devinfo_get_src(d), RPMSG_ADDR_ANY);
	ck_assert_str_eq(rpmsg_devinfo_get_ctrl(d), ctrlname);
	ck_assert(is_dir(rpmsg_devinfo_get_sysfs_path(d)));

	d = find(list, "disc-b", 0x602);
	ck_assert_ptr_nonnull(d);
	ck_assert_str_eq(rpmsg_devinfo_get_dev_path(d), rpmsg_ept_get_path(b));
	ck_assert_uint_eq(rpmsg_devinfo_get_src(d), 1500);
	ck_assert_str_eq(rpmsg_devinfo_get_ctrl(d), ctrlname);
	rpmsg_devlist_free(list);

	/* a snapshot: closing destroys the devices, a new list no longer has them */
	rpmsg_ept_close(a);
	list = rpmsg_ctx_list(vx.ctx, RPMSG_DEV_EPT);
	ck_assert_uint_eq(rpmsg_devlist_count(list), 1);
	ck_assert_ptr_null(find(list, "disc-a", 0x601));
	rpmsg_devlist_free(list);
	rpmsg_ept_close(b);
	list = rpmsg_ctx_list(vx.ctx, RPMSG_DEV_EPT);
	ck_assert_uint_eq(rpmsg_devlist_count(list), 0);
	rpmsg_devlist_free(list);
}
END_TEST

START_TEST(announced_channels_listed)
{
	struct rpmsg_devlist *list;
	const struct rpmsg_devinfo *d;
	const char *path;
	struct stat st;

	list = rpmsg_ctx_list(vx.ctx, RPMSG_DEV_CHANNEL);
	ck_assert_ptr_nonnull(list);
	/* the control and name-service devices are not channels */
	ck_assert_uint_eq(rpmsg_devlist_count(list), 0);
	rpmsg_devlist_free(list);

	lb_announce("rpmsg-raw", 1040);
	lb_announce("no-such-service", 1041);
	list = rpmsg_ctx_list(vx.ctx, RPMSG_DEV_CHANNEL);
	ck_assert_uint_eq(rpmsg_devlist_count(list), 2);

	d = find(list, "rpmsg-raw", 1040);
	ck_assert_ptr_nonnull(d);
	ck_assert_int_eq(rpmsg_devinfo_get_type(d), RPMSG_DEV_CHANNEL);
	ck_assert_str_eq(rpmsg_devinfo_get_devname(d), "rpmsg_loopback.rpmsg-raw.-1.1040");
	path = rpmsg_devinfo_get_dev_path(d);
	ck_assert_ptr_nonnull(path);	/* rpmsg_chrdev bound it */
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert(S_ISCHR(st.st_mode));
	ck_assert(is_dir(rpmsg_devinfo_get_sysfs_path(d)));

	d = find(list, "no-such-service", 1041);
	ck_assert_ptr_nonnull(d);
	ck_assert_ptr_null(rpmsg_devinfo_get_dev_path(d));	/* no driver: no node */
	rpmsg_devlist_free(list);

	/* the channel's endpoint device is listed too, without a control device */
	list = rpmsg_ctx_list(vx.ctx, RPMSG_DEV_EPT);
	ck_assert_uint_eq(rpmsg_devlist_count(list), 1);
	d = rpmsg_devlist_get(list, 0);
	ck_assert_str_eq(rpmsg_devinfo_get_name(d), "rpmsg-raw");
	ck_assert_uint_eq(rpmsg_devinfo_get_dst(d), 1040);
	ck_assert_ptr_null(rpmsg_devinfo_get_ctrl(d));
	rpmsg_devlist_free(list);

	lb_withdraw("rpmsg-raw", 1040);
	lb_withdraw("no-such-service", 1041);
	list = rpmsg_ctx_list(vx.ctx, RPMSG_DEV_CHANNEL);
	ck_assert_uint_eq(rpmsg_devlist_count(list), 0);
	rpmsg_devlist_free(list);
}
END_TEST

Suite *suite_vm_discovery(void)
{
	Suite *s = suite_create("vm-discovery");
	TCase *tc = vm_tcase("discovery", false);

	tcase_add_test(tc, ctrl_listed);
	tcase_add_test(tc, ctrl_open_rproc_first);
	tcase_add_test(tc, ept_listed_while_it_exists);
	tcase_add_test(tc, announced_channels_listed);
	suite_add_tcase(s, tc);
	return s;
}
