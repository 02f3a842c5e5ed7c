// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: librpmsg authors

/* Fixture, loopback knobs and probes of the real-driver suite. */

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/rpmsg.h>

#include "check-vm.h"

#define LB_PARAMS	"/sys/module/rpmsg_loopback/parameters/"
#define LB_DEVICE	"/sys/devices/platform/rpmsg_loopback/"

struct vm_fixture vx;
struct destroy_log destroy_log;
void (*before_create_ept)(void);

/* ---- RPMSG_DESTROY_EPT_IOCTL accounting (linked with --wrap=ioctl) ---- */

int __real_ioctl(int fd, unsigned long request, ...);
int __wrap_ioctl(int fd, unsigned long request, ...);

int __wrap_ioctl(int fd, unsigned long request, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, request);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (request == RPMSG_CREATE_EPT_IOCTL && before_create_ept) {
		void (*hook)(void) = before_create_ept;

		before_create_ept = NULL;
		hook();
	}
	if (request == RPMSG_DESTROY_EPT_IOCTL) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };

		destroy_log.calls++;
		if (poll(&pfd, 1, 0) == 1 && (pfd.revents & (POLLERR | POLLNVAL))) {
			destroy_log.on_dead++;
			errno = EPIPE;
			return -1;
		}
	}
	return __real_ioctl(fd, request, arg);
}

int raw_destroy_ept(int fd)
{
	return __real_ioctl(fd, RPMSG_DESTROY_EPT_IOCTL, NULL);
}

/* ---- loopback remote ---- */

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;
	int err;

	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	err = n < 0 ? -errno : 0;
	close(fd);
	return err;
}

void lb_set(const char *param, const char *value)
{
	char path[128];
	int err;

	snprintf(path, sizeof(path), LB_PARAMS "%s", param);
	err = write_file(path, value);
	ck_assert_msg(err == 0, "%s <- %s: %s", path, value, strerror(-err));
}

void lb_set_paused(bool paused)
{
	lb_set("paused", paused ? "1" : "0");
}

int lb_action(const char *file, const char *text)
{
	char path[128];

	snprintf(path, sizeof(path), LB_DEVICE "%s", file);
	return write_file(path, text);
}

void lb_announce(const char *name, uint32_t addr)
{
	char text[64];
	int err;

	snprintf(text, sizeof(text), "%s %u", name, addr);
	err = lb_action("ns_announce", text);
	ck_assert_msg(err == 0, "ns_announce %s: %s", text, strerror(-err));
}

void lb_withdraw(const char *name, uint32_t addr)
{
	char text[64];
	int err;

	snprintf(text, sizeof(text), "%s %u", name, addr);
	err = lb_action("ns_destroy", text);
	ck_assert_msg(err == 0, "ns_destroy %s: %s", text, strerror(-err));
}

void lb_remote_reset(void)
{
	int err = lb_action("remote_reset", "1");

	ck_assert_msg(err == 0, "remote_reset: %s", strerror(-err));
}

long long lb_stat(const char *key)
{
	char line[128], name[64];
	long long value, found = -1;
	FILE *f = fopen(LB_DEVICE "stats", "re");

	ck_assert_msg(f != NULL, "stats: %s", strerror(errno));
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %lld", name, &value) == 2 && !strcmp(name, key))
			found = value;
	fclose(f);
	ck_assert_msg(found >= 0, "stats has no %s", key);
	return found;
}

void lb_wait_idle(int timeout_ms)
{
	int64_t end = now_ms() + timeout_ms;

	while ((lb_stat("tx_free") != lb_stat("tx_bufs") || lb_stat("fifo") != 0) &&
	       now_ms() < end)
		sleep_ms(2);
	ck_assert_int_eq(lb_stat("tx_free"), lb_stat("tx_bufs"));
}

void lb_defaults(void)
{
	lb_set("echo", "1");
	lb_set("echo_delay_us", "0");
	lb_set("tx_poll", "0");
	lb_set("paused", "0");
	lb_wait_idle(5000);
}

unsigned int lb_fill_pool(struct rpmsg_ept *ept)
{
	static const char msg[] = "fill";
	unsigned int n = 0;

	while (rpmsg_ept_trysend(ept, msg, sizeof(msg)) == 0)
		n++;
	ck_assert_msg(errno == EAGAIN, "trysend: %s", strerror(errno));
	return n;
}

/* ---- probes ---- */

unsigned int count_iou_wrk(void)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	unsigned int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d))) {
		char path[300], comm[32] = "";
		FILE *f;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/comm", e->d_name);
		f = fopen(path, "re");
		if (!f)
			continue;	/* the thread just exited */
		if (fgets(comm, sizeof(comm), f) && !strncmp(comm, "iou-wrk", 7))
			n++;
		fclose(f);
	}
	closedir(d);
	return n;
}

unsigned int count_ept_nodes(void)
{
	DIR *d = opendir("/dev");
	struct dirent *e;
	unsigned int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)))
		if (!strncmp(e->d_name, "rpmsg", 5) && e->d_name[5] >= '0' && e->d_name[5] <= '9')
			n++;
	closedir(d);
	return n;
}

int class_attr(const char *devname, const char *attr, char *buf, size_t size)
{
	char path[128];
	FILE *f;
	size_t len;

	snprintf(path, sizeof(path), "/sys/class/rpmsg/%s/%s", devname, attr);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	if (!fgets(buf, (int)size, f))
		buf[0] = '\0';
	fclose(f);
	len = strlen(buf);
	if (len && buf[len - 1] == '\n')
		buf[len - 1] = '\0';
	return 0;
}

