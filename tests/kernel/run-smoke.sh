#!/bin/bash
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: librpmsg authors
#
# Build smoke.c (static, liburing) and run it in the VM on the given kernels.
#
#   tests/kernel/run-smoke.sh [VERSION...]     (default: 6.1 6.12)
#
# Exit status: 0 when every kernel passed, else the last failing status.
# Extra options for run-vm.sh can be given in RUN_VM_OPTS (word-split).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cc=${CC:-cc}
[ $# -gt 0 ] || set -- 6.1 6.12

work=$(mktemp -d "${TMPDIR:-/tmp}/rpmsg-smoke.XXXXXX") || exit 125
trap 'rm -rf "$work"' EXIT
if ! $cc -O2 -Wall -Wextra -static -o "$work/smoke" "$here/smoke.c" -luring; then
	echo "run-smoke.sh: cannot build smoke.c (needs gcc, liburing-dev with liburing.a)" >&2
	exit 125
fi

# The first VM run chooses the accelerator (run-vm.sh, ACCELERATOR), the others reuse it.
VM_ACCEL_CACHE=${VM_ACCEL_CACHE:-$work/vm-accel}
export VM_ACCEL_CACHE

status=0
for v in "$@"; do
	"$here/build-kernel.sh" "$v" >/dev/null || { status=125; continue; }
	# shellcheck disable=SC2086
	"$here/run-vm.sh" ${RUN_VM_OPTS:-} "$v" "$work/smoke"
	rc=$?
	echo "run-smoke.sh: kernel $v: exit status $rc" >&2
	[ $rc -eq 0 ] || status=$rc
done
exit $status
