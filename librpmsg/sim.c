// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: librpmsg authors

/*
 * The simulated remote. Each endpoint is an AF_UNIX SOCK_SEQPACKET pair:
 * the library gets one end through the ordinary endpoint code, the remote
 * thread serves the other. TX credits are modelled by the remote reading an
 * endpoint's socket only while it holds fewer messages than its credits
 * (shared by all endpoints, like virtio's TX buffers); the library end has
 * the smallest send buffer that carries a message of the MTU, so a paused
 * remote fills up after a few more.
 */

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "internal.h"

#define SIM_DEFAULT_CREDITS	256U
#define SIM_FIRST_ADDR		1024U
#define SIM_REMOTE_SNDBUF	(4 << 20)
/* Linux refuses an AF_UNIX datagram longer than the send buffer minus this. */
#define SIM_SNDBUF_RESERVE	32U

struct sim_msg {
	struct sim_msg *next;
	struct sim_ept *from;	/* held messages: the endpoint that sent it */
	size_t len;
	unsigned char data[];
};

/* The remote's side of one Linux endpoint. */
struct sim_ept {
	struct sim_ept *next;
	struct rpmsg_ept *ept;	/* identity only: the remote thread never touches it */
	int fd;
	uint32_t local, remote;
	struct sim_msg *out_head, *out_tail;	/* replies waiting for socket space */
	uint32_t events;
	bool removed;
};

struct sim_channel {
	struct sim_channel *next;
	char name[RPMSG_NAME_SIZE];
	uint32_t remote, local;
	int lib_fd;		/* library end, handed over by open_channel; -1 while open */
	struct sim_ept *sept;
};

struct rpmsg_sim {
	struct rpmsg_ctx *ctx;
	struct rpmsg_sim *next;		/* context's list */
	struct rpmsg_ctrl *ctrl;
	unsigned int flags;
	pthread_t thread;
	pthread_mutex_t lock;		/* recursive: handlers call rpmsg_sim_send */
	int epfd, cmd_fd;
	bool stop, paused, crashed, reading;
	unsigned int credits, held;
	size_t mtu;
	struct sim_ept *epts;
	struct sim_channel *channels;
	struct sim_msg *held_head, *held_tail;
	rpmsg_sim_handler_fn handler;
	void *handler_data;
	uint32_t next_addr;
	atomic_uint_fast64_t rx_count;
	unsigned char *buf;
};

/* The simulator whose thread runs the calling code (in a remote handler), or NULL. */
static __thread struct rpmsg_sim *handler_sim;

/* From a handler only the handler's own simulator may be used: another one's
 * thread may hold its lock while waiting for this thread's (a deadlock). */
static bool on_other_sim_thread(const struct rpmsg_sim *sim)
{
	return handler_sim && handler_sim != sim;
}

/* The NULL rule, then the handler rule above. */
#define SIM_REQUIRE(sim, failval)						\
	do {									\
		RPMSGI_REQUIRE(sim, failval);					\
		if (on_other_sim_thread(sim)) {					\
			errno = EDEADLK;					\
			return failval;						\
		}								\
	} while (0)
#define SIM_REQUIRE_VOID(sim)							\
	do {									\
		RPMSGI_REQUIRE_VOID(sim);					\
		if (on_other_sim_thread(sim)) {					\
			errno = EDEADLK;					\
			return;							\
		}								\
	} while (0)

static void kick(struct rpmsg_sim *sim)
{
	uint64_t one = 1;

	if (write(sim->cmd_fd, &one, sizeof(one)) < 0) {
		/* counter saturated: already readable */
	}
}

static void set_events(struct rpmsg_sim *sim, struct sim_ept *se)
{
	struct epoll_event ev = { .data.ptr = se };
	uint32_t want = EPOLLRDHUP;

	if (se->removed)
		return;
	if (sim->reading)
		want |= EPOLLIN;
	if (se->out_head)
		want |= EPOLLOUT;
	if (want == se->events)
		return;
	ev.events = want;
	epoll_ctl(sim->epfd, EPOLL_CTL_MOD, se->fd, &ev);
	se->events = want;
}

/* Credits decide whether the remote takes messages from the sockets at all. */
static void update_reading(struct rpmsg_sim *sim)
{
	bool reading = !sim->crashed && sim->held < sim->credits;
	struct sim_ept *se;

	if (reading == sim->reading)
		return;
	sim->reading = reading;
	for (se = sim->epts; se; se = se->next)
		set_events(sim, se);
}