/* ---- context and fixture ---- */

enum rpmsg_engine vm_engine_wanted(void)
{
	const char *e = getenv("RPMSG_ENGINE");

	if (e && !strcmp(e, "uring"))
		return RPMSG_ENGINE_URING;
	if (e && !strcmp(e, "epoll"))
		return RPMSG_ENGINE_EPOLL;
	return 0;
}

struct rpmsg_ctrl *vm_open_ctrl(struct rpmsg_ctx *ctx)
{
	struct rpmsg_devlist *list = rpmsg_ctx_list(ctx, RPMSG_DEV_CTRL);
	struct rpmsg_ctrl *ctrl;

	ck_assert_ptr_nonnull(list);
	ck_assert_uint_ge(rpmsg_devlist_count(list), 1);
	ctrl = rpmsg_ctrl_open(ctx, rpmsg_devinfo_get_dev_path(rpmsg_devlist_get(list, 0)));
	ck_assert_msg(ctrl != NULL, "rpmsg_ctrl_open: %s", strerror(errno));
	rpmsg_devlist_free(list);
	return ctrl;
}

/* Bus devices other than the transport's own control and name-service devices. */
static unsigned int count_channels(void)
{
	DIR *d = opendir("/sys/bus/rpmsg/devices");
	struct dirent *e;
	unsigned int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)))
		if (e->d_name[0] != '.' && !strstr(e->d_name, ".rpmsg_ctrl.") &&
		    !strstr(e->d_name, ".rpmsg_ns."))
			n++;
	closedir(d);
	return n;
}

void vm_setup(void)
{
	enum rpmsg_engine want = vm_engine_wanted();

	memset(&vx, 0, sizeof(vx));
	memset(&destroy_log, 0, sizeof(destroy_log));
	lb_defaults();
	/* A failed test exits without its teardown: its endpoint devices and
	 * channels would stay. A remote reset (no descriptor open) removes
	 * them all and brings the control device back as rpmsg_ctrl0. */
	if (count_ept_nodes() || count_channels()) {
		lb_remote_reset();
		lb_defaults();
	}
	vx.nodes_before = count_ept_nodes();
	ck_assert_uint_eq(vx.nodes_before, 0);
	vx.ctx = rpmsg_ctx_new(0);
	ck_assert_msg(vx.ctx != NULL, "rpmsg_ctx_new: %s", strerror(errno));
	if (want)
		ck_assert_int_eq(rpmsg_ctx_get_engine(vx.ctx), want);
	vx.ctrl = vm_open_ctrl(vx.ctx);
}

void vm_setup_ept(void)
{
	vm_setup();
	vx.ept = rpmsg_ctrl_create_ept(vx.ctrl, "vm-test", RPMSG_ADDR_ANY, VM_DST);
	ck_assert_msg(vx.ept != NULL, "create_ept: %s", strerror(errno));
}

void vm_teardown(void)
{
	rpmsg_ept_close(vx.ept);
	rpmsg_ctrl_close(vx.ctrl);
	rpmsg_ctx_free(vx.ctx);
	ck_assert_uint_eq(destroy_log.on_dead, 0);
	ck_assert_uint_eq(count_ept_nodes(), vx.nodes_before);
	lb_defaults();
	memset(&vx, 0, sizeof(vx));
}

TCase *vm_tcase(const char *name, bool with_ept)
{
	TCase *tc = tcase_create(name);

	tcase_add_checked_fixture(tc, with_ept ? vm_setup_ept : vm_setup, vm_teardown);
	tcase_set_timeout(tc, VM_TEST_TIMEOUT);
	return tc;
}

/* ---- sequence-numbered traffic ---- */

void seq_rx(struct rpmsg_ept *ept, const void *data, size_t len, uint32_t src, void *user)
{
	struct seq_rec *r = user;
	uint64_t seq;

	r->rx++;
	if (len != sizeof(seq)) {
		r->bad++;
		return;
	}
	memcpy(&seq, data, sizeof(seq));
	if (seq != r->next)
		r->bad++;
	r->next = seq + 1;
}

void seq_event(struct rpmsg_ept *ept, enum rpmsg_event ev, int err, void *user)
{
	struct seq_rec *r = user;

	if (ev == RPMSG_EVENT_DOWN) {
		r->down++;
		r->down_err = err;
	}
}

/* One recorder per endpoint is shared by seq_rx and seq_done: the
 * completion finds it through the endpoint's rx user data. */
void seq_done(struct rpmsg_ept *ept, int status, void *user)
{
	struct seq_rec *r = rpmsg_ept_get_rx_cb_data(ept);
	uint64_t index = (uintptr_t)user;

	r->done++;
	if (index != r->done_next)
		r->done_bad++;
	r->done_next = index + 1;
	if (status == 0) {
		r->done_ok++;
	} else {
		r->done_err++;
		r->done_last_err = status;
	}
}

int seq_send_async(struct rpmsg_ept *ept, uint64_t seq, struct seq_rec *r)
{
	ck_assert_ptr_eq(rpmsg_ept_get_rx_cb_data(ept), r);
	return rpmsg_ept_send_async(ept, &seq, sizeof(seq), seq_done, (void *)(uintptr_t)seq);
}
