// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: librpmsg authors

/*
 * rpmsg: list, inspect and exercise RPMsg devices from the shell.
 *
 *   rpmsg [global options] COMMAND [options] [arguments]
 *
 * Every command also works against a simulated remote (--sim). The manual
 * page rpmsg(1) documents the same options as the --help texts here.
 */

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tool.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{ "list", cmd_list, "list remote processors, control devices, channels and endpoint devices" },
	{ "info", cmd_info, "show the library and its engine, or one device in detail" },
	{ "create", cmd_create, "create a channel, or an endpoint held while rpmsg runs" },
	{ "destroy", cmd_destroy, "remove a channel, or destroy an endpoint device" },
	{ "send", cmd_send, "send messages (and print the replies)" },
	{ "recv", cmd_recv, "receive messages and print them" },
	{ "echo", cmd_echo, "act as an echo service" },
	{ "ping", cmd_ping, "measure round-trip latency against an echo service" },
	{ "bench", cmd_bench, "measure throughput against an echo service or a sink" },
	{ NULL, NULL, NULL },
};

static void usage(FILE *f)
{
	const struct command *c;

	fprintf(f, "Usage: rpmsg [global options] COMMAND [options] [arguments]\n"
		"List, inspect and exercise Linux RPMsg devices (librpmsg %s).\n\n"
		"Commands:\n", rpmsg_api_version());
	for (c = commands; c->name; c++)
		fprintf(f, "  %-9s %s\n", c->name, c->summary);
	fprintf(f, "  %-9s %s\n", "help", "show the help of a command");
	fprintf(f, "\nGlobal options:\n"
		"  --engine uring|epoll  I/O engine (default: $RPMSG_ENGINE, else io_uring,\n"
		"                        falling back to epoll)\n"
		"  --sysfs-root DIR      directory that stands for /sys (default: $RPMSG_SYSFS_ROOT)\n"
		"  --dev-root DIR        directory that stands for /dev (default: $RPMSG_DEV_ROOT)\n"
		"  -h, --help            this text\n"
		"  -V, --version         the library's version\n"
		"\n'rpmsg COMMAND --help' describes a command. Every command that opens an\n"
		"endpoint also takes --sim: a simulated remote, no hardware needed.\n"
		"\nExit status:\n"
		"  0  success\n"
		"  1  a call failed: the message names the device and the error\n"
		"  2  usage error\n"
		"  3  timeout: expected messages did not arrive in time\n"
		"  4  ping --plot: gnuplot is missing or failed\n");
}

static void on_signal(int sig)
{
	tool_stop = 1;
}

/* SIGINT and SIGTERM end loops cleanly (endpoints destroyed); no SA_RESTART,
 * so a waiting dispatch returns at once. */
static void catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static const struct command *find_command(const char *name)
{
	const struct command *c;

	for (c = commands; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "engine", required_argument, NULL, 'e' },
		{ "sysfs-root", required_argument, NULL, 's' },
		{ "dev-root", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const struct command *cmd;
	char *help_argv[3];
	int c;

	/* "+": stop at the command, whose options are its own. */
	while ((c = getopt_long(argc, argv, "+hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'e':
			if (!strcmp(optarg, "uring") || !strcmp(optarg, "io_uring")) {
				tool_global.ctx_flags = RPMSG_CTX_FORCE_URING;
			} else if (!strcmp(optarg, "epoll")) {
				tool_global.ctx_flags = RPMSG_CTX_FORCE_EPOLL;
			} else {
				return tool_usage_err("unknown engine '%s' (uring or epoll)",
						      optarg);
			}
			break;
		case 's':
			tool_global.sysfs_root = optarg;
			break;
		case 'd':
			tool_global.dev_root = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("rpmsg (librpmsg) %s\n", rpmsg_api_version());
			return 0;
		default:
			return tool_usage_err("unknown global option");
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[optind], "help")) {
		if (optind + 1 >= argc) {
			usage(stdout);
			return 0;
		}
		/* "rpmsg help CMD" is "rpmsg CMD --help". */
		help_argv[0] = argv[optind + 1];
		help_argv[1] = "--help";
		help_argv[2] = NULL;
		argv = help_argv;
		argc = 2;
		optind = 0;
	}
	cmd = find_command(argv[optind]);
	if (!cmd)
		return tool_usage_err("unknown command '%s'", argv[optind]);
	tool_cmd = cmd->name;
	catch_signals();
	argv += optind;
	argc -= optind;
	optind = 0;	/* getopt restarts for the command's own options */
	return cmd->run(argc, argv);
}
