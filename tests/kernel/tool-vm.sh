#!/bin/sh
# shellcheck shell=dash
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: librpmsg authors
# The rpmsg tool against the real drivers and the loopback remote. Runs in the
# test VM (busybox sh), started by check-kernel.sh through run-vm.sh with the
# statically linked tool at /test/rpmsg:
#
#   run-vm.sh --add BUILDDIR/tools/rpmsg-static:/test/rpmsg VERSION tool-vm.sh
#
# Each test checks the tool's exit status and output, and the remote's
# counters where they prove what happened. Afterwards the remote must be clean
# again: knobs at their defaults, the TX pool idle, /dev/rpmsg_ctrl0 there, no
# endpoint device and no channel left. Prints "rpmsg tool: N passed, N failed";
# exit status 1 if a test failed.

LB_PARAMS=/sys/module/rpmsg_loopback/parameters
LB_DEVICE=/sys/devices/platform/rpmsg_loopback
CTRL=/dev/rpmsg_ctrl0
out=/tmp/tool-vm.out
bgout=/tmp/tool-vm.bg
passed=0 failed=0 why='' bgpid=''

# The tool, killed if it hangs (SIGTERM would only make it stop cleanly).
rpmsg() { timeout -s KILL 60 /test/rpmsg "$@"; }

# ---- the loopback remote -------------------------------------------------------
lb_set() { echo "$2" >"$LB_PARAMS/$1"; }
lb_action() { echo "$2" >"$LB_DEVICE/$1"; }
lb_stat() { awk -v k="$1" '$1 == k { print $2 }' "$LB_DEVICE/stats"; }
stat_is() { [ "$(lb_stat "$1")" = "$2" ]; }
stat_above() { [ "$(lb_stat "$1")" -gt "$2" ]; }
pool_idle() { [ "$(lb_stat tx_free)" = "$(lb_stat tx_bufs)" ] && [ "$(lb_stat fifo)" = 0 ]; }
lb_defaults() {
	lb_set echo 1; lb_set echo_delay_us 0; lb_set tx_poll 0; lb_set paused 0
	wait_for 50 pool_idle
}

# wait_for TENTHS CMD...: retry CMD every 0.1 s, at most TENTHS times.
wait_for() {
	local n=$1 tenths=$1
	shift
	until "$@"; do
		n=$((n - 1))
		[ "$n" -gt 0 ] || { why="waited $((tenths / 10)) s in vain for: $*"; return 1; }
		sleep 0.1
	done
}

# Endpoint device nodes, and bus devices other than the control and
# name-service devices (channels).
ept_nodes() {
	for f in /dev/rpmsg[0-9]*; do [ ! -e "$f" ] || echo "${f#/dev/}"; done
}
channels() {
	for f in /sys/bus/rpmsg/devices/*; do
		case $f in *'*'|*.rpmsg_ctrl.*|*.rpmsg_ns.*) ;; *) echo "${f##*/}" ;; esac
	done
}
clean() { [ -c "$CTRL" ] && [ -z "$(ept_nodes)" ] && [ -z "$(channels)" ]; }

# ---- running the tool ----------------------------------------------------------
# run STATUS CMD...: run CMD, stdout and stderr to $out; false unless it exits STATUS.
run() {
	local want=$1 rc
	shift
	last="$*"
	"$@" >"$out" 2>&1
	rc=$?
	[ "$rc" = "$want" ] && return 0
	why="'$last' exited with $rc, expected $want"
	return 1
}
# has / lacks ERE [FILE]: a line of the last output (or FILE) matches / none does.
has() {
	grep -q -E -e "$1" "${2:-$out}" && return 0
	why="no line matching '$1' in the output of '$last'"
	return 1
}
lacks() {
	! grep -q -E -e "$1" "${2:-$out}" && return 0
	why="a line matches '$1' in the output of '$last'"
	return 1
}
# bg ARGS...: run the tool in the background, output to $bgout ($bgpid is the tool).
bg() {
	last="$*"
	(exec timeout -s KILL 60 /test/rpmsg "$@") >"$bgout" 2>&1 &
	bgpid=$!
}
# bg_wait STATUS: wait for the background tool; false unless it exits STATUS.
bg_wait() {
	local rc
	wait "$bgpid"
	rc=$?
	bgpid=''
	[ "$rc" = "$1" ] && return 0
	why="'$last' (background) exited with $rc, expected $1"
	return 1
}
# The endpoint device the background 'rpmsg create endpoint' reports ("...: /dev/rpmsgN; held ...").
held_node() { sed -n 's|^created endpoint .*: \(/dev/rpmsg[0-9]*\); held until rpmsg exits$|\1|p' "$bgout"; }
bg_created() { [ -n "$(held_node)" ]; }
# Inject "DST TEXT" until someone listens at DST (the write fails ENXIO before).
inject() { lb_action inject "$1" 2>/dev/null; }
eq() {
	[ "$1" = "$2" ] && return 0
	why="$3: $1, expected $2"
	return 1
}

