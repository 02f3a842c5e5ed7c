// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: librpmsg authors

/* rpmsg list and rpmsg info: what the kernel (or the simulated remote) offers. */

#include <dirent.h>
#include <stdarg.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tool.h"

#define MAX_COLS 7

/* A table printed with columns as wide as their widest cell. */
struct table {
	const char *head[MAX_COLS];
	int ncols;
	char (*cells)[MAX_COLS][96];
	size_t nrows;
};

static int table_add(struct table *t, ...) __attribute__((sentinel));
static int table_add(struct table *t, ...)
{
	char (*rows)[MAX_COLS][96] = realloc(t->cells, (t->nrows + 1) * sizeof(*rows));
	va_list ap;
	int i;

	if (!rows)
		return -1;
	t->cells = rows;
	va_start(ap, t);
	for (i = 0; i < t->ncols; i++) {
		const char *s = va_arg(ap, const char *);

		snprintf(t->cells[t->nrows][i], sizeof(t->cells[0][0]), "%s", s ? s : "-");
	}
	va_end(ap);
	t->nrows++;
	return 0;
}

static void table_print(struct table *t, const char *title)
{
	size_t w[MAX_COLS], r;
	int i;

	printf("%s\n", title);
	if (!t->nrows) {
		printf("  (none)\n");
		goto out;
	}
	for (i = 0; i < t->ncols; i++) {
		w[i] = strlen(t->head[i]);
		for (r = 0; r < t->nrows; r++)
			if (strlen(t->cells[r][i]) > w[i])
				w[i] = strlen(t->cells[r][i]);
	}
	printf(" ");
	for (i = 0; i < t->ncols; i++)
		printf(" %-*s", i == t->ncols - 1 ? 0 : (int)w[i], t->head[i]);
	printf("\n");
	for (r = 0; r < t->nrows; r++) {
		printf(" ");
		for (i = 0; i < t->ncols; i++)
			printf(" %-*s", i == t->ncols - 1 ? 0 : (int)w[i], t->cells[r][i]);
		printf("\n");
	}
out:
	free(t->cells);
	t->cells = NULL;
	t->nrows = 0;
}

static const char *addr_str(uint32_t a, char *buf, size_t size)
{
	if (a == RPMSG_ADDR_ANY)
		snprintf(buf, size, "any");
	else
		snprintf(buf, size, "%u", (unsigned int)a);
	return buf;
}

static const char *rproc_str(const struct rpmsg_devinfo *d, char *buf, size_t size)
{
	const char *rproc = rpmsg_devinfo_get_rproc(d);
	const char *name = rpmsg_devinfo_get_rproc_name(d);

	if (!rproc)
		return NULL;
	if (name)
		snprintf(buf, size, "%s (%s)", rproc, name);
	else
		snprintf(buf, size, "%s", rproc);
	return buf;
}

/* One sysfs attribute, without its newline; "-" when it cannot be read. */
static void read_attr(const char *dir, const char *attr, char *buf, size_t size)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, attr);
	snprintf(buf, size, "-");
	f = fopen(path, "r");
	if (!f)
		return;
	if (fgets(buf, (int)size, f))
		buf[strcspn(buf, "\n")] = '\0';
	else
		snprintf(buf, size, "-");
	fclose(f);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Remote processors come from sysfs directly: the library lists only rpmsg devices. */
static int list_rprocs(struct rpmsg_ctx *ctx)
{
	struct table t = { { "REMOTEPROC", "NAME", "STATE", "FIRMWARE" }, 4, NULL, 0 };
	char dir[4096], *names[256];
	size_t n = 0, i;
	struct dirent *e;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/class/remoteproc", rpmsg_ctx_get_sysfs_root(ctx));
	d = opendir(dir);
	if (!d && errno != ENOENT)
		return tool_err("%s: %s", dir, strerror(errno));
	while (d && (e = readdir(d)) && n < 256)
		if (e->d_name[0] != '.' && (names[n] = strdup(e->d_name)))
			n++;
	if (d)
		closedir(d);
	qsort(names, n, sizeof(names[0]), cmp_str);
	for (i = 0; i < n; i++) {
		char rdir[4352], name[96], state[96], fw[96];

		snprintf(rdir, sizeof(rdir), "%s/%s", dir, names[i]);
		read_attr(rdir, "name", name, sizeof(name));
		read_attr(rdir, "state", state, sizeof(state));
		read_attr(rdir, "firmware", fw, sizeof(fw));
		table_add(&t, names[i], name, state, fw, NULL);
		free(names[i]);
	}
	table_print(&t, "Remote processors");
	return 0;
}

