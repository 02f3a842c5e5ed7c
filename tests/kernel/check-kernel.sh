#!/bin/bash
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: librpmsg authors
# The real-driver suite: librpmsg's Check tests (check-vm) in a QEMU guest on
# each kernel and each engine, the rpmsg tool's tests (tool-vm.sh) on each
# kernel, then the echo benchmark on the real driver.
#
#   tests/kernel/check-kernel.sh [OPTIONS] BUILDDIR
#
# BUILDDIR is a configured build directory (scripts/build.sh); the static
# guest programs are built there first. Kernels are built by build-kernel.sh
# when they are not cached (about 10 minutes each), else reused at once.
#
# OPTIONS
#   --kernels "LIST"   kernel versions (default "6.1 6.12")
#   --engines "LIST"   engines (default "uring epoll")
#   --slow             also the 15 s default-timeout test
#   --no-bench         skip the benchmark
#   --soak N           messages of the soak run per kernel and engine
#                      (default 1000000; 0 skips it)
#   --no-tool          skip the rpmsg tool's tests
#   --tool-only        only the rpmsg tool's tests (no check-vm, no benchmark)
#   --bench-args "ARGS"  benchmark options (default "-t 1 -r 3")
#   --timeout SEC      limit per VM run (default 900)
#
# Accelerator: run-vm.sh's (VM_ACCEL, default auto: KVM when the guest boots
# under it within VM_BOOT_TIMEOUT, else TCG). auto probes once, in the first VM
# run; the later runs reuse its choice (BUILDDIR/tests/kernel/vm-accel, for the
# duration of this script).
#
# Output: each guest's console, then a summary with timings. Guest logs are
# kept in BUILDDIR/tests/kernel/*.vmlog. Exit status 0 when every run passed;
# 1 when a test failed, the guest timed out (124) or did not boot (125), or a
# build failed: never a skip.
set -uo pipefail

prog_name=check-kernel.sh
here=$(cd "$(dirname "$0")" && pwd)
kernels="6.1 6.12" engines="uring epoll" slow=0 bench=1 soak=1000000 bench_args="-t 1 -r 3" timeout_s=900
tool=1 check_vm=1

usage() { sed -n '4,/^set -uo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//' >&2; exit 2; }
say() { echo "$prog_name: $*" >&2; }
now() { date +%s.%N; }
since() { printf '%.0f' "$(echo "$(now) - $1" | bc)"; }

while [ $# -gt 0 ]; do
	case $1 in
	--kernels) kernels=${2:?}; shift 2 ;;
	--engines) engines=${2:?}; shift 2 ;;
	--slow) slow=1; shift ;;
	--no-bench) bench=0; shift ;;
	--soak) soak=${2:?}; shift 2 ;;
	--no-tool) tool=0; shift ;;
	--tool-only) check_vm=0 bench=0; shift ;;
	--bench-args) bench_args=${2?}; shift 2 ;;
	--timeout) timeout_s=${2:?}; shift 2 ;;
	-h|--help) usage ;;
	-*) say "unknown option $1"; usage ;;
	*) break ;;
	esac
done
[ $# -eq 1 ] || usage
builddir=$(cd "$1" && pwd) || exit 1
[ -f "$builddir/Makefile" ] || { say "$builddir is not a configured build directory"; exit 1; }

# The first VM run decides the accelerator, the others reuse it.
VM_ACCEL_CACHE=$builddir/tests/kernel/vm-accel
export VM_ACCEL_CACHE
rm -f "$VM_ACCEL_CACHE"
trap 'rm -f "$VM_ACCEL_CACHE"' EXIT

t_all=$(now)
summary=()
failed=0
note() { summary+=("$(printf '%-28s %-8s %s' "$1" "$2" "$3")"); [ "$2" = PASS ] || failed=1; }

# ---- 1. static guest programs ------------------------------------------------
t=$(now)
if ! ${MAKE:-make} -C "$builddir" -j2 tests/kernel/check-vm bench/bench-echo-static \
	tools/rpmsg-static >&2; then
	say "FAIL: cannot build the static guest programs (configure with the Check suite; needs liburing.a, libcheck.a)"
	exit 1
fi
check_vm_prog=$builddir/tests/kernel/check-vm
bench_prog=$builddir/bench/bench-echo-static
tool_prog=$builddir/tools/rpmsg-static
say "guest programs built in $(since "$t") s"

# ---- 2. kernels ----------------------------------------------------------------
declare -A bzimage=()
for v in $kernels; do
	t=$(now)
	if img=$("$here/build-kernel.sh" "$v" | tail -n1) && [ -f "$img" ]; then
		bzimage[$v]=$img
		say "kernel $v ready in $(since "$t") s: $img"
	else
		note "kernel $v build" FAIL "$(since "$t") s"
	fi
done

# ---- 3. the Check suite, per kernel and engine ----------------------------------
for v in $kernels; do
	[ "$check_vm" = 1 ] || break
	[ -n "${bzimage[$v]:-}" ] || continue
	for e in $engines; do
		log=$builddir/tests/kernel/check-vm-$v-$e.vmlog
		args=(--kernel "${bzimage[$v]}" --timeout "$timeout_s"
		      --env CK_FORK=yes --env CK_VERBOSITY=normal --env RPMSG_ENGINE="$e")
		[ "$slow" = 0 ] || args+=(--env RPMSG_VM_SLOW=1)
		say "running check-vm on $v, engine $e"
		t=$(now)
		"$here/run-vm.sh" "${args[@]}" "$v" "$check_vm_prog" 2>&1 | tee "$log"
		rc=${PIPESTATUS[0]}
		checks=$(grep -a -o '[0-9]*%: Checks: [0-9]*, Failures: [0-9]*, Errors: [0-9]*' "$log" | tail -n1)
		case $rc in
		0) res=PASS ;; 124) res=TIMEOUT ;; 125) res=NOBOOT ;; *) res=FAIL ;;
		esac
		# a zero status without Check's summary is not a pass
		[ "$res" != PASS ] || [ -n "$checks" ] || res=FAIL
		note "check-vm $v $e" "$res" "${checks:-no Check summary} ($(since "$t") s)"
	done
