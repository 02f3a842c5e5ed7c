// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: librpmsg authors

/* rpmsg create and rpmsg destroy: channels, and endpoint devices (held while
 * rpmsg runs, or kept with --keep and destroyed by path later). */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tool.h"

static void create_help(FILE *f)
{
	fprintf(f, "Usage: rpmsg create channel NAME [options]\n"
		"       rpmsg create endpoint NAME --dst ADDR [--keep] [options]\n"
		"channel: create a channel NAME on the control device's transport (Linux 5.18+;\n"
		"  \"rpmsg-raw\" gives it an endpoint device). It stays until 'rpmsg destroy'.\n"
		"  With --src the remote is told about it (name service).\n"
		"endpoint: create an endpoint device NAME bound to --dst and hold it until\n"
		"  rpmsg is interrupted or the timeout ends; it is destroyed then. With --keep,\n"
		"  print its path and leave it for others to open ('rpmsg destroy endpoint').\n\n"
		"  --sim            the simulated remote's control device\n"
		"  --ctrl PATH      this control device (/dev/rpmsg_ctrlN)\n"
		"  --rproc NAME     the control device of a remote processor\n"
		"                   (default: the first control device found)\n"
		"  --src ADDR       local address (default any)\n"
		"  --dst ADDR       remote address (channel: default any)\n"
		"  -t, --timeout MS endpoint: hold it for MS ms (default: until SIGINT/SIGTERM)\n"
		"  --keep           endpoint: do not hold it; it outlives rpmsg (not with --sim)\n"
		"  -h, --help       this text\n");
}

static void destroy_help(FILE *f)
{
	fprintf(f, "Usage: rpmsg destroy channel NAME [options]\n"
		"       rpmsg destroy endpoint PATH\n"
		"channel: remove the channel NAME (Linux 5.18+), whether created with 'rpmsg\n"
		"  create' or announced by the remote; its endpoint device goes away with it.\n"
		"endpoint: destroy the endpoint device PATH (/dev/rpmsgN), e.g. one made with\n"
		"  'rpmsg create endpoint --keep'. It must not be open elsewhere (EBUSY).\n\n"
		"  --sim            the simulated remote's control device\n"
		"  --ctrl PATH      this control device (/dev/rpmsg_ctrlN)\n"
		"  --rproc NAME     the control device of a remote processor\n"
		"                   (default: the first control device found)\n"
		"  --src ADDR       local address to match (default any)\n"
		"  --dst ADDR       remote address to match (default any)\n"
		"  -h, --help       this text\n");
}

/* Shared parsing of create and destroy; returns -1 to go on, else an exit status. */
enum { OPT_KEEP = OPT_FIRST_FREE };

static int parse(int argc, char **argv, bool create, struct target_opts *o, const char **kind,
		 int *timeout_ms, bool *keep)
{
	static const struct option longopts[] = {
		TARGET_LONGOPTS,
		{ "timeout", required_argument, NULL, 't' },
		{ "keep", no_argument, NULL, OPT_KEEP },
		{ NULL, 0, NULL, 0 },
	};
	int c, ret;

	target_opts_init(o);
	while ((c = getopt_long(argc, argv, create ? "ht:" : "h", longopts, NULL)) != -1) {
		if (c == 'h') {
			(create ? create_help : destroy_help)(stdout);
			return 0;
		} else if (c == 't') {
			if (!tool_parse_ms(optarg, "timeout", timeout_ms))
				return EXIT_USAGE;
		} else if (c == OPT_KEEP && create) {
			*keep = true;
		} else if (c == OPT_DEV || c == OPT_CHANNEL || c == OPT_NAME || c == OPT_MTU ||
			   c == OPT_SIM_SEND || c == OPT_KEEP) {
			return tool_usage_err("unknown option");
		} else if (!target_opts_parse(o, c, optarg)) {
			return EXIT_USAGE;
		}
	}
	if (argc - optind != 2)
		return tool_usage_err("expected a kind (channel or endpoint) and a %s",
				      create ? "NAME" : "NAME or PATH");
	*kind = argv[optind];
	o->name = argv[optind + 1];
	if (!strcmp(*kind, "ept"))
		*kind = "endpoint";
	if (strcmp(*kind, "channel") && strcmp(*kind, "endpoint"))
		return tool_usage_err("unknown kind '%s'", *kind);
	if (*keep && strcmp(*kind, "endpoint"))
		return tool_usage_err("--keep is for endpoints");
	if (!create && !strcmp(*kind, "endpoint"))
		return -1;	/* o->name is the device's path */
	/* Channels take any addresses; a held endpoint may be receive-only. */
	ret = target_opts_check(o, create && !strcmp(*kind, "endpoint") ? TARGET_HOLD :
				TARGET_RECV);
	return ret ? ret : -1;
}

static int channel(const struct target_opts *o, bool create)
{
	struct target t;
	int ret = target_open_ctrl(&t, o);

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
	bool never = false, keep = false;

	ret = parse(argc, argv, true, &o, &kind, &timeout_ms, &keep);
	if (ret >= 0)
		goto out;
	if (!strcmp(kind, "channel")) {
		ret = channel(&o, true);
		goto out;
	}
	ret = target_open(&t, &o);
	if (ret)
		goto out;
	if (keep) {
		if (rpmsg_ept_set_destroy_on_close(t.ept, false) < 0)
			ret = tool_err("%s: keep endpoint %s: %s", t.where, o.name, strerror(errno));
		else
			printf("created endpoint %s (dst %u): %s; kept\n", o.name,
			       (unsigned int)rpmsg_ept_get_dst(t.ept), t.where);
		target_close(&t);
		goto out;
	}
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

/* Open the endpoint device by path and destroy it. */
static int destroy_endpoint(const char *path)
{
	struct rpmsg_ctx *ctx = tool_ctx_new();
	struct rpmsg_ept *ept;
	int ret = 0;

	if (!ctx)
		return EXIT_FAIL;
	ept = rpmsg_ept_open(ctx, path);
	if (!ept)
		ret = tool_open_err(path, "endpoint device");
	else if (rpmsg_ept_destroy(ept) < 0)
		ret = tool_err("%s: %s", path, strerror(errno));
	else
		printf("destroyed endpoint %s\n", path);
	rpmsg_ept_close(ept);
	rpmsg_ctx_free(ctx);
	return ret;
}

int cmd_destroy(int argc, char **argv)
{
	struct target_opts o;
	const char *kind = NULL;
	int timeout_ms = -1, ret;
	bool keep = false;

	ret = parse(argc, argv, false, &o, &kind, &timeout_ms, &keep);
	if (ret < 0)
		ret = strcmp(kind, "endpoint") ? channel(&o, false) : destroy_endpoint(o.name);
	free(o.sim_send);
	return ret;
}