static struct rpmsg_devlist *get_list(struct rpmsg_ctx *ctx, enum rpmsg_dev_type type)
{
	struct rpmsg_devlist *l = rpmsg_ctx_list(ctx, type);

	if (!l)
		tool_err("cannot list devices under %s: %s", rpmsg_ctx_get_sysfs_root(ctx),
			 strerror(errno));
	return l;
}

static int list_ctrls(struct rpmsg_ctx *ctx, const struct rpmsg_devlist *epts)
{
	struct table t = { { "DEVICE", "REMOTEPROC", "DRIVER", "ENDPOINTS" }, 4, NULL, 0 };
	struct rpmsg_devlist *l = get_list(ctx, RPMSG_DEV_CTRL);
	size_t i, j;

	if (!l)
		return EXIT_FAIL;
	for (i = 0; i < rpmsg_devlist_count(l); i++) {
		const struct rpmsg_devinfo *d = rpmsg_devlist_get(l, i);
		char rp[96], count[16];
		unsigned int n = 0;

		for (j = 0; epts && j < rpmsg_devlist_count(epts); j++) {
			const char *c = rpmsg_devinfo_get_ctrl(rpmsg_devlist_get(epts, j));

			n += c && !strcmp(c, rpmsg_devinfo_get_devname(d));
		}
		snprintf(count, sizeof(count), "%u", n);
		table_add(&t, rpmsg_devinfo_get_dev_path(d), rproc_str(d, rp, sizeof(rp)),
			  rpmsg_devinfo_get_name(d), count, NULL);
	}
	rpmsg_devlist_free(l);
	table_print(&t, "Control devices");
	return 0;
}

static int list_channels(struct rpmsg_ctx *ctx)
{
	struct table t = { { "CHANNEL", "NAME", "SRC", "DST", "DEVICE", "REMOTEPROC" }, 6,
			   NULL, 0 };
	struct rpmsg_devlist *l = get_list(ctx, RPMSG_DEV_CHANNEL);
	size_t i;

	if (!l)
		return EXIT_FAIL;
	for (i = 0; i < rpmsg_devlist_count(l); i++) {
		const struct rpmsg_devinfo *d = rpmsg_devlist_get(l, i);
		char src[16], dst[16], rp[96];

		table_add(&t, rpmsg_devinfo_get_devname(d), rpmsg_devinfo_get_name(d),
			  addr_str(rpmsg_devinfo_get_src(d), src, sizeof(src)),
			  addr_str(rpmsg_devinfo_get_dst(d), dst, sizeof(dst)),
			  rpmsg_devinfo_get_dev_path(d), rproc_str(d, rp, sizeof(rp)), NULL);
	}
	rpmsg_devlist_free(l);
	table_print(&t, "Channels");
	return 0;
}

static void list_epts(const struct rpmsg_devlist *l)
{
	struct table t = { { "DEVICE", "NAME", "SRC", "DST", "CREATED BY", "REMOTEPROC" }, 6,
			   NULL, 0 };
	size_t i;

	for (i = 0; i < rpmsg_devlist_count(l); i++) {
		const struct rpmsg_devinfo *d = rpmsg_devlist_get(l, i);
		const char *ctrl = rpmsg_devinfo_get_ctrl(d);
		char src[16], dst[16], rp[96];

		table_add(&t, rpmsg_devinfo_get_dev_path(d), rpmsg_devinfo_get_name(d),
			  addr_str(rpmsg_devinfo_get_src(d), src, sizeof(src)),
			  addr_str(rpmsg_devinfo_get_dst(d), dst, sizeof(dst)),
			  ctrl ? ctrl : "channel", rproc_str(d, rp, sizeof(rp)), NULL);
	}
	table_print(&t, "Endpoint devices");
}

/* Whether sysfs shows no control device, channel or endpoint device at all. */
static bool no_rpmsg_device(struct rpmsg_ctx *ctx)
{
	static const enum rpmsg_dev_type types[3] = { RPMSG_DEV_CTRL, RPMSG_DEV_CHANNEL,
						       RPMSG_DEV_EPT };
	size_t n = 0;
	int i;

	for (i = 0; i < 3; i++) {
		struct rpmsg_devlist *l = rpmsg_ctx_list(ctx, types[i]);

		if (!l)
			return false;	/* cannot tell: the tables said why */
		n += rpmsg_devlist_count(l);
		rpmsg_devlist_free(l);
	}
	return n == 0;
}

