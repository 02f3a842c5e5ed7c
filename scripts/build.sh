#!/bin/sh
# SPDX-License-Identifier: MIT
# Configure and build out of tree: scripts/build.sh BUILDDIR [configure options...]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
builddir=$1
shift
# Several build directories may share one source tree: regenerate it under a lock.
if [ ! -x "$top/configure" ] || [ "$top/configure.ac" -nt "$top/configure" ]; then
	(cd "$top" && flock configure.ac sh -c \
		'[ -x configure ] && [ ! configure.ac -nt configure ] || NOCONFIGURE=1 ./autogen.sh' \
		>/dev/null 2>&1)
fi
mkdir -p "$builddir"
cd "$builddir"
if [ ! -f Makefile ] || [ "$top/configure" -nt Makefile ]; then
	"$top/configure" --quiet "$@"
fi
make -j"$(nproc)" >/dev/null
