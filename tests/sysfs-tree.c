// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: librpmsg authors

/* Fabricated sysfs trees: see sysfs-tree.h for the layouts. */

#include <check.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "sysfs-tree.h"

struct tree_obj {
	char *devname;
	char *rel;	/* directory, relative to the sysfs root */
	char *abs;
};

struct sysfs_tree {
	enum tree_layout layout;
	char *base;		/* the mkdtemp directory */
	char *root;		/* base/sys */
	char *dev_root;		/* base/dev */
	int nremotes;
	char *transport;	/* current remote's transport directory (relative) */
	char *bus_prefix;	/* "virtio0", "rpmsg_loopback" */
	int next_ctrl, next_ept;
	int next_ctrl_minor, next_ept_minor;
	uint32_t next_addr;
	struct tree_obj *objs;
	size_t nobjs, cap;
};

/*
 * Directory that holds the trees of one TCase, made and removed in the
 * parent process: a failed assertion ends a forked test with _exit(),
 * which skips the checked teardown and would leave its tree behind.
 */
static char *scratch;

static char *xstrdup_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *xstrdup_printf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		ck_abort_msg("sysfs-tree: out of memory");
	return s;
}

static char *abs_of(const struct sysfs_tree *tree, const char *rel)
{
	return xstrdup_printf("%s/%s", tree->root, rel);
}

/* mkdir -p of a path relative to the sysfs root. */
static void make_dirs(const struct sysfs_tree *tree, const char *rel)
{
	char *path = abs_of(tree, rel);
	char *p = path + strlen(tree->root) + 1;

	for (;;) {
		char *slash = strchr(p, '/');

		if (slash)
			*slash = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			ck_abort_msg("sysfs-tree: mkdir %s: %s", path, strerror(errno));
		if (!slash)
			break;
		*slash = '/';
		p = slash + 1;
	}
	free(path);
}

