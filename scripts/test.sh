#!/bin/sh
# SPDX-License-Identifier: MIT
# Install dependencies if needed, then run the whole test suite:
#  1. make check: the Check suites on both engines, the Python (pytest) and
#     Lua suites and the rpmsg tool's tests, against the simulated remote;
#  2. the same again under ASan+UBSan;
#  3. the Check suites under valgrind's memcheck on both engines;
#  4. the soak: 10 M messages through send_async on each engine (simulated
#     remote), none lost or reordered, RSS growth under 1 MiB;
#  5. the libFuzzer harnesses, FUZZ_SECONDS (60) each;
#  6. the API reference, with Doxygen warnings as errors;
#  7. make distcheck;
#  8. the real-driver suite: both kernels built (or taken from the cache),
#     booted in QEMU, the Check suite on both engines, a 1 M-message soak on
#     each, the rpmsg tool's tests, then the benchmark.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
status=0
start=$(date +%s)

"$top/scripts/install-deps.sh" || exit 1

# Debian's interpreter is the one python3-pytest and python3-dev serve; a
# python3 found earlier on PATH (a virtualenv, pyenv) may lack both. configure
# and the configure inside distcheck read it from the environment.
if [ -z "${PYTHON:-}" ] && [ -x /usr/bin/python3 ]; then
	PYTHON=/usr/bin/python3
	export PYTHON
fi

stage() {
	echo "=== $1 ($(($(date +%s) - start)) s) ==="
}

# The summaries live in each test driver's log: show them.
run_check() {
	name=$1
	builddir=$2
	shift 2
	stage "$name"
	"$top/scripts/build.sh" "$builddir" --enable-examples "$@" || return 1
	make -C "$builddir" -j2 check >/dev/null 2>&1
	rc=$?
	# Every test driver's log (Check, pytest, Lua, tool), never the harness's own.
	for log in $(find "$builddir" -name '*.log' ! -name test-suite.log \
			! -name config.log ! -name distcheck.log | sort); do
		[ -f "${log%.log}.trs" ] || continue
		echo "--- ${log#"$builddir"/}: $(sed -n 's/^:test-result: //p' "${log%.log}.trs")"
		grep -vE '^(PASS|FAIL|ERROR|SKIP|XFAIL|XPASS):' "$log" | grep -v '^$' | tail -n 40
	done
	return $rc
}

run_check "make check (io_uring and epoll engines, Python, Lua, rpmsg tool)" "$top/build" ||
	status=1
run_check "make check under ASan+UBSan" "$top/build-asan" --enable-sanitizers || status=1

stage "make check-valgrind (memcheck, both engines)"
if make -C "$top/build" check-valgrind >"$top/build/valgrind.log" 2>&1; then
	grep -E '^check-valgrind:|Checks:|ERROR SUMMARY|definitely lost' "$top/build/valgrind.log"
else
	tail -n 60 "$top/build/valgrind.log"
	status=1
fi

stage "soak: ${SOAK_MESSAGES:=10000000} messages per engine (bench-scale --soak)"
"$top/build/bench/bench-scale" --soak "$SOAK_MESSAGES" || status=1

stage "fuzzing (make fuzz, ${FUZZ_SECONDS:=60} s per harness)"
if make -C "$top/build" fuzz FUZZ_SECONDS="$FUZZ_SECONDS" >"$top/build/fuzz.log" 2>&1; then
	grep -E '^fuzz' "$top/build/fuzz.log"
else
	tail -n 60 "$top/build/fuzz.log"
	status=1
fi

stage "API reference (make doc, warnings are errors)"
if make -C "$top/build" doc >"$top/build/doc.log" 2>&1; then
	echo "doc: $(find "$top/build/doc/html" -name '*.html' | wc -l) HTML pages, no warnings"
else
	tail -n 30 "$top/build/doc.log"
	status=1
fi

stage "make distcheck"
if make -C "$top/build" distcheck >"$top/build/distcheck.log" 2>&1; then
	grep -A3 'archives ready' "$top/build/distcheck.log" || true
else
	tail -n 60 "$top/build/distcheck.log"
	status=1
fi

stage "real-driver suite in QEMU (tests/kernel/README.md)"
"$top/tests/kernel/check-kernel.sh" "$top/build" 2>&1 || status=1

stage "done"
[ $status -eq 0 ] && echo "ALL TESTS PASSED" || echo "SOME TESTS FAILED"
exit $status
