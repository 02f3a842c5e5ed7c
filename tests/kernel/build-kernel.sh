#!/bin/bash
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: librpmsg authors
# Build a small x86_64 kernel for librpmsg's VM tests.
#
#   tests/kernel/build-kernel.sh VERSION        (VERSION: 6.1 or 6.12)
#
# Source: Debian's /usr/src/linux-source-VERSION.tar.xz (package
# linux-source-VERSION), or $LINUX_SOURCE_TARBALL. The kernel is
# `make tinyconfig` + config/rpmsg-harness.config, with rpmsg_loopback.c added
# to drivers/rpmsg (CONFIG_RPMSG_LOOPBACK).
#
# Results go to ${XDG_CACHE_HOME:-$HOME/.cache}/librpmsg/kernel-VERSION-KEY/
# (bzImage, gen_init_cpio, config, System.map, build.log), KEY being a hash of
# the source package version, the config fragment, rpmsg_loopback.c and this
# script: an unchanged key only prints the path. The extracted tree is kept in
# .../librpmsg/src-VERSION-SRCKEY/ and reused (incrementally) by later keys.
# Progress goes to stderr; the last line on stdout is the path of bzImage.
# Environment: JOBS (default 3), LINUX_SOURCE_TARBALL.
set -euo pipefail

die() { echo "build-kernel.sh: error: $*" >&2; exit 1; }
# move $1 over $2 unless they are equal (keeps make from redoing work)
update() { if cmp -s "$1" "$2"; then rm -f "$1"; else mv "$1" "$2"; fi; }
log() { echo "build-kernel.sh: $*" >&2; }

[ $# -eq 1 ] || die "usage: $0 VERSION (6.1 or 6.12)"
ver=$1
case $ver in
[0-9]*.[0-9]*) ;;
*) die "bad VERSION '$ver' (expected e.g. 6.1 or 6.12)" ;;
esac

here=$(cd "$(dirname "$0")" && pwd)
frag=$here/config/rpmsg-harness.config
driver=$here/rpmsg_loopback.c
self=$here/build-kernel.sh
tarball=${LINUX_SOURCE_TARBALL:-/usr/src/linux-source-$ver.tar.xz}
jobs=${JOBS:-3}

[ -r "$tarball" ] || die "$tarball not found (apt-get install linux-source-$ver)"
for f in "$frag" "$driver"; do [ -r "$f" ] || die "$f missing"; done
for t in make gcc bison flex bc xz sha256sum flock; do
	command -v "$t" >/dev/null || die "'$t' not found (see tests/kernel/README.md for the packages)"
done

# the source's identity: Debian package version, else size+mtime of the tarball
srcid=$(dpkg-query -W -f='${Version}' "linux-source-$ver" 2>/dev/null || true)
if [ -z "$srcid" ] || [ -n "${LINUX_SOURCE_TARBALL:-}" ]; then
	srcid=$(stat -L -c '%n %s %Y' "$tarball")
fi
srckey=$(printf '%s\n' "$ver" "$srcid" | sha256sum | cut -c1-12)
key=$( { printf '%s\n' "$ver" "$srcid"; cat "$frag" "$driver" "$self"; } | sha256sum | cut -c1-16)

cache=${XDG_CACHE_HOME:-$HOME/.cache}/librpmsg
out=$cache/kernel-$ver-$key
srcdir=$cache/src-$ver-$srckey
mkdir -p "$cache"

if [ -f "$out/.done" ]; then
	echo "$out/bzImage"
	exit 0
fi

# one build per source tree at a time
exec 9>"$srcdir.lock"
flock 9
if [ -f "$out/.done" ]; then
	echo "$out/bzImage"
	exit 0
fi

t0=$(date +%s)
mkdir -p "$out"
buildlog=$out/build.log
: >"$buildlog"

# 1. extract (once per source version)
if [ ! -f "$srcdir/.extracted" ]; then
	log "extracting $tarball into $srcdir"
	rm -rf "$srcdir"
	mkdir -p "$srcdir"
	tar -xf "$tarball" -C "$srcdir"
	touch "$srcdir/.extracted"
