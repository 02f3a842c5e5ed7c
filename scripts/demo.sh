#!/bin/sh
# SPDX-License-Identifier: MIT
# Install dependencies, build, and run the demo: an echo exchange with the
# simulated remote (no RPMsg hardware needed).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/install-deps.sh"
"$top/scripts/build.sh" "$top/build" --enable-examples
exec "$top/build/examples/echo-sync" "$@"
