#!/bin/sh
# SPDX-License-Identifier: MIT
# Build the libFuzzer harnesses with clang and run each for a bounded time:
#   run.sh SRCDIR BUILDDIR
# (what `make fuzz` runs). Environment: FUZZ_CC (clang), FUZZ_SECONDS (60),
# LIBURING_CFLAGS, LIBURING_LIBS. The library's sources are compiled into
# every harness with ASan, UBSan and libFuzzer's coverage. New inputs go to
# BUILDDIR/tests/fuzz/found/<harness> (not corpus/, which make dist would
# take for the seeds), crashes to BUILDDIR/tests/fuzz/artifacts.
# Fails on any crash, sanitizer report, leak or timeout.
set -eu
srcdir=$(cd "$1" && pwd)
builddir=$(cd "$2" && pwd)
cc=${FUZZ_CC:-clang}
seconds=${FUZZ_SECONDS:-60}
harnesses="fuzz-number fuzz-devname fuzz-attr fuzz-tree"

out=$builddir/tests/fuzz
mkdir -p "$out/obj" "$out/artifacts"
if ! command -v "$cc" >/dev/null 2>&1; then
	echo "fuzz: $cc not found (scripts/install-deps.sh installs clang)" >&2
	exit 1
fi

flags="-g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all"
cppflags="-include $builddir/config.h -I$srcdir/include -I$srcdir/librpmsg ${LIBURING_CFLAGS:-}"
objs=""
for src in "$srcdir"/librpmsg/*.c; do
	obj=$out/obj/$(basename "$src" .c).o
	# shellcheck disable=SC2086
	$cc $flags -fsanitize=fuzzer-no-link -fvisibility=hidden -pthread $cppflags \
		-c "$src" -o "$obj"
	objs="$objs $obj"
done

# fuzz-attr and fuzz-tree make files for every input: on tmpfs when there is one.
if [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then
	TMPDIR=/dev/shm
	export TMPDIR
fi

passed=0
failed=0
for h in $harnesses; do
	# shellcheck disable=SC2086
	$cc $flags -fsanitize=fuzzer -pthread $cppflags "$srcdir/tests/fuzz/$h.c" $objs \
		${LIBURING_LIBS:--luring} -o "$out/$h"
	mkdir -p "$out/found/$h"
	log=$out/$h.log
	# -timeout: an input that blocks (a FIFO read as an attribute) is a failure.
	if "$out/$h" -max_total_time="$seconds" -timeout=10 -print_final_stats=1 \
		-artifact_prefix="$out/artifacts/$h-" \
		"$out/found/$h" "$srcdir/tests/fuzz/corpus/$h" >"$log" 2>&1; then
		status=ok
		passed=$((passed + 1))
	else
		status="FAILED (see $log)"
		failed=$((failed + 1))
	fi
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	echo "$h: ${runs:-?} executions in ${seconds} s, $status"
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
