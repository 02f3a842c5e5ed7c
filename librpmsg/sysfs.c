// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: librpmsg authors

/*
 * Reading sysfs under a configurable root. Formats differ by object (see
 * rpmsg-uapi §3): endpoint-device (class) src/dst are signed decimal with -1
 * for ANY, rpmsg bus device src/dst are hexadecimal.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "internal.h"

char *rpmsgi_path_join(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *p = malloc(la + lb + 2);

	if (!p)
		return NULL;
	memcpy(p, a, la);
	p[la] = '/';
	memcpy(p + la + 1, b, lb + 1);
	return p;
}

int rpmsgi_read_attr(const char *dir, const char *attr, char *buf, size_t size)
{
	char *path = rpmsgi_path_join(dir, attr);
	ssize_t n;
	int fd, err;

	if (!path)
		return -ENOMEM;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	err = errno;
	free(path);
	if (fd < 0)
		return -err;
	n = read(fd, buf, size - 1);
	err = errno;
	close(fd);
	if (n < 0)
		return -err;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		n--;
	buf[n] = '\0';
	return 0;
}

/* Accepts "1024", "-1" (ANY) and "0x400": strtoll base 0 covers all three. */
int rpmsgi_read_attr_u32(const char *dir, const char *attr, uint32_t *out)
{
	char buf[32], *end;
	long long v;
	int ret = rpmsgi_read_attr(dir, attr, buf, sizeof(buf));

	if (ret < 0)
		return ret;
	errno = 0;
	v = strtoll(buf, &end, 0);
	if (errno || end == buf || *end)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

char *rpmsgi_realpath_in(const char *dir, const char *rel)
{
	char *path = rpmsgi_path_join(dir, rel);
	char *real;

	if (!path)
		return NULL;
	real = realpath(path, NULL);
	free(path);
	return real;
}

static int parse_devt(const char *s, dev_t *out)
{
	unsigned int maj, min;
	char extra;

	if (sscanf(s, "%u:%u%c", &maj, &min, &extra) != 2)
		return -EINVAL;
	*out = makedev(maj, min);
	return 0;
}

/* Find the class/rpmsg entry whose `dev` is rdev: that is what makes a
 * character device an rpmsg one (libgpiod checks /sys/bus/gpio the same way). */
char *rpmsgi_class_dir_for_rdev(struct rpmsg_ctx *ctx, dev_t rdev, char *devname, size_t size)
{
	char *classdir = rpmsgi_path_join(ctx->sysfs_root, "class/rpmsg");
	struct dirent *de;
	char *found = NULL;
	DIR *d;

	if (!classdir)
		return NULL;
	d = opendir(classdir);
	while (d && (de = readdir(d))) {
		char *dir, value[32];
		dev_t devt;

		if (de->d_name[0] == '.')
			continue;
		dir = rpmsgi_path_join(classdir, de->d_name);
		if (!dir)
			break;
		if (!rpmsgi_read_attr(dir, "dev", value, sizeof(value)) &&
		    !parse_devt(value, &devt) && devt == rdev) {
			snprintf(devname, size, "%s", de->d_name);
			found = dir;
			break;
		}
		free(dir);
	}
	if (d)
		closedir(d);
	free(classdir);
	return found;
}

/* The directory of the transport (virtioN, or the loopback platform device)
 * that holds a control device's bus device and the channels beside it. */
char *rpmsgi_ctrl_transport_dir(const char *ctrl_class_dir, bool *legacy)
{
	char *driver = rpmsgi_realpath_in(ctrl_class_dir, "device/driver");

	*legacy = false;
	if (driver) {
		const char *base = strrchr(driver, '/');

		*legacy = base && !strcmp(base + 1, "rpmsg_chrdev");
		free(driver);
	}
	return rpmsgi_realpath_in(ctrl_class_dir, "device/..");
}

static bool is_eptdev_name(const char *name, unsigned long *index)
{
	char *end;

	if (strncmp(name, "rpmsg", 5) || name[5] < '0' || name[5] > '9')
		return false;
	*index = strtoul(name + 5, &end, 10);
	return *end == '\0';
}

/* Indices N of the rpmsgN entries directly under dir. */
int rpmsgi_list_eptdev_children(const char *dir, unsigned long **out, size_t *count)
{
	unsigned long *list = NULL, index;
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *d = opendir(dir);

	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (!is_eptdev_name(de->d_name, &index))
			continue;
		if (n == cap) {
			unsigned long *grown;

			cap = cap ? 2 * cap : 16;
			grown = realloc(list, cap * sizeof(*list));
			if (!grown) {
				free(list);
				closedir(d);
				return -ENOMEM;
			}
			list = grown;
		}
		list[n++] = index;
	}
	closedir(d);
	*out = list;
	*count = n;
	return 0;
}

