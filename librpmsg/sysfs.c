// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: librpmsg authors

/*
 * Reading sysfs under a configurable root. The kernel prints addresses
 * differently by object: an endpoint device's (class rpmsg) src/dst are
 * signed decimal (%d: -1 is ANY, addresses from 2^31 show as negative
 * numbers), an rpmsg bus device's src/dst are hexadecimal (0x%x).
 *
 * Everything read here is untrusted text (the root may be any directory):
 * attributes must be regular files and are opened without blocking, the
 * parsers accept only what the kernel prints and report -EINVAL (malformed)
 * or -ERANGE (a number out of range), never a truncated value. The parsers
 * do no I/O, so that tests/fuzz can feed them directly.
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

/* The control device's driver, and bus device, before Linux 5.18. */
#define LEGACY_CTRL_NAME "rpmsg_chrdev"

/* The kernel's dev_t (MAJOR/MINOR in include/linux/kdev_t.h). */
#define KERNEL_MAJOR_MAX	((1UL << 12) - 1)
#define KERNEL_MINOR_MAX	((1UL << 20) - 1)

/*
 * An entry that vanished while it was read (ENOENT, ENOTDIR; ENODEV: sysfs
 * answers a read of an attribute whose device is being removed with it, as
 * when another process destroys its endpoint) or that is not what the kernel
 * shows (a malformed or out-of-range attribute, a non-regular
 * file, a symlink loop) is passed over; any other error (EMFILE, ENOMEM, EIO,
 * ...) stops the walk, so that nothing is reported missing for a reason the
 * caller could fix.
 */
bool rpmsgi_entry_unusable(int err)
{
	return err == -ENOENT || err == -ENOTDIR || err == -ENODEV || err == -EINVAL ||
	       err == -ERANGE || err == -ELOOP || err == -ENAMETOOLONG;
}

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

/* Decimal digits at s, at least one, into *out (at most max); returns the end.
 * *err becomes -EINVAL (no digit) or -ERANGE (above max), EINVAL first. */
static const char *parse_digits(const char *s, unsigned long long max, unsigned long long *out,
				int *err)
{
	unsigned long long v = 0;
	const char *p = s;

	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > (max - (unsigned long long)(*p - '0')) / 10) {
			/* Keep going: malformed (EINVAL) wins over out of range. */
			if (!*err)
				*err = -ERANGE;
			v = max;
			continue;
		}
		v = v * 10 + (unsigned long long)(*p - '0');
	}
	if (p == s)
		*err = -EINVAL;
	*out = v;
	return p;
}

int rpmsgi_parse_dec_addr(const char *s, uint32_t *out)
{
	bool neg = *s == '-';
	unsigned long long v;
	int err = 0;

	/* -2^31 .. 2^32-1: %d of any 32-bit address, or its unsigned spelling. */
	s = parse_digits(s + neg, neg ? 1ULL << 31 : UINT32_MAX, &v, &err);
	if (*s)
		return -EINVAL;
	if (err)
		return err;
	*out = neg ? (uint32_t)(0 - v) : (uint32_t)v;
	return 0;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int rpmsgi_parse_hex_addr(const char *s, uint32_t *out)
{
	uint64_t v = 0;
	const char *p;
	int err = 0;

	if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X') || hex_digit(s[2]) < 0)
		return -EINVAL;
	for (p = s + 2; *p; p++) {
		int d = hex_digit(*p);

		if (d < 0)
			return -EINVAL;
		if (v > (UINT32_MAX >> 4))
			err = -ERANGE;
		else
			v = v << 4 | (uint64_t)d;
	}
	if (err)
		return err;
	*out = (uint32_t)v;
	return 0;
}

int rpmsgi_parse_devt(const char *s, dev_t *out)
{
	unsigned long long maj, min;
	int err = 0;

	s = parse_digits(s, KERNEL_MAJOR_MAX, &maj, &err);
	if (*s != ':')
		return -EINVAL;
	s = parse_digits(s + 1, KERNEL_MINOR_MAX, &min, &err);
	if (*s)
		return -EINVAL;
	if (err)
		return err;
	*out = makedev((unsigned int)maj, (unsigned int)min);
	return 0;
}

/* "<prefix>N" as the kernel names devices from an IDA: N from 0 to INT_MAX,
 * without leading zeros, so that "<prefix>%lu" of N gives the name back. */
bool rpmsgi_parse_index(const char *name, const char *prefix, unsigned long *index)
{
	size_t len = strlen(prefix);
	unsigned long long v;
	const char *end;
	int err = 0;

	if (strncmp(name, prefix, len))
		return false;
	name += len;
	if (name[0] == '0' && name[1])
		return false;
	end = parse_digits(name, INT_MAX, &v, &err);
	if (*end || err)
		return false;
	*index = (unsigned long)v;
	return true;
}

/* The last remoteprocK component of a resolved sysfs path (the nearest
 * remote above it), its length in *len; NULL when there is none. */
const char *rpmsgi_rproc_in_path(const char *path, size_t *len)
{
	const char *p = path, *best = NULL;
	unsigned long index;

	while (p && *p) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);
		char component[32];

		if (n < sizeof(component)) {
			memcpy(component, p, n);
			component[n] = '\0';
			if (rpmsgi_parse_index(component, "remoteproc", &index)) {
				best = p;
				*len = n;
			}
		}
		p = slash ? slash + 1 : NULL;
	}
	return best;
}

