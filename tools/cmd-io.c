// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: librpmsg authors

/* rpmsg send, recv and echo. */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tool.h"

#define DEFAULT_REPLY_TIMEOUT_MS 2000

/* What the receive callback collected. */
struct rx_state {
	bool hex;
	bool verbose;
	unsigned long count;		/* messages received */
	unsigned long want;		/* stop after this many (0: no limit) */
	unsigned long long bytes;
	bool done;			/* want reached */
	int send_err;			/* echo: first failed reply */
};

static void print_rx(struct rx_state *s, const void *data, size_t len, uint32_t src)
{
	if (s->verbose && src == RPMSG_ADDR_ANY)
		printf("[%lu] %zu bytes: ", s->count, len);
	else if (s->verbose)
		printf("[%lu] %zu bytes from %u: ", s->count, len, (unsigned int)src);
	tool_print_msg(data, len, s->hex);
	fflush(stdout);
}

static void on_rx(struct rpmsg_ept *ept, const void *data, size_t len, uint32_t src,
		  void *user_data)
{
	struct rx_state *s = user_data;

	s->count++;
	s->bytes += len;
	print_rx(s, data, len, src);
	if (s->want && s->count >= s->want)
		s->done = true;
}

static void send_help(FILE *f)
{
	fprintf(f, "Usage: rpmsg send [options] [MESSAGE...]\n"
		"Send each MESSAGE as one message; without MESSAGE, each line of the\n"
		"standard input (without its newline).\n\n"
		"  -x, --hex         MESSAGEs and lines are hexadecimal bytes (\"48656c6c6f\",\n"
		"                    \"48 65 6c\", \"48:65\")\n"
		"  -r, --reply       after each message, wait for one reply and print it\n"
		"                    (text, or hex with -x)\n"
		"  -t, --timeout MS  how long to wait for a TX buffer and for each reply\n"
		"                    (default %d)\n"
		"  -v, --verbose     print the size and source of each reply\n"
		"  -h, --help        this text\n\n%s",
		DEFAULT_REPLY_TIMEOUT_MS, tool_target_help);
}

/* Send one message given as text or hex; with --reply wait for the answer. */
static int send_one(struct target *t, struct rx_state *s, const char *msg, bool hex,
		    bool reply, int timeout_ms)
{
	unsigned char buf[RPMSG_MTU_MAX];
	const void *data = msg;
	size_t len = strlen(msg);
	int ret;

	if (hex) {
		long n = tool_hex_decode(msg, buf, sizeof(buf));

		if (n < 0) {
			tool_err("not hexadecimal bytes: '%s'", msg);
			return EXIT_USAGE;
		}
		data = buf;
		len = (size_t)n;
	}
	s->want = s->count + 1;
	s->done = false;
	if (rpmsg_ept_timedsend(t->ept, data, len, timeout_ms) < 0)
		return tool_err("%s: cannot send %zu bytes: %s", t->where, len, strerror(errno));
	if (!reply)
		return 0;
	ret = tool_wait(t, &s->done, tool_now_ns() + timeout_ms * 1000000LL);
	if (ret == -ETIMEDOUT) {
		tool_err("%s: no reply within %d ms: %s", t->where, timeout_ms,
			 strerror(ETIMEDOUT));
		return EXIT_TIMEOUT;
	}
	if (ret == -EINTR)
		return EXIT_FAIL;
	if (ret < 0)
		return tool_err("%s: %s", t->where, strerror(-ret));
	return 0;
}