# check NAME: run the function test_NAME, then check and restore the remote.
check() {
	local name=$1 ok=1 reason=''
	why=''
	echo "---- $name"
	if ! "test_$name"; then
		ok=0
		reason=${why:-a step failed (its message is above)}
	fi
	if [ -n "$bgpid" ]; then
		kill -KILL "$bgpid" 2>/dev/null
		wait "$bgpid" 2>/dev/null
		bgpid=''
	fi
	if ! lb_defaults; then
		[ "$ok" = 0 ] || reason="the TX pool did not drain: $(tr '\n' ' ' <"$LB_DEVICE/stats")"
		ok=0
	fi
	if ! clean; then
		[ "$ok" = 0 ] || reason="left behind: $(ept_nodes) $(channels) $(echo /dev/rpmsg_ctrl*)"
		ok=0
		# a remote reset with no descriptor open removes everything and
		# brings back rpmsg_ctrl0
		lb_action remote_reset 1
		wait_for 50 clean
	fi
	if [ "$ok" = 1 ]; then
		passed=$((passed + 1))
		echo "PASS: $name"
	else
		failed=$((failed + 1))
		echo "FAIL: $name: $reason"
		echo "  output of the last command:"
		sed 's/^/  | /' "$out"
		[ ! -s "$bgout" ] || { echo "  output of the last background command:"; sed 's/^/  | /' "$bgout"; }
	fi
	: >"$out"
	: >"$bgout"
}

# ---- the tests -----------------------------------------------------------------

test_list() {
	run 0 rpmsg list &&
	has '^Control devices$' &&
	has '^  /dev/rpmsg_ctrl0 +- +rpmsg_ctrl +0$' &&
	run 0 rpmsg list ctrl &&
	has '^  /dev/rpmsg_ctrl0 +- +rpmsg_ctrl +0$' &&
	lacks '^Channels'
}

test_info() {
	run 0 rpmsg info /dev/rpmsg_ctrl0 &&
	has '^type: +control device$' &&
	has '^device: +/dev/rpmsg_ctrl0$' &&
	has '^kernel name: +rpmsg_ctrl0$' &&
	run 0 rpmsg info &&
	has "^engine: +${ENGINE_NAME:-io_uring}$" &&
	has '^control devices: +1$' &&
	run 1 rpmsg info /dev/rpmsg_ctrl7 &&
	has '^rpmsg: info: /dev/rpmsg_ctrl7: not an rpmsg device under /sys: No such device$'
}

test_send_reply() {
	local echoed
	echoed=$(lb_stat echoed)
	run 0 rpmsg send --ctrl "$CTRL" --dst 1025 -r hello &&
	has '^hello$' &&
	eq "$(wc -l <"$out")" 1 "lines printed" &&
	eq "$(lb_stat echoed)" "$((echoed + 1))" "echoed by the remote" &&
	run 0 rpmsg send --ctrl "$CTRL" --dst 1025 -r -x '48 65 6c 6c 6f' &&
	has '^48656c6c6f$'
}

test_ping() {
	run 0 rpmsg ping --ctrl "$CTRL" --dst 1025 -c 100 -i 0 -q &&
	has "^PING /dev/rpmsg[0-9]+: 32 bytes, dst 1025, $ENGINE_NAME engine\$" &&
	has '^100 sent, 100 received, 0 lost$' &&
	has '^rtt min/avg/p50/p99/max = [0-9.]+/[0-9.]+/[0-9.]+/[0-9.]+/[0-9.]+ us$'
}

test_bench() {
	local echoed sunk
	echoed=$(lb_stat echoed)
	run 0 rpmsg bench --ctrl "$CTRL" --dst 1025 -n 10000 &&
	has '^10000 sent, 10000 echoed in [0-9.]+ s$' &&
	has '^[1-9][0-9]* messages/s, [0-9.]+ MB/s each way$' &&
	eq "$(lb_stat echoed)" "$((echoed + 10000))" "echoed by the remote" &&
	sed -n 's/^/  /; /messages\/s/p' "$out" &&
	lb_set echo 0 &&
	sunk=$(lb_stat sunk) &&
	run 0 rpmsg bench --ctrl "$CTRL" --dst 1025 -n 10000 --sink &&
	has "^BENCH /dev/rpmsg[0-9]+: 64-byte messages, 32 in flight, sink, $ENGINE_NAME engine\$" &&
	has '^10000 sent, 10000 taken in [0-9.]+ s$' &&
	has '^[1-9][0-9]* messages/s, [0-9.]+ MB/s$' &&
	sed -n 's/^/  sink: /; /messages\/s/p' "$out" &&
	wait_for 50 pool_idle &&
	eq "$(lb_stat sunk)" "$((sunk + 10000))" "sunk by the remote"
}

