// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: librpmsg authors

/* Options, opening endpoints, waiting and printing: shared by the subcommands. */

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tool.h"

struct tool_global tool_global;
const char *tool_cmd = "";
volatile sig_atomic_t tool_stop;

const char tool_target_help[] =
	"Endpoint (one of):\n"
	"  --sim             a simulated remote in this process; it echoes every message\n"
	"  --ctrl PATH       create the endpoint on this control device (/dev/rpmsg_ctrlN)\n"
	"  --rproc NAME      ... on the control device of a remote processor\n"
	"                    (its name, its index or remoteprocN)\n"
	"                    (default: the first control device found)\n"
	"  --dev PATH        open an existing endpoint device (/dev/rpmsgN)\n"
	"  --channel NAME    open the endpoint device of channel NAME (with --sim: the\n"
	"                    simulated remote announces it at --dst, default 1024)\n"
	"Endpoint settings:\n"
	"  --name NAME       service name of the endpoint created (default rpmsg-tool)\n"
	"  --src ADDR        local address (default any: the kernel picks one)\n"
	"  --dst ADDR        remote address (--channel: which channel)\n"
	"  --mtu BYTES       largest message (default 496, virtio's)\n"
	"  --sim-send DATA   with --sim: the remote sends DATA to the endpoint once it\n"
	"                    is open (repeatable)\n"
	"Addresses are decimal or 0x-hexadecimal, or \"any\".\n";

static void vmsg(const char *fmt, va_list ap)
{
	fprintf(stderr, "rpmsg: ");
	if (*tool_cmd)
		fprintf(stderr, "%s: ", tool_cmd);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

int tool_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
	return EXIT_FAIL;
}

int tool_usage_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
	fprintf(stderr, "Try 'rpmsg %s%s--help'.\n", tool_cmd, *tool_cmd ? " " : "");
	return EXIT_USAGE;
}

bool tool_parse_ulong(const char *arg, const char *what, unsigned long min, unsigned long max,
		      unsigned long *out)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(arg, &end, 0);
	if (errno || end == arg || *end || *arg == '-' || v < min || v > max) {
		tool_usage_err("invalid %s '%s' (%lu to %lu)", what, arg, min, max);
		return false;
	}
	*out = v;
	return true;
}

bool tool_parse_addr(const char *arg, const char *what, uint32_t *out)
{
	unsigned long v;

	if (!strcmp(arg, "any") || !strcmp(arg, "ANY")) {
		*out = RPMSG_ADDR_ANY;
		return true;
	}
	if (!tool_parse_ulong(arg, what, 0, 0xFFFFFFFFUL, &v))
		return false;
	*out = (uint32_t)v;
	return true;
}

bool tool_parse_ms(const char *arg, const char *what, int *out)
{
	unsigned long v;

	if (!tool_parse_ulong(arg, what, 0, 86400000UL, &v))
		return false;
	*out = (int)v;
	return true;
}

int64_t tool_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

struct rpmsg_ctx *tool_ctx_new(void)
{
	struct rpmsg_ctx *ctx = rpmsg_ctx_new(tool_global.ctx_flags);

	if (!ctx) {
		tool_err("cannot create a context: %s", strerror(errno));
		return NULL;
	}
	if ((tool_global.sysfs_root || tool_global.dev_root) &&
	    rpmsg_ctx_set_roots(ctx, tool_global.sysfs_root, tool_global.dev_root) < 0) {
		tool_err("cannot use sysfs root %s and /dev root %s: %s",
			 tool_global.sysfs_root ? tool_global.sysfs_root : "/sys",
			 tool_global.dev_root ? tool_global.dev_root : "/dev", strerror(errno));
		rpmsg_ctx_free(ctx);
		return NULL;
	}
	return ctx;
}

void target_opts_init(struct target_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->name = "rpmsg-tool";
	o->src = RPMSG_ADDR_ANY;
	o->dst = RPMSG_ADDR_ANY;
	o->mtu = RPMSG_MTU_DEFAULT;
}

bool target_opts_parse(struct target_opts *o, int c, const char *arg)
{
	unsigned long v;
	const char **more;

	switch (c) {
	case OPT_SIM:
		o->sim = true;
		break;
	case OPT_CTRL:
		o->ctrl_path = arg;
		break;
	case OPT_RPROC:
		o->rproc = arg;
		break;
	case OPT_DEV:
		o->dev = arg;
		break;
	case OPT_CHANNEL:
		o->channel = arg;
		break;
	case OPT_NAME:
		o->name = arg;
		break;
	case OPT_SRC:
		return tool_parse_addr(arg, "local address", &o->src);
	case OPT_DST:
		o->dst_set = true;
		return tool_parse_addr(arg, "remote address", &o->dst);
	case OPT_MTU:
		if (!tool_parse_ulong(arg, "MTU", 1, RPMSG_MTU_MAX, &v))
			return false;
		o->mtu = v;
		break;
	case OPT_SIM_SEND:
		more = realloc(o->sim_send, (o->n_sim_send + 1) * sizeof(*more));
		if (!more) {
			tool_err("%s", strerror(ENOMEM));
			return false;
		}
		o->sim_send = more;
		o->sim_send[o->n_sim_send++] = arg;
		break;
	default:
		tool_usage_err("unknown option");
		return false;
	}
	return true;
}