static struct sim_msg *msg_new(const void *data, size_t len)
{
	struct sim_msg *m = malloc(sizeof(*m) + len);

	if (!m)
		return NULL;
	m->next = NULL;
	m->from = NULL;
	m->len = len;
	if (len)
		memcpy(m->data, data, len);
	return m;
}

static void flush_out(struct rpmsg_sim *sim, struct sim_ept *se)
{
	while (se->out_head) {
		struct sim_msg *m = se->out_head;

		if (send(se->fd, m->data, m->len, MSG_DONTWAIT | MSG_NOSIGNAL) < 0) {
			if (errno == EAGAIN)
				break;
		}
		se->out_head = m->next;
		if (!se->out_head)
			se->out_tail = NULL;
		free(m);
	}
	set_events(sim, se);
}

static struct sim_ept *find_local(struct rpmsg_sim *sim, uint32_t local)
{
	struct sim_ept *se;

	for (se = sim->epts; se; se = se->next)
		if (se->local == local && !se->removed)
			return se;
	return NULL;
}

static int deliver_to_linux(struct rpmsg_sim *sim, uint32_t to, const void *data, size_t len)
{
	struct sim_ept *se = find_local(sim, to);
	struct sim_msg *m;

	if (!se)
		return -ENOENT;	/* the kernel drops it: "msg received with no recipient" */
	/* Nothing queued before it: straight into the socket, no copy to keep. */
	if (!se->out_head &&
	    (send(se->fd, data, len, MSG_DONTWAIT | MSG_NOSIGNAL) >= 0 || errno != EAGAIN))
		return 0;
	m = msg_new(data, len);
	if (!m)
		return -ENOMEM;
	if (se->out_tail)
		se->out_tail->next = m;
	else
		se->out_head = m;
	se->out_tail = m;
	flush_out(sim, se);
	return 0;
}

/* The remote received a message: echo it or hand it to the user's handler. */
static void process(struct rpmsg_sim *sim, struct sim_ept *se, const void *data, size_t len)
{
	atomic_fetch_add(&sim->rx_count, 1);
	if (sim->handler)
		sim->handler(sim, se->local, se->remote, data, len, sim->handler_data);
	else
		deliver_to_linux(sim, se->local, data, len);
}

static void process_held(struct rpmsg_sim *sim)
{
	while (sim->held_head && !sim->paused) {
		struct sim_msg *m = sim->held_head;

		sim->held_head = m->next;
		if (!sim->held_head)
			sim->held_tail = NULL;
		sim->held--;
		if (m->from && !m->from->removed)
			process(sim, m->from, m->data, m->len);
		free(m);
	}
	update_reading(sim);
}

static void remove_sept(struct rpmsg_sim *sim, struct sim_ept *se)
{
	struct sim_msg *m;

	if (se->removed)
		return;
	se->removed = true;
	epoll_ctl(sim->epfd, EPOLL_CTL_DEL, se->fd, NULL);
	shutdown(se->fd, SHUT_RDWR);
	close(se->fd);
	se->fd = -1;
	while ((m = se->out_head)) {
		se->out_head = m->next;
		free(m);
	}
	se->out_tail = NULL;
}

/* Free removed endpoints once no held message refers to them. */
static void reap_removed(struct rpmsg_sim *sim)
{
	struct sim_ept **p = &sim->epts;
	struct sim_msg *m;

	for (m = sim->held_head; m; m = m->next)
		if (m->from && m->from->removed)
			m->from = NULL;
	while (*p) {
		struct sim_ept *se = *p;

		if (se->removed) {
			*p = se->next;
			free(se);
		} else {
			p = &se->next;
		}
	}
}

static void read_ept(struct rpmsg_sim *sim, struct sim_ept *se, uint32_t events)
{
	while (sim->reading && !se->removed) {
		ssize_t n = recv(se->fd, sim->buf, sim->mtu, MSG_DONTWAIT);

		if (n < 0)
			break;
		if (n == 0 && (events & (EPOLLRDHUP | EPOLLHUP))) {
			remove_sept(sim, se);	/* the library closed its end */
			break;
		}
		if (sim->paused) {
			struct sim_msg *m = msg_new(sim->buf, (size_t)n);

			if (!m)
				break;
			m->from = se;
			if (sim->held_tail)
				sim->held_tail->next = m;
			else
				sim->held_head = m;
			sim->held_tail = m;
			sim->held++;
			update_reading(sim);
		} else {
			process(sim, se, sim->buf, (size_t)n);
		}
	}
}