test_channel_announced() {
	lb_action ns_announce "rpmsg-raw 1040" &&
	run 0 rpmsg list channel &&
	has '^  rpmsg_loopback\.rpmsg-raw\.-1\.1040 +rpmsg-raw +[0-9]+ +1040 +/dev/rpmsg[0-9]+ +-$' &&
	run 0 rpmsg send --ctrl "$CTRL" --channel rpmsg-raw -r hi &&
	has '^hi$' &&
	run 0 rpmsg send --channel rpmsg-raw --dst 1040 -r again &&
	has '^again$' &&
	lb_action ns_destroy "rpmsg-raw 1040" &&
	run 0 rpmsg list channel &&
	has '^  \(none\)$' &&
	run 1 rpmsg send --ctrl "$CTRL" --channel rpmsg-raw -r hi &&
	has '^rpmsg: send: /dev/rpmsg_ctrl0, channel rpmsg-raw: No such file or directory$'
}

test_channel_create_destroy() {
	local ns_rx
	ns_rx=$(lb_stat ns_rx)
	run 0 rpmsg create channel rpmsg-raw --ctrl "$CTRL" --src 1030 --dst 40 &&
	run 0 rpmsg list channel &&
	has '^  rpmsg_loopback\.rpmsg-raw\.1030\.40 +rpmsg-raw +1030 +40 +/dev/rpmsg[0-9]+ +-$' &&
	wait_for 50 stat_above ns_rx "$ns_rx" &&
	run 1 rpmsg create channel rpmsg-raw --ctrl "$CTRL" --src 1030 --dst 40 &&
	has '^rpmsg: create: /dev/rpmsg_ctrl0: channel rpmsg-raw: File exists$' &&
	run 0 rpmsg destroy channel rpmsg-raw --ctrl "$CTRL" --src 1030 --dst 40 &&
	run 0 rpmsg list channel &&
	has '^  \(none\)$' &&
	run 1 rpmsg destroy channel rpmsg-raw --ctrl "$CTRL" --src 1030 --dst 40 &&
	has '^rpmsg: destroy: /dev/rpmsg_ctrl0: channel rpmsg-raw: No such file or directory$'
}

test_recv() {
	bg recv --ctrl "$CTRL" --src 1100 -n 1 -t 5000
	wait_for 50 inject "1100 hi" &&
	bg_wait 0 &&
	has '^hi$' "$bgout" &&
	eq "$(wc -l <"$bgout")" 1 "lines printed" &&
	run 3 rpmsg recv --ctrl "$CTRL" --src 1100 -n 1 -t 200 &&
	has '^rpmsg: recv: /dev/rpmsg[0-9]+: 0 of 1 messages within 200 ms: Connection timed out$'
}

test_echo() {
	local sunk
	lb_set echo 0
	sunk=$(lb_stat sunk)
	bg echo --ctrl "$CTRL" --src 1101 --dst 5 -n 1 -t 5000
	wait_for 50 inject "1101 hi" &&
	bg_wait 0 &&
	has '^echoed 1 messages, 2 bytes$' "$bgout" || return 1
	wait_for 50 stat_is sunk "$((sunk + 1))" ||
		eq "$(lb_stat sunk)" "$((sunk + 1))" "echoes the remote got"
}

test_send_timeout_paused() {
	local sent timeouts pool
	lb_set paused 1
	sent=$(lb_stat sent)
	timeouts=$(lb_stat send_timeouts)
	pool=$(lb_stat tx_bufs)
	# one line per message until a send times out: the remote holds every
	# TX buffer it gets (256 by default)
	yes x | head -n "$((pool + 10))" >/tmp/tool-vm.lines
	run 1 rpmsg send --ctrl "$CTRL" --dst 1025 -t 100 </tmp/tool-vm.lines &&
	has '^rpmsg: send: /dev/rpmsg[0-9]+: cannot send 1 bytes: Connection timed out$' &&
	lacks '512' &&
	eq "$(lb_stat sent)" "$((sent + pool))" "messages the kernel took" &&
	eq "$(lb_stat tx_free)" 0 "free TX buffers" &&
	run 1 rpmsg send --ctrl "$CTRL" --dst 1025 -t 100 x &&
	has '^rpmsg: send: /dev/rpmsg[0-9]+: cannot send 1 bytes: Connection timed out$' &&
	lacks '512' &&
	eq "$(lb_stat send_timeouts)" "$timeouts" "kernel send timeouts (errno 512)"
}