fi
tree=$(find "$srcdir" -mindepth 1 -maxdepth 1 -type d | head -n1)
[ -f "$tree/Makefile" ] || die "no kernel tree in $srcdir"
t1=$(date +%s)

# 2. add the loopback driver (cp renews mtime: always recompiled, so its
#    warnings always show up in the log)
cp "$driver" "$tree/drivers/rpmsg/rpmsg_loopback.c"
kc=$tree/drivers/rpmsg/Kconfig
km=$tree/drivers/rpmsg/Makefile
[ -f "$kc.orig" ] || cp "$kc" "$kc.orig"
[ -f "$km.orig" ] || cp "$km" "$km.orig"
awk -v n="$(grep -c '^endmenu' "$kc.orig")" '
	/^endmenu/ && ++seen == n {
		print "config RPMSG_LOOPBACK"
		print "\tbool \"RPMSG loopback remote (librpmsg test harness)\""
		print "\tselect RPMSG"
		print "\tselect RPMSG_NS"
		print "\thelp"
		print "\t  An in-kernel simulated remote processor that echoes messages,"
		print "\t  with the semantics of virtio_rpmsg_bus. For tests only."
		print ""
	}
	{ print }' "$kc.orig" >"$kc.new"
update "$kc.new" "$kc"
# shellcheck disable=SC2016 # a make variable
{ cat "$km.orig"; echo 'obj-$(CONFIG_RPMSG_LOOPBACK)	+= rpmsg_loopback.o'; } >"$km.new"
update "$km.new" "$km"

export KBUILD_BUILD_USER=librpmsg KBUILD_BUILD_HOST=harness
mk() { make -C "$tree" ARCH=x86_64 "$@" >>"$buildlog" 2>&1 || {
	tail -n 40 "$buildlog" >&2
	die "make $* failed (full log: $buildlog)"
}; }

# 3. configure: tinyconfig + fragment
log "configuring (tinyconfig + $(basename "$frag"))"
mk tinyconfig
(cd "$tree" && KCONFIG_CONFIG=.config scripts/kconfig/merge_config.sh -m .config "$frag") >>"$buildlog" 2>&1 \
	|| die "merge_config.sh failed (log: $buildlog)"
mk olddefconfig

missing=
while IFS= read -r line; do
	case $line in
	CONFIG_*=y)
		grep -qx "$line" "$tree/.config" || missing="$missing ${line%=y}(want y)" ;;
	"# CONFIG_"*" is not set")
		sym=${line#\# }; sym=${sym%% *}
		if grep -q "^$sym=" "$tree/.config"; then missing="$missing $sym(want n)"; fi ;;
	esac
done <"$frag"
[ -z "$missing" ] || die "kernel config mismatch after olddefconfig:$missing"
t2=$(date +%s)

# 4. build
log "building bzImage with -j$jobs (log: $buildlog)"
mk -j"$jobs" bzImage
mk usr/gen_init_cpio
t3=$(date +%s)

if grep -E 'rpmsg_loopback\.c:[0-9]+(:[0-9]+)?: (warning|error)' "$buildlog" >&2; then
	die "rpmsg_loopback.c does not compile cleanly"
fi

cp "$tree/arch/x86/boot/bzImage" "$tree/usr/gen_init_cpio" "$tree/System.map" "$out/"
cp "$tree/.config" "$out/config"
kver=$(make -s -C "$tree" kernelrelease 2>/dev/null || echo "$ver")
printf 'kernel %s\nextract %ss\nconfig %ss\nbuild %ss\ntotal %ss\n' \
	"$kver" $((t1 - t0)) $((t2 - t1)) $((t3 - t2)) $((t3 - t0)) >"$out/timings"
touch "$out/.done"
log "built $kver in $((t3 - t0))s (extract $((t1 - t0))s, config $((t2 - t1))s, build $((t3 - t2))s)"
echo "$out/bzImage"