/* A paused remote takes in, on the calling thread, what the endpoints already
 * sent (up to its credits), so that its state is exact when a call returns
 * instead of whenever its thread gets to run. Not on that thread itself: a
 * handler runs inside read_ept and borrows its buffer. */
static void take_in_sent(struct rpmsg_sim *sim)
{
	struct sim_ept *se;

	if (!sim->paused || handler_sim == sim)
		return;
	for (se = sim->epts; se && sim->reading; se = se->next) {
		struct pollfd pfd = { .fd = se->fd, .events = POLLIN | POLLRDHUP };

		if (se->removed || poll(&pfd, 1, 0) != 1)
			continue;
		read_ept(sim, se, pfd.revents & (POLLRDHUP | POLLHUP) ? EPOLLRDHUP : 0);
	}
}

static void *sim_thread(void *arg)
{
	struct rpmsg_sim *sim = arg;
	struct epoll_event events[32];

	handler_sim = sim;
	pthread_mutex_lock(&sim->lock);
	while (!sim->stop) {
		int i, n;

		pthread_mutex_unlock(&sim->lock);
		n = epoll_wait(sim->epfd, events, 32, -1);
		pthread_mutex_lock(&sim->lock);
		for (i = 0; i < n && !sim->stop; i++) {
			struct sim_ept *se = events[i].data.ptr;

			if (!se) {
				uint64_t v;

				if (read(sim->cmd_fd, &v, sizeof(v)) < 0) {
					/* spurious */
				}
				continue;
			}
			if (se->removed)
				continue;
			if (events[i].events & EPOLLOUT)
				flush_out(sim, se);
			if (events[i].events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP))
				read_ept(sim, se, events[i].events);
		}
		process_held(sim);
		reap_removed(sim);
	}
	pthread_mutex_unlock(&sim->lock);
	return NULL;
}

static uint32_t alloc_addr(struct rpmsg_sim *sim)
{
	uint32_t a = sim->next_addr;
	struct sim_channel *ch;

	for (;;) {
		bool used = find_local(sim, a) != NULL;

		for (ch = sim->channels; ch && !used; ch = ch->next)
			used = ch->local == a;
		if (!used)
			break;
		a = a + 1 < SIM_FIRST_ADDR ? SIM_FIRST_ADDR : a + 1;
	}
	sim->next_addr = a + 1;
	return a;
}

/* Give the library's end of a pair the smallest send buffer that carries a
 * message of mtu bytes: the kernel refuses longer datagrams with EMSGSIZE.
 * It doubles what is asked, up to net.core.wmem_max, and raises it to its
 * minimum (about 4.5 KiB), which is the slack of a paused remote. The
 * remote's end asks for much more and so gets at least as much. */
static int size_library_end(int fd, size_t mtu)
{
	int want = (int)(mtu + SIM_SNDBUF_RESERVE), got = 0;
	socklen_t len = sizeof(got);

	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &want, sizeof(want)) < 0 ||
	    getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &got, &len) < 0)
		return -errno;
	if (got < 0 || (size_t)got < mtu + SIM_SNDBUF_RESERVE)
		return -EMSGSIZE;	/* capped by net.core.wmem_max */
	return 0;
}

/* A socket pair: *lib_fd for the library, the other end served by the remote. */
static struct sim_ept *sept_new(struct rpmsg_sim *sim, uint32_t local, uint32_t remote,
				int *lib_fd)
{
	struct epoll_event ev = { .events = 0 };
	int sv[2], big = SIM_REMOTE_SNDBUF, ret;
	struct sim_ept *se = calloc(1, sizeof(*se));

	if (!se)
		return NULL;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		free(se);
		return NULL;
	}
	setsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &big, sizeof(big));
	ret = size_library_end(sv[0], sim->mtu);
	if (ret < 0) {
		close(sv[0]);
		close(sv[1]);
		free(se);
		errno = -ret;
		return NULL;
	}
	se->fd = sv[1];
	se->local = local;
	se->remote = remote;
	ev.data.ptr = se;
	if (epoll_ctl(sim->epfd, EPOLL_CTL_ADD, se->fd, &ev) < 0) {
		close(sv[0]);
		close(sv[1]);
		free(se);
		return NULL;
	}
	se->next = sim->epts;
	sim->epts = se;
	set_events(sim, se);
	*lib_fd = sv[0];
	return se;
}

