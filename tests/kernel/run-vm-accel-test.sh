#!/bin/bash
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: librpmsg authors
# run-vm.sh's choice of accelerator, with a stub QEMU whose guest hangs under
# KVM after "Booting from ROM..." (what a /dev/kvm that cannot run the guest
# does) or boots, and a stub kernel, initramfs tool and busybox: no VM runs.
# VM_ACCEL=kvm must fail within --boot-timeout with a clear message (not at
# --timeout); auto must fall back to TCG, say why and remember it in
# VM_ACCEL_CACHE; a KVM that boots is kept. Ends with "N passed, N failed".
set -u
srcdir=${srcdir:-.}
run_vm=$srcdir/tests/kernel/run-vm.sh
passed=0
failed=0

tmp=$(mktemp -d "${TMPDIR:-/tmp}/run-vm-accel-test.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT INT TERM

# The stub kernel directory: bzImage and gen_init_cpio (run-vm.sh takes it from
# beside the kernel). The stub initramfs is the /init script itself.
mkdir "$tmp/kernel"
echo 'not a kernel' >"$tmp/kernel/bzImage"
cat >"$tmp/kernel/gen_init_cpio" <<'STUB'
#!/bin/sh
exec cat "$(awk '$1 == "file" && $2 == "/init" { print $3 }' "$1")"
STUB
printf '#!/bin/sh\n' >"$tmp/busybox"	# --list-full lists nothing
printf '#!/bin/sh\necho hello\n' >"$tmp/prog.sh"

# The stub QEMU: logs its accelerator; under KVM it hangs when STUB_KVM=hang;
# else it prints the markers of the /init it was given, as a booted guest does.
cat >"$tmp/qemu" <<'STUB'
#!/bin/sh
accel= initrd= pidfile=
while [ $# -gt 0 ]; do
	case $1 in
	-accel) accel=$2; shift ;;
	-initrd) initrd=$2; shift ;;
	-pidfile) pidfile=$2; shift ;;
	esac
	shift
done
echo "$accel" >>"$STUB_LOG"
[ -z "$pidfile" ] || echo $$ >"$pidfile"
echo "SeaBIOS (stub)"
echo "Booting from ROM..."
if [ "$accel" = kvm ] && [ "$STUB_KVM" = hang ]; then
	exec sleep 600	# same process: killing the pid in the pidfile ends it
fi
marker=$(grep -a -o '@@RPMSG-VM-RESULT-[0-9a-f]*' "$initrd" | head -n1)
echo "@@RPMSG-VM-BOOTED uptime=0.50 kernel=stub cpus=1"
echo hello
echo "$marker rc=0 uptime=0.60@@"
STUB
chmod +x "$tmp/kernel/gen_init_cpio" "$tmp/busybox" "$tmp/prog.sh" "$tmp/qemu"

