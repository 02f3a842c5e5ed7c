#!/bin/sh
# SPDX-License-Identifier: MIT
# Lua callback echo against the C asynchronous echo, in one run, on the
# simulated remote: bench-lua.sh TOP_BUILDDIR TOP_SRCDIR [COUNT] [INFLIGHT]
# (make bench-lua). Prints both rates and their ratio.
set -eu
builddir=$1
srcdir=$2
count=${3:-200000}
inflight=${4:-32}
LUA_CPATH="$builddir/bindings/lua/.libs/?.so;;"
LD_LIBRARY_PATH="$builddir/librpmsg/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export LUA_CPATH LD_LIBRARY_PATH

rate() {
	sed -n 's/.* \([0-9][0-9]*\) messages\/s$/\1/p'
}
c_out=$("$builddir/examples/echo-async" -n "$count" -k "$inflight")
lua_out=$(lua5.4 "$srcdir/bindings/lua/examples/echo-async.lua" -n "$count" -k "$inflight")
echo "$c_out" | tail -n 1
echo "$lua_out" | tail -n 1
c_rate=$(echo "$c_out" | rate)
lua_rate=$(echo "$lua_out" | rate)
awk -v c="$c_rate" -v l="$lua_rate" -v n="$count" -v k="$inflight" 'BEGIN {
	printf "Lua callback echo / C async echo (%d messages, %d in flight): %d / %d = %.2f\n",
		n, k, l, c, l / c }'
