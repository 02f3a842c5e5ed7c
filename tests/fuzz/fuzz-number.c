// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: librpmsg authors

/*
 * The number parsers of sysfs text (librpmsg/sysfs.c) against a reference
 * written with strtoull: endpoint-device src/dst ("%d"), bus-device src/dst
 * ("0x%x"), `dev` ("major:minor"), and the trimming of an attribute's raw
 * bytes. Any disagreement aborts.
 */

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "internal.h"

#define CHECK(cond)                                                             \
	do {                                                                    \
		if (!(cond)) {                                                  \
			fprintf(stderr, "fuzz-number: %s failed on \"%s\"\n",   \
				#cond, text);                                   \
			abort();                                                \
		}                                                               \
	} while (0)

/* s is one or more characters of set. */
static bool all_of(const char *s, const char *set)
{
	return *s && strspn(s, set) == strlen(s);
}

/* Value of a digit string of any length, saturated at UINT64_MAX. */
static uint64_t value_of(const char *s, int base)
{
	unsigned long long v;

	errno = 0;
	v = strtoull(s, NULL, base);
	return errno == ERANGE ? UINT64_MAX : v;
}

static const char *text;

static void check_dec(void)
{
	bool neg = text[0] == '-';
	const char *digits = text + neg;
	uint32_t out = 0;
	int ret = rpmsgi_parse_dec_addr(text, &out);
	uint64_t v;

	if (!all_of(digits, "0123456789")) {
		CHECK(ret == -EINVAL);
		return;
	}
	v = value_of(digits, 10);
	if (neg ? v > (1ULL << 31) : v > UINT32_MAX) {
		CHECK(ret == -ERANGE);
		return;
	}
	CHECK(ret == 0);
	CHECK(out == (neg ? (uint32_t)(0 - v) : (uint32_t)v));
}

static void check_hex(void)
{
	uint32_t out = 0;
	int ret = rpmsgi_parse_hex_addr(text, &out);

	if (strncmp(text, "0x", 2) && strncmp(text, "0X", 2)) {
		CHECK(ret == -EINVAL);
		return;
	}
	if (!all_of(text + 2, "0123456789abcdefABCDEF")) {
		CHECK(ret == -EINVAL);
		return;
	}
	if (value_of(text + 2, 16) > UINT32_MAX) {
		CHECK(ret == -ERANGE);
		return;
	}
	CHECK(ret == 0);
	CHECK(out == value_of(text + 2, 16));
}

static void check_devt(void)
{
	const char *colon = strchr(text, ':');
	char maj[4096];
	dev_t out = 0;
	int ret = rpmsgi_parse_devt(text, &out);
	size_t len = colon ? (size_t)(colon - text) : 0;
	uint64_t a, b;

	if (!colon || len >= sizeof(maj)) {
		CHECK(ret != 0);
		return;
	}
	memcpy(maj, text, len);
	maj[len] = '\0';
	if (!all_of(maj, "0123456789") || !all_of(colon + 1, "0123456789")) {
		CHECK(ret == -EINVAL);
		return;
	}
	a = value_of(maj, 10);
	b = value_of(colon + 1, 10);
	if (a > 4095 || b > 1048575) {
		CHECK(ret == -ERANGE);
		return;
	}
	CHECK(ret == 0);
	CHECK(major(out) == a && minor(out) == b);
}

/* Raw attribute bytes (NULs included) as read() returns them. */
static void check_attr_text(const uint8_t *data, size_t size)
{
	static const size_t sizes[] = { 1, 2, 32, 40, 256 };
	char buf[256];
	size_t i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		size_t n = size < sizes[i] ? size : sizes[i];
		int ret;

		memcpy(buf, data, n);
		ret = rpmsgi_attr_text(buf, n, sizes[i]);
		if (n >= sizes[i] || memchr(data, '\0', n)) {
			CHECK(ret == -EINVAL);
			continue;
		}
		CHECK(ret == 0);
		n = strlen(buf);
		CHECK(n < sizes[i]);
		CHECK(!n || (buf[n - 1] != '\n' && buf[n - 1] != ' '));
		CHECK(!memcmp(buf, data, n));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	text = s;
	check_dec();
	check_hex();
	check_devt();
	text = "(raw bytes)";
	check_attr_text(data, size);
	free(s);
	return 0;
}