/* n bytes read from an attribute into buf (of size): a value, then
 * newlines or spaces. Longer than buf, or with a NUL, it is not an
 * attribute of ours. */
int rpmsgi_attr_text(char *buf, size_t n, size_t size)
{
	if (n >= size || memchr(buf, '\0', n))
		return -EINVAL;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		n--;
	buf[n] = '\0';
	return 0;
}

/* Non-blocking and regular files only: a FIFO or device node under the root
 * must not block discovery (or be read at all). */
int rpmsgi_read_attr(const char *dir, const char *attr, char *buf, size_t size)
{
	char *path = rpmsgi_path_join(dir, attr);
	struct stat st;
	ssize_t n = -1;
	int fd, err;

	if (!path)
		return -ENOMEM;
	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	err = errno;
	free(path);
	if (fd < 0)
		return -err;
	if (fstat(fd, &st) < 0)
		err = errno;
	else if (!S_ISREG(st.st_mode))
		err = EINVAL;
	else if ((n = read(fd, buf, size)) < 0)
		err = errno;
	close(fd);
	if (n < 0)
		return -err;
	return rpmsgi_attr_text(buf, (size_t)n, size);
}

int rpmsgi_read_attr_u32(const char *dir, const char *attr, uint32_t *out)
{
	char buf[32];
	int ret = rpmsgi_read_attr(dir, attr, buf, sizeof(buf));

	return ret < 0 ? ret : rpmsgi_parse_dec_addr(buf, out);
}

int rpmsgi_read_attr_hex_u32(const char *dir, const char *attr, uint32_t *out)
{
	char buf[32];
	int ret = rpmsgi_read_attr(dir, attr, buf, sizeof(buf));

	return ret < 0 ? ret : rpmsgi_parse_hex_addr(buf, out);
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

/* rpmsgN exactly as the kernel names an endpoint device: not rpmsg_ctrlN,
 * nor an index that would wrap. */
bool rpmsgi_is_eptdev_name(const char *name)
{
	unsigned long index;

	return rpmsgi_parse_index(name, "rpmsg", &index);
}

bool rpmsgi_is_ctrl_devname(const char *name)
{
	unsigned long index;

	return rpmsgi_parse_index(name, "rpmsg_ctrl", &index);
}

static bool is_class_devname(const char *name)
{
	return rpmsgi_is_eptdev_name(name) || rpmsgi_is_ctrl_devname(name);
}

/* Find the class/rpmsg entry whose `dev` is rdev: that is what makes a
 * character device an rpmsg one (libgpiod checks /sys/bus/gpio the same way).
 * NULL with errno ENODEV when no entry has it, or the error that stopped the
 * search (EMFILE, ENOTDIR, ENOMEM, ...; see rpmsgi_entry_unusable). */
char *rpmsgi_class_dir_for_rdev(struct rpmsg_ctx *ctx, dev_t rdev, char *devname, size_t size)
{
	char *classdir = rpmsgi_path_join(ctx->sysfs_root, "class/rpmsg");
	struct dirent *de;
	char *found = NULL;
	int err = -ENODEV;
	DIR *d;

	if (!classdir) {
		errno = ENOMEM;
		return NULL;
	}
	d = opendir(classdir);
	if (!d && errno != ENOENT)
		err = -errno;
	while (d && (de = readdir(d))) {
		char *dir, value[32];
		dev_t devt;
		int ret;

		if (!is_class_devname(de->d_name))
			continue;
		dir = rpmsgi_path_join(classdir, de->d_name);
		if (!dir) {
			err = -ENOMEM;
			break;
		}
		ret = rpmsgi_read_attr(dir, "dev", value, sizeof(value));
		if (!ret && !rpmsgi_parse_devt(value, &devt) && devt == rdev) {
			snprintf(devname, size, "%s", de->d_name);
			found = dir;
			break;
		}
		free(dir);
		if (ret < 0 && !rpmsgi_entry_unusable(ret)) {
			err = ret;
			break;
		}
	}
	if (d)
		closedir(d);
	free(classdir);
	if (!found)
		errno = -err;
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

		*legacy = base && !strcmp(base + 1, LEGACY_CTRL_NAME);
		free(driver);
	}
	return rpmsgi_realpath_in(ctrl_class_dir, "device/..");
}