/*
 * The node of the first control device discovery finds: the one
 * rpmsg_ctrl_open_rproc takes without a name. False when there is none
 * (errno 0) or the listing failed (errno set).
 */
static bool first_ctrl_path(struct rpmsg_ctx *ctx, char *buf, size_t size)
{
	struct rpmsg_devlist *l = rpmsg_ctx_list(ctx, RPMSG_DEV_CTRL);
	const char *path = NULL;

	if (!l)
		return false;
	if (rpmsg_devlist_count(l))
		path = rpmsg_devinfo_get_dev_path(rpmsg_devlist_get(l, 0));
	if (path)
		snprintf(buf, size, "%s", path);
	rpmsg_devlist_free(l);
	errno = 0;
	return path != NULL;
}

/* Whether a control device can be looked for (true when discovery fails: the
 * open that follows says why). */
static bool any_ctrl_device(void)
{
	struct rpmsg_ctx *ctx = tool_ctx_new();
	char path[256];
	bool found;

	if (!ctx)
		return true;
	found = first_ctrl_path(ctx, path, sizeof(path)) || errno;
	rpmsg_ctx_free(ctx);
	return found;
}

int tool_open_err(const char *path, const char *kind)
{
	if (errno == ENODEV || errno == ENOTTY)
		return tool_err("%s: not an rpmsg %s: %s", path, kind, strerror(errno));
	return tool_err("%s: %s", path, strerror(errno));
}

int target_opts_check(struct target_opts *o, enum target_use use)
{
	int sources = o->sim + !!o->ctrl_path + !!o->rproc + !!o->dev;
	bool creates = !o->dev && !o->channel;

	if (sources > 1 || (o->dev && o->channel))
		return tool_usage_err("give at most one of --sim, --ctrl, --rproc and --dev, "
				      "and --channel not with --dev");
	if (o->n_sim_send && !o->sim)
		return tool_usage_err("--sim-send needs --sim");
	if (!strlen(o->name) || strlen(o->name) >= RPMSG_NAME_SIZE)
		return tool_usage_err("a service name has 1 to %u bytes: '%s'",
				      RPMSG_NAME_SIZE - 1, o->name);
	if (use != TARGET_RECV && creates && !o->dst_set) {
		if (o->sim) {
			o->dst = 30;	/* the simulated remote echoes on every address */
		} else if (!o->ctrl_path && !o->rproc && !any_ctrl_device()) {
			/* The missing device, not the missing --dst, is the news. */
			return tool_err(NO_CTRL_DEVICE);
		} else {
			return tool_usage_err("--dst is needed to create an endpoint");
		}
	}
	if (use == TARGET_SEND && creates && o->dst == RPMSG_ADDR_ANY)
		return tool_usage_err("--dst any creates a receive-only endpoint: %s needs a "
				      "remote address", tool_cmd);
	return 0;
}

int target_opts_finish(struct target_opts *o, int argc, char **argv, enum target_use use)
{
	if (optind < argc)
		return tool_usage_err("unexpected argument '%s'", argv[optind]);
	return target_opts_check(o, use);
}

static void on_event(struct rpmsg_ept *ept, enum rpmsg_event event, int error, void *user_data)
{
	struct target *t = user_data;

	t->down_err = error ? error : EPIPE;
}

int target_open_ctrl(struct target *t, const struct target_opts *o)
{
	memset(t, 0, sizeof(*t));
	t->ctx = tool_ctx_new();
	if (!t->ctx)
		return EXIT_FAIL;
	if (o->sim) {
		snprintf(t->where, sizeof(t->where), "simulated remote");
		t->sim = rpmsg_sim_new(t->ctx, 0);
		t->ctrl = t->sim ? rpmsg_sim_get_ctrl(t->sim) : NULL;
		if (t->ctrl && o->mtu != RPMSG_MTU_DEFAULT && rpmsg_sim_set_mtu(t->sim, o->mtu) < 0)
			goto fail;
	} else if (o->rproc) {
		snprintf(t->where, sizeof(t->where), "remote processor %s", o->rproc);
		t->ctrl = rpmsg_ctrl_open_rproc(t->ctx, o->rproc);
	} else {
		if (o->ctrl_path) {
			snprintf(t->where, sizeof(t->where), "%s", o->ctrl_path);
		} else if (!first_ctrl_path(t->ctx, t->where, sizeof(t->where))) {
			if (errno)
				tool_err("cannot list devices under %s: %s",
					 rpmsg_ctx_get_sysfs_root(t->ctx), strerror(errno));
			else
				tool_err(NO_CTRL_DEVICE);
			target_close(t);
			return EXIT_FAIL;
		}
		t->ctrl = rpmsg_ctrl_open(t->ctx, t->where);
		if (!t->ctrl) {
			tool_open_err(t->where, "control device");
			target_close(t);
			return EXIT_FAIL;
		}
	}
	if (!t->ctrl)
		goto fail;
	if (!o->sim)
		snprintf(t->where, sizeof(t->where), "%s", rpmsg_ctrl_get_path(t->ctrl));
	return 0;

fail:
	tool_err("%s: %s", t->where, strerror(errno));
	target_close(t);
	return EXIT_FAIL;
}