static struct rpmsg_ept *sim_wrap_fd(struct rpmsg_sim *sim, int fd, const char *name,
				     uint32_t local, uint32_t remote)
{
	struct rpmsg_ept *ept = rpmsgi_ept_new(sim->ctx, fd, NULL);
	int ret;

	if (!ept)
		return NULL;
	snprintf(ept->name, sizeof(ept->name), "%s", name);
	ept->src = local;
	ept->dst = remote;
	ept->mtu = sim->mtu;
	ept->is_socket = true;
	ept->pollout_ok = sim->flags & RPMSG_SIM_POLLOUT;
	ept->sim = sim;
	ret = rpmsgi_ept_attach(ept);
	if (ret < 0) {
		rpmsgi_ept_free(ept);
		errno = -ret;
		return NULL;
	}
	return ept;
}

static struct rpmsg_ept *sim_create_ept(struct rpmsg_ctrl *ctrl, const char *name,
					uint32_t src, uint32_t dst)
{
	struct rpmsg_sim *sim = ctrl->sim;
	struct rpmsg_ept *ept = NULL;
	struct sim_ept *se;
	int fd, err = 0;

	pthread_mutex_lock(&sim->lock);
	if (sim->crashed)
		err = EPIPE;
	else if (src != RPMSG_ADDR_ANY && find_local(sim, src))
		err = EINVAL;	/* like the kernel's open(): address in use */
	if (!err) {
		se = sept_new(sim, src == RPMSG_ADDR_ANY ? alloc_addr(sim) : src, dst, &fd);
		if (!se) {
			err = errno;
		} else {
			ept = sim_wrap_fd(sim, fd, name, se->local, dst);
			if (ept) {
				se->ept = ept;
				ept->created = true;
				ept->ctrl = ctrl;
				rpmsgi_ctrl_get(ctrl);
			} else {
				err = errno;
				close(fd);
				remove_sept(sim, se);
			}
		}
	}
	pthread_mutex_unlock(&sim->lock);
	kick(sim);
	if (err)
		errno = err;
	return ept;
}

static int sim_create_channel(struct rpmsg_ctrl *ctrl, const char *name, uint32_t src,
			      uint32_t dst)
{
	return -EOPNOTSUPP;	/* the simulated transport announces; it does not take requests */
}

static int sim_release_channel(struct rpmsg_ctrl *ctrl, const char *name, uint32_t src,
			       uint32_t dst)
{
	return -EOPNOTSUPP;
}

static struct sim_channel *find_channel(struct rpmsg_sim *sim, const char *name, uint32_t addr)
{
	struct sim_channel *ch;

	for (ch = sim->channels; ch; ch = ch->next)
		if (!strcmp(ch->name, name) && (addr == RPMSG_ADDR_ANY || ch->remote == addr))
			return ch;
	return NULL;
}

static struct rpmsg_ept *sim_open_channel(struct rpmsg_ctrl *ctrl, const char *name,
					  uint32_t dst)
{
	struct rpmsg_sim *sim = ctrl->sim;
	struct rpmsg_ept *ept = NULL;
	struct sim_channel *ch;
	int err = 0;

	pthread_mutex_lock(&sim->lock);
	ch = find_channel(sim, name, dst);
	if (!ch) {
		err = ENOENT;
	} else if (ch->lib_fd < 0) {
		err = EBUSY;	/* one opener per endpoint device */
	} else {
		ept = sim_wrap_fd(sim, ch->lib_fd, name, ch->local, ch->remote);
		if (ept) {
			ch->lib_fd = -1;
			ch->sept->ept = ept;
		} else {
			err = errno;
		}
	}
	pthread_mutex_unlock(&sim->lock);
	if (err)
		errno = err;
	return ept;
}

static const struct rpmsgi_ctrl_ops sim_ops = {
	.create_ept = sim_create_ept,
	.create_channel = sim_create_channel,
	.release_channel = sim_release_channel,
	.open_channel = sim_open_channel,
};

