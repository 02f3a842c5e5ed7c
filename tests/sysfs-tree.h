/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: librpmsg authors */

/*
 * Fabricated sysfs trees for the discovery and control-device suites.
 *
 * A tree lives in a fresh directory made with mkdtemp() under $TMPDIR or
 * /tmp (see tree_scratch_setup) and holds a sysfs root and an empty /dev
 * root. It reproduces the layout the kernel shows in sysfs: real device
 * directories under devices/, relative symlinks for class/rpmsg/<dev>,
 * bus/rpmsg/devices/<busdev>, `driver`, `device` and `subsystem`, bus device
 * src/dst in hexadecimal and endpoint device src/dst in signed decimal.
 *
 *   devices/platform/<plat>/remoteproc/remoteprocK/      name, state, firmware
 *     [remoteprocK#vdev0buffer/ | rproc-virtio.<K+1>.auto/]
 *       virtioK/
 *         virtioK.rpmsg_ns.53.53/
 *         virtioK.rpmsg_ctrl.0.0/rpmsg/rpmsg_ctrlN/      (5.10: rpmsg_chrdev)
 *           rpmsgM/                                      CREATE_EPT
 *         virtioK.<name>.<src>.<dst>/[rpmsg/rpmsgM/]     channels
 *
 * Every helper aborts the running test (ck_abort_msg) when the file system
 * refuses, so tests need not check their results.
 */

#ifndef __LIBRPMSG_SYSFS_TREE_H__
#define __LIBRPMSG_SYSFS_TREE_H__

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum tree_layout {
	/* 5.10-5.17 (mainline virtio has the control device from 5.13):
	 * virtioK.rpmsg_chrdev.0.0 bound to rpmsg_chrdev, one "rpmsg" char
	 * region; the virtio device sits under remoteprocK#vdev0buffer. */
	TREE_LINUX_5_10 = 1,
	/* 5.18-6.0: virtioK.rpmsg_ctrl.0.0 bound to rpmsg_ctrl, under
	 * remoteprocK#vdev0buffer. */
	TREE_LINUX_5_18,
	/* 6.1+: as 5.18, under rproc-virtio.<K+1>.auto instead. */
	TREE_LINUX_6_1,
	/* The rpmsg_loopback test module: a platform device, no remoteproc. */
	TREE_LOOPBACK,
};

struct sysfs_tree;

/*
 * Unchecked fixture (tcase_add_unchecked_fixture): a scratch directory,
 * made and removed by the parent process, under which tree_new() makes its
 * trees, so that a test that fails before tree_free() leaves nothing behind.
 * Without it trees go directly under $TMPDIR or /tmp.
 */
void tree_scratch_setup(void);
void tree_scratch_teardown(void);

/* New tree with the rpmsg class and bus (and their drivers) but no device. */
struct sysfs_tree *tree_new(enum tree_layout layout);
/* Remove every file of the tree and free it. NULL is ignored. */
void tree_free(struct sysfs_tree *tree);

/* The directory that stands for /sys (resolved with realpath). */
const char *tree_root(const struct sysfs_tree *tree);
/* The directory that stands for /dev: empty until tree_dev_link(). */
const char *tree_dev_root(const struct sysfs_tree *tree);

/*
 * Add remoteprocK with its `name` attribute, its virtio device virtioK and
 * virtioK.rpmsg_ns.53.53; returns K. Later ctrl and channel devices go on
 * this remote. In TREE_LOOPBACK the transport is the rpmsg_loopback platform
 * device (only one; rproc_name is ignored).
 */
int tree_add_remote(struct sysfs_tree *tree, const char *rproc_name);

/*
 * Add the current remote's control device (bus device plus class device
 * rpmsg_ctrlN); returns N. dev is its `dev` attribute ("major:minor"), or
 * NULL for a made-up one.
 */
int tree_add_ctrl(struct sysfs_tree *tree, const char *dev);

/*
 * Add a channel <bus>.<name>.<src>.<dst> (%d, so ANY is -1) on the current
 * remote. With with_eptdev a driver (rpmsg_chrdev) bound it: its bus `src`
 * shows the allocated address (1024, 1025, ... for ANY) and it has an
 * endpoint device rpmsg/rpmsgM, whose index is returned. Without, src stays
 * as given (0xffffffff for ANY) and -1 is returned.
 */
int tree_add_channel(struct sysfs_tree *tree, const char *name, uint32_t src, uint32_t dst,
		     bool with_eptdev);
/* tree_add_channel() with the eptdev's `dev` attribute given. */
int tree_add_channel_dev(struct sysfs_tree *tree, const char *name, uint32_t src, uint32_t dst,
			 const char *dev);

/*
 * Add an endpoint device rpmsgM created with CREATE_EPT on control device
 * rpmsg_ctrl<ctrl>; returns M. dev as for tree_add_ctrl().
 */
int tree_add_ept(struct sysfs_tree *tree, int ctrl, const char *name, uint32_t src, uint32_t dst,
		 const char *dev);

/*
 * Resolved directory of a class device ("rpmsg_ctrl0", "rpmsg3") or bus
 * device ("virtio0.rpmsg-raw.-1.1024") the tree made; aborts if unknown.
 * Borrowed, valid until tree_free().
 */
const char *tree_path_of(const struct sysfs_tree *tree, const char *devname);

/* Make <dev root>/<devname> a symlink to target (e.g. "/dev/null"). */
void tree_dev_link(struct sysfs_tree *tree, const char *devname, const char *target);

/*
 * Damage for the malformed-tree tests. devname is a device the tree made;
 * attr one of its attributes.
 */
/* Overwrite an attribute with value and a newline, as sysfs prints it. */
void tree_write_attr(struct sysfs_tree *tree, const char *devname, const char *attr,
		     const char *value);
/* Replace an attribute by a FIFO that nobody writes: reading it blocks. */
void tree_make_fifo(struct sysfs_tree *tree, const char *devname, const char *attr);
/* Rename a class device (its directory and its class/rpmsg link). */
void tree_rename(struct sysfs_tree *tree, const char *devname, const char *new_devname);
/* Replace the directory rel (relative to the sysfs root) by a regular file. */
void tree_replace_with_file(struct sysfs_tree *tree, const char *rel);

/* "major:minor" of a character device, as sysfs writes `dev`; aborts on error. */
void tree_devt_of(const char *path, char *buf, size_t size);

#endif
