#!/bin/sh
# SPDX-License-Identifier: MIT
# The rpmsg tool, command by command: output and exit status against the
# simulated remote (--sim) and against a fabricated sysfs tree, success paths
# and error paths (the message must name the device and the errno text).
# Ends with "N passed, N failed[, N skipped]".
set -u
LC_ALL=C
export LC_ALL
unset RPMSG_ENGINE RPMSG_SYSFS_ROOT RPMSG_DEV_ROOT GNUPLOT
builddir=${builddir:-.}
srcdir=${srcdir:-.}
rpmsg="$builddir/tools/rpmsg"
man="$srcdir/tools/rpmsg.1"
passed=0
failed=0
skipped=0

tmp=$(mktemp -d "${TMPDIR:-/tmp}/rpmsg-tool-test.XXXXXX") || exit 1
tree=
trap 'rm -rf "$tmp" ${tree:+"$tree"}' EXIT INT TERM

# begin NAME; run STATUS CMD...; assertions...; end
begin() {
	name=$1
	ok=1
}
fail() {
	echo "not ok - $name: $*"
	ok=0
}
# Run CMD, keeping stdout, stderr and the status; the status must be STATUS.
# A command still running after 60 s is killed: status 124 (137 if it had to be).
run() {
	want=$1
	shift
	timeout -k 5 60 "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	rc=$?
	[ "$rc" -eq "$want" ] || fail "exit status $rc, expected $want ($*)"
}
out_has() {
	grep -qE -- "$1" "$tmp/out" || fail "stdout lacks /$1/"
}
out_lacks() {
	! grep -qE -- "$1" "$tmp/out" || fail "stdout has /$1/"
}
err_has() {
	grep -qE -- "$1" "$tmp/err" || fail "stderr lacks /$1/"
}
out_is() {
	printf '%s\n' "$1" | cmp -s - "$tmp/out" || fail "stdout is not '$1'"
}
out_empty() {
	[ ! -s "$tmp/out" ] || fail "stdout not empty"
}
err_empty() {
	[ ! -s "$tmp/err" ] || fail "stderr not empty"
}
end() {
	if [ $ok -eq 1 ]; then
		echo "ok - $name"
		passed=$((passed + 1))
	else
		sed 's/^/#   stdout: /' "$tmp/out" | head -n 20
		sed 's/^/#   stderr: /' "$tmp/err" | head -n 20
		failed=$((failed + 1))
	fi
}
skip() {
	echo "skip - $1: $2"
	skipped=$((skipped + 1))
}

commands="list info create destroy send recv echo ping bench"

# --- global options and help ---------------------------------------------

begin "--help lists every command and the exit statuses"
run 0 "$rpmsg" --help
for c in $commands help; do out_has "^  $c "; done
out_has '^  destroy +remove a channel, or destroy an endpoint device$'
out_has "^  3  timeout"
out_has "^  4  ping --plot"
err_empty
end

begin "--version"
run 0 "$rpmsg" --version
out_has '^rpmsg \(librpmsg\) [0-9]+\.[0-9]+\.[0-9]+$'
end

begin "no command is a usage error"
run 2 "$rpmsg"
err_has '^Usage: rpmsg'
end

begin "an unknown command is a usage error"
run 2 "$rpmsg" frob
err_has "^rpmsg: unknown command 'frob'"
end

begin "an unknown engine is a usage error"
run 2 "$rpmsg" --engine fast list
err_has "unknown engine 'fast'"
end

for c in $commands; do
	begin "$c --help"
	run 0 "$rpmsg" "$c" --help
	out_has "^Usage: rpmsg $c"
	err_empty
	end

	begin "help $c is $c --help"
	"$rpmsg" "$c" --help >"$tmp/expected" 2>&1
	run 0 "$rpmsg" help "$c"
	cmp -s "$tmp/expected" "$tmp/out" || fail "differs from $c --help"
	end

	begin "$c: an unknown option is a usage error"
	run 2 "$rpmsg" "$c" --no-such-option
	err_has "Try 'rpmsg $c --help'"
	end
done

begin "the manual page documents every command and every option of --help"
if [ -f "$man" ]; then
	for c in $commands; do
		grep -q "^\.SS \"\{0,1\}$c" "$man" || fail "no .SS section for $c"
		"$rpmsg" "$c" --help | grep -oE -- '--[a-z][a-z-]+' | sort -u | while read -r opt; do
			o=$(printf '%s' "$opt" | sed 's/-/\\\\-/g')
			grep -q -- "$o" "$man" || echo "$c $opt"
		done >"$tmp/missing"
		[ ! -s "$tmp/missing" ] || fail "options missing from rpmsg.1: $(tr '\n' ' ' <"$tmp/missing")"
	done
	for status in 0 1 2 3 4; do
		grep -q "^\.B $status\$" "$man" || fail "exit status $status not in rpmsg.1"
	done
