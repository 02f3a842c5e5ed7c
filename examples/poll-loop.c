// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: librpmsg authors

/*
 * librpmsg inside the caller's own poll() loop. The loop watches three
 * descriptors: the context's fd (rpmsg_ctx_get_fd), a timerfd that sends a
 * message every 100 ms, and stdin when it is a terminal (each line typed is
 * sent too). The library never blocks here: rpmsg_ctx_dispatch() is called
 * with timeout 0 only when the context's fd is readable.
 */

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "common.h"

#define TICK_MS	100

struct state {
	int64_t start_ns;
	unsigned long ticks, echoes;
	int err;
	const char *err_what;
};

static void fail(struct state *s, const char *what, int err)
{
	if (!s->err) {
		s->err = err;
		s->err_what = what;
	}
}

static void on_rx(struct rpmsg_ept *ept, const void *data, size_t len, uint32_t src,
		  void *user_data)
{
	struct state *s = user_data;

	s->echoes++;
	printf("%7.1f ms  echo from %u: '%.*s'\n",
	       (double)(example_now_ns() - s->start_ns) / 1e6, (unsigned int)src,
	       (int)(len < 80 ? len : 80), (const char *)data);
}

static void on_sent(struct rpmsg_ept *ept, int status, void *user_data)
{
	if (status < 0)
		fail(user_data, "asynchronous send", -status);
}

static void on_event(struct rpmsg_ept *ept, enum rpmsg_event event, int error, void *user_data)
{
	fail(user_data, "endpoint went down", error);
}

/* Queue a message: it leaves from the next dispatch, which the context fd asks for. */
static void queue(struct rpmsg_ept *ept, struct state *s, const char *text, size_t len)
{
	if (len > rpmsg_ept_get_mtu(ept))
		len = rpmsg_ept_get_mtu(ept);
	printf("%7.1f ms  send '%.*s'\n", (double)(example_now_ns() - s->start_ns) / 1e6,
	       (int)(len < 80 ? len : 80), text);
	if (rpmsg_ept_send_async(ept, text, len, on_sent, s) < 0)
		fail(s, "rpmsg_ept_send_async", errno);
}

int main(int argc, char **argv)
{
	struct example_opts opts = { .count = 5 };
	struct itimerspec its = {
		.it_interval = { .tv_nsec = TICK_MS * 1000000L },
		.it_value = { .tv_nsec = TICK_MS * 1000000L },
	};
	struct pollfd fds[3];
	struct example_remote r;
	struct state s = { 0 };
	int64_t deadline;
	nfds_t nfds = 2;
	int tfd, ret = 1;

	example_parse(argc, argv, 0,
		      "Send a message every 100 ms from a poll() loop; stop after -n echoes.",
		      &opts);
	if (example_open(&r, &opts) < 0)
		return 1;
	rpmsg_ept_set_rx_cb(r.ept, on_rx, &s);
	rpmsg_ept_set_event_cb(r.ept, on_event, &s);

	tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (tfd < 0) {
		example_fail("timerfd_create", errno);
		goto out;
	}
	if (timerfd_settime(tfd, 0, &its, NULL) < 0) {
		example_fail("timerfd_settime", errno);
		goto out_timer;
	}
	fds[0] = (struct pollfd){ .fd = rpmsg_ctx_get_fd(r.ctx), .events = POLLIN };
	fds[1] = (struct pollfd){ .fd = tfd, .events = POLLIN };
	if (isatty(STDIN_FILENO)) {
		fds[2] = (struct pollfd){ .fd = STDIN_FILENO, .events = POLLIN };
		nfds = 3;
		printf("%s: type a line to send it as well\n", example_prog);
	}

	s.start_ns = example_now_ns();
	/* One tick per echo, plus slack for the last echo to come back. */
	deadline = s.start_ns + (int64_t)opts.count * TICK_MS * 1000000 +
		   (int64_t)EXAMPLE_TIMEOUT_MS * 1000000;
	while (!s.err && s.echoes < opts.count) {
		int64_t left = deadline - example_now_ns();
		int n;

		if (left <= 0) {
			fprintf(stderr, "%s: %lu of %lu echoes before the deadline: %s\n",
				example_prog, s.echoes, opts.count, strerror(ETIMEDOUT));
			goto out_timer;
		}
		n = poll(fds, nfds, (int)((left + 999999) / 1000000));
		if (n < 0 && errno != EINTR) {
			example_fail("poll", errno);
			goto out_timer;
		}
		if (n <= 0)
			continue;

		if (fds[1].revents & POLLIN) {
			uint64_t expirations;
			char text[32];

			if (read(tfd, &expirations, sizeof(expirations)) == sizeof(expirations) &&
			    s.ticks < opts.count) {
				s.ticks++;
				snprintf(text, sizeof(text), "tick %lu", s.ticks);
				queue(r.ept, &s, text, strlen(text));
			}
		}
		if (nfds == 3 && fds[2].revents) {
			char line[256];
			ssize_t len = read(STDIN_FILENO, line, sizeof(line));

			if (len <= 0) {
				nfds = 2;	/* end of input: stop watching stdin */
			} else {
				if (line[len - 1] == '\n')
					len--;
				queue(r.ept, &s, line, (size_t)len);
			}
		}
		/* Queued sends make the context fd readable: poll() then returns
		 * at once and this dispatch hands them to the kernel. */
		if (fds[0].revents & POLLIN) {
			if (rpmsg_ctx_dispatch(r.ctx, 0) < 0 && errno != EINTR)
				fail(&s, "rpmsg_ctx_dispatch", errno);
		}
	}
	if (s.err) {
		example_fail(s.err_what, s.err);
	} else {
		printf("%s: %lu echoes in %.1f ms\n", example_prog, s.echoes,
		       (double)(example_now_ns() - s.start_ns) / 1e6);
		ret = 0;
	}
out_timer:
	close(tfd);
out:
	example_close(&r);
	return ret;
}
