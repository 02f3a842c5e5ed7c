#!/bin/bash
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: librpmsg authors
# Boot a test kernel in QEMU and run one static program in it.
#
#   tests/kernel/run-vm.sh [OPTIONS] VERSION PROGRAM [ARGS...]
#
# VERSION   6.1 or 6.12: the kernel of build-kernel.sh VERSION (built first if
#           needed; use --kernel to give a bzImage instead).
# PROGRAM   host path of a statically linked executable (or a #!/bin/sh
#           script: busybox is in the guest). It is copied to
#           /test/<basename> and run as root with ARGS, in --cwd (default
#           /data), with PATH=/test:/bin:/sbin:/usr/bin:/usr/sbin.
#
# OPTIONS
#   --add SRC[:DEST]  copy a host file or directory (recursively, modes and
#                     symlinks kept) into the guest at DEST (default
#                     /data/<basename of SRC>). Repeatable. Use it for data
#                     files or more programs (PROGRAM can be a script that
#                     runs several of them).
#   --env NAME=VALUE  environment variable for PROGRAM. Repeatable.
#   --cwd DIR         guest working directory (default /data).
#   --append ARG      extra kernel command-line argument, e.g.
#                     rpmsg_loopback.tx_bufs=16. Repeatable.
#   --kernel BZIMAGE  use this kernel; gen_init_cpio is taken from beside it,
#                     else from build-kernel.sh's output.
#   --timeout SEC     hard limit for the whole VM run (default 600).
#   --boot-timeout SEC  under KVM, the guest must reach /init within SEC
#                     (default $VM_BOOT_TIMEOUT, else 20): see ACCELERATOR.
#   --smp N           vCPUs (default 2).    --mem SIZE  RAM (default 512M).
#   --kmsg N          console log level while PROGRAM runs (default 2: only
#                     emergencies/alerts reach the console). When PROGRAM
#                     fails, the kernel log since /init (plus earlier lines
#                     about rpmsg, warnings and errors) is printed after it.
#   --dmesg           always print the whole kernel log after PROGRAM.
#   --verbose         show the kernel's boot messages.
#   --log FILE        also write the raw console output to FILE.
#
# Output: the guest console (PROGRAM's stdout/stderr) on stdout; run-vm.sh's
# own messages on stderr. Exit status: PROGRAM's exit status (128+N if it
# was killed by signal N). A harness failure is never a skip: 124 = timeout,
# 125 = boot failure, kernel panic or no result marker, 2 = usage error.
#
# ACCELERATOR: VM_ACCEL=kvm, tcg or auto (the default). A /dev/kvm can exist
# and open yet not run an ordinary guest (a paravirtual KVM inside a VM): QEMU
# starts, and the guest hangs after "Booting from ROM...". So under KVM the
# guest must print its /init marker within --boot-timeout. auto: TCG when
# /dev/kvm is not usable; else KVM with that bound, falling back to TCG when
# the guest does not get there. VM_ACCEL=kvm fails at once (125) instead.
# VM_ACCEL_CACHE=FILE remembers auto's choice: read first, written after (so
# the probe costs only once in a run of many VMs, as in check-kernel.sh).
#
# Environment: VM_ACCEL, VM_BOOT_TIMEOUT, VM_ACCEL_CACHE (above), VM_KVM_DEV
# (default /dev/kvm), QEMU (default qemu-system-x86_64), BUSYBOX (default
# /bin/busybox, must be static: package busybox-static).
set -uo pipefail

prog_name=run-vm.sh
die() { echo "$prog_name: error: $1" >&2; exit "${2:-125}"; }
usage() { sed -n '4,/^set -uo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//' >&2; exit 2; }
say() { echo "$prog_name: $*" >&2; }

here=$(cd "$(dirname "$0")" && pwd)
adds=() envs=() appends=()
cwd=/data kernel='' timeout_s=600 smp=2 mem=512M kmsg=2 dmesg=0 verbose=0 logfile=''
boot_timeout_s=${VM_BOOT_TIMEOUT:-20}