/* First rpmsgN under <busdev>/rpmsg: the endpoint device a driver made for a channel. */
char *rpmsgi_channel_eptdev(const char *busdev)
{
	char *dir = rpmsgi_path_join(busdev, "rpmsg");
	unsigned long *list = NULL;
	size_t n = 0;
	char *name = NULL;

	if (dir && !rpmsgi_list_eptdev_children(dir, &list, &n) && n) {
		name = malloc(32);
		if (name)
			snprintf(name, 32, "rpmsg%lu", list[0]);
	}
	free(list);
	free(dir);
	return name;
}

/* A channel on the transport: name matches exactly, src/dst match unless ANY. */
/* The transport's own bus devices (control, name service; on 5.10-5.17 the
 * control device is an "rpmsg_chrdev" at address 0.0) are not channels. */
bool rpmsgi_is_transport_device(const char *devname, const char *name)
{
	size_t len = strlen(devname);

	if (!strcmp(name, "rpmsg_ctrl") || !strcmp(name, "rpmsg_ns"))
		return true;
	return !strcmp(name, "rpmsg_chrdev") && len > 4 && !strcmp(devname + len - 4, ".0.0");
}

char *rpmsgi_find_channel(struct rpmsg_ctx *ctx, const char *transport_dir, const char *name,
			  uint32_t src, uint32_t dst, char **eptdev_name)
{
	struct dirent *de;
	char *found = NULL;
	DIR *d;

	(void)ctx;
	d = opendir(transport_dir);
	while (d && (de = readdir(d))) {
		char value[RPMSG_NAME_SIZE + 8];
		uint32_t a;
		char *dir;

		if (de->d_name[0] == '.')
			continue;
		dir = rpmsgi_path_join(transport_dir, de->d_name);
		if (!dir)
			break;
		if (rpmsgi_read_attr(dir, "name", value, sizeof(value)) || strcmp(value, name) ||
		    rpmsgi_is_transport_device(de->d_name, value) ||
		    rpmsgi_read_attr(dir, "modalias", value, sizeof(value)) ||
		    (dst != RPMSG_ADDR_ANY &&
		     (rpmsgi_read_attr_u32(dir, "dst", &a) || a != dst)) ||
		    (src != RPMSG_ADDR_ANY &&
		     (rpmsgi_read_attr_u32(dir, "src", &a) || a != src))) {
			free(dir);
			continue;
		}
		found = dir;
		break;
	}
	if (d)
		closedir(d);
	if (found && eptdev_name)
		*eptdev_name = rpmsgi_channel_eptdev(found);
	return found;
}

/* Open a device node after checking it is a character device (opening other
 * files can have side effects). Returns the fd or -errno. */
int rpmsgi_open_chardev(struct rpmsg_ctx *ctx, const char *path, int flags)
{
	struct stat st;
	int fd;

	if (!ctx || !path)
		return -EINVAL;
	if (stat(path, &st) < 0)
		return -errno;
	if (!S_ISCHR(st.st_mode))
		return -ENOTTY;
	fd = open(path, flags | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}