static void write_attr(const struct sysfs_tree *tree, const char *dir, const char *attr,
		       const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Attributes end with a newline, as sysfs prints them. */
static void write_attr(const struct sysfs_tree *tree, const char *dir, const char *attr,
		       const char *fmt, ...)
{
	char *path = xstrdup_printf("%s/%s/%s", tree->root, dir, attr);
	FILE *f = fopen(path, "w");
	va_list ap;

	if (!f)
		ck_abort_msg("sysfs-tree: create %s: %s", path, strerror(errno));
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
	if (fclose(f))
		ck_abort_msg("sysfs-tree: write %s: %s", path, strerror(errno));
	free(path);
}

/*
 * Symlink at link_rel pointing at target_rel (both relative to the sysfs
 * root), written relative to the link's directory as sysfs does:
 * "../../devices/platform/...", "../../../../bus/rpmsg", "../..".
 */
static void rel_link(const struct sysfs_tree *tree, const char *target_rel, const char *link_rel)
{
	const char *slash = strrchr(link_rel, '/');
	size_t dlen = slash ? (size_t)(slash - link_rel) : 0;
	size_t i = 0, common, rdlen, ncomp = 0;
	const char *rd, *rt;
	char *path, *target;

	/* Common leading components of the link's directory and the target. */
	while (i < dlen && target_rel[i] == link_rel[i])
		i++;
	if ((i == dlen || link_rel[i] == '/') && (target_rel[i] == '\0' || target_rel[i] == '/')) {
		common = i;
	} else {
		while (i > 0 && link_rel[i - 1] != '/')
			i--;
		common = i ? i - 1 : 0;
	}
	rd = link_rel + common;
	rdlen = dlen - common;
	if (rdlen && *rd == '/') {
		rd++;
		rdlen--;
	}
	rt = target_rel + common;
	if (*rt == '/')
		rt++;
	for (i = 0; i < rdlen; i++)
		if (rd[i] == '/')
			ncomp++;
	if (rdlen)
		ncomp++;
	target = malloc(3 * ncomp + strlen(rt) + 2);
	if (!target)
		ck_abort_msg("sysfs-tree: out of memory");
	target[0] = '\0';
	for (i = 0; i < ncomp; i++)
		strcat(target, "../");
	strcat(target, rt);
	if (!*rt && ncomp)
		target[3 * ncomp - 1] = '\0';	/* "../.." rather than "../../" */
	else if (!*rt)
		strcpy(target, ".");
	path = abs_of(tree, link_rel);
	if (symlink(target, path) < 0)
		ck_abort_msg("sysfs-tree: symlink %s -> %s: %s", path, target, strerror(errno));
	free(path);
	free(target);
}

static void add_obj(struct sysfs_tree *tree, const char *devname, const char *rel)
{
	if (tree->nobjs == tree->cap) {
		size_t cap = tree->cap ? 2 * tree->cap : 16;
		struct tree_obj *objs = realloc(tree->objs, cap * sizeof(*objs));

		if (!objs)
			ck_abort_msg("sysfs-tree: out of memory");
		tree->objs = objs;
		tree->cap = cap;
	}
	tree->objs[tree->nobjs].devname = xstrdup_printf("%s", devname);
	tree->objs[tree->nobjs].rel = xstrdup_printf("%s", rel);
	tree->objs[tree->nobjs].abs = abs_of(tree, rel);
	tree->nobjs++;
}

static struct tree_obj *find_obj(const struct sysfs_tree *tree, const char *devname)
{
	size_t i;

	for (i = 0; i < tree->nobjs; i++)
		if (!strcmp(tree->objs[i].devname, devname))
			return &tree->objs[i];
	return NULL;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static void remove_dir(const char *dir)
{
	if (nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS) < 0)
		fprintf(stderr, "sysfs-tree: cannot remove %s: %s\n", dir, strerror(errno));
}

static const char *tmp_dir(void)
{
	const char *tmp = getenv("TMPDIR");

	return tmp && *tmp ? tmp : "/tmp";
}

void tree_scratch_setup(void)
{
	char *tmpl;

	if (asprintf(&tmpl, "%s/librpmsg-check-XXXXXX", tmp_dir()) < 0)
		return;
	if (mkdtemp(tmpl)) {
		scratch = tmpl;
	} else {
		/* Trees then go straight under $TMPDIR. */
		fprintf(stderr, "sysfs-tree: mkdtemp %s: %s\n", tmpl, strerror(errno));
		free(tmpl);
	}
}

void tree_scratch_teardown(void)
{
	if (!scratch)
		return;
	remove_dir(scratch);
	free(scratch);
	scratch = NULL;
}

struct sysfs_tree *tree_new(enum tree_layout layout)
{
	struct sysfs_tree *tree = calloc(1, sizeof(*tree));
	char *tmpl;

	if (!tree)
		ck_abort_msg("sysfs-tree: out of memory");
	tree->layout = layout;
	tree->next_addr = 1024;
	tmpl = xstrdup_printf("%s/librpmsg-sysfs-XXXXXX", scratch ? scratch : tmp_dir());
	if (!mkdtemp(tmpl))
		ck_abort_msg("sysfs-tree: mkdtemp %s: %s", tmpl, strerror(errno));
	/* Resolved, so that paths compare equal to what realpath() gives. */
	tree->base = realpath(tmpl, NULL);
	ck_assert_ptr_nonnull(tree->base);
	free(tmpl);
	tree->root = xstrdup_printf("%s/sys", tree->base);
	tree->dev_root = xstrdup_printf("%s/dev", tree->base);
	if (mkdir(tree->root, 0755) < 0 || mkdir(tree->dev_root, 0755) < 0)
		ck_abort_msg("sysfs-tree: mkdir: %s", strerror(errno));

	make_dirs(tree, "class/rpmsg");
	make_dirs(tree, "class/remoteproc");
	make_dirs(tree, "bus/rpmsg/devices");
	make_dirs(tree, "bus/rpmsg/drivers/rpmsg_chrdev");
	make_dirs(tree, "bus/rpmsg/drivers/rpmsg_ns");
	if (layout != TREE_LINUX_5_10)
		make_dirs(tree, "bus/rpmsg/drivers/rpmsg_ctrl");
	make_dirs(tree, "devices/platform");
	return tree;
}

void tree_free(struct sysfs_tree *tree)
{
	size_t i;

	if (!tree)
		return;
	if (tree->base)
		remove_dir(tree->base);
	for (i = 0; i < tree->nobjs; i++) {
		free(tree->objs[i].devname);
		free(tree->objs[i].rel);
		free(tree->objs[i].abs);
	}
	free(tree->objs);
	free(tree->transport);
	free(tree->bus_prefix);
	free(tree->root);
	free(tree->dev_root);
	free(tree->base);
	free(tree);
}

const char *tree_root(const struct sysfs_tree *tree)
{
	return tree->root;
}

const char *tree_dev_root(const struct sysfs_tree *tree)
{
	return tree->dev_root;
}

/*
 * A bus device <transport>/<busname> with the rpmsg core's attributes, bound
 * to driver (or unbound for NULL). The transport's own devices (own) carry
 * a driver_override naming their driver. Returns its relative directory.
 */
static char *add_bus_device(struct sysfs_tree *tree, const char *busname, const char *name,
			    uint32_t src, uint32_t dst, const char *driver, bool own,
			    bool announce)
{
	char *dir = xstrdup_printf("%s/%s", tree->transport, busname);
	char *link, *target;

	make_dirs(tree, dir);
	write_attr(tree, dir, "name", "%s", name);
	write_attr(tree, dir, "src", "0x%x", src);
	write_attr(tree, dir, "dst", "0x%x", dst);
	write_attr(tree, dir, "announce", "%s", announce ? "true" : "false");
	write_attr(tree, dir, "modalias", "rpmsg:%s", name);
	write_attr(tree, dir, "driver_override", "%s", own ? driver : "(null)");
	if (driver) {
		write_attr(tree, dir, "uevent", "DRIVER=%s\nMODALIAS=rpmsg:%s", driver, name);
		target = xstrdup_printf("bus/rpmsg/drivers/%s", driver);
		link = xstrdup_printf("%s/driver", dir);
		rel_link(tree, target, link);
		free(link);
		/* The driver's back link to the device it bound. */
		link = xstrdup_printf("%s/%s", target, busname);
		rel_link(tree, dir, link);
		free(link);
		free(target);
	} else {
		write_attr(tree, dir, "uevent", "MODALIAS=rpmsg:%s", name);
	}
	link = xstrdup_printf("%s/subsystem", dir);
	rel_link(tree, "bus/rpmsg", link);
	free(link);
	link = xstrdup_printf("bus/rpmsg/devices/%s", busname);
	rel_link(tree, dir, link);
	free(link);
	add_obj(tree, busname, dir);
	return dir;
}

int tree_add_remote(struct sysfs_tree *tree, const char *rproc_name)
{
	int k = tree->nremotes;
	char *rproc = NULL, *link;

	free(tree->transport);
	free(tree->bus_prefix);
	if (tree->layout == TREE_LOOPBACK) {
		ck_assert_int_eq(k, 0);
		tree->transport = xstrdup_printf("devices/platform/rpmsg_loopback");
		tree->bus_prefix = xstrdup_printf("rpmsg_loopback");
		make_dirs(tree, tree->transport);
		write_attr(tree, tree->transport, "modalias", "platform:rpmsg_loopback");
		write_attr(tree, tree->transport, "driver_override", "(null)");
	} else {
		rproc = xstrdup_printf("devices/platform/rproc-sim.%d/remoteproc/remoteproc%d",
				       k, k);
		make_dirs(tree, rproc);
		write_attr(tree, rproc, "name", "%s", rproc_name);
		write_attr(tree, rproc, "state", "running");
		write_attr(tree, rproc, "firmware", "%s-fw.elf", rproc_name);
		link = xstrdup_printf("class/remoteproc/remoteproc%d", k);
		rel_link(tree, rproc, link);
		free(link);
		if (tree->layout == TREE_LINUX_6_1)
			tree->transport = xstrdup_printf("%s/rproc-virtio.%d.auto/virtio%d", rproc,
							 k + 1, k);
		else
			tree->transport = xstrdup_printf("%s/remoteproc%d#vdev0buffer/virtio%d",
							 rproc, k, k);
		tree->bus_prefix = xstrdup_printf("virtio%d", k);
		make_dirs(tree, tree->transport);
		/* virtio's own attributes; `device` is a file here, not a link. */
		write_attr(tree, tree->transport, "device", "0x0007");
		write_attr(tree, tree->transport, "vendor", "0x0000");
		write_attr(tree, tree->transport, "status", "0x0000000f");
		write_attr(tree, tree->transport, "modalias", "virtio:d00000007v00000000");
	}
	link = xstrdup_printf("%s.rpmsg_ns.53.53", tree->bus_prefix);
	free(add_bus_device(tree, link, "rpmsg_ns", 53, 53, "rpmsg_ns", true, false));
	free(link);
	free(rproc);
	tree->nremotes++;
	return k;
}

static void add_class_device(struct sysfs_tree *tree, const char *dir, const char *devname,
			     const char *dev, const char *device_target)
{
	unsigned int maj = 0, min = 0;
	char *link;

	make_dirs(tree, dir);
	write_attr(tree, dir, "dev", "%s", dev);
	if (sscanf(dev, "%u:%u", &maj, &min) != 2)
		ck_abort_msg("sysfs-tree: bad dev %s", dev);
	write_attr(tree, dir, "uevent", "MAJOR=%u\nMINOR=%u\nDEVNAME=%s", maj, min, devname);
	link = xstrdup_printf("%s/device", dir);
	rel_link(tree, device_target, link);
	free(link);
	link = xstrdup_printf("%s/subsystem", dir);
	rel_link(tree, "class/rpmsg", link);
	free(link);
	link = xstrdup_printf("class/rpmsg/%s", devname);
	rel_link(tree, dir, link);
	free(link);
	add_obj(tree, devname, dir);
}

/* Up to 5.17 control and endpoint devices share one region ("rpmsg"). */
static char *default_dev(struct sysfs_tree *tree, bool ctrl)
{
	if (tree->layout == TREE_LINUX_5_10)
		return xstrdup_printf("240:%d", tree->next_ctrl_minor++);
	if (ctrl)
		return xstrdup_printf("253:%d", tree->next_ctrl_minor++);
	return xstrdup_printf("254:%d", tree->next_ept_minor++);
}

int tree_add_ctrl(struct sysfs_tree *tree, const char *dev)
{
	bool legacy = tree->layout == TREE_LINUX_5_10;
	const char *driver = legacy ? "rpmsg_chrdev" : "rpmsg_ctrl";
	char *busname, *busdir, *devname, *dir, *made = NULL;
	int n = tree->next_ctrl++;

	ck_assert_ptr_nonnull(tree->transport);
	busname = xstrdup_printf("%s.%s.0.0", tree->bus_prefix, driver);
	busdir = add_bus_device(tree, busname, driver, 0, 0, driver, true, false);
	devname = xstrdup_printf("rpmsg_ctrl%d", n);
	dir = xstrdup_printf("%s/rpmsg/%s", busdir, devname);
	if (!dev)
		dev = made = default_dev(tree, true);
	add_class_device(tree, dir, devname, dev, busdir);
	free(made);
	free(dir);
	free(devname);
	free(busdir);
	free(busname);
	return n;
}

static void write_ept_attrs(struct sysfs_tree *tree, const char *dir, const char *name,
			    uint32_t src, uint32_t dst)
{
	/* %d like rpmsg_char: ANY is -1, addresses from 2^31 are negative. */
	write_attr(tree, dir, "name", "%s", name);
	write_attr(tree, dir, "src", "%d", (int32_t)src);
	write_attr(tree, dir, "dst", "%d", (int32_t)dst);
}

int tree_add_ept(struct sysfs_tree *tree, int ctrl, const char *name, uint32_t src, uint32_t dst,
		 const char *dev)
{
	char *ctrlname = xstrdup_printf("rpmsg_ctrl%d", ctrl);
	const struct tree_obj *parent = find_obj(tree, ctrlname);
	int m = tree->next_ept++;
	char *devname = xstrdup_printf("rpmsg%d", m);
	char *dir, *made = NULL;

	if (!parent)
		ck_abort_msg("sysfs-tree: no %s", ctrlname);
	dir = xstrdup_printf("%s/%s", parent->rel, devname);
	make_dirs(tree, dir);
	write_ept_attrs(tree, dir, name, src, dst);
	if (!dev)
		dev = made = default_dev(tree, false);
	add_class_device(tree, dir, devname, dev, parent->rel);
	free(made);
	free(dir);
	free(devname);
	free(ctrlname);
	return m;
}

static int add_channel(struct sysfs_tree *tree, const char *name, uint32_t src, uint32_t dst,
		       bool with_eptdev, const char *dev)
{
	char *busname, *busdir, *devname, *dir, *made = NULL;
	uint32_t bus_src = src;
	int m = -1;

	ck_assert_ptr_nonnull(tree->transport);
	busname = xstrdup_printf("%s.%s.%d.%d", tree->bus_prefix, name, (int32_t)src,
				 (int32_t)dst);
	/* Probing gives the default endpoint an address; the bus attribute shows it. */
	if (with_eptdev && src == 0xFFFFFFFFU)
		bus_src = tree->next_addr++;
	busdir = add_bus_device(tree, busname, name, bus_src, dst,
				with_eptdev ? "rpmsg_chrdev" : NULL, false, src != 0xFFFFFFFFU);
	if (with_eptdev) {
		m = tree->next_ept++;
		devname = xstrdup_printf("rpmsg%d", m);
		dir = xstrdup_printf("%s/rpmsg/%s", busdir, devname);
		make_dirs(tree, dir);
		write_ept_attrs(tree, dir, name, bus_src, dst);
		if (!dev)
			dev = made = default_dev(tree, false);
		add_class_device(tree, dir, devname, dev, busdir);
		free(made);
		free(dir);
		free(devname);
	}
	free(busdir);
	free(busname);
	return m;
}

int tree_add_channel(struct sysfs_tree *tree, const char *name, uint32_t src, uint32_t dst,
		     bool with_eptdev)
{
	return add_channel(tree, name, src, dst, with_eptdev, NULL);
}

int tree_add_channel_dev(struct sysfs_tree *tree, const char *name, uint32_t src, uint32_t dst,
			 const char *dev)
{
	return add_channel(tree, name, src, dst, true, dev);
}

static struct tree_obj *tree_obj_of(const struct sysfs_tree *tree, const char *devname)
{
	struct tree_obj *obj = find_obj(tree, devname);

	if (!obj)
		ck_abort_msg("sysfs-tree: no device %s", devname);
	return obj;
}

const char *tree_path_of(const struct sysfs_tree *tree, const char *devname)
{
	return tree_obj_of(tree, devname)->abs;
}

void tree_dev_link(struct sysfs_tree *tree, const char *devname, const char *target)
{
	char *path = xstrdup_printf("%s/%s", tree->dev_root, devname);

	if (symlink(target, path) < 0)
		ck_abort_msg("sysfs-tree: symlink %s: %s", path, strerror(errno));
	free(path);
}

void tree_write_attr(struct sysfs_tree *tree, const char *devname, const char *attr,
		     const char *value)
{
	write_attr(tree, tree_obj_of(tree, devname)->rel, attr, "%s", value);
}

void tree_make_fifo(struct sysfs_tree *tree, const char *devname, const char *attr)
{
	char *path = xstrdup_printf("%s/%s", tree_path_of(tree, devname), attr);

	if ((unlink(path) < 0 && errno != ENOENT) || mkfifo(path, 0644) < 0)
		ck_abort_msg("sysfs-tree: mkfifo %s: %s", path, strerror(errno));
	free(path);
}

void tree_rename(struct sysfs_tree *tree, const char *devname, const char *new_devname)
{
	struct tree_obj *obj = tree_obj_of(tree, devname);
	const char *slash = strrchr(obj->rel, '/');
	char *rel = xstrdup_printf("%.*s/%s", (int)(slash - obj->rel), obj->rel, new_devname);
	char *abs = abs_of(tree, rel);
	char *link = xstrdup_printf("%s/class/rpmsg/%s", tree->root, devname);

	if (rename(obj->abs, abs) < 0 || unlink(link) < 0)
		ck_abort_msg("sysfs-tree: rename %s: %s", obj->abs, strerror(errno));
	free(link);
	link = xstrdup_printf("class/rpmsg/%s", new_devname);
	rel_link(tree, rel, link);
	free(link);
	free(obj->devname);
	free(obj->rel);
	free(obj->abs);
	obj->devname = xstrdup_printf("%s", new_devname);
	obj->rel = rel;
	obj->abs = abs;
}

void tree_replace_with_file(struct sysfs_tree *tree, const char *rel)
{
	char *path = abs_of(tree, rel);
	FILE *f;

	remove_dir(path);
	f = fopen(path, "w");
	if (!f || fclose(f))
		ck_abort_msg("sysfs-tree: create %s: %s", path, strerror(errno));
	free(path);
}

void tree_devt_of(const char *path, char *buf, size_t size)
{
	struct stat st;

	if (stat(path, &st) < 0 || !S_ISCHR(st.st_mode))
		ck_abort_msg("sysfs-tree: %s is not a character device", path);
	snprintf(buf, size, "%u:%u", major(st.st_rdev), minor(st.st_rdev));
}