/* The library closed a simulated endpoint. A channel keeps its default
 * endpoint (messages keep queueing), so it gets a fresh pair for the next open. */
void rpmsgi_sim_ept_closed(struct rpmsg_ept *ept)
{
	struct rpmsg_sim *sim = ept->sim;
	struct sim_channel *ch;
	struct sim_ept *se;

	pthread_mutex_lock(&sim->lock);
	for (se = sim->epts; se; se = se->next)
		if (se->ept == ept)
			remove_sept(sim, se);
	for (ch = sim->channels; ch; ch = ch->next) {
		if (ch->sept && ch->sept->ept == ept) {
			ch->sept = sept_new(sim, ch->local, ch->remote, &ch->lib_fd);
			if (!ch->sept)
				ch->lib_fd = -1;
		}
	}
	pthread_mutex_unlock(&sim->lock);
	kick(sim);
	ept->sim = NULL;
}

RPMSG_API struct rpmsg_sim *rpmsg_sim_new(struct rpmsg_ctx *ctx, unsigned int flags)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = NULL };
	pthread_mutexattr_t attr;
	struct rpmsg_sim *sim;
	int err;

	if (!ctx || (flags & ~RPMSG_SIM_POLLOUT)) {
		errno = EINVAL;
		return NULL;
	}
	if (handler_sim) {
		errno = EDEADLK;	/* the context belongs to another thread */
		return NULL;
	}
	sim = calloc(1, sizeof(*sim));
	if (!sim)
		return NULL;
	sim->ctx = ctx;
	sim->flags = flags;
	sim->credits = SIM_DEFAULT_CREDITS;
	sim->mtu = RPMSG_MTU_DEFAULT;
	sim->next_addr = SIM_FIRST_ADDR;
	sim->reading = true;
	sim->buf = malloc(RPMSG_MTU_MAX);
	sim->epfd = epoll_create1(EPOLL_CLOEXEC);
	sim->cmd_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	sim->ctrl = rpmsgi_ctrl_new(ctx, &sim_ops);
	if (!sim->buf || sim->epfd < 0 || sim->cmd_fd < 0 || !sim->ctrl)
		goto fail;
	sim->ctrl->sim = sim;
	sim->ctrl->path = strdup("sim:");
	if (!sim->ctrl->path || epoll_ctl(sim->epfd, EPOLL_CTL_ADD, sim->cmd_fd, &ev) < 0)
		goto fail;
	pthread_mutexattr_init(&attr);
	pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&sim->lock, &attr);
	pthread_mutexattr_destroy(&attr);
	err = pthread_create(&sim->thread, NULL, sim_thread, sim);
	if (err) {
		pthread_mutex_destroy(&sim->lock);
		errno = err;
		goto fail;
	}
	sim->next = ctx->sims;
	ctx->sims = sim;
	return sim;
fail:
	err = errno;
	if (sim->ctrl)
		rpmsgi_ctrl_put(sim->ctrl);
	if (sim->epfd >= 0)
		close(sim->epfd);
	if (sim->cmd_fd >= 0)
		close(sim->cmd_fd);
	free(sim->buf);
	free(sim);
	errno = err;
	return NULL;
}

static void drop_channels(struct rpmsg_sim *sim)
{
	while (sim->channels) {
		struct sim_channel *ch = sim->channels;

		sim->channels = ch->next;
		if (ch->sept)
			remove_sept(sim, ch->sept);
		if (ch->lib_fd >= 0)
			close(ch->lib_fd);
		free(ch);
	}
}

static void drop_held(struct rpmsg_sim *sim)
{
	while (sim->held_head) {
		struct sim_msg *m = sim->held_head;

		sim->held_head = m->next;
		free(m);
	}
	sim->held_tail = NULL;
	sim->held = 0;
}

static const struct rpmsgi_ctrl_ops gone_ops;

