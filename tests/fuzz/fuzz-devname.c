// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: librpmsg authors

/*
 * Device names and paths (librpmsg/sysfs.c): "rpmsgN", "rpmsg_ctrlN" and
 * "remoteprocN" indices, the remoteproc found in a resolved sysfs path, and
 * the test for a transport's own bus devices ("virtioX.rpmsg_ns.53.53",
 * "virtioX.rpmsg_chrdev.0.0"). Input: a device name, optionally followed by
 * a NUL and a service name. Disagreement with the reference aborts.
 */

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static const char *text;

#define CHECK(cond)                                                             \
	do {                                                                    \
		if (!(cond)) {                                                  \
			fprintf(stderr, "fuzz-devname: %s failed on \"%s\"\n",  \
				#cond, text);                                   \
			abort();                                                \
		}                                                               \
	} while (0)

/* The kernel's spelling: prefix, then N in 0..INT_MAX as "%d" prints it. */
static void check_index(const char *name, const char *prefix)
{
	unsigned long index = 0;
	bool ok = rpmsgi_parse_index(name, prefix, &index);
	size_t len = strlen(prefix);
	const char *n = name + len;
	char again[64];

	if (strncmp(name, prefix, len) || !*n || strspn(n, "0123456789") != strlen(n) ||
	    (n[0] == '0' && n[1]) || strlen(n) > 10 || strtoull(n, NULL, 10) > INT_MAX) {
		CHECK(!ok);
		return;
	}
	CHECK(ok);
	snprintf(again, sizeof(again), "%s%lu", prefix, index);
	CHECK(!strcmp(again, name));
}

static void check_rproc_in_path(const char *path)
{
	size_t len = 0;
	const char *found = rpmsgi_rproc_in_path(path, &len);
	unsigned long index;
	char component[64];

	if (!found)
		return;
	CHECK(found >= path && found + len <= path + strlen(path));
	CHECK(found == path || found[-1] == '/');
	CHECK(found[len] == '\0' || found[len] == '/');
	CHECK(len < sizeof(component));
	memcpy(component, found, len);
	component[len] = '\0';
	CHECK(rpmsgi_parse_index(component, "remoteproc", &index));
	/* The nearest remote is the last one in the path. */
	CHECK(!rpmsgi_rproc_in_path(found + len, &len));
}

static void check_transport_device(const char *devname, const char *name)
{
	size_t len = strlen(devname);
	bool own = !strcmp(name, "rpmsg_ctrl") || !strcmp(name, "rpmsg_ns") ||
		   (!strcmp(name, "rpmsg_chrdev") && len > 4 &&
		    !strcmp(devname + len - 4, ".0.0"));

	CHECK(rpmsgi_is_transport_device(devname, name) == own);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 2);
	const char *name;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = s[size + 1] = '\0';
	text = s;
	name = s + strlen(s) + 1;	/* after the first NUL, or "" */
	if (name > s + size)
		name = s + size + 1;
	check_index(s, "rpmsg");
	check_index(s, "rpmsg_ctrl");
	check_index(s, "remoteproc");
	check_rproc_in_path(s);
	check_transport_device(s, name);
	free(s);
	return 0;
}
