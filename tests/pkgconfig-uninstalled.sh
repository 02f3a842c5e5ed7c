#!/bin/bash
# SPDX-License-Identifier: MIT
# librpmsg-uninstalled.pc: `PKG_CONFIG_PATH=BUILDDIR pkg-config --cflags --libs
# librpmsg` compiles and links a program against this build tree (the source
# tree's header, the library just built), and the program runs with
# LD_LIBRARY_PATH=BUILDDIR/librpmsg/.libs: an echo through the simulated
# remote on each engine. Run by make check from the top build directory.
set -u
builddir=$(pwd)
srcdir=$(cd "${srcdir:-.}" && pwd)
PKG_CONFIG=${PKG_CONFIG:-pkg-config}
failed=0

fail() {
	echo "FAIL: $*"
	failed=1
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/rpmsg-pkgconfig.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT INT TERM

PKG_CONFIG_PATH=$builddir
export PKG_CONFIG_PATH

cflags=$($PKG_CONFIG --cflags librpmsg) || fail "pkg-config --cflags librpmsg failed"
libs=$($PKG_CONFIG --libs librpmsg) || fail "pkg-config --libs librpmsg failed"
version=$($PKG_CONFIG --modversion librpmsg) || fail "pkg-config --modversion librpmsg failed"
echo "cflags: $cflags"
echo "libs: $libs"
# real_dirs FLAG WORDS...: each directory given with FLAG (-I, -L), resolved
real_dirs() {
	local flag=$1 w
	shift
	for w in "$@"; do
		case $w in "$flag"*) (cd "${w#"$flag"}" 2>/dev/null && pwd -P) ;; esac
	done
}
# shellcheck disable=SC2086 # word-split the flags
real_dirs -I $cflags | grep -qx "$(cd "$srcdir/include" && pwd -P)" ||
	fail "--cflags does not name the source tree's include directory $srcdir/include"
# shellcheck disable=SC2086
real_dirs -L $libs | grep -qx "$(cd "$builddir/librpmsg/.libs" && pwd -P)" ||
	fail "--libs does not name the build tree's library directory $builddir/librpmsg/.libs"
[ $failed -eq 0 ] || exit 1

cat >"$tmp/echo.c" <<'PROGRAM'
#include <rpmsg/rpmsg.h>
#include <stdio.h>

static void on_rx(struct rpmsg_ept *ept, const void *data, size_t len, uint32_t src, void *ud)
{
	printf("echo from %u: %.*s\n", (unsigned int)src, (int)len, (const char *)data);
	*(int *)ud = 1;
}

int main(void)
{
	struct rpmsg_ctx *ctx = rpmsg_ctx_new(0);
	struct rpmsg_sim *sim = ctx ? rpmsg_sim_new(ctx, 0) : NULL;
	struct rpmsg_ept *ept = sim ? rpmsg_ctrl_create_ept(rpmsg_sim_get_ctrl(sim), "pkgconfig",
							      RPMSG_ADDR_ANY, 30) : NULL;
	int done = 0, i;

	if (!ept) {
		perror("librpmsg");
		return 1;
	}
	rpmsg_ept_set_rx_cb(ept, on_rx, &done);
	if (rpmsg_ept_send(ept, "hello", 5) < 0) {
		perror("send");
		return 1;
	}
	for (i = 0; !done && i < 50; i++)	/* 5 s at most */
		rpmsg_ctx_dispatch(ctx, 100);
	printf("librpmsg %s, %s engine\n", rpmsg_api_version(),
	       rpmsg_engine_name(rpmsg_ctx_get_engine(ctx)));
	rpmsg_ept_close(ept);
	rpmsg_sim_free(sim);
	rpmsg_ctx_free(ctx);
	return done ? 0 : 1;
}
PROGRAM

# shellcheck disable=SC2086 # word-split the flags
if ! ${CC:-cc} -Wall -Werror -o "$tmp/echo" "$tmp/echo.c" $cflags $libs; then
	echo "FAIL: cannot compile and link against the build tree"
	exit 1
fi

LD_LIBRARY_PATH=$builddir/librpmsg/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
export LD_LIBRARY_PATH
lib=$(ldd "$tmp/echo" | sed -n 's/^[[:space:]]*librpmsg\.so[^ ]* => \([^ ]*\) .*/\1/p')
if [ -n "$lib" ] && [ "$(cd "$(dirname "$lib")" && pwd -P)" = "$(cd "$builddir/librpmsg/.libs" && pwd -P)" ]; then
	echo "runs with $lib"
else
	fail "the program does not load the build tree's library (ldd: '$lib')"
fi

for engine in uring epoll; do
	if RPMSG_ENGINE=$engine "$tmp/echo" >"$tmp/out" 2>&1; then
		cat "$tmp/out"
		grep -qx 'echo from 30: hello' "$tmp/out" || fail "$engine: no echo"
		grep -qx "librpmsg $version, \(io_uring\|epoll\) engine" "$tmp/out" ||
			fail "$engine: not the build tree's library, version $version"
	else
		sed 's/^/# /' "$tmp/out"
		fail "$engine: the program failed"
	fi
done
[ $failed -eq 0 ] && echo "PASS: compiled, linked and ran against the build tree"
exit $failed