else
	fail "no $man"
fi
end

# --- list and info on a fabricated sysfs tree ----------------------------

roots=$("$builddir/tools/tests/fake-sysfs") || roots=
sysfs=${roots% *}
devroot=${roots#* }
tree=${sysfs%/sys}
empty="$tmp/empty"
mkdir -p "$empty/sys" "$empty/dev"
at="--sysfs-root $sysfs --dev-root $devroot"

begin "fake sysfs tree"
[ -d "$sysfs/class/rpmsg" ] || fail "fake-sysfs made no tree ($roots)"
end

begin "list: every kind in a table"
run 0 "$rpmsg" $at list
out_has '^Remote processors$'
out_has '^  remoteproc0 +m4 +running +m4-fw\.elf$'
out_has '^  remoteproc1 +dsp +running'
out_has "^  $devroot/rpmsg_ctrl0 +remoteproc0 \(m4\) +rpmsg_ctrl +1$"
out_has "^  $devroot/rpmsg_ctrl1 +remoteproc1 \(dsp\) +rpmsg_ctrl +0$"
out_has "^  virtio0\.rpmsg-raw\.-1\.1040 +rpmsg-raw +1024 +1040 +$devroot/rpmsg1 +remoteproc0 \(m4\)$"
out_has '^  virtio0\.rpmsg-client-sample\.-1\.1041 +rpmsg-client-sample +any +1041 +- +remoteproc0'
out_has "^  $devroot/rpmsg0 +tool-ept +any +30 +rpmsg_ctrl0 +remoteproc0 \(m4\)$"
out_has "^  $devroot/rpmsg1 +rpmsg-raw +1024 +1040 +channel +remoteproc0"
err_empty
end

begin "list ctrl channel: only those kinds"
run 0 "$rpmsg" $at list ctrl channel
out_has '^Control devices$'
out_has '^Channels$'
out_lacks '^Remote processors$'
out_lacks '^Endpoint devices$'
end

begin "list: an unknown kind is a usage error"
run 2 "$rpmsg" $at list gpio
err_has "unknown kind 'gpio'"
end

begin "list: an empty system says (none), and on stderr what to check"
run 0 "$rpmsg" --sysfs-root "$empty/sys" --dev-root "$empty/dev" list
[ "$(grep -c '^  (none)$' "$tmp/out")" -eq 4 ] || fail "not four empty tables"
err_has '^rpmsg: list: no RPMsg devices: is the kernel built with rpmsg_char and rpmsg_ctrl \(CONFIG_RPMSG_CHAR, CONFIG_RPMSG_CTRL\), and is a remote processor running\? \(--sim: a simulated one\)$'
[ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "more than one line on stderr"
end

begin "list rproc alone: no hint about RPMsg devices"
run 0 "$rpmsg" --sysfs-root "$empty/sys" --dev-root "$empty/dev" list rproc
err_empty
end

begin "list --sim: the simulated control device"
run 0 "$rpmsg" list --sim
out_has '^  sim: +\(simulated\)'
end

begin "info: library, engine, roots and counts"
run 0 "$rpmsg" $at info
out_has '^librpmsg: +[0-9]'
out_has '^engine: +(io_uring|epoll)$'
out_has "^sysfs root: +$sysfs$"
out_has '^control devices: +2$'
out_has '^endpoint devices: +2$'
out_has '^channels: +2$'
end

begin "--engine epoll is used"
run 0 "$rpmsg" --engine epoll $at info
out_has '^engine: +epoll$'
end

begin "info of an endpoint device by kernel name"
run 0 "$rpmsg" $at info rpmsg1
out_has '^type: +endpoint device$'
out_has "^device: +$devroot/rpmsg1$"
out_has '^name: +rpmsg-raw$'
out_has '^src: +1024$'
out_has '^dst: +1040$'
out_has '^created by: +a channel$'
out_has '^remoteproc: +remoteproc0 \(m4\)$'
end

begin "info of a control device by path"
run 0 "$rpmsg" $at info "$devroot/rpmsg_ctrl1"
out_has '^type: +control device$'
out_has '^remoteproc: +remoteproc1 \(dsp\)$'
end

begin "info of a channel without an endpoint device"
run 0 "$rpmsg" $at info virtio0.rpmsg-client-sample.-1.1041
out_has '^type: +channel$'
out_has '^device: +- \(no endpoint device\)$'
end

begin "info of an unknown device names it, exit status 1"
run 1 "$rpmsg" $at info rpmsg9
err_has "^rpmsg: info: rpmsg9: not an rpmsg device under $sysfs: No such device$"
end

begin "info --sim"
run 0 "$rpmsg" info --sim
out_has '^simulated remote: control device sim:, echoes every message, MTU 496'
end

# --- errors opening devices ----------------------------------------------

begin "a missing endpoint device: its path and ENOENT"
run 1 "$rpmsg" send --dev "$tmp/nowhere/rpmsg9" x
err_has "^rpmsg: send: $tmp/nowhere/rpmsg9: No such file or directory$"
end

begin "a character device that is not a control device: says so, ENODEV"
run 1 "$rpmsg" $at recv --ctrl "$devroot/rpmsg_ctrl0" -t 10
err_has "^rpmsg: recv: $devroot/rpmsg_ctrl0: not an rpmsg control device: No such device$"
end

begin "--ctrl /dev/null: not an rpmsg control device"
run 1 "$rpmsg" send --ctrl /dev/null --dst 30 x
err_has "^rpmsg: send: /dev/null: not an rpmsg control device: No such device$"
end

begin "a directory as control device: says so, ENOTTY"
run 1 "$rpmsg" echo --ctrl "$tmp" --dst 5 -n 1
err_has "^rpmsg: echo: $tmp: not an rpmsg control device: Inappropriate ioctl for device$"
end

begin "--dev /dev/null: not an rpmsg endpoint device"
run 1 "$rpmsg" send --dev /dev/null x
err_has "^rpmsg: send: /dev/null: not an rpmsg endpoint device: No such device$"
end

begin "no device at all: says so and what to try"
run 1 "$rpmsg" --sysfs-root "$empty/sys" --dev-root "$empty/dev" ping --dst 30 -c 1
err_has "^rpmsg: ping: no RPMsg control device found \(is rpmsg_ctrl loaded\? try --sim\)$"
end

for c in ping send bench "create endpoint holder"; do
	begin "$c without --dst and without any device: the device is missing, not --dst"
	# shellcheck disable=SC2086 # "create endpoint holder" is three words
	run 1 "$rpmsg" --sysfs-root "$empty/sys" --dev-root "$empty/dev" $c
	err_has "^rpmsg: ${c%% *}: no RPMsg control device found \(is rpmsg_ctrl loaded\? try --sim\)$"
	end
done

begin "create channel without any device: says so"
run 1 "$rpmsg" --sysfs-root "$empty/sys" --dev-root "$empty/dev" create channel rpmsg-raw
err_has "^rpmsg: create: no RPMsg control device found \(is rpmsg_ctrl loaded\? try --sim\)$"
end

begin "an unknown remote processor: ENODEV"
run 1 "$rpmsg" $at bench --rproc gpu --dst 30
err_has "^rpmsg: bench: remote processor gpu: No such device$"
end

begin "creating an endpoint needs --dst"
run 2 "$rpmsg" $at send --ctrl "$devroot/rpmsg_ctrl1" x
err_has -- "--dst is needed"
end

begin "conflicting endpoint options"
run 2 "$rpmsg" send --sim --dev /dev/rpmsg0 x
err_has "at most one of"
end

begin "--sim-send needs --sim"
run 2 "$rpmsg" recv --dev /dev/rpmsg0 --sim-send x
err_has -- "--sim-send needs --sim"
end

for c in send echo ping bench; do
	begin "$c --dst any: a receive-only endpoint cannot send, usage error"
	run 2 "$rpmsg" "$c" --sim --dst any
	err_has "^rpmsg: $c: --dst any creates a receive-only endpoint: $c needs a remote address$"
	end
done

begin "recv and create endpoint take --dst any"
run 0 "$rpmsg" recv --sim --dst any -t 10
run 0 "$rpmsg" create endpoint holder --sim --dst any -t 10
end

begin "a bad address is a usage error"
run 2 "$rpmsg" send --sim --dst 0x1g x
err_has "invalid remote address '0x1g'"
end

# --- send, recv, echo against the simulated remote -----------------------

begin "send --reply: the echoes, in order"
run 0 "$rpmsg" send --sim --reply hello world
out_is "hello
world"
err_empty
end

begin "send --hex --verbose"
run 0 "$rpmsg" send --sim -x -r -v 48656c6c6f "00 01:ff"
out_is "[1] 5 bytes from 30: 48656c6c6f
[2] 3 bytes from 30: 0001ff"
end

begin "send: standard input, one message per line"
printf 'one\ntwo\n' | "$rpmsg" send --sim -r >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 0 ] || fail "exit status $rc"
out_is "one
two"
end

begin "send without --reply prints nothing"
run 0 "$rpmsg" send --sim quiet
out_empty
end

begin "send: not hexadecimal is a usage error"
run 2 "$rpmsg" send --sim -x 4g
err_has "not hexadecimal bytes: '4g'"
end

begin "send: above the MTU, EMSGSIZE naming the endpoint"
big=$(printf '%0497d' 0)
run 1 "$rpmsg" send --sim "$big"
err_has "^rpmsg: send: simulated remote: cannot send 497 bytes: Message too long$"
end

begin "send --mtu lets larger messages through"
big=$(printf '%01000d' 0)
run 0 "$rpmsg" send --sim --mtu 1000 -r "$big"
out_is "$big"
end

begin "send on a channel the simulated remote announces"
run 0 "$rpmsg" send --sim --channel rpmsg-raw --dst 1030 -r hi
out_is "hi"
end

begin "recv: what the remote sends, escaped"
run 0 "$rpmsg" recv --sim --sim-send one --sim-send "$(printf 'a\001b\\')" -n 2
out_is 'one
a\x01b\\'
end

begin "recv --hex --verbose"
run 0 "$rpmsg" recv --sim --sim-send AB -n 1 -x -v
out_is "[1] 2 bytes: 4142"
end

begin "recv: fewer than --count within --timeout is exit status 3"
run 3 "$rpmsg" recv --sim --sim-send x -n 2 -t 200
out_is "x"
err_has "^rpmsg: recv: simulated remote: 1 of 2 messages within 200 ms: Connection timed out$"
end

begin "recv: --timeout alone ends quietly"
run 0 "$rpmsg" recv --sim -t 100
out_empty
err_empty
end

begin "recv: SIGINT ends it cleanly"
"$rpmsg" recv --sim >"$tmp/out" 2>"$tmp/err" &
pid=$!
sleep 1
kill -INT $pid
wait $pid
rc=$?
[ $rc -eq 0 ] || fail "exit status $rc after SIGINT"
err_empty
end

begin "echo: answers every message"
run 0 "$rpmsg" echo --sim --sim-send a --sim-send bc -n 2
out_has '^echoed 2 messages, 3 bytes$'
out_has '^the simulated remote received 2 echoes$'
end

begin "echo --verbose prints what it echoes"
run 0 "$rpmsg" echo --sim --sim-send hey -n 1 -v
out_has '^\[1\] 3 bytes from 30: hey$'
end

begin "echo: nothing within --timeout with --count is exit status 3"
run 3 "$rpmsg" echo --sim -n 1 -t 100
out_has '^echoed 0 messages, 0 bytes$'
err_has "0 of 1 messages within 100 ms: Connection timed out$"
end

# --- create and destroy ---------------------------------------------------

begin "create endpoint: held, then destroyed"
run 0 "$rpmsg" create endpoint holder --sim --dst 5 -t 50
out_has '^created endpoint holder \(dst 5\): simulated remote; held until rpmsg exits$'
end

begin "create endpoint: --dst is needed on a real control device"
run 2 "$rpmsg" create endpoint holder --ctrl /dev/rpmsg_ctrl0
err_has -- "--dst is needed"
end

begin "create channel: the simulated transport refuses, EOPNOTSUPP"
run 1 "$rpmsg" create channel rpmsg-raw --sim --src 1030 --dst 40
err_has "^rpmsg: create: simulated remote: channel rpmsg-raw: Operation not supported$"
end

begin "destroy channel: EOPNOTSUPP likewise"
run 1 "$rpmsg" destroy channel rpmsg-raw --sim
err_has "^rpmsg: destroy: simulated remote: channel rpmsg-raw: Operation not supported$"
end

begin "create channel on a device that is not a control device"
run 1 "$rpmsg" $at create channel rpmsg-raw --ctrl "$devroot/rpmsg_ctrl0"
err_has "^rpmsg: create: $devroot/rpmsg_ctrl0: not an rpmsg control device: No such device$"
end

begin "create: an unknown kind is a usage error"
run 2 "$rpmsg" create socket x --sim
err_has "unknown kind 'socket'"
end

begin "create endpoint --keep: a simulated endpoint cannot outlive rpmsg"
run 1 "$rpmsg" create endpoint holder --sim --dst 5 --keep
err_has "^rpmsg: create: simulated remote: keep endpoint holder: Operation not supported$"
end

begin "--keep is for endpoints"
run 2 "$rpmsg" create channel rpmsg-raw --sim --keep
err_has -- "--keep is for endpoints"
end

begin "destroy endpoint: a missing device is named"
run 1 "$rpmsg" $at destroy endpoint "$devroot/rpmsg0"
err_has "^rpmsg: destroy: $devroot/rpmsg0: No such file or directory$"
end

begin "destroy endpoint: not an endpoint device"
run 1 "$rpmsg" destroy endpoint /dev/null
err_has "^rpmsg: destroy: /dev/null: not an rpmsg endpoint device: No such device$"
end

begin "create: a name over 31 bytes is a usage error"
run 2 "$rpmsg" create channel abcdefghijklmnopqrstuvwxyz0123456 --sim
err_has "1 to 31 bytes"
end

# --- ping and bench ------------------------------------------------------

begin "ping: every reply, statistics and histogram"
run 0 "$rpmsg" ping --sim -c 5 -i 0
out_has '^PING simulated remote: 32 bytes, dst 30, (io_uring|epoll) engine$'
[ "$(grep -cE '^32 bytes: seq=[1-5] time=[0-9.]+ us$' "$tmp/out")" -eq 5 ] ||
	fail "not five reply lines"
out_has '^5 sent, 5 received, 0 lost$'
out_has '^rtt min/avg/p50/p99/max = [0-9.]+/[0-9.]+/[0-9.]+/[0-9.]+/[0-9.]+ us$'
out_has '^histogram \(us\):$'
out_has '^ +[0-9]+ - [0-9]+ +\|#+ *\| [0-9]+$'
end

begin "ping --quiet, epoll engine, larger MTU"
run 0 "$rpmsg" --engine epoll ping --sim -q -c 3 -i 1 --mtu 1000 -s 1000
out_lacks 'seq='
out_has '^3 sent, 3 received, 0 lost$'
out_has 'epoll engine'
end

begin "ping: a size above the MTU is a usage error"
run 2 "$rpmsg" ping --sim -s 497 -c 1
err_has "size 497 is above the MTU, 496"
end

begin "ping --plot without gnuplot: exit status 4 before pinging"
run 4 env GNUPLOT="$tmp/no-gnuplot" "$rpmsg" ping --sim -c 1 --plot "$tmp/none.png"
err_has "^rpmsg: ping: --plot needs gnuplot: '$tmp/no-gnuplot' not found or not executable"
out_lacks PING
[ ! -e "$tmp/none.png" ] || fail "an image was written"
end

if command -v gnuplot >/dev/null 2>&1; then
	begin "ping --plot writes a PNG"
	run 0 "$rpmsg" ping --sim -q -c 50 -i 0 --plot "$tmp/rtt.png"
	out_has "^histogram written to $tmp/rtt.png$"
	[ -s "$tmp/rtt.png" ] || fail "no image"
	magic=$(od -An -tx1 -N8 "$tmp/rtt.png" | tr -d ' \n')
	[ "$magic" = 89504e470d0a1a0a ] || fail "not a PNG: $magic"
	end

	begin "ping --plot: gnuplot failing is exit status 4"
	run 4 "$rpmsg" ping --sim -q -c 2 -i 0 --plot "$tmp/no-such-dir/rtt.png"
	err_has "^rpmsg: ping: --plot $tmp/no-such-dir/rtt.png: .*gnuplot"
	end
else
	skip "ping --plot writes a PNG" "gnuplot is not installed"
	skip "ping --plot: gnuplot failing is exit status 4" "gnuplot is not installed"
fi

begin "bench: echo throughput"
run 0 "$rpmsg" bench --sim -n 3000
out_has '^BENCH simulated remote: 64-byte messages, 32 in flight, echo, '
out_has '^3000 sent, 3000 echoed in [0-9.]+ s$'
out_has '^[0-9]+ messages/s, [0-9.]+ MB/s each way$'
end

begin "bench --sink --duration"
run 0 "$rpmsg" bench --sim --sink -d 200 -s 100 -k 4
out_has '^BENCH simulated remote: 100-byte messages, 4 in flight, sink, '
out_has '^([0-9]+) sent, \1 taken in [0-9.]+ s$'
end

begin "bench: a size above the MTU is a usage error"
run 2 "$rpmsg" bench --sim -s 600
err_has "size 600 is above the MTU, 496"
end

echo "$passed passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ]