while [ $# -gt 0 ]; do
	case $1 in
	--add) adds+=("${2:?--add needs SRC[:DEST]}"); shift 2 ;;
	--env) envs+=("${2:?--env needs NAME=VALUE}"); shift 2 ;;
	--cwd) cwd=${2:?}; shift 2 ;;
	--append) appends+=("${2:?}"); shift 2 ;;
	--kernel) kernel=${2:?}; shift 2 ;;
	--timeout) timeout_s=${2:?}; shift 2 ;;
	--boot-timeout) boot_timeout_s=${2:?}; shift 2 ;;
	--smp) smp=${2:?}; shift 2 ;;
	--mem) mem=${2:?}; shift 2 ;;
	--kmsg) kmsg=${2:?}; shift 2 ;;
	--dmesg) dmesg=1; shift ;;
	--verbose) verbose=1; shift ;;
	--log) logfile=${2:?}; shift 2 ;;
	-h|--help) usage ;;
	--) shift; break ;;
	-*) echo "$prog_name: unknown option $1" >&2; usage ;;
	*) break ;;
	esac
done
[ $# -ge 2 ] || usage
ver=$1 prog=$2
shift 2

qemu=${QEMU:-qemu-system-x86_64}
accel=${VM_ACCEL:-auto}
kvm_dev=${VM_KVM_DEV:-/dev/kvm}
case $accel in kvm|tcg|auto) ;; *) die "VM_ACCEL=$accel: kvm, tcg or auto" 2 ;; esac
case $boot_timeout_s in ''|*[!0-9]*|0) die "--boot-timeout $boot_timeout_s: whole seconds, at least 1" 2 ;; esac
busybox=${BUSYBOX:-/bin/busybox}
command -v "$qemu" >/dev/null || die "$qemu not found (apt-get install qemu-system-x86)"
[ -x "$busybox" ] || die "$busybox not found (apt-get install busybox-static)"
[ -f "$prog" ] || die "PROGRAM $prog not found" 2

# a dynamically linked program cannot run: the guest has no libc
if command -v readelf >/dev/null && readelf -l "$prog" 2>/dev/null | grep -q 'Requesting program interpreter'; then
	die "$prog is dynamically linked; link it with -static" 2
fi
if readelf -l "$busybox" 2>/dev/null | grep -q 'Requesting program interpreter'; then
	die "$busybox is not static (install busybox-static)"
fi

# kernel and gen_init_cpio
if [ -z "$kernel" ]; then
	kernel=$("$here/build-kernel.sh" "$ver" | tail -n1) || die "kernel build failed"
fi
[ -f "$kernel" ] || die "kernel $kernel not found"
gen=$(dirname "$kernel")/gen_init_cpio
if [ ! -x "$gen" ]; then
	gen=$(dirname "$("$here/build-kernel.sh" "$ver" | tail -n1)")/gen_init_cpio
fi
[ -x "$gen" ] || die "gen_init_cpio not found"

work=$(mktemp -d "${TMPDIR:-/tmp}/rpmsg-vm.XXXXXX") || die "mktemp failed"
trap 'rm -rf "$work"' EXIT
nonce=$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')
marker="@@RPMSG-VM-RESULT-$nonce"

# single-quote for the guest's sh
q() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }
nospace() { case $1 in *[[:space:]]*) die "path with white space not supported: '$1'" 2 ;; esac; }

# ---- /init ---------------------------------------------------------------
progbase=$(basename "$prog")
nospace "$progbase"
{
	echo '#!/bin/sh'
	echo 'export PATH=/test:/bin:/sbin:/usr/bin:/usr/sbin HOME=/root TMPDIR=/tmp'
	echo 'mount -t proc proc /proc'
	echo 'mount -t sysfs sysfs /sys'
	echo 'mount -t devtmpfs devtmpfs /dev 2>/dev/null'
	echo 'mount -t tmpfs tmpfs /tmp'
	echo 'mount -t tmpfs tmpfs /run'
	echo "echo \"@@RPMSG-VM-BOOTED uptime=\$(cut -d' ' -f1 /proc/uptime) kernel=\$(uname -r) cpus=\$(grep -c ^processor /proc/cpuinfo)\""
	echo "dmesg -n $kmsg"
	for e in "${envs[@]+"${envs[@]}"}"; do
		case $e in [A-Za-z_]*=*) ;; *) die "bad --env '$e'" 2 ;; esac
		echo "export ${e%%=*}=$(q "${e#*=}")"
	done
	echo "cd $(q "$cwd") || exit 1"
	printf '%s' "/test/$progbase"
	for a in "$@"; do printf ' %s' "$(q "$a")"; done
	echo
	echo 'rc=$?'
	echo 'cd /'
	if [ "$dmesg" = 1 ]; then
		echo "echo '---- guest kernel log ----'; dmesg; echo '---- end of guest kernel log ----'"
	else
		# on failure: the log since /init started, plus earlier rpmsg/warning lines
		echo "if [ \$rc -ne 0 ]; then echo '---- guest kernel log (since /init; --dmesg for all) ----'; dmesg | awk '/Run \/init as init process/ { p = 1 } p || /rpmsg|WARNING|BUG|rror/'; echo '---- end of guest kernel log ----'; fi"
	fi
	echo "echo \"$marker rc=\$rc uptime=\$(cut -d' ' -f1 /proc/uptime)@@\""
	echo 'poweroff -f'
	echo 'sleep 5'
} >"$work/init"

