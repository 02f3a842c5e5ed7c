/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: librpmsg authors */

/* Shared by the Check suites: one suite per object, fixtures, helpers. */

#ifndef __LIBRPMSG_CHECK_COMMON_H__
#define __LIBRPMSG_CHECK_COMMON_H__

#include <check.h>
#include <errno.h>
#include <rpmsg/rpmsg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

Suite *suite_ctx(void);
Suite *suite_discovery(void);
Suite *suite_ctrl(void);
Suite *suite_ept(void);
Suite *suite_send(void);
Suite *suite_rx(void);
Suite *suite_sim(void);

/* Assert a call failed with -1/NULL and exactly this errno. */
#define ck_assert_errno(expr, err)                                              \
	do {                                                                    \
		errno = 0;                                                      \
		ck_assert_msg((expr) == -1, "%s did not fail", #expr);          \
		ck_assert_msg(errno == (err), "%s: errno %d (%s), want %d (%s)", \
			      #expr, errno, strerror(errno), (err), strerror(err)); \
	} while (0)

#define ck_assert_null_errno(expr, err)                                          \
	do {                                                                    \
		errno = 0;                                                      \
		ck_assert_msg((expr) == NULL, "%s did not fail", #expr);        \
		ck_assert_msg(errno == (err), "%s: errno %d (%s), want %d (%s)", \
			      #expr, errno, strerror(errno), (err), strerror(err)); \
	} while (0)

/* An accessor that cannot fail otherwise: expr gives value and sets err. */
#define ck_assert_value_errno(expr, value, err)                                   \
	do {                                                                    \
		errno = 0;                                                      \
		ck_assert_msg((uintmax_t)(expr) == (uintmax_t)(value), "%s != %s", \
			      #expr, #value);                                    \
		ck_assert_msg(errno == (err), "%s: errno %d (%s), want %d (%s)", \
			      #expr, errno, strerror(errno), (err), strerror(err)); \
	} while (0)

/* A context with a simulated remote and one endpoint to remote address 30,
 * rebuilt for every test (checked fixture). */
struct fixture {
	struct rpmsg_ctx *ctx;
	struct rpmsg_sim *sim;
	struct rpmsg_ctrl *ctrl;
	struct rpmsg_ept *ept;
};
extern struct fixture fx;
void fixture_setup(void);
void fixture_teardown(void);

/* Records what an endpoint's callbacks saw. */
#define REC_MAX 64
struct recorder {
	unsigned int rx_count;
	size_t last_len;
	uint32_t last_src;
	unsigned char last[RPMSG_MTU_MAX];
	uint64_t seq_next;	/* for 8-byte sequence payloads */
	bool seq_broken;
	unsigned int down_count;
	int down_error;
	unsigned int done_count;
	int done_status[REC_MAX];
};
void rec_rx(struct rpmsg_ept *ept, const void *data, size_t len, uint32_t src, void *user);
void rec_seq_rx(struct rpmsg_ept *ept, const void *data, size_t len, uint32_t src, void *user);
void rec_event(struct rpmsg_ept *ept, enum rpmsg_event ev, int err, void *user);
void rec_done(struct rpmsg_ept *ept, int status, void *user);

/* Dispatch until cond holds or timeout_ms passes; returns cond. */
#define dispatch_until(ctx, cond, timeout_ms)                                  \
	({                                                                     \
		int64_t _end = now_ms() + (timeout_ms);                         \
		while (!(cond) && now_ms() < _end)                             \
			ck_assert_int_ge(rpmsg_ctx_dispatch((ctx), 10), 0);     \
		(cond);                                                        \
	})
int64_t now_ms(void);

void sleep_ms(int ms);

#endif
