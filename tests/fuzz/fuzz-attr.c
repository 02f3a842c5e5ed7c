// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: librpmsg authors

/*
 * Reading one sysfs attribute from a file (librpmsg/sysfs.c): the first
 * byte of the input picks what stands at the attribute's place (a regular
 * file holding the rest of the input, a FIFO, a directory, a symlink to
 * /dev/null, a dangling symlink, nothing), then it is read as text, as a
 * decimal and as a hexadecimal address. Nothing may block (run.sh gives
 * libFuzzer a -timeout), and a value comes back only from a regular file.
 */

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

static char *dir, *path;

#define CHECK(cond)                                                             \
	do {                                                                    \
		if (!(cond)) {                                                  \
			fprintf(stderr, "fuzz-attr: %s failed\n", #cond);       \
			abort();                                                \
		}                                                               \
	} while (0)

static void cleanup(void)
{
	if (unlink(path) < 0 && errno == EISDIR)
		rmdir(path);
	rmdir(path);
	rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *tmp = getenv("TMPDIR");
	char *tmpl;

	(void)argc;
	(void)argv;
	if (asprintf(&tmpl, "%s/librpmsg-fuzz-attr-XXXXXX", tmp && *tmp ? tmp : "/tmp") < 0 ||
	    !mkdtemp(tmpl))
		abort();
	dir = tmpl;
	path = rpmsgi_path_join(dir, "attr");
	if (!path)
		abort();
	atexit(cleanup);
	return 0;
}

/* Put what kind asks for at path; true if it is a regular file with data. */
static bool make_attr(uint8_t kind, const uint8_t *data, size_t size)
{
	FILE *f;

	switch (kind % 6) {
	case 0:
		f = fopen(path, "w");
		CHECK(f);
		CHECK(fwrite(data, 1, size, f) == size);
		CHECK(fclose(f) == 0);
		return true;
	case 1:
		CHECK(mkfifo(path, 0600) == 0);
		return false;
	case 2:
		CHECK(mkdir(path, 0700) == 0);
		return false;
	case 3:
		CHECK(symlink("/dev/null", path) == 0);
		return false;
	case 4:
		CHECK(symlink("no-such-file", path) == 0);
		return false;
	default:
		return false;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t sizes[] = { 1, 32, 40, 256 };
	bool regular;
	uint32_t v;
	size_t i;

	if (!size)
		return 0;
	regular = make_attr(data[0], data + 1, size - 1);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		char buf[256];
		int ret = rpmsgi_read_attr(dir, "attr", buf, sizes[i]);

		if (!regular) {
			CHECK(ret < 0);
			continue;
		}
		CHECK(ret == 0 || ret == -EINVAL);
		if (ret == 0)
			CHECK(strlen(buf) < sizes[i] && strlen(buf) <= size - 1);
	}
	if (rpmsgi_read_attr_u32(dir, "attr", &v) == 0 ||
	    rpmsgi_read_attr_hex_u32(dir, "attr", &v) == 0)
		CHECK(regular);
	if (unlink(path) < 0)
		CHECK(errno == ENOENT || (errno == EISDIR && rmdir(path) == 0));
	return 0;
}
