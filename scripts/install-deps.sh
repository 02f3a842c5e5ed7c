#!/bin/sh
# SPDX-License-Identifier: MIT
# Install what building and testing librpmsg needs, from Debian's packages.
# Does nothing when everything is already there. Run as root (Debian 12).
set -eu

packages="build-essential autoconf automake libtool pkg-config liburing-dev check"

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
