// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: librpmsg authors

/* Endpoint lifecycle on the real drivers: create/close, concurrent creators
 * in two processes, announced channels, CREATE_DEV/RELEASE_DEV. */

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check-vm.h"

/* Send one message and wait for its echo; fails the test otherwise. */
static void echo_once(struct rpmsg_ept *ept, const char *text)
{
	struct recorder rec = { 0 };

	rpmsg_ept_set_rx_cb(ept, rec_rx, &rec);
	ck_assert_int_eq(rpmsg_ept_send(ept, text, strlen(text)), 0);
	ck_assert(dispatch_until(rpmsg_ept_get_ctx(ept), rec.rx_count == 1, 3000));
	ck_assert_uint_eq(rec.last_len, strlen(text));
	ck_assert_int_eq(memcmp(rec.last, text, rec.last_len), 0);
	ck_assert_uint_eq(rec.last_src, rpmsg_ept_get_dst(ept));
	rpmsg_ept_set_rx_cb(ept, NULL, NULL);
}

static const char *devname_of(struct rpmsg_ept *ept)
{
	return strrchr(rpmsg_ept_get_path(ept), '/') + 1;
}

START_TEST(create_close_no_leak)
{
	unsigned int before = count_ept_nodes();
	struct rpmsg_ept *ept;
	char value[64], path[128];
	struct stat st;
	int i;

	for (i = 0; i < 20; i++) {
		ept = rpmsg_ctrl_create_ept(vx.ctrl, "life", RPMSG_ADDR_ANY, 0x700 + i);
		ck_assert_msg(ept != NULL, "create %d: %s", i, strerror(errno));
		ck_assert_uint_eq(count_ept_nodes(), before + 1);
		ck_assert_str_eq(rpmsg_ept_get_name(ept), "life");
		ck_assert_uint_eq(rpmsg_ept_get_dst(ept), 0x700 + i);
		ck_assert_uint_eq(rpmsg_ept_get_mtu(ept), RPMSG_MTU_DEFAULT);
		ck_assert_int_eq(class_attr(devname_of(ept), "name", value, sizeof(value)), 0);
		ck_assert_str_eq(value, "life");
		ck_assert_int_eq(class_attr(devname_of(ept), "dst", value, sizeof(value)), 0);
		ck_assert_int_eq(atoi(value), 0x700 + i);
		snprintf(path, sizeof(path), "%s", rpmsg_ept_get_path(ept));
		if (i % 5 == 0)
			echo_once(ept, "life");
		rpmsg_ept_close(ept);
		/* close destroyed the device: node and sysfs entry are gone */
		ck_assert_int_eq(stat(path, &st), -1);
		ck_assert_int_eq(errno, ENOENT);
		ck_assert_uint_eq(count_ept_nodes(), before);
	}
	ck_assert_uint_eq(destroy_log.calls, 20);
}
END_TEST

/* Open and DESTROY the endpoint device name/dst that nobody holds. */
/* An endpoint device kept past close (destroy-on-close off) stays, keeps its
 * addresses, and is reopened by path; rpmsg_ept_destroy on the reopened handle
 * removes it with exactly one DESTROY, and close does not DESTROY again. */
START_TEST(keep_then_destroy_by_path)
{
	unsigned int before = count_ept_nodes();
	struct rpmsg_ept *ept;
	char path[128];
	struct stat st;

	ept = rpmsg_ctrl_create_ept(vx.ctrl, "kept", RPMSG_ADDR_ANY, 0x720);
	ck_assert_ptr_nonnull(ept);
	snprintf(path, sizeof(path), "%s", rpmsg_ept_get_path(ept));
	ck_assert_int_eq(rpmsg_ept_set_destroy_on_close(ept, false), 0);
	rpmsg_ept_close(ept);
	ck_assert_uint_eq(destroy_log.calls, 0);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(count_ept_nodes(), before + 1);

	ept = rpmsg_ept_open(vx.ctx, path);
	ck_assert_msg(ept != NULL, "reopen %s: %s", path, strerror(errno));
	ck_assert_uint_eq(rpmsg_ept_get_dst(ept), 0x720);
	echo_once(ept, "kept");
	ck_assert_int_eq(rpmsg_ept_destroy(ept), 0);
	ck_assert_uint_eq(destroy_log.calls, 1);
	ck_assert(rpmsg_ept_is_down(ept));
	ck_assert_errno(rpmsg_ept_send(ept, "x", 1), EPIPE);
	ck_assert_errno(rpmsg_ept_destroy(ept), EPIPE);
	rpmsg_ept_close(ept);
	ck_assert_uint_eq(destroy_log.calls, 1);
	ck_assert_uint_eq(destroy_log.on_dead, 0);
	ck_assert_int_eq(stat(path, &st), -1);
	ck_assert_uint_eq(count_ept_nodes(), before);
}
END_TEST

