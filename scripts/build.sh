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
# Reconfigure when configure changed, or when PYTHON names another interpreter
# than the one this directory was configured with (configure picks one itself
# when PYTHON is not set).
configured_python=$(sed -n 's/^PYTHON = //p' Makefile 2>/dev/null || true)
if [ ! -f Makefile ] || [ "$top/configure" -nt Makefile ] ||
	{ [ -n "${PYTHON:-}" ] && [ "$PYTHON" != "$configured_python" ]; }; then
	"$top/configure" --quiet "$@"
fi
make -j"$(nproc)" >/dev/null