/* Indices N of the rpmsgN entries directly under dir: only names the kernel
 * can make, so that "rpmsg%lu" of an index is the entry's name. */
int rpmsgi_list_eptdev_children(const char *dir, unsigned long **out, size_t *count)
{
	unsigned long *list = NULL, index;
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *d = opendir(dir);

	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (!rpmsgi_parse_index(de->d_name, "rpmsg", &index))
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

/* The endpoint device a driver made for a channel: the rpmsgN under
 * <busdev>/rpmsg (the lowest N, should there be several). *name is NULL when
 * the channel has none (no driver bound). Returns 0 or -errno. */
int rpmsgi_channel_eptdev(const char *busdev, char **name)
{
	char *dir = rpmsgi_path_join(busdev, "rpmsg");
	unsigned long *list = NULL, lowest;
	size_t n = 0, i;
	int ret;

	*name = NULL;
	if (!dir)
		return -ENOMEM;
	ret = rpmsgi_list_eptdev_children(dir, &list, &n);
	free(dir);
	if (ret == -ENOENT)
		return 0;
	if (ret < 0 || !n)
		goto out;
	lowest = list[0];
	for (i = 1; i < n; i++)
		if (list[i] < lowest)
			lowest = list[i];
	if (asprintf(name, "rpmsg%lu", lowest) < 0) {
		*name = NULL;
		ret = -ENOMEM;
	}
out:
	free(list);
	return ret;
}

/* The names of the transport's own bus devices: the control device
 * ("rpmsg_chrdev" on 5.10-5.17) and the name service. No channel may use
 * them: releasing one by such a name would unregister the transport's. */
static const char *const transport_names[] = { "rpmsg_ctrl", LEGACY_CTRL_NAME, "rpmsg_ns" };

bool rpmsgi_is_transport_name(const char *name)
{
	size_t i;

	for (i = 0; i < RPMSGI_ARRAY_SIZE(transport_names); i++)
		if (!strcmp(name, transport_names[i]))
			return true;
	return false;
}

/* Whether the bus device devname, called name, is one of the transport's own
 * (an "rpmsg_chrdev" only at address 0.0: elsewhere a channel may carry the
 * name) rather than a channel. */
bool rpmsgi_is_transport_device(const char *devname, const char *name)
{
	size_t len = strlen(devname);

	if (!rpmsgi_is_transport_name(name))
		return false;
	return strcmp(name, LEGACY_CTRL_NAME) || (len > 4 && !strcmp(devname + len - 4, ".0.0"));
}

/* Whether the bus device dir (entry devname of the transport) is the channel
 * name/src/dst: 1, 0 (another device, or not a channel) or -errno. */
static int channel_matches(const char *dir, const char *devname, const char *name, uint32_t src,
			   uint32_t dst)
{
	char value[RPMSG_NAME_SIZE + 8];
	uint32_t a;
	int ret;

	ret = rpmsgi_read_attr(dir, "name", value, sizeof(value));
	if (ret < 0 || strcmp(value, name) || rpmsgi_is_transport_device(devname, value))
		goto out;
	ret = rpmsgi_read_attr(dir, "modalias", value, sizeof(value));
	if (ret < 0)
		goto out;
	if (dst != RPMSG_ADDR_ANY) {
		ret = rpmsgi_read_attr_hex_u32(dir, "dst", &a);
		if (ret < 0 || a != dst)
			goto out;
	}
	if (src != RPMSG_ADDR_ANY) {
		ret = rpmsgi_read_attr_hex_u32(dir, "src", &a);
		if (ret < 0 || a != src)
			goto out;
	}
	return 1;
out:
	return ret < 0 && !rpmsgi_entry_unusable(ret) ? ret : 0;
}

int rpmsgi_find_channel(const char *transport_dir, const char *name, uint32_t src, uint32_t dst,
			char **busdev, char **eptdev_name)
{
	struct dirent *de;
	int ret = -ENOENT;
	DIR *d;

	*busdev = NULL;
	if (eptdev_name)
		*eptdev_name = NULL;
	d = opendir(transport_dir);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		char *dir;
		int match;

		if (de->d_name[0] == '.')
			continue;
		dir = rpmsgi_path_join(transport_dir, de->d_name);
		if (!dir) {
			ret = -ENOMEM;
			break;
		}
		match = channel_matches(dir, de->d_name, name, src, dst);
		if (match > 0) {
			*busdev = dir;
			ret = 0;
			break;
		}
		free(dir);
		if (match < 0) {
			ret = match;
			break;
		}
	}
	closedir(d);
	if (!ret && eptdev_name) {
		int err = rpmsgi_channel_eptdev(*busdev, eptdev_name);

		/* A malformed rpmsg/ directory: no endpoint device, as in discovery. */
		if (err < 0 && !rpmsgi_entry_unusable(err)) {
			free(*busdev);
			*busdev = NULL;
			ret = err;
		}
	}
	return ret;
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
