// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: librpmsg authors

/* rpmsg create and rpmsg destroy: channels, and endpoints held while rpmsg runs. */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tool.h"

static void create_help(FILE *f)
{
	fprintf(f, "Usage: rpmsg create channel NAME [options]\n"
		"       rpmsg create endpoint NAME --dst ADDR [options]\n"
		"channel: create a channel NAME on the control device's transport (Linux 5.18+;\n"
		"  \"rpmsg-raw\" gives it an endpoint device). It stays until 'rpmsg destroy'.\n"
		"  With --src the remote is told about it (name service).\n"
		"endpoint: create an endpoint device NAME bound to --dst and hold it until\n"
		"  rpmsg is interrupted or the timeout ends; it is destroyed then (the library\n"
		"  destroys the endpoint devices it creates).\n\n"
		"  --sim            the simulated remote's control device\n"
		"  --ctrl PATH      this control device (/dev/rpmsg_ctrlN)\n"
		"  --rproc NAME     the control device of a remote processor\n"
		"                   (default: the first control device found)\n"
		"  --src ADDR       local address (default any)\n"
		"  --dst ADDR       remote address (channel: default any)\n"
		"  -t, --timeout MS endpoint: hold it for MS ms (default: until SIGINT/SIGTERM)\n"
		"  -h, --help       this text\n");
}

static void destroy_help(FILE *f)
{
	fprintf(f, "Usage: rpmsg destroy channel NAME [options]\n"
		"Remove the channel NAME (Linux 5.18+), whether created with 'rpmsg create'\n"
		"or announced by the remote; its endpoint device goes away with it.\n\n"
		"  --sim            the simulated remote's control device\n"
		"  --ctrl PATH      this control device (/dev/rpmsg_ctrlN)\n"
		"  --rproc NAME     the control device of a remote processor\n"
		"                   (default: the first control device found)\n"
		"  --src ADDR       local address to match (default any)\n"
		"  --dst ADDR       remote address to match (default any)\n"
		"  -h, --help       this text\n");
}

/* Shared parsing of create and destroy; returns -1 to go on, else an exit status. */
static int parse(int argc, char **argv, bool create, struct target_opts *o, const char **kind,
		 int *timeout_ms)
{
	static const struct option longopts[] = {
		TARGET_LONGOPTS,
		{ "timeout", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	target_opts_init(o);
	while ((c = getopt_long(argc, argv, create ? "ht:" : "h", longopts, NULL)) != -1) {
		if (c == 'h') {
			(create ? create_help : destroy_help)(stdout);
			return 0;
		} else if (c == 't') {
			if (!tool_parse_ms(optarg, "timeout", timeout_ms))
				return EXIT_USAGE;
		} else if (c == OPT_DEV || c == OPT_CHANNEL || c == OPT_NAME || c == OPT_MTU ||
			   c == OPT_SIM_SEND) {
			return tool_usage_err("unknown option");
		} else if (!target_opts_parse(o, c, optarg)) {
			return EXIT_USAGE;
		}
	}
	if (argc - optind != 2)
		return tool_usage_err("expected a kind (%s) and a NAME",
				      create ? "channel or endpoint" : "channel");
	*kind = argv[optind];
	o->name = argv[optind + 1];
	if (!strcmp(*kind, "ept"))
		*kind = "endpoint";
	if (strcmp(*kind, "channel") && (!create || strcmp(*kind, "endpoint")))
		return tool_usage_err("unknown kind '%s'", *kind);
	if (!target_opts_check(o, create && !strcmp(*kind, "endpoint")))
		return EXIT_USAGE;
	return -1;
}

/* The control device alone, for channels. */
static int open_ctrl(struct target *t, const struct target_opts *o)
{
	memset(t, 0, sizeof(*t));
	t->ctx = tool_ctx_new();
	if (!t->ctx)
		return EXIT_FAIL;
	if (o->sim) {
		snprintf(t->where, sizeof(t->where), "simulated remote");
		t->sim = rpmsg_sim_new(t->ctx, 0);
		t->ctrl = t->sim ? rpmsg_sim_get_ctrl(t->sim) : NULL;
	} else if (o->ctrl_path) {
		snprintf(t->where, sizeof(t->where), "%s", o->ctrl_path);
		t->ctrl = rpmsg_ctrl_open(t->ctx, o->ctrl_path);
	} else {
		snprintf(t->where, sizeof(t->where), "%s%s", o->rproc ? "remote processor " :
			 "no --sim, --ctrl or --rproc, and no control device found",
			 o->rproc ? o->rproc : "");
		t->ctrl = rpmsg_ctrl_open_rproc(t->ctx, o->rproc);
	}
	if (!t->ctrl) {
		tool_err("%s: %s", t->where, strerror(errno));
		target_close(t);
		return EXIT_FAIL;
	}
	if (!o->sim)
		snprintf(t->where, sizeof(t->where), "%s", rpmsg_ctrl_get_path(t->ctrl));
	return 0;
}

static int channel(const struct target_opts *o, bool create)
{
	struct target t;
	int ret = open_ctrl(&t, o);

	if (ret)
		return ret;
	if (create)
		ret = rpmsg_ctrl_create_channel(t.ctrl, o->name, o->src, o->dst);
	else
		ret = rpmsg_ctrl_release_channel(t.ctrl, o->name, o->src, o->dst);
	if (ret < 0)
		ret = tool_err("%s: channel %s: %s", t.where, o->name, strerror(errno));
	else
		printf("%s channel %s on %s\n", create ? "created" : "removed", o->name, t.where);
	target_close(&t);
	return ret;
}

int cmd_create(int argc, char **argv)
{
	struct target_opts o;
	const char *kind = NULL;
	int timeout_ms = -1, ret;
	struct target t;
	bool never = false;

	ret = parse(argc, argv, true, &o, &kind, &timeout_ms);
	if (ret >= 0)
		goto out;
	if (!strcmp(kind, "channel")) {
		ret = channel(&o, true);
		goto out;
	}
	ret = target_open(&t, &o);
	if (ret)
		goto out;
	printf("created endpoint %s (dst %u): %s; held until rpmsg exits\n", o.name,
	       (unsigned int)rpmsg_ept_get_dst(t.ept), t.where);
	fflush(stdout);
	ret = tool_wait(&t, &never, timeout_ms < 0 ? 0 : tool_now_ns() + timeout_ms * 1000000LL);
	if (ret == -EINTR || ret == -ETIMEDOUT)
		ret = 0;
	else if (ret < 0)
		ret = tool_err("%s: %s", t.where, strerror(-ret));
	target_close(&t);
out:
	free(o.sim_send);
	return ret;
}

int cmd_destroy(int argc, char **argv)
{
	struct target_opts o;
	const char *kind = NULL;
	int timeout_ms = -1, ret;

	ret = parse(argc, argv, false, &o, &kind, &timeout_ms);
	if (ret < 0)
		ret = channel(&o, false);
	free(o.sim_send);
	return ret;
}
