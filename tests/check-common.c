// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: librpmsg authors

/* Fixtures and recorders shared by the suites. */

#include <string.h>
#include <time.h>

#include "check-common.h"

struct fixture fx;

int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void sleep_ms(int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

void fixture_setup(void)
{
	memset(&fx, 0, sizeof(fx));
	fx.ctx = rpmsg_ctx_new(0);
	ck_assert_ptr_nonnull(fx.ctx);
	fx.sim = rpmsg_sim_new(fx.ctx, 0);
	ck_assert_ptr_nonnull(fx.sim);
	fx.ctrl = rpmsg_sim_get_ctrl(fx.sim);
	fx.ept = rpmsg_ctrl_create_ept(fx.ctrl, "test", RPMSG_ADDR_ANY, 30);
	ck_assert_ptr_nonnull(fx.ept);
}

void fixture_teardown(void)
{
	rpmsg_ept_close(fx.ept);
	rpmsg_sim_free(fx.sim);
	rpmsg_ctx_free(fx.ctx);
	memset(&fx, 0, sizeof(fx));
}

void rec_rx(struct rpmsg_ept *ept, const void *data, size_t len, uint32_t src, void *user)
{
	struct recorder *r = user;

	r->rx_count++;
	r->last_len = len;
	r->last_src = src;
	memcpy(r->last, data, len);
}

/* Payloads carry a 64-bit sequence number: checks order and loss. */
void rec_seq_rx(struct rpmsg_ept *ept, const void *data, size_t len, uint32_t src, void *user)
{
	struct recorder *r = user;
	uint64_t seq;

	r->rx_count++;
	if (len != sizeof(seq)) {
		r->seq_broken = true;
		return;
	}
	memcpy(&seq, data, sizeof(seq));
	if (seq != r->seq_next)
		r->seq_broken = true;
	r->seq_next = seq + 1;
}

void rec_event(struct rpmsg_ept *ept, enum rpmsg_event ev, int err, void *user)
{
	struct recorder *r = user;

	if (ev == RPMSG_EVENT_DOWN) {
		r->down_count++;
		r->down_error = err;
	}
}

void rec_done(struct rpmsg_ept *ept, int status, void *user)
{
	struct recorder *r = user;

	if (r->done_count < REC_MAX)
		r->done_status[r->done_count] = status;
	r->done_count++;
}