static void destroy_leftover(const char *name, uint32_t dst)
{
	struct rpmsg_devlist *list = rpmsg_ctx_list(vx.ctx, RPMSG_DEV_EPT);
	size_t i;
	int fd = -1;

	ck_assert_ptr_nonnull(list);
	for (i = 0; i < rpmsg_devlist_count(list) && fd < 0; i++) {
		const struct rpmsg_devinfo *d = rpmsg_devlist_get(list, i);

		if (!strcmp(rpmsg_devinfo_get_name(d), name) && rpmsg_devinfo_get_dst(d) == dst)
			fd = open(rpmsg_devinfo_get_dev_path(d), O_RDWR | O_NONBLOCK | O_CLOEXEC);
	}
	rpmsg_devlist_free(list);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(raw_destroy_ept(fd), 0);
	close(fd);
}

START_TEST(create_fixed_src_and_errors)
{
	struct rpmsg_ept *a = rpmsg_ctrl_create_ept(vx.ctrl, "fixed", 1600, 0x710);
	struct rpmsg_ept *b;
	char value[64];

	ck_assert_ptr_nonnull(a);
	ck_assert_uint_eq(rpmsg_ept_get_src(a), 1600);
	ck_assert_int_eq(class_attr(devname_of(a), "src", value, sizeof(value)), 0);
	ck_assert_str_eq(value, "1600");
	echo_once(a, "fixed");
	/* The address is in use: CREATE_EPT succeeds, the open fails with
	 * EINVAL. Only an open descriptor can DESTROY a device, so the one made
	 * for the attempt stays (a kernel limit); remove it by hand. */
	ck_assert_null_errno(rpmsg_ctrl_create_ept(vx.ctrl, "fixed", 1600, 0x711), EINVAL);
	ck_assert_uint_eq(count_ept_nodes(), vx.nodes_before + 2);
	rpmsg_ept_close(a);
	destroy_leftover("fixed", 0x711);
	ck_assert_uint_eq(count_ept_nodes(), vx.nodes_before);
	b = rpmsg_ctrl_create_ept(vx.ctrl, "fixed", 1600, 0x711);
	ck_assert_ptr_nonnull(b);
	echo_once(b, "again");
	rpmsg_ept_close(b);

	ck_assert_null_errno(rpmsg_ctrl_create_ept(vx.ctrl, "", RPMSG_ADDR_ANY, 1), EINVAL);
	ck_assert_null_errno(rpmsg_ctrl_create_ept(vx.ctrl, "0123456789abcdef0123456789abcdef",
						   RPMSG_ADDR_ANY, 1), ENAMETOOLONG);
}
END_TEST

START_TEST(receive_only_ept_send_einval)
{
	struct rpmsg_ept *ept = rpmsg_ctrl_create_ept(vx.ctrl, "rx-only", RPMSG_ADDR_ANY,
						     RPMSG_ADDR_ANY);

	ck_assert_ptr_nonnull(ept);
	ck_assert_errno(rpmsg_ept_send(ept, "x", 1), EINVAL);
	ck_assert_errno(rpmsg_ept_trysend(ept, "x", 1), EINVAL);
	ck_assert(!rpmsg_ept_is_down(ept));
	rpmsg_ept_close(ept);
}
END_TEST

START_TEST(ept_open_busy)
{
	struct rpmsg_ept *ept = rpmsg_ctrl_create_ept(vx.ctrl, "busy", RPMSG_ADDR_ANY, 0x720);

	ck_assert_ptr_nonnull(ept);
	/* one opener per endpoint device */
	ck_assert_null_errno(rpmsg_ept_open(vx.ctx, rpmsg_ept_get_path(ept)), EBUSY);
	ck_assert_null_errno(rpmsg_ept_open(vx.ctx, "/dev/rpmsg_no_such"), ENOENT);
	ck_assert_null_errno(rpmsg_ept_open(vx.ctx, rpmsg_ctrl_get_path(vx.ctrl)), ENODEV);
	rpmsg_ept_close(ept);
}
END_TEST

