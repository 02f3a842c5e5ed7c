#!/bin/sh
# SPDX-License-Identifier: MIT
# Install what building and testing librpmsg needs, from Debian's packages.
# Does nothing when everything is already there. Run as root (Debian 12).
set -eu

# Core build and tests; SWIG bindings (Python, Lua 5.4) and their tests; the API
# reference; the kernel VM suite (tests/kernel/README.md); the luv example and
# the rpmsg tool's --plot; the fuzzers (make fuzz: clang and its libFuzzer);
# valgrind for make check-valgrind.
packages="build-essential autoconf automake libtool pkg-config liburing-dev check
	swig python3 python3-dev python3-pytest lua5.4 liblua5.4-dev doxygen
	linux-source-6.1 linux-source-6.12 qemu-system-x86 busybox-static
	bc bison flex libelf-dev cpio xz-utils lua-luv gnuplot-nox
	clang libclang-rt-14-dev valgrind"

missing=""
for p in $packages; do
	dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
if [ -z "$missing" ]; then
	exit 0
fi
echo "Installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