int cmd_send(int argc, char **argv)
{
	static const struct option longopts[] = {
		TARGET_LONGOPTS,
		{ "hex", no_argument, NULL, 'x' },
		{ "reply", no_argument, NULL, 'r' },
		{ "timeout", required_argument, NULL, 't' },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	struct rx_state s = { 0 };
	int timeout_ms = DEFAULT_REPLY_TIMEOUT_MS, c, i, ret = 0;
	bool reply = false, bad = false;
	struct target_opts o;
	struct target t;

	target_opts_init(&o);
	while (!bad && (c = getopt_long(argc, argv, "hxrt:v", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			send_help(stdout);
			goto out;
		case 'x':
			s.hex = true;
			break;
		case 'r':
			reply = true;
			break;
		case 't':
			bad = !tool_parse_ms(optarg, "timeout", &timeout_ms);
			break;
		case 'v':
			s.verbose = true;
			break;
		default:
			bad = !target_opts_parse(&o, c, optarg);
		}
	}
	/* Operands are the messages: no target_opts_finish. */
	ret = bad ? EXIT_USAGE : target_opts_check(&o, TARGET_SEND);
	if (ret)
		goto out;
	ret = target_open(&t, &o);
	if (ret)
		goto out;
	rpmsg_ept_set_rx_cb(t.ept, on_rx, &s);
	if (optind < argc) {
		for (i = optind; i < argc && !ret; i++)
			ret = send_one(&t, &s, argv[i], s.hex, reply, timeout_ms);
	} else {
		char *line = NULL;
		size_t cap = 0;
		ssize_t n;

		while (!ret && !tool_stop && (n = getline(&line, &cap, stdin)) >= 0) {
			if (n > 0 && line[n - 1] == '\n')
				line[n - 1] = '\0';
			ret = send_one(&t, &s, line, s.hex, reply, timeout_ms);
		}
		free(line);
	}
	target_close(&t);
out:
	free(o.sim_send);
	return ret;
}

static void recv_help(FILE *f)
{
	fprintf(f, "Usage: rpmsg recv [options]\n"
		"Print each message received, one per line: as text (bytes that are not\n"
		"printable as \\xHH, a backslash as \\\\) or as hexadecimal.\n\n"
		"  -x, --hex         print hexadecimal\n"
		"  -n, --count N     stop after N messages\n"
		"  -t, --timeout MS  stop after MS ms; with --count, fewer than N messages by\n"
		"                    then is a timeout (exit status 3)\n"
		"                    (default: until SIGINT/SIGTERM or --count)\n"
		"  -v, --verbose     print the size and source of each message\n"
		"  -h, --help        this text\n\n%s"
		"Without --dst the endpoint created only receives (dst any).\n",
		tool_target_help);
}

/*
 * Options shared by recv and echo (use: see target_opts_check), then the
 * endpoint. Returns -1 with t open, else an exit status.
 */
static int open_rx(int argc, char **argv, void (*help)(FILE *f), enum target_use use,
		   struct target_opts *o, struct rx_state *s, int *timeout_ms, struct target *t)
{
	static const struct option longopts[] = {
		TARGET_LONGOPTS,
		{ "hex", no_argument, NULL, 'x' },
		{ "count", required_argument, NULL, 'n' },
		{ "timeout", required_argument, NULL, 't' },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	bool bad = false;
	int c, ret;

	target_opts_init(o);
	while (!bad && (c = getopt_long(argc, argv, "hxn:t:v", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			help(stdout);
			return 0;
		case 'x':
			s->hex = true;
			break;
		case 'n':
			bad = !tool_parse_ulong(optarg, "count", 1, 1000000000UL, &s->want);
			break;
		case 't':
			bad = !tool_parse_ms(optarg, "timeout", timeout_ms);
			break;
		case 'v':
			s->verbose = true;
			break;
		default:
			bad = !target_opts_parse(o, c, optarg);
		}
	}
	ret = bad ? EXIT_USAGE : target_opts_finish(o, argc, argv, use);
	if (!ret)
		ret = target_open(t, o);
	return ret ? ret : -1;
}

/* Dispatch until --count, --timeout, a signal or the endpoint going down. */
static int receive(struct target *t, struct rx_state *s, int timeout_ms)
{
	int ret = tool_wait(t, &s->done, timeout_ms < 0 ? 0 :
			    tool_now_ns() + timeout_ms * 1000000LL);

	if (ret == -ETIMEDOUT && s->want) {
		tool_err("%s: %lu of %lu messages within %d ms: %s", t->where, s->count, s->want,
			 timeout_ms, strerror(ETIMEDOUT));
		return EXIT_TIMEOUT;
	}
	if (ret == -ETIMEDOUT || ret == -EINTR || ret == 0)
		return 0;
	return tool_err("%s: %s", t->where, strerror(-ret));
}

int cmd_recv(int argc, char **argv)
{
	struct rx_state s = { 0 };
	int timeout_ms = -1, ret;
	struct target_opts o;
	struct target t;

	ret = open_rx(argc, argv, recv_help, TARGET_RECV, &o, &s, &timeout_ms, &t);
	if (ret >= 0)
		goto out;
	rpmsg_ept_set_rx_cb(t.ept, on_rx, &s);
	ret = target_sim_send(&t, &o);
	if (!ret)
		ret = receive(&t, &s, timeout_ms);
	target_close(&t);
out:
	free(o.sim_send);
	return ret;
}

static void echo_help(FILE *f)
{
	fprintf(f, "Usage: rpmsg echo [options]\n"
		"Act as an echo service: send every message received back to the endpoint's\n"
		"remote address. Prints a summary when it stops.\n\n"
		"  -n, --count N     stop after N messages\n"
		"  -t, --timeout MS  stop after MS ms; with --count, fewer than N messages by\n"
		"                    then is a timeout (exit status 3)\n"
		"                    (default: until SIGINT/SIGTERM or --count)\n"
		"  -v, --verbose     print each message\n"
		"  -x, --hex         with --verbose, print hexadecimal\n"
		"  -h, --help        this text\n\n%s"
		"With --sim the remote does not echo the echoes: it only counts them.\n",
		tool_target_help);
}

static void on_echo_done(struct rpmsg_ept *ept, int status, void *user_data)
{
	struct rx_state *s = user_data;

	if (status < 0 && !s->send_err)
		s->send_err = -status;
}

static void on_echo_rx(struct rpmsg_ept *ept, const void *data, size_t len, uint32_t src,
		       void *user_data)
{
	struct rx_state *s = user_data;

	s->count++;
	s->bytes += len;
	if (s->verbose)
		print_rx(s, data, len, src);
	/* Queued, not blocking: callbacks must not hold up the context. */
	if (rpmsg_ept_send_async(ept, data, len, on_echo_done, s) < 0 && !s->send_err)
		s->send_err = errno;
	if (s->want && s->count >= s->want)
		s->done = true;
}

int cmd_echo(int argc, char **argv)
{
	struct rx_state s = { 0 };
	int timeout_ms = -1, ret;
	struct target_opts o;
	struct target t;

	ret = open_rx(argc, argv, echo_help, TARGET_SEND, &o, &s, &timeout_ms, &t);
	if (ret >= 0)
		goto out;
	target_sim_no_echo(&t);
	rpmsg_ept_set_rx_cb(t.ept, on_echo_rx, &s);
	ret = target_sim_send(&t, &o);
	if (!ret)
		ret = receive(&t, &s, timeout_ms);
	/* Hand the last echoes to the kernel before reporting. */
	while (!t.down_err && !tool_stop && rpmsg_ctx_dispatch(t.ctx, 0) > 0)
		;
	if (!ret && s.send_err)
		ret = tool_err("%s: cannot echo: %s", t.where, strerror(s.send_err));
	printf("echoed %lu messages, %llu bytes\n", s.count, s.bytes);
	if (t.sim) {
		/* The remote runs on its own thread: give it a moment to count. */
		int64_t until = tool_now_ns() + 1000000000LL;

		while (rpmsg_sim_get_rx_count(t.sim) < s.count && tool_now_ns() < until)
			rpmsg_ctx_dispatch(t.ctx, 1);
		printf("the simulated remote received %llu echoes\n",
		       (unsigned long long)rpmsg_sim_get_rx_count(t.sim));
	}
	target_close(&t);
out:
	free(o.sim_send);
	return ret;
}