done

# ---- 3a. the soak: check-vm's soak suite alone, per kernel and engine ----------
for v in $kernels; do
	[ "$check_vm" = 1 ] && [ "$soak" -gt 0 ] || break
	[ -n "${bzimage[$v]:-}" ] || continue
	for e in $engines; do
		log=$builddir/tests/kernel/soak-$v-$e.vmlog
		say "running the soak ($soak messages) on $v, engine $e"
		t=$(now)
		"$here/run-vm.sh" --kernel "${bzimage[$v]}" --timeout "$timeout_s" \
			--env CK_FORK=yes --env CK_VERBOSITY=normal --env RPMSG_ENGINE="$e" \
			--env RPMSG_VM_SOAK="$soak" "$v" "$check_vm_prog" 2>&1 | tee "$log"
		rc=${PIPESTATUS[0]}
		figures=$(grep -a -o 'soak: .*' "$log" | tail -n1)
		checks=$(grep -a -o '[0-9]*%: Checks: [0-9]*, Failures: [0-9]*, Errors: [0-9]*' "$log" | tail -n1)
		case $rc in
		0) res=PASS ;; 124) res=TIMEOUT ;; 125) res=NOBOOT ;; *) res=FAIL ;;
		esac
		# a zero status without the soak's figures and Check's summary is not a pass
		[ "$res" != PASS ] || { [ -n "$figures" ] && [ -n "$checks" ]; } || res=FAIL
		note "soak $v $e" "$res" "${figures:-no soak figures} ($(since "$t") s)"
	done
done

# ---- 3b. the rpmsg tool, per kernel (io_uring engine) ---------------------------
# tool-vm.sh runs the static tool as /test/rpmsg against the loopback remote.
if [ "$tool" = 1 ]; then
	for v in $kernels; do
		[ -n "${bzimage[$v]:-}" ] || continue
		log=$builddir/tests/kernel/tool-vm-$v.vmlog
		say "running the rpmsg tool's tests on $v"
		t=$(now)
		"$here/run-vm.sh" --kernel "${bzimage[$v]}" --timeout "$timeout_s" \
			--add "$tool_prog:/test/rpmsg" --env RPMSG_ENGINE=uring \
			"$v" "$here/tool-vm.sh" 2>&1 | tee "$log"
		rc=${PIPESTATUS[0]}
		counts=$(grep -a -o 'rpmsg tool: [0-9]* passed, [0-9]* failed' "$log" | tail -n1)
		case $rc in
		0) res=PASS ;; 124) res=TIMEOUT ;; 125) res=NOBOOT ;; *) res=FAIL ;;
		esac
		# a zero status without the script's summary is not a pass
		[ "$res" != PASS ] || [ -n "$counts" ] || res=FAIL
		note "rpmsg tool $v" "$res" "${counts:-no summary} ($(since "$t") s)"
	done
fi

# ---- 4. the benchmark on the real driver ---------------------------------------
if [ "$bench" = 1 ]; then
	for v in $kernels; do
		[ -n "${bzimage[$v]:-}" ] || continue
		log=$builddir/tests/kernel/bench-echo-$v.vmlog
		say "running bench-echo on $v"
		t=$(now)
		# shellcheck disable=SC2086 # word-split the options
		"$here/run-vm.sh" --kernel "${bzimage[$v]}" --timeout "$timeout_s" "$v" "$bench_prog" \
			--device /dev/rpmsg_ctrl0 $bench_args 2>&1 | tee "$log"
		rc=${PIPESTATUS[0]}
		case $rc in
		0) res=PASS ;; 124) res=TIMEOUT ;; 125) res=NOBOOT ;; *) res=FAIL ;;
		esac
		note "bench-echo $v" "$res" "($(since "$t") s)"
	done
fi

echo
echo "==== real-driver suite ($(since "$t_all") s in all) ===="
if [ -s "$VM_ACCEL_CACHE" ]; then
	read -r accel why <"$VM_ACCEL_CACHE"
	echo "accelerator: $accel ($why)"
else
	echo "accelerator: ${VM_ACCEL:-none chosen (no VM ran)}"
fi
printf '%s\n' "${summary[@]}"
[ "$failed" = 0 ] && echo "check-kernel: PASS" || echo "check-kernel: FAIL"
exit "$failed"
