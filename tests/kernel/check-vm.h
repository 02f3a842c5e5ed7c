/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: librpmsg authors */

/*
 * The real-driver suite: runs in the test VM (tests/kernel/run-vm.sh) against
 * rpmsg_char/rpmsg_ctrl/rpmsg_ns and the rpmsg_loopback remote. Shared
 * declarations: suites, the per-test fixture, loopback knobs, probes.
 */

#ifndef __LIBRPMSG_CHECK_VM_H__
#define __LIBRPMSG_CHECK_VM_H__

#include <stdint.h>
#include <string.h>

#include "../check-common.h"

Suite *suite_vm_discovery(void);
Suite *suite_vm_ept(void);
Suite *suite_vm_send(void);
Suite *suite_vm_async(void);
Suite *suite_vm_rx(void);
Suite *suite_vm_down(void);
Suite *suite_vm_iowq(void);
Suite *suite_vm_signals(void);
Suite *suite_vm_soak(void);

/* Remote address the fixture's endpoint talks to (the loopback echoes any). */
#define VM_DST		0x500U
/* Buffers in the loopback's TX pool (its default, as in virtio_rpmsg_bus). */
#define VM_TX_BUFS	256U
/* Per-test limit in seconds (Check's CK_DEFAULT_TIMEOUT still overrides it). */
#define VM_TEST_TIMEOUT	60

/* Per test (checked fixture, so it runs in the forked child): remote knobs
 * back to their defaults, a context on the engine under test, the control
 * device, one endpoint to VM_DST. Teardown closes them and fails the test if
 * an endpoint node leaked or the library misused RPMSG_DESTROY_EPT_IOCTL. */
struct vm_fixture {
	struct rpmsg_ctx *ctx;
	struct rpmsg_ctrl *ctrl;
	struct rpmsg_ept *ept;
	unsigned int nodes_before;	/* /dev/rpmsgN count at setup */
};
extern struct vm_fixture vx;
void vm_setup(void);		/* context + control device, no endpoint */
void vm_setup_ept(void);	/* vm_setup + vx.ept */
void vm_teardown(void);
/* A test case with the endpoint fixture and the suite's timeout. */
TCase *vm_tcase(const char *name, bool with_ept);

/* Engine named by RPMSG_ENGINE ("uring"/"epoll"), or 0 when unset. */
enum rpmsg_engine vm_engine_wanted(void);
/* Open the (first) control device found by discovery. */
struct rpmsg_ctrl *vm_open_ctrl(struct rpmsg_ctx *ctx);

/* ---- loopback remote: /sys/module/rpmsg_loopback/parameters and actions ---- */
void lb_set(const char *param, const char *value);
void lb_set_paused(bool paused);
/* Write an action file of the platform device; returns 0 or -errno. */
int lb_action(const char *file, const char *text);
void lb_announce(const char *name, uint32_t addr);
void lb_withdraw(const char *name, uint32_t addr);
void lb_remote_reset(void);
/* One counter of the `stats` attribute; fails the test if absent. */
long long lb_stat(const char *key);
/* Knobs to their defaults and every held TX buffer processed. */
void lb_defaults(void);
/* Wait until the remote has processed every TX buffer (pool full again). */
void lb_wait_idle(int timeout_ms);
/* trysend on ept until the pool is full; returns how many were accepted. */
unsigned int lb_fill_pool(struct rpmsg_ept *ept);

/* ---- probes ---- */
/* Threads named iou-wrk* in /proc/self/task (io_uring's io-wq workers). */
unsigned int count_iou_wrk(void);
/* /dev/rpmsgN nodes. */
unsigned int count_ept_nodes(void);
/* sysfs attribute of /sys/class/rpmsg/<devname>/, trailing newline dropped. */
int class_attr(const char *devname, const char *attr, char *buf, size_t size);

/* The library's RPMSG_DESTROY_EPT_IOCTL calls, seen through the linker's
 * --wrap=ioctl. A DESTROY on an endpoint device that is already gone (poll
 * reports POLLERR) oopses Linux 6.1: it is counted and not passed on. */
struct destroy_log {
	unsigned int calls;		/* every DESTROY the library made */
	unsigned int on_dead;		/* ... on a device already gone (refused) */
};
extern struct destroy_log destroy_log;
/* DESTROY on the test's behalf, not counted: the endpoint vanishes under the library. */
int raw_destroy_ept(int fd);
/* Run once by the next RPMSG_CREATE_EPT_IOCTL the library makes, just before
 * it: lets a test change the endpoint devices between the library's sysfs
 * snapshot and the ioctl. */
extern void (*before_create_ept)(void);

/* Sequence-numbered payloads: 8 bytes, little-endian host order. */
struct seq_rec {
	uint64_t rx;		/* messages received */
	uint64_t next;		/* expected next sequence number */
	uint64_t bad;		/* out of order, duplicated or wrong length */
	unsigned int down;	/* down events */
	int down_err;
	uint64_t done;		/* send completions */
	uint64_t done_ok;
	uint64_t done_next;	/* expected next completion index */
	uint64_t done_bad;	/* completions out of order */
	int done_last_err;	/* last non-zero status */
	uint64_t done_err;	/* completions with a non-zero status */
};
void seq_rx(struct rpmsg_ept *ept, const void *data, size_t len, uint32_t src, void *user);
void seq_event(struct rpmsg_ept *ept, enum rpmsg_event ev, int err, void *user);
/* Completion callback: user_data is the index of the send (cast from uintptr_t). */
void seq_done(struct rpmsg_ept *ept, int status, void *user);
/* Queue message number seq with seq_done; returns send_async's result. */
int seq_send_async(struct rpmsg_ept *ept, uint64_t seq, struct seq_rec *r);

/* rpmsg_ctx_dispatch until cond or timeout_ms, tolerating EINTR (signal tests). */
#define vm_dispatch_until(ctx, cond, timeout_ms)                                      \
	({                                                                            \
		int64_t _end = now_ms() + (timeout_ms);                                \
		while (!(cond) && now_ms() < _end) {                                  \
			int _n = rpmsg_ctx_dispatch((ctx), 10);                        \
			ck_assert_msg(_n >= 0 || errno == EINTR, "dispatch: %s",       \
				      strerror(errno));                                \
		}                                                                     \
		(cond);                                                               \
	})

/* Hook for the rpmsg tool's VM tests (tools/): see check-vm-main.c. */
void vm_add_tool_suites(SRunner *sr);

#endif