# ---- initramfs list for gen_init_cpio -------------------------------------
list=$work/initramfs.list
{
	for d in /dev /bin /sbin /usr /usr/bin /usr/sbin /proc /sys /tmp /run /root /etc /test /data; do
		echo "dir $d 0755 0 0"
	done
	echo "nod /dev/console 0600 0 0 c 5 1"
	echo "file /bin/busybox $busybox 0755 0 0"
	"$busybox" --list-full | while read -r p; do
		case $p in bin/busybox|linuxrc|*[[:space:]]*) continue ;; esac
		echo "slink /$p /bin/busybox 0777 0 0"
	done
	echo "file /init $work/init 0755 0 0"
	echo "file /test/$progbase $(readlink -f "$prog") 0755 0 0"
} >"$list"

declare -A made_dirs=()
mkdirs() { # parents of guest path $1
	local p=${1%/*} acc=
	local IFS=/
	for c in $p; do
		[ -n "$c" ] || continue
		acc=$acc/$c
		if [ -z "${made_dirs[$acc]:-}" ]; then
			made_dirs[$acc]=1
			echo "dir $acc 0755 0 0" >>"$list"
		fi
	done
}
add_one() { # host path, guest path
	local src=$1 dst=$2 mode
	nospace "$src"; nospace "$dst"
	mkdirs "$dst"
	if [ -L "$src" ]; then
		echo "slink $dst $(readlink "$src") 0777 0 0" >>"$list"
	elif [ -d "$src" ]; then
		made_dirs[$dst]=1
		echo "dir $dst $(stat -c '%a' "$src") 0 0" >>"$list"
	elif [ -f "$src" ]; then
		mode=$(stat -c '%a' "$src")
		echo "file $dst $(readlink -f "$src") $mode 0 0" >>"$list"
	else
		die "--add: unsupported file type: $src" 2
	fi
}
for a in "${adds[@]+"${adds[@]}"}"; do
	src=${a%%:*}
	if [ "$src" != "$a" ]; then dst=${a#*:}; else dst=/data/$(basename "$src"); fi
	[ -e "$src" ] || die "--add: $src not found" 2
	case $dst in /*) ;; *) dst=/$dst ;; esac
	dst=${dst%/}
	add_one "$src" "$dst"
	if [ -d "$src" ] && [ ! -L "$src" ]; then
		while IFS= read -r -d '' f; do
			add_one "$f" "$dst/${f#"$src"/}"
		done < <(find "$src" -mindepth 1 -print0 | sort -z)
	fi
done

"$gen" "$list" >"$work/initramfs.cpio" || die "gen_init_cpio failed"

# ---- boot ----------------------------------------------------------------
cmdline="console=ttyS0 panic=-1 rdinit=/init"
[ "$verbose" = 1 ] || cmdline="$cmdline quiet"
for a in "${appends[@]+"${appends[@]}"}"; do cmdline="$cmdline $a"; done

log=$work/console.log
boot_marker='@@RPMSG-VM-BOOTED'

stop_qemu() { [ -s "$work/qemu.pid" ] && kill "$(cat "$work/qemu.pid")" 2>/dev/null; }
# QEMU runs in the background (for the boot bound): stop it with us.
trap 'stop_qemu; exit 130' INT TERM

# boot ACCEL BOUND: run the guest, console to stdout and $log. BOUND > 0: the
# guest must print $boot_marker within BOUND seconds, else QEMU is stopped
# and stuck=1. Sets qrc (QEMU's status under timeout), stuck, start.
boot() {
	local a=$1 bound=$2 deadline pid
	stuck=0
	: >"$log"
	rm -f "$work/qemu.pid" "$work/qemu.rc"
	start=$(date +%s.%N)
	(
		timeout -k 5 "$timeout_s" "$qemu" -nographic -no-reboot -pidfile "$work/qemu.pid" \
			-smp "$smp" -m "$mem" -accel "$a" -nic none \
			-kernel "$kernel" -initrd "$work/initramfs.cpio" -append "$cmdline" \
			</dev/null 2>"$work/qemu.err" | sed -u 's/\r$//' | tee -a "$log"
		echo "${PIPESTATUS[0]}" 2>/dev/null >"$work/qemu.rc"	# gone if we were stopped
	) &
	pid=$!
	if [ "$bound" -gt 0 ]; then
		deadline=$(echo "$start + $bound" | bc)
		while kill -0 "$pid" 2>/dev/null && ! grep -aq "$boot_marker" "$log"; do
			if [ "$(echo "$(date +%s.%N) > $deadline" | bc)" = 1 ]; then
				stuck=1
				# QEMU writes its pid file once started: wait for it if need be
				while kill -0 "$pid" 2>/dev/null && [ ! -s "$work/qemu.pid" ]; do
					sleep 0.2
				done
				stop_qemu
				break
			fi
			sleep 0.2
		done
	fi
	wait "$pid"
	qrc=$(cat "$work/qemu.rc" 2>/dev/null) || qrc=125
}

# ---- accelerator ---------------------------------------------------------
kvm_usable() { [ -c "$kvm_dev" ] && [ -r "$kvm_dev" ] && [ -w "$kvm_dev" ]; }
remember() { # ACCEL REASON: for the next runs that share VM_ACCEL_CACHE
	[ -z "${VM_ACCEL_CACHE:-}" ] || echo "$1 $2" >"$VM_ACCEL_CACHE" || true
}

if [ "$accel" = auto ] && [ -n "${VM_ACCEL_CACHE:-}" ] && [ -s "$VM_ACCEL_CACHE" ]; then
	read -r accel why <"$VM_ACCEL_CACHE"
	case $accel in kvm|tcg) why="remembered in $VM_ACCEL_CACHE: $why" ;; *) accel=auto ;; esac
fi
if [ "$accel" = auto ] && ! kvm_usable; then
	accel=tcg why="$kvm_dev is missing or not read-write"
	remember "$accel" "$why"
fi

if [ "$accel" = auto ]; then
	say "kernel $kernel, accel kvm if the guest reaches /init within ${boot_timeout_s}s (else tcg), smp $smp, mem $mem, timeout ${timeout_s}s"
	boot kvm "$boot_timeout_s"
	if [ "$stuck" = 1 ] || ! grep -aq "$boot_marker" "$log"; then
		if [ "$stuck" = 1 ]; then
			why="under KVM the guest did not reach /init within ${boot_timeout_s}s ($kvm_dev cannot run it)"
		else
			why="under KVM QEMU ended before the guest reached /init (status $qrc: $(head -n1 "$work/qemu.err"))"
		fi
		say "accel tcg: $why; falling back to TCG"
		remember tcg "$why"
		accel=tcg
		boot tcg 0
	else
		accel=kvm why="the guest reached /init within ${boot_timeout_s}s"
		remember kvm "$why"
	fi
	say "accel $accel: $why"
else
	say "kernel $kernel, accel $accel${why:+ ($why)}, smp $smp, mem $mem, timeout ${timeout_s}s"
	if [ "$accel" = kvm ]; then
		boot kvm "$boot_timeout_s"
		if [ "$stuck" = 1 ]; then
			say "FAIL: under KVM the guest did not reach /init within ${boot_timeout_s}s: $kvm_dev cannot run it here; use VM_ACCEL=tcg, or leave VM_ACCEL unset to fall back to TCG"
			exit 125
		fi
	else
		boot tcg 0
	fi
fi
end=$(date +%s.%N)
wall=$(echo "$end - $start" | bc)
[ -z "$logfile" ] || cp "$log" "$logfile"

res=$(grep -a -o "$marker rc=[0-9]* uptime=[0-9.]*@@" "$log" | tail -n1)
if [ -n "$res" ]; then
	rc=${res#*rc=}; rc=${rc%% *}
	up=${res#*uptime=}; up=${up%@@}
	booted=$(grep -a -o "$boot_marker uptime=[0-9.]*" "$log" | head -n1)
	say "guest exit status $rc (init at ${booted#*uptime=}s, done at ${up}s guest uptime; host wall ${wall}s, $accel)"
	exit "$rc"
fi
if [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then
	say "FAIL: timeout after ${timeout_s}s (host wall ${wall}s, $accel)"
	exit 124
fi
grep -q 'Kernel panic' "$log" && say "FAIL: kernel panic"
[ -s "$work/qemu.err" ] && { say "qemu stderr:"; cat "$work/qemu.err" >&2; }
say "FAIL: no result marker (qemu exit status $qrc, host wall ${wall}s, $accel)"
exit 125