static void list_help(FILE *f)
{
	fprintf(f, "Usage: rpmsg list [--sim] [rproc|ctrl|channel|ept]...\n"
		"List remote processors, control devices, channels and endpoint devices\n"
		"(all four without an argument), read from sysfs. Without any RPMsg device,\n"
		"a line on stderr says what to check.\n\n"
		"  --sim        list the simulated remote's control device instead\n"
		"  -h, --help   this text\n");
}

int cmd_list(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "sim", no_argument, NULL, OPT_SIM },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool sim = false, want[4] = { false };
	struct rpmsg_devlist *epts = NULL;
	struct rpmsg_ctx *ctx;
	int c, i, ret = 0;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (c == OPT_SIM) {
			sim = true;
		} else if (c == 'h') {
			list_help(stdout);
			return 0;
		} else {
			return tool_usage_err("unknown option");
		}
	}
	for (i = optind; i < argc; i++) {
		static const char *const types[4] = { "rproc", "ctrl", "channel", "ept" };
		int k;

		for (k = 0; k < 4 && strcmp(argv[i], types[k]); k++)
			;
		if (k == 4)
			return tool_usage_err("unknown kind '%s' (rproc, ctrl, channel or ept)",
					      argv[i]);
		want[k] = true;
	}
	if (optind == argc)
		want[0] = want[1] = want[2] = want[3] = true;

	ctx = tool_ctx_new();
	if (!ctx)
		return EXIT_FAIL;
	if (sim) {
		struct table t = { { "DEVICE", "REMOTEPROC", "DRIVER", "ENDPOINTS" }, 4, NULL, 0 };
		struct rpmsg_sim *s = rpmsg_sim_new(ctx, 0);

		if (!s) {
			rpmsg_ctx_free(ctx);
			return tool_err("simulated remote: %s", strerror(errno));
		}
		if (want[1]) {
			table_add(&t, rpmsg_ctrl_get_path(rpmsg_sim_get_ctrl(s)), "(simulated)",
				  "librpmsg simulator", "0", NULL);
			table_print(&t, "Control devices");
		}
		rpmsg_sim_free(s);
		rpmsg_ctx_free(ctx);
		return 0;
	}
	if (want[0])
		ret = list_rprocs(ctx);
	if (!ret && (want[1] || want[3])) {
		epts = get_list(ctx, RPMSG_DEV_EPT);
		if (!epts)
			ret = EXIT_FAIL;
	}
	if (!ret && want[1])
		ret = list_ctrls(ctx, epts);
	if (!ret && want[2])
		ret = list_channels(ctx);
	if (!ret && want[3])
		list_epts(epts);
	/* Empty tables alone do not say why: the usual causes, on stderr. */
	if (!ret && (want[1] || want[2] || want[3]) && no_rpmsg_device(ctx))
		tool_err("no RPMsg devices: is the kernel built with rpmsg_char and rpmsg_ctrl "
			 "(CONFIG_RPMSG_CHAR, CONFIG_RPMSG_CTRL), and is a remote processor "
			 "running? (--sim: a simulated one)");
	rpmsg_devlist_free(epts);
	rpmsg_ctx_free(ctx);
	return ret;
}

static const char *type_str(enum rpmsg_dev_type type)
{
	switch (type) {
	case RPMSG_DEV_CTRL:
		return "control device";
	case RPMSG_DEV_EPT:
		return "endpoint device";
	case RPMSG_DEV_CHANNEL:
		return "channel";
	}
	return "?";
}

static bool matches(const struct rpmsg_devinfo *d, const char *what)
{
	const char *p = rpmsg_devinfo_get_dev_path(d);

	return (p && !strcmp(p, what)) || !strcmp(rpmsg_devinfo_get_devname(d), what) ||
	       !strcmp(rpmsg_devinfo_get_sysfs_path(d), what);
}

static void print_info(const struct rpmsg_devinfo *d)
{
	char src[16], dst[16], rp[96];

	printf("type:        %s\n", type_str(rpmsg_devinfo_get_type(d)));
	printf("device:      %s\n", rpmsg_devinfo_get_dev_path(d) ?
	       rpmsg_devinfo_get_dev_path(d) : "- (no endpoint device)");
	printf("kernel name: %s\n", rpmsg_devinfo_get_devname(d));
	printf("name:        %s\n", rpmsg_devinfo_get_name(d));
	printf("src:         %s\n", addr_str(rpmsg_devinfo_get_src(d), src, sizeof(src)));
	printf("dst:         %s\n", addr_str(rpmsg_devinfo_get_dst(d), dst, sizeof(dst)));
	printf("sysfs:       %s\n", rpmsg_devinfo_get_sysfs_path(d));
	if (rpmsg_devinfo_get_type(d) == RPMSG_DEV_EPT)
		printf("created by:  %s\n", rpmsg_devinfo_get_ctrl(d) ?
		       rpmsg_devinfo_get_ctrl(d) : "a channel");
	printf("remoteproc:  %s\n", rproc_str(d, rp, sizeof(rp)) ? rp : "-");
}

