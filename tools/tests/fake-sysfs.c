// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: librpmsg authors

/*
 * Make a sysfs tree like Linux 6.1's for the rpmsg tool's tests, with the
 * library suites' helper, and print "SYSFS_ROOT DEV_ROOT". The tree stays:
 * the caller removes the parent directory of SYSFS_ROOT.
 *
 *   remoteproc0 "m4":  rpmsg_ctrl0, rpmsg0 (CREATE_EPT "tool-ept", src any, dst 30),
 *                      channel rpmsg-raw (any -> 1040) with rpmsg1,
 *                      channel rpmsg-client-sample (any -> 1041) without a device
 *   remoteproc1 "dsp": rpmsg_ctrl1
 *
 * /dev/rpmsg_ctrl0 of the tree is a link to /dev/null: a character device
 * that is not an rpmsg control device.
 *
 * The helper reports through Check, so it runs as a one-test suite.
 */

#include <check.h>
#include <stdio.h>
#include <stdlib.h>

#include "../../tests/sysfs-tree.h"

/* Still referenced at exit, so that leak checkers see no leak. */
static struct sysfs_tree *tree;

START_TEST(make_tree)
{
	int ctrl;

	tree = tree_new(TREE_LINUX_6_1);
	tree_add_remote(tree, "m4");
	ctrl = tree_add_ctrl(tree, NULL);
	tree_add_ept(tree, ctrl, "tool-ept", 0xFFFFFFFFU, 30, NULL);
	tree_add_channel(tree, "rpmsg-raw", 0xFFFFFFFFU, 1040, true);
	tree_add_channel(tree, "rpmsg-client-sample", 0xFFFFFFFFU, 1041, false);
	tree_add_remote(tree, "dsp");
	tree_add_ctrl(tree, NULL);
	tree_dev_link(tree, "rpmsg_ctrl0", "/dev/null");
	printf("%s %s\n", tree_root(tree), tree_dev_root(tree));
	fflush(stdout);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("fake-sysfs");
	TCase *tc = tcase_create("tree");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, make_tree);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	/* In this process: the tree must outlive the test. */
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_SILENT);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
