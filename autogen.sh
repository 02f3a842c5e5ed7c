#!/bin/sh
# SPDX-License-Identifier: MIT
# Generate ./configure from a git checkout; pass any arguments on to configure.
set -e
srcdir=$(dirname "$0")
autoreconf --force --install --verbose "$srcdir"
if [ -z "$NOCONFIGURE" ]; then
	"$srcdir/configure" "$@"
fi