int target_open(struct target *t, const struct target_opts *o)
{
	int ret;

	if (o->dev) {
		memset(t, 0, sizeof(*t));
		t->ctx = tool_ctx_new();
		if (!t->ctx)
			return EXIT_FAIL;
		snprintf(t->where, sizeof(t->where), "%s", o->dev);
		t->ept = rpmsg_ept_open(t->ctx, o->dev);
		if (!t->ept) {
			tool_open_err(o->dev, "endpoint device");
			target_close(t);
			return EXIT_FAIL;
		}
	} else {
		ret = target_open_ctrl(t, o);
		if (ret)
			return ret;
		if (o->channel) {
			uint32_t at = o->dst_set ? o->dst : RPMSG_ADDR_ANY;

			if (o->sim && rpmsg_sim_announce(t->sim, o->channel,
							 at == RPMSG_ADDR_ANY ? 1024 : at) < 0) {
				snprintf(t->where, sizeof(t->where), "simulated remote, channel %s",
					 o->channel);
				goto fail;
			}
			snprintf(t->where + strlen(t->where), sizeof(t->where) - strlen(t->where),
				 ", channel %s", o->channel);
			t->ept = rpmsg_ctrl_open_channel(t->ctrl, o->channel, at);
		} else {
			t->ept = rpmsg_ctrl_create_ept(t->ctrl, o->name, o->src, o->dst);
		}
		if (!t->ept)
			goto fail;
	}
	if (o->mtu != RPMSG_MTU_DEFAULT && rpmsg_ept_set_mtu(t->ept, o->mtu) < 0)
		goto fail;
	if (rpmsg_ept_get_path(t->ept))
		snprintf(t->where, sizeof(t->where), "%s", rpmsg_ept_get_path(t->ept));
	rpmsg_ept_set_event_cb(t->ept, on_event, t);
	return 0;

fail:
	tool_err("%s: %s", t->where, strerror(errno));
	target_close(t);
	return EXIT_FAIL;
}

int target_sim_send(struct target *t, const struct target_opts *o)
{
	size_t i;

	for (i = 0; i < o->n_sim_send; i++) {
		const char *m = o->sim_send[i];

		if (rpmsg_sim_send(t->sim, rpmsg_ept_get_dst(t->ept), rpmsg_ept_get_src(t->ept), m,
				   strlen(m)) < 0)
			return tool_err("simulated remote: cannot send '%s': %s", m,
					strerror(errno));
	}
	return 0;
}

/* The simulated remote's handler that drops what it receives: it still counts it. */
static void sim_drop(struct rpmsg_sim *sim, uint32_t from, uint32_t to, const void *data,
		     size_t len, void *user_data)
{
}

void target_sim_no_echo(struct target *t)
{
	if (t->sim)
		rpmsg_sim_set_handler(t->sim, sim_drop, NULL);
}

void target_close(struct target *t)
{
	/* The endpoint first: closing it destroys the endpoint device it created. */
	rpmsg_ept_close(t->ept);
	t->ept = NULL;
	if (!t->sim)
		rpmsg_ctrl_close(t->ctrl);
	t->ctrl = NULL;
	rpmsg_sim_free(t->sim);
	t->sim = NULL;
	rpmsg_ctx_free(t->ctx);
	t->ctx = NULL;
}

int tool_wait(struct target *t, const bool *done, int64_t deadline_ns)
{
	while (!*done) {
		int timeout = -1;

		if (t->down_err)
			return -t->down_err;
		if (tool_stop)
			return -EINTR;
		if (deadline_ns) {
			int64_t left = deadline_ns - tool_now_ns();

			if (left <= 0)
				return -ETIMEDOUT;
			timeout = (int)((left + 999999) / 1000000);
		}
		if (rpmsg_ctx_dispatch(t->ctx, timeout) < 0 && errno != EINTR)
			return -errno;
	}
	return 0;
}

void tool_print_msg(const void *data, size_t len, bool hex)
{
	const unsigned char *p = data;
	size_t i;

	for (i = 0; i < len; i++) {
		if (hex)
			printf("%02x", p[i]);
		else if (p[i] == '\\')
			fputs("\\\\", stdout);
		else if (isprint(p[i]) || p[i] == '\t')
			putchar(p[i]);
		else
			printf("\\x%02x", p[i]);
	}
	putchar('\n');
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

long tool_hex_decode(const char *s, unsigned char *out, size_t size)
{
	size_t n = 0;

	while (*s) {
		int hi, lo;

		if (*s == ' ' || *s == ':') {
			s++;
			continue;
		}
		hi = hexval(s[0]);
		lo = hi < 0 ? -1 : hexval(s[1]);
		if (lo < 0 || n >= size)
			return -1;
		out[n++] = (unsigned char)(hi << 4 | lo);
		s += 2;
	}
	return (long)n;
}