/* Two processes create endpoints on the same control device at once; each
 * must get (and identify) its own device every time. */
#define RACE_EPTS 24

static int race_child(char tag, int go_fd)
{
	struct rpmsg_ctx *ctx = rpmsg_ctx_new(0);
	struct rpmsg_ctrl *ctrl = ctx ? vm_open_ctrl(ctx) : NULL;
	struct rpmsg_ept *epts[RACE_EPTS];
	char go, name[32], value[64];
	int i, bad = 0;

	if (!ctrl || read(go_fd, &go, 1) != 1)
		return 10;
	for (i = 0; i < RACE_EPTS; i++) {
		uint32_t dst = (tag == 'A' ? 0x1000 : 0x2000) + i;

		snprintf(name, sizeof(name), "race-%c-%d", tag, i);
		epts[i] = rpmsg_ctrl_create_ept(ctrl, name, RPMSG_ADDR_ANY, dst);
		if (!epts[i]) {
			fprintf(stderr, "race %s: create: %s\n", name, strerror(errno));
			return 11;
		}
		/* the device the library opened is the one the kernel made for us */
		if (class_attr(devname_of(epts[i]), "name", value, sizeof(value)) ||
		    strcmp(value, name) ||
		    class_attr(devname_of(epts[i]), "dst", value, sizeof(value)) ||
		    (uint32_t)atoi(value) != dst) {
			fprintf(stderr, "race %s: got %s (%s)\n", name, rpmsg_ept_get_path(epts[i]),
				value);
			bad++;
		}
	}
	for (i = 0; i < RACE_EPTS; i++) {
		struct recorder rec = { 0 };

		snprintf(name, sizeof(name), "race-%c-%d", tag, i);
		rpmsg_ept_set_rx_cb(epts[i], rec_rx, &rec);
		if (rpmsg_ept_send(epts[i], name, strlen(name)) < 0)
			return 12;
		if (!dispatch_until(ctx, rec.rx_count == 1, 3000) || rec.last_len != strlen(name) ||
		    memcmp(rec.last, name, rec.last_len))
			bad++;
		rpmsg_ept_set_rx_cb(epts[i], NULL, NULL);
	}
	for (i = 0; i < RACE_EPTS; i++)
		rpmsg_ept_close(epts[i]);
	rpmsg_ctrl_close(ctrl);
	rpmsg_ctx_free(ctx);
	return bad ? 13 : 0;
}

/* Another process's endpoint device goes away between create_ept's sysfs
 * snapshot and its ioctl: the kernel gives the freed index to the new device,
 * which must still be recognised as ours (by its name/src/dst). This is what
 * two_processes_create_at_once hits at random when one process closes its
 * endpoints while the other still creates. */
static int reuse_pipe[2] = { -1, -1 };
static pid_t reuse_child;