static void info_help(FILE *f)
{
	fprintf(f, "Usage: rpmsg info [--sim] [DEVICE]\n"
		"Without DEVICE: the library's version, engine, roots and device counts.\n"
		"With DEVICE (/dev/rpmsgN, /dev/rpmsg_ctrlN, a kernel name such as rpmsg3,\n"
		"a channel such as virtio0.rpmsg-raw.-1.1024, or a sysfs path): everything\n"
		"sysfs tells about it.\n\n"
		"  --sim        describe the simulated remote as well\n"
		"  -h, --help   this text\n");
}

int cmd_info(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "sim", no_argument, NULL, OPT_SIM },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const enum rpmsg_dev_type types[3] = { RPMSG_DEV_CTRL, RPMSG_DEV_EPT,
						       RPMSG_DEV_CHANNEL };
	struct rpmsg_devlist *lists[3] = { NULL };
	const char *what = NULL;
	struct rpmsg_ctx *ctx;
	bool sim = false, found = false;
	int c, i, ret = 0;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (c == OPT_SIM) {
			sim = true;
		} else if (c == 'h') {
			info_help(stdout);
			return 0;
		} else {
			return tool_usage_err("unknown option");
		}
	}
	if (argc - optind > 1)
		return tool_usage_err("one device at most");
	if (optind < argc)
		what = argv[optind];
	if (what && sim)
		return tool_usage_err("a DEVICE or --sim, not both");

	ctx = tool_ctx_new();
	if (!ctx)
		return EXIT_FAIL;
	for (i = 0; i < 3; i++) {
		lists[i] = get_list(ctx, types[i]);
		if (!lists[i]) {
			ret = EXIT_FAIL;
			goto out;
		}
	}
	if (what) {
		for (i = 0; i < 3 && !found; i++) {
			size_t j;

			for (j = 0; j < rpmsg_devlist_count(lists[i]) && !found; j++) {
				const struct rpmsg_devinfo *d = rpmsg_devlist_get(lists[i], j);

				if (matches(d, what)) {
					print_info(d);
					found = true;
				}
			}
		}
		if (!found)
			ret = tool_err("%s: not an rpmsg device under %s: %s", what,
				       rpmsg_ctx_get_sysfs_root(ctx), strerror(ENODEV));
		goto out;
	}
	printf("librpmsg:         %s\n", rpmsg_api_version());
	printf("engine:           %s\n", rpmsg_engine_name(rpmsg_ctx_get_engine(ctx)));
	printf("sysfs root:       %s\n", rpmsg_ctx_get_sysfs_root(ctx));
	printf("/dev root:        %s\n", rpmsg_ctx_get_dev_root(ctx));
	printf("control devices:  %zu\n", rpmsg_devlist_count(lists[0]));
	printf("endpoint devices: %zu\n", rpmsg_devlist_count(lists[1]));
	printf("channels:         %zu\n", rpmsg_devlist_count(lists[2]));
	if (sim) {
		struct rpmsg_sim *s = rpmsg_sim_new(ctx, 0);
		struct rpmsg_ept *e = s ? rpmsg_ctrl_create_ept(rpmsg_sim_get_ctrl(s), "rpmsg-tool",
							       RPMSG_ADDR_ANY, 30) : NULL;

		if (!e) {
			ret = tool_err("simulated remote: %s", strerror(errno));
		} else {
			printf("simulated remote: control device %s, echoes every message, "
			       "MTU %zu, send timeout %d ms\n",
			       rpmsg_ctrl_get_path(rpmsg_sim_get_ctrl(s)), rpmsg_ept_get_mtu(e),
			       rpmsg_ept_get_send_timeout(e));
		}
		rpmsg_ept_close(e);
		rpmsg_sim_free(s);
	}
out:
	for (i = 0; i < 3; i++)
		rpmsg_devlist_free(lists[i]);
	rpmsg_ctx_free(ctx);
	return ret;
}