test_remote_reset_recv() {
	bg recv --ctrl "$CTRL" --src 1102 -t 20000
	wait_for 50 inject "1102 up" &&
	wait_for 50 has '^up$' "$bgout" &&
	lb_action remote_reset 1 &&
	bg_wait 1 &&
	has '^rpmsg: recv: /dev/rpmsg[0-9]+: Broken pipe$' "$bgout" &&
	run 0 rpmsg list ctrl &&
	has '^  /dev/rpmsg_ctrl[0-9]+ +- +rpmsg_ctrl +0$' || return 1
	# recv held the old control device open at the reset, so the new one
	# is not rpmsg_ctrl0: a reset with nothing open brings it back.
	lb_action remote_reset 1 &&
	wait_for 50 clean &&
	run 0 rpmsg send --ctrl "$CTRL" --dst 1025 -r "after reset" &&
	has '^after reset$'
}

test_create_endpoint() {
	local node dev
	bg create endpoint foo --ctrl "$CTRL" --dst 5 -t 2000
	wait_for 50 bg_created &&
	node=$(held_node) && dev=${node#/dev/} &&
	{ [ -c "$node" ] || { why="$node is not there while rpmsg runs"; false; }; } &&
	eq "$(cat "/sys/class/rpmsg/$dev/name")" foo "sysfs name of $dev" &&
	eq "$(cat "/sys/class/rpmsg/$dev/dst")" 5 "sysfs dst of $dev" &&
	run 0 rpmsg list ept &&
	has "^  $node +foo +[^ ]+ +5 +rpmsg_ctrl0 +-\$" &&
	bg_wait 0 &&
	{ [ ! -e "$node" ] || { why="$node is still there after rpmsg exited"; false; }; } &&
	# without a timeout it holds the endpoint until SIGINT, and cleans up
	bg create endpoint bar --ctrl "$CTRL" --dst 6 &&
	wait_for 50 bg_created &&
	node=$(held_node) &&
	kill -INT "$bgpid" &&
	bg_wait 0 &&
	{ [ ! -e "$node" ] || { why="$node is still there after SIGINT"; false; }; }
}

test_endpoint_keep_destroy() {
	local node
	run 0 rpmsg create endpoint kept --ctrl "$CTRL" --dst 5 --keep &&
	node=$(sed -n 's|^created endpoint kept (dst 5): \(/dev/rpmsg[0-9]*\); kept$|\1|p' "$out") &&
	{ [ -n "$node" ] || { why="no kept endpoint reported"; false; }; } &&
	{ [ -c "$node" ] || { why="$node is gone after rpmsg exited"; false; }; } &&
	run 0 rpmsg send --dev "$node" -r kept &&
	has '^kept$' &&
	run 0 rpmsg destroy endpoint "$node" &&
	has "^destroyed endpoint $node\$" &&
	{ [ ! -e "$node" ] || { why="$node is still there after destroy"; false; }; } &&
	run 1 rpmsg destroy endpoint "$node" &&
	has "^rpmsg: destroy: $node: No such file or directory\$"
}

test_endpoint_busy() {
	local node
	bg create endpoint busy --ctrl "$CTRL" --dst 5
	wait_for 50 bg_created &&
	node=$(held_node) &&
	run 1 rpmsg send --dev "$node" x &&
	has "^rpmsg: send: $node: Device or resource busy\$" &&
	kill -TERM "$bgpid" &&
	bg_wait 0 &&
	run 1 rpmsg send --dev "$node" x &&
	has "^rpmsg: send: $node: No such file or directory\$"
}

# ---- main ----------------------------------------------------------------------
: >"$out"
: >"$bgout"
case ${RPMSG_ENGINE:-} in
uring|io_uring|'') ENGINE_NAME=io_uring ;;
*) ENGINE_NAME=$RPMSG_ENGINE ;;
esac
echo "tool-vm: $(/test/rpmsg --version), kernel $(uname -r), engine ${RPMSG_ENGINE:-default}"
if ! [ -d "$LB_DEVICE" ] || ! wait_for 50 clean; then
	echo "tool-vm: FAIL: the loopback remote or $CTRL is missing"
	exit 1
fi
lb_defaults

for t in ${TOOL_VM_TESTS:-list info send_reply ping bench channel_announced \
	channel_create_destroy recv echo send_timeout_paused remote_reset_recv \
	create_endpoint endpoint_keep_destroy endpoint_busy}; do
	check "$t"
done

echo "rpmsg tool: $passed passed, $failed failed"
[ "$failed" = 0 ] && [ "$passed" -gt 0 ]