RPMSG_API void rpmsg_sim_free(struct rpmsg_sim *sim)
{
	struct rpmsg_ctx *ctx;
	struct rpmsg_sim **p;
	struct rpmsg_ept *ept, *sib;
	struct sim_ept *se;

	if (!sim)
		return;
	if (handler_sim) {
		/* A thread cannot join itself, nor may it free what the context's
		 * thread uses. */
		errno = EDEADLK;
		return;
	}
	ctx = sim->ctx;
	pthread_mutex_lock(&sim->lock);
	sim->stop = true;
	pthread_mutex_unlock(&sim->lock);
	kick(sim);
	pthread_join(sim->thread, NULL);

	for (se = sim->epts; se; se = se->next)
		remove_sept(sim, se);
	drop_channels(sim);
	drop_held(sim);
	reap_removed(sim);
	/* Endpoints outlive the simulator as dead objects. */
	for (ept = ctx->epts; ept; ept = ept->next)
		RPMSGI_FOR_EACH_WITH_SIBLINGS(ept, sib)
			if (sib->sim == sim)
				sib->sim = NULL;
	for (p = &ctx->sims; *p; p = &(*p)->next) {
		if (*p == sim) {
			*p = sim->next;
			break;
		}
	}
	sim->ctrl->sim = NULL;
	sim->ctrl->ops = &gone_ops;
	rpmsgi_ctrl_put(sim->ctrl);
	pthread_mutex_destroy(&sim->lock);
	close(sim->epfd);
	close(sim->cmd_fd);
	free(sim->buf);
	free(sim);
}

bool rpmsgi_on_sim_thread(void)
{
	return handler_sim != NULL;
}

static struct rpmsg_ept *gone_create_ept(struct rpmsg_ctrl *ctrl, const char *name,
					 uint32_t src, uint32_t dst)
{
	errno = ENODEV;
	return NULL;
}

static int gone_channel(struct rpmsg_ctrl *ctrl, const char *name, uint32_t src, uint32_t dst)
{
	return -ENODEV;
}

static struct rpmsg_ept *gone_open_channel(struct rpmsg_ctrl *ctrl, const char *name,
					   uint32_t dst)
{
	errno = ENODEV;
	return NULL;
}

/* What an endpoint's control device does after its simulator was freed. */
static const struct rpmsgi_ctrl_ops gone_ops = {
	.create_ept = gone_create_ept,
	.create_channel = gone_channel,
	.release_channel = gone_channel,
	.open_channel = gone_open_channel,
};

RPMSG_API struct rpmsg_ctrl *rpmsg_sim_get_ctrl(struct rpmsg_sim *sim)
{
	RPMSGI_REQUIRE(sim, NULL);
	return sim->ctrl;
}

RPMSG_API void rpmsg_sim_set_handler(struct rpmsg_sim *sim, rpmsg_sim_handler_fn handler,
				     void *user_data)
{
	SIM_REQUIRE_VOID(sim);
	pthread_mutex_lock(&sim->lock);
	sim->handler = handler;
	sim->handler_data = user_data;
	pthread_mutex_unlock(&sim->lock);
}

RPMSG_API int rpmsg_sim_send(struct rpmsg_sim *sim, uint32_t from, uint32_t to,
			     const void *data, size_t len)
{
	int ret;

	SIM_REQUIRE(sim, -1);
	if (!data && len) {
		errno = EINVAL;
		return -1;
	}
	pthread_mutex_lock(&sim->lock);
	if (len > sim->mtu)
		ret = -EMSGSIZE;
	else if (sim->crashed)
		ret = -EPIPE;
	else
		ret = deliver_to_linux(sim, to, data, len);
	pthread_mutex_unlock(&sim->lock);
	if (ret < 0) {
		errno = -ret;
		return -1;
	}
	return 0;
}

RPMSG_API int rpmsg_sim_set_tx_credits(struct rpmsg_sim *sim, unsigned int credits)
{
	SIM_REQUIRE(sim, -1);
	if (!credits) {
		errno = EINVAL;
		return -1;
	}
	pthread_mutex_lock(&sim->lock);
	sim->credits = credits;
	update_reading(sim);
	take_in_sent(sim);
	pthread_mutex_unlock(&sim->lock);
	kick(sim);
	return 0;
}

RPMSG_API int rpmsg_sim_set_mtu(struct rpmsg_sim *sim, size_t mtu)
{
	int sv[2], ret;

	SIM_REQUIRE(sim, -1);
	if (!mtu || mtu > RPMSG_MTU_MAX) {
		errno = EINVAL;
		return -1;
	}
	/* Refuse now what sept_new could not carry later. */
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	ret = size_library_end(sv[0], mtu);
	close(sv[0]);
	close(sv[1]);
	if (ret < 0) {
		errno = -ret;
		return -1;
	}
	pthread_mutex_lock(&sim->lock);
	sim->mtu = mtu;
	pthread_mutex_unlock(&sim->lock);
	return 0;
}

