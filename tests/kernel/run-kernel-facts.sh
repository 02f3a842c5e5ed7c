#!/bin/bash
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: librpmsg authors
#
# Build kernel-facts.c (static, liburing) and run it in the VM on the given kernels.
#
#   tests/kernel/run-kernel-facts.sh [VERSION...]     (default: 6.1 6.12)
#
# Exit status: 0 when every kernel passed, else the last failing status.
# Extra options for run-vm.sh can be given in RUN_VM_OPTS (word-split).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cc=${CC:-cc}
[ $# -gt 0 ] || set -- 6.1 6.12

work=$(mktemp -d "${TMPDIR:-/tmp}/rpmsg-kernel-facts.XXXXXX") || exit 125
trap 'rm -rf "$work"' EXIT
if ! $cc -O2 -Wall -Wextra -static -o "$work/kernel-facts" "$here/kernel-facts.c" -luring; then
	echo "run-kernel-facts.sh: cannot build kernel-facts.c (needs gcc, liburing-dev with liburing.a)" >&2
	exit 125
fi

# The first VM run chooses the accelerator (run-vm.sh, ACCELERATOR), the others reuse it.
VM_ACCEL_CACHE=${VM_ACCEL_CACHE:-$work/vm-accel}
export VM_ACCEL_CACHE

status=0
for v in "$@"; do
	"$here/build-kernel.sh" "$v" >/dev/null || { status=125; continue; }
	# shellcheck disable=SC2086
	"$here/run-vm.sh" ${RUN_VM_OPTS:-} "$v" "$work/kernel-facts"
	rc=$?
	echo "run-kernel-facts.sh: kernel $v: exit status $rc" >&2
	[ $rc -eq 0 ] || status=$rc
done
exit $status