static void free_victims_index(void)
{
	int status;

	ck_assert_int_eq(write(reuse_pipe[1], "x", 1), 1);	/* child: close it */
	ck_assert_int_eq(waitpid(reuse_child, &status, 0), reuse_child);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

START_TEST(create_gets_a_reused_index)
{
	char victim_dev[32] = "", value[64];
	struct rpmsg_ept *ept;
	int ready[2];
	char go;

	ck_assert_int_eq(pipe(reuse_pipe), 0);
	ck_assert_int_eq(pipe(ready), 0);
	reuse_child = fork();
	ck_assert_int_ge(reuse_child, 0);
	if (reuse_child == 0) {
		struct rpmsg_ctx *ctx = rpmsg_ctx_new(0);
		struct rpmsg_ctrl *ctrl = ctx ? vm_open_ctrl(ctx) : NULL;
		struct rpmsg_ept *victim = ctrl ?
			rpmsg_ctrl_create_ept(ctrl, "victim", RPMSG_ADDR_ANY, 0x3000) : NULL;

		if (!victim)
			_exit(10);
		snprintf(victim_dev, sizeof(victim_dev), "%s", devname_of(victim));
		if (write(ready[1], victim_dev, sizeof(victim_dev)) != sizeof(victim_dev) ||
		    read(reuse_pipe[0], &go, 1) != 1)
			_exit(11);
		rpmsg_ept_close(victim);	/* DESTROY + close: the index is free */
		rpmsg_ctrl_close(ctrl);
		rpmsg_ctx_free(ctx);
		_exit(0);
	}
	ck_assert_int_eq(read(ready[0], victim_dev, sizeof(victim_dev)), sizeof(victim_dev));
	before_create_ept = free_victims_index;
	ept = rpmsg_ctrl_create_ept(vx.ctrl, "reuser", RPMSG_ADDR_ANY, 0x3001);
	ck_assert_msg(ept != NULL, "create_ept: %s", strerror(errno));
	ck_assert_ptr_null(before_create_ept);	/* the hook ran */
	/* the kernel gave it the victim's index: the case under test */
	ck_assert_str_eq(devname_of(ept), victim_dev);
	ck_assert_int_eq(class_attr(devname_of(ept), "name", value, sizeof(value)), 0);
	ck_assert_str_eq(value, "reuser");
	ck_assert_int_eq(rpmsg_ept_send(ept, "r", 1), 0);
	rpmsg_ept_close(ept);
	close(ready[0]);
	close(ready[1]);
	close(reuse_pipe[0]);
	close(reuse_pipe[1]);
	ck_assert_uint_eq(count_ept_nodes(), vx.nodes_before);
}
END_TEST

START_TEST(two_processes_create_at_once)
{
	int go[2], status, i;
	pid_t pid[2];

	ck_assert_int_eq(pipe(go), 0);
	for (i = 0; i < 2; i++) {
		pid[i] = fork();
		ck_assert_int_ge(pid[i], 0);
		if (pid[i] == 0) {
			close(go[1]);
			_exit(race_child(i ? 'B' : 'A', go[0]));
		}
	}
	close(go[0]);
	/* release both at once */
	ck_assert_int_eq(write(go[1], "gg", 2), 2);
	close(go[1]);
	for (i = 0; i < 2; i++) {
		ck_assert_int_eq(waitpid(pid[i], &status, 0), pid[i]);
		ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
			      "creator %c: status 0x%x", i ? 'B' : 'A', status);
	}
	ck_assert_uint_eq(count_ept_nodes(), vx.nodes_before);
}
END_TEST

START_TEST(open_announced_channel)
{
	struct rpmsg_ept *ch;
	char path[128];

	ck_assert_null_errno(rpmsg_ctrl_open_channel(vx.ctrl, "rpmsg-raw", 1050), ENOENT);
	lb_announce("rpmsg-raw", 1050);
	lb_announce("no-such-service", 1051);
	ck_assert_null_errno(rpmsg_ctrl_open_channel(vx.ctrl, "no-such-service", 1051), ENODEV);

	ch = rpmsg_ctrl_open_channel(vx.ctrl, "rpmsg-raw", 1050);
	ck_assert_msg(ch != NULL, "open_channel: %s", strerror(errno));
	ck_assert_str_eq(rpmsg_ept_get_name(ch), "rpmsg-raw");
	ck_assert_uint_eq(rpmsg_ept_get_dst(ch), 1050);
	echo_once(ch, "over the channel");
	snprintf(path, sizeof(path), "%s", rpmsg_ept_get_path(ch));
	/* closing does not remove the channel (and does not DESTROY) */
	rpmsg_ept_close(ch);
	ck_assert_uint_eq(destroy_log.calls, 0);
	ch = rpmsg_ctrl_open_channel(vx.ctrl, "rpmsg-raw", RPMSG_ADDR_ANY);
	ck_assert_ptr_nonnull(ch);
	ck_assert_str_eq(rpmsg_ept_get_path(ch), path);
	echo_once(ch, "reopened");
	rpmsg_ept_close(ch);

	lb_withdraw("rpmsg-raw", 1050);
	lb_withdraw("no-such-service", 1051);
	ck_assert_null_errno(rpmsg_ctrl_open_channel(vx.ctrl, "rpmsg-raw", 1050), ENOENT);
}
END_TEST