RPMSG_API void rpmsg_sim_pause(struct rpmsg_sim *sim)
{
	SIM_REQUIRE_VOID(sim);
	pthread_mutex_lock(&sim->lock);
	sim->paused = true;
	take_in_sent(sim);
	pthread_mutex_unlock(&sim->lock);
}

RPMSG_API void rpmsg_sim_resume(struct rpmsg_sim *sim)
{
	SIM_REQUIRE_VOID(sim);
	pthread_mutex_lock(&sim->lock);
	sim->paused = false;
	pthread_mutex_unlock(&sim->lock);
	kick(sim);
}

RPMSG_API int rpmsg_sim_announce(struct rpmsg_sim *sim, const char *name, uint32_t addr)
{
	struct sim_channel *ch;
	int ret;

	SIM_REQUIRE(sim, -1);
	ret = rpmsgi_check_name(name);
	if (!ret && addr == RPMSG_ADDR_ANY)
		ret = -EINVAL;
	if (ret < 0) {
		errno = -ret;
		return -1;
	}
	pthread_mutex_lock(&sim->lock);
	if (sim->crashed)
		ret = -EPIPE;
	else if (find_channel(sim, name, addr))
		ret = -EEXIST;
	else if (!(ch = calloc(1, sizeof(*ch))))
		ret = -ENOMEM;
	if (!ret) {
		snprintf(ch->name, sizeof(ch->name), "%s", name);
		ch->remote = addr;
		ch->local = alloc_addr(sim);
		ch->sept = sept_new(sim, ch->local, addr, &ch->lib_fd);
		if (!ch->sept) {
			ret = -errno;
			free(ch);
		} else {
			ch->next = sim->channels;
			sim->channels = ch;
		}
	}
	pthread_mutex_unlock(&sim->lock);
	kick(sim);
	if (ret < 0) {
		errno = -ret;
		return -1;
	}
	return 0;
}

RPMSG_API int rpmsg_sim_withdraw(struct rpmsg_sim *sim, const char *name, uint32_t addr)
{
	struct sim_channel **p, *ch = NULL;

	SIM_REQUIRE(sim, -1);
	if (!name) {
		errno = EINVAL;
		return -1;
	}
	pthread_mutex_lock(&sim->lock);
	for (p = &sim->channels; *p; p = &(*p)->next) {
		if (!strcmp((*p)->name, name) && (*p)->remote == addr) {
			ch = *p;
			*p = ch->next;
			break;
		}
	}
	if (ch) {
		if (ch->sept)
			remove_sept(sim, ch->sept);
		if (ch->lib_fd >= 0)
			close(ch->lib_fd);
		free(ch);
	}
	pthread_mutex_unlock(&sim->lock);
	kick(sim);
	if (!ch) {
		errno = ENOENT;
		return -1;
	}
	return 0;
}

RPMSG_API void rpmsg_sim_crash(struct rpmsg_sim *sim)
{
	struct sim_ept *se;

	SIM_REQUIRE_VOID(sim);
	pthread_mutex_lock(&sim->lock);
	sim->crashed = true;
	for (se = sim->epts; se; se = se->next)
		remove_sept(sim, se);
	drop_channels(sim);
	drop_held(sim);
	update_reading(sim);
	pthread_mutex_unlock(&sim->lock);
	kick(sim);
}

RPMSG_API void rpmsg_sim_restart(struct rpmsg_sim *sim)
{
	SIM_REQUIRE_VOID(sim);
	pthread_mutex_lock(&sim->lock);
	sim->crashed = false;
	update_reading(sim);
	pthread_mutex_unlock(&sim->lock);
	kick(sim);
}

RPMSG_API uint64_t rpmsg_sim_get_rx_count(struct rpmsg_sim *sim)
{
	RPMSGI_REQUIRE(sim, 0);
	return atomic_load(&sim->rx_count);
}

RPMSG_API unsigned int rpmsg_sim_get_held_count(struct rpmsg_sim *sim)
{
	unsigned int held;

	SIM_REQUIRE(sim, 0);
	pthread_mutex_lock(&sim->lock);
	take_in_sent(sim);
	held = sim->held;
	pthread_mutex_unlock(&sim->lock);
	return held;
}
