#!/bin/sh
# SPDX-License-Identifier: MIT
# Install dependencies if needed, then run the whole test suite: the Check
# suites on both engines, again under ASan+UBSan, and make distcheck.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
status=0

"$top/scripts/install-deps.sh" || exit 1

# Check's summary lines live in the per-test logs: show them.
run_check() {
	name=$1
	builddir=$2
	shift 2
	echo "=== $name ==="
	"$top/scripts/build.sh" "$builddir" --enable-examples "$@" || return 1
	make -C "$builddir" check >/dev/null 2>&1
	rc=$?
	# Every test driver's log (Check, pytest, Lua), never the harness's own.
	for log in $(find "$builddir" -name '*.log' ! -name test-suite.log \
			! -name config.log ! -name distcheck.log | sort); do
		[ -f "${log%.log}.trs" ] || continue
		echo "--- ${log#"$builddir"/}"
		grep -vE '^(PASS|FAIL|ERROR|SKIP|XFAIL|XPASS):' "$log" | grep -v '^$' | tail -n 40
	done
	return $rc
}

run_check "Check suites (io_uring and epoll engines)" "$top/build" || status=1
run_check "Check suites under ASan+UBSan" "$top/build-asan" --enable-sanitizers || status=1

echo "=== make distcheck ==="
if make -C "$top/build" distcheck >"$top/build/distcheck.log" 2>&1; then
	grep -A3 'archives ready' "$top/build/distcheck.log" || true
else
	tail -n 60 "$top/build/distcheck.log"
	status=1
fi

[ $status -eq 0 ] && echo "ALL TESTS PASSED" || echo "SOME TESTS FAILED"
exit $status