START_TEST(create_release_channel)
{
	long long ns_rx = lb_stat("ns_rx");
	struct rpmsg_ept *ch;
	struct recorder rec = { 0 };

	ck_assert_int_eq(rpmsg_ctrl_create_channel(vx.ctrl, "rpmsg-raw", 3000, 3001), 0);
	/* a channel with a fixed src announces itself to the remote */
	lb_wait_idle(3000);	/* the remote reads NS messages from the TX pool */
	ck_assert_int_eq(lb_stat("ns_rx"), ns_rx + 1);
	ck_assert_errno(rpmsg_ctrl_create_channel(vx.ctrl, "rpmsg-raw", 3000, 3001), EEXIST);

	ch = rpmsg_ctrl_open_channel(vx.ctrl, "rpmsg-raw", 3001);
	ck_assert_msg(ch != NULL, "open_channel: %s", strerror(errno));
	echo_once(ch, "created channel");
	rpmsg_ept_close(ch);

	ck_assert_errno(rpmsg_ctrl_release_channel(vx.ctrl, "rpmsg_ctrl", RPMSG_ADDR_ANY,
						   RPMSG_ADDR_ANY), EPERM);
	ck_assert_errno(rpmsg_ctrl_release_channel(vx.ctrl, "rpmsg_ns", RPMSG_ADDR_ANY,
						   RPMSG_ADDR_ANY), EPERM);
	ck_assert_errno(rpmsg_ctrl_release_channel(vx.ctrl, "nothing-here", 5, 6), ENOENT);

	/* release with the channel open: the endpoint goes down */
	ch = rpmsg_ctrl_open_channel(vx.ctrl, "rpmsg-raw", 3001);
	ck_assert_ptr_nonnull(ch);
	rpmsg_ept_set_event_cb(ch, rec_event, &rec);
	ck_assert_int_eq(rpmsg_ctrl_release_channel(vx.ctrl, "rpmsg-raw", 3000, 3001), 0);
	lb_wait_idle(3000);	/* the remote reads NS messages from the TX pool */
	ck_assert_int_eq(lb_stat("ns_rx"), ns_rx + 2);	/* and withdraws itself */
	ck_assert(dispatch_until(vx.ctx, rec.down_count == 1, 3000));
	ck_assert_int_eq(rec.down_error, EPIPE);
	ck_assert_errno(rpmsg_ept_send(ch, "x", 1), EPIPE);
	rpmsg_ept_close(ch);
	ck_assert_uint_eq(destroy_log.calls, 0);

	ck_assert_errno(rpmsg_ctrl_release_channel(vx.ctrl, "rpmsg-raw", 3000, 3001), ENOENT);
	ck_assert_null_errno(rpmsg_ctrl_open_channel(vx.ctrl, "rpmsg-raw", 3001), ENOENT);

	/* src ANY: the remote is not told */
	ck_assert_int_eq(rpmsg_ctrl_create_channel(vx.ctrl, "rpmsg-raw", RPMSG_ADDR_ANY, 3002), 0);
	lb_wait_idle(3000);	/* the remote reads NS messages from the TX pool */
	ck_assert_int_eq(lb_stat("ns_rx"), ns_rx + 2);
	ch = rpmsg_ctrl_open_channel(vx.ctrl, "rpmsg-raw", 3002);
	ck_assert_ptr_nonnull(ch);
	echo_once(ch, "any src");
	rpmsg_ept_close(ch);
	ck_assert_int_eq(rpmsg_ctrl_release_channel(vx.ctrl, "rpmsg-raw", RPMSG_ADDR_ANY, 3002), 0);
}
END_TEST

Suite *suite_vm_ept(void)
{
	Suite *s = suite_create("vm-ept");
	TCase *tc = vm_tcase("lifecycle", false);

	tcase_add_test(tc, create_close_no_leak);
	tcase_add_test(tc, keep_then_destroy_by_path);
	tcase_add_test(tc, create_fixed_src_and_errors);
	tcase_add_test(tc, receive_only_ept_send_einval);
	tcase_add_test(tc, ept_open_busy);
	tcase_add_test(tc, two_processes_create_at_once);
	tcase_add_test(tc, create_gets_a_reused_index);
	suite_add_tcase(s, tc);

	tc = vm_tcase("channels", false);
	tcase_add_test(tc, open_announced_channel);
	tcase_add_test(tc, create_release_channel);
	suite_add_tcase(s, tc);
	return s;
}
