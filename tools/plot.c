// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: librpmsg authors

/* rpmsg ping --plot: a PNG histogram of the round-trip times, drawn by gnuplot. */

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tool.h"

bool plot_find_gnuplot(char *path, size_t size)
{
	const char *env = getenv("GNUPLOT"), *dirs = getenv("PATH");
	const char *name = env && *env ? env : "gnuplot";

	snprintf(path, size, "%s", name);
	if (strchr(name, '/'))
		return access(name, X_OK) == 0;
	while (dirs && *dirs) {
		size_t len = strcspn(dirs, ":");

		snprintf(path, size, "%.*s/%s", (int)len, dirs, name);
		if (len && access(path, X_OK) == 0)
			return true;
		dirs += len + (dirs[len] == ':');
	}
	snprintf(path, size, "%s", name);
	return false;
}

/* A gnuplot single-quoted string: a quote inside is doubled. */
static void put_quoted(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s; s++) {
		if (*s == '\'')
			fputc('\'', f);
		fputc(*s, f);
	}
	fputc('\'', f);
}

/* A dashed vertical line with a label at x. */
static void put_marker(FILE *f, double x, const char *label, const char *colour, double y)
{
	fprintf(f, "set arrow from %.6g, graph 0 to %.6g, graph 1 nohead dt 2 lc rgb '%s'\n"
		"set label '%s' at %.6g, graph %.2f offset 0.5,0 tc rgb '%s'\n",
		x, x, colour, label, x, y, colour);
}

/* us is sorted. */
static void write_script(FILE *f, const char *file, const double *us, size_t n,
			 const char *title)
{
	double lo = us[0], hi = us[n - 1], width = (hi - lo) / 40.0;
	size_t i;

	if (width <= 0)
		width = lo > 0 ? lo / 20.0 : 1.0;
	fprintf(f, "if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) {\n"
		"  set terminal pngcairo size 900,520 noenhanced\n"
		"} else {\n"
		"  set terminal png size 900,520 noenhanced\n"
		"}\n"
		"set output ");
	put_quoted(f, file);
	fprintf(f, "\nset title ");
	put_quoted(f, title);
	fprintf(f, "\nset xlabel 'round-trip time (us)'\n"
		"set ylabel 'replies'\n"
		"set style fill solid 0.6 border -1\n"
		"set boxwidth %.6g\n"
		"set yrange [0:*]\n"
		"set grid ytics\n"
		"w = %.6g\n"
		"bin(x) = w * floor(x / w) + w / 2\n", width, width);
	/* Nearest rank, as in the text summary. */
	put_marker(f, us[(n + 1) / 2 - 1], "p50", "dark-green", 0.95);
	put_marker(f, us[(size_t)ceil(0.99 * (double)n) - 1], "p99", "red", 0.90);
	fprintf(f, "$rtt << EOD\n");
	for (i = 0; i < n; i++)
		fprintf(f, "%.3f\n", us[i]);
	fprintf(f, "EOD\n"
		"plot $rtt using (bin($1)):(1.0) smooth frequency with boxes "
		"lc rgb '#4a7ebb' notitle\n"
		"unset output\n");
}

int plot_latency_png(const char *gnuplot, const char *file, const double *us, size_t n,
		     const char *title)
{
	struct sigaction ign, old;
	struct stat st;
	int fds[2], status = 0;
	pid_t pid;
	FILE *f;

	if (pipe(fds) < 0)
		goto fail_errno;
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		goto fail_errno;
	}
	if (pid == 0) {
		dup2(fds[0], STDIN_FILENO);
		close(fds[0]);
		close(fds[1]);
		execl(gnuplot, "gnuplot", (char *)NULL);
		fprintf(stderr, "rpmsg: ping: cannot run %s: %s\n", gnuplot, strerror(errno));
		_exit(127);
	}
	close(fds[0]);
	/* gnuplot may quit early on an error: its status says so, not SIGPIPE. */
	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &ign, &old);
	f = fdopen(fds[1], "w");
	if (f) {
		write_script(f, file, us, n, title);
		fclose(f);
	} else {
		close(fds[1]);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	sigaction(SIGPIPE, &old, NULL);
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		tool_err("--plot %s: %s failed (%s %d)", file, gnuplot,
			 WIFEXITED(status) ? "exit status" : "signal",
			 WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
		return EXIT_PLOT;
	}
	if (stat(file, &st) < 0 || !st.st_size) {
		tool_err("--plot %s: gnuplot wrote nothing: %s", file,
			 strerror(errno ? errno : EIO));
		return EXIT_PLOT;
	}
	return 0;

fail_errno:
	tool_err("--plot %s: cannot run %s: %s", file, gnuplot, strerror(errno));
	return EXIT_PLOT;
}