# vm STUB_KVM [VAR=VALUE...] [-- RUN-VM-OPTIONS...]: run-vm.sh with the stubs,
# a 2 s boot bound (VM_BOOT_TIMEOUT) and a 90 s timeout; sets rc, secs,
# $tmp/out, $tmp/err.
vm() {
	local kvm=$1 t0 vars=() opts=()
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do vars+=("$1"); shift; done
	[ $# -eq 0 ] || { shift; opts=("$@"); }
	: >"$tmp/accels"
	t0=$(date +%s)
	env QEMU="$tmp/qemu" BUSYBOX="$tmp/busybox" STUB_LOG="$tmp/accels" STUB_KVM="$kvm" \
		VM_KVM_DEV=/dev/null VM_ACCEL_CACHE= VM_BOOT_TIMEOUT=2 "${vars[@]}" \
		timeout -k 5 120 "$run_vm" --kernel "$tmp/kernel/bzImage" --timeout 90 \
		"${opts[@]}" 6.12 "$tmp/prog.sh" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	secs=$(($(date +%s) - t0))
}
check() { # NAME CONDITION...
	local name=$1
	shift
	if "$@"; then
		echo "ok - $name"
		passed=$((passed + 1))
	else
		echo "not ok - $name"
		sed 's/^/#   stderr: /' "$tmp/err"
		sed 's/^/#   accelerators tried: /' "$tmp/accels"
		failed=$((failed + 1))
	fi
}
err_has() { grep -qE -- "$1" "$tmp/err"; }
tried() { [ "$(tr '\n' ' ' <"$tmp/accels")" = "$1" ]; }

vm hang VM_ACCEL=kvm
check "VM_ACCEL=kvm that hangs: status 125" [ "$rc" -eq 125 ]
check "VM_ACCEL=kvm that hangs: within the 2 s boot bound, not the 90 s timeout" [ "$secs" -lt 15 ]
check "VM_ACCEL=kvm that hangs: the message names KVM, /init and the way out" \
	err_has '^run-vm.sh: FAIL: under KVM the guest did not reach /init within 2s: /dev/null cannot run it here; use VM_ACCEL=tcg, or leave VM_ACCEL unset to fall back to TCG$'
check "VM_ACCEL=kvm that hangs: no TCG run" tried "kvm "

vm hang VM_ACCEL=kvm VM_BOOT_TIMEOUT=60 -- --boot-timeout 1
check "--boot-timeout overrides VM_BOOT_TIMEOUT: status 125" [ "$rc" -eq 125 ]
check "--boot-timeout overrides VM_BOOT_TIMEOUT: fast" [ "$secs" -lt 15 ]
check "--boot-timeout: the message gives it" err_has 'did not reach /init within 1s'

vm hang VM_ACCEL_CACHE="$tmp/cache"
check "auto, KVM hangs: the program runs" [ "$rc" -eq 0 ]
check "auto, KVM hangs: its output" grep -qx hello "$tmp/out"
check "auto, KVM hangs: KVM for the boot bound only" [ "$secs" -lt 30 ]
check "auto, KVM hangs: KVM tried, then TCG" tried "kvm tcg "
check "auto, KVM hangs: says which accelerator and why" \
	err_has '^run-vm.sh: accel tcg: under KVM the guest did not reach /init within 2s \(/dev/null cannot run it\)$'
check "auto, KVM hangs: the choice is remembered" grep -q '^tcg under KVM' "$tmp/cache"

vm hang VM_ACCEL_CACHE="$tmp/cache"
check "auto, remembered: the program runs" [ "$rc" -eq 0 ]
check "auto, remembered: TCG at once" tried "tcg "
check "auto, remembered: says so" err_has "accel tcg \\(remembered in $tmp/cache: under KVM"

rm -f "$tmp/cache"
vm boot VM_ACCEL_CACHE="$tmp/cache"
check "auto, KVM boots: the program runs" [ "$rc" -eq 0 ]
check "auto, KVM boots: KVM is kept" tried "kvm "
check "auto, KVM boots: says so" err_has '^run-vm.sh: accel kvm: the guest reached /init within 2s$'
check "auto, KVM boots: remembers it" grep -q '^kvm ' "$tmp/cache"

vm hang VM_KVM_DEV="$tmp/no-kvm"
check "auto without a usable KVM device: the program runs" [ "$rc" -eq 0 ]
check "auto without a usable KVM device: TCG only" tried "tcg "
check "auto without a usable KVM device: says why" \
	err_has "accel tcg \\($tmp/no-kvm is missing or not read-write\\)"

vm hang VM_ACCEL=tcg
check "VM_ACCEL=tcg: the program runs" [ "$rc" -eq 0 ]
check "VM_ACCEL=tcg: TCG only" tried "tcg "

vm hang VM_ACCEL=kvm,tcg
check "an unknown VM_ACCEL is a usage error" [ "$rc" -eq 2 ]
check "an unknown VM_ACCEL: says what is allowed" err_has "VM_ACCEL=kvm,tcg: kvm, tcg or auto"
check "an unknown VM_ACCEL: no VM" tried ""

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
