#!/usr/bin/env bash
# run-vm.sh - boot the sched_ext kernel under qemu (TCG) and record one trace.
#
# Usage: run-vm.sh --trace FILE [--console FILE] [--sched rec|simple|central|qmap|sub]
#                  [--seconds N] [--seed N] [--cycles N] [--timeout S]
#                  [--single-thread] [--no-retry] [--on-ms N] [--off-ms N]
#                  [--lifecycle]
#
# The trace arrives on a virtio-serial port (guest /dev/vport0p1) and is
# written raw to FILE; the guest console goes to the console log (default
# FILE.console.log).  The console log is scanned for Oops / panic / BUG /
# WARNING / scheduler errors.  A guest crash (Oops, panic, no "SCXMC: done")
# is reported on stderr with the offending lines and retried once with
# single-threaded TCG; the failed attempt's console is kept as
# <console>.attempt1.log.  Nothing is hidden: every crash is printed and
# counted in the final "run-vm: summary" line.
# Exit: 0 ok, 1 usage/setup error, 2 guest crashed (also after retry),
#       3 timeout/incomplete, 4 scheduler load failure or runtime error
#       reported by the loader (the verifier log is in the console log).
set -uo pipefail
KB="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE="${SCXMC_KB_CACHE:-$KB/.cache}"
B="${SCXMC_KB_BUILD:-$KB/build}"
TRACE=""; CONSOLE=""; SCHED=rec; SECS=20; SEED=1; CYCLES=3; TIMEOUT=""
THREAD=multi; RETRY=1; EXTRA=""

die() { echo "run-vm: error: $*" >&2; exit 1; }
while [ $# -gt 0 ]; do
	case "$1" in
	--trace) TRACE="$2"; shift 2 ;;
	--console) CONSOLE="$2"; shift 2 ;;
	--sched) SCHED="$2"; shift 2 ;;
	--seconds) SECS="$2"; shift 2 ;;
	--seed) SEED="$2"; shift 2 ;;
	--cycles) CYCLES="$2"; shift 2 ;;
	--timeout) TIMEOUT="$2"; shift 2 ;;
	--single-thread) THREAD=single; shift ;;
	--on-ms) EXTRA="$EXTRA scxmc.on_ms=$2"; shift 2 ;;
	--off-ms) EXTRA="$EXTRA scxmc.off_ms=$2"; shift 2 ;;
	--no-retry) RETRY=0; shift ;;
	--lifecycle) EXTRA="$EXTRA scxmc.lifecycle=1"; shift ;;
	-h|--help) sed -n '2,19p' "$0"; exit 0 ;;
	*) die "unknown argument '$1'" ;;
	esac
done
[ -n "$TRACE" ] || die "--trace FILE is required"
[ -n "$CONSOLE" ] || CONSOLE="$TRACE.console.log"
case "$SCHED" in rec|simple|central|qmap|sub) ;; *) die "--sched must be rec, simple, central, qmap or sub" ;; esac
[ -f "$CACHE/resolved.env" ] || die "run kernel-bindings/fetch-kernel.sh first"
# shellcheck disable=SC1091
. "$CACHE/resolved.env"
[ -f "$VMLINUZ" ] || die "kernel image missing: $VMLINUZ"
[ -f "$B/initramfs.cpio.gz" ] || die "initramfs missing: run kernel-bindings/build.sh"
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 not installed"
# boot ~7 s + scheduler load ~6-10 s per load + recording + slack
[ -n "$TIMEOUT" ] || TIMEOUT=$(( SECS + CYCLES * 2 + 120 ))

CRASH_RE='Oops|Kernel panic|BUG:|general protection fault|kernel BUG|Call Trace:|RIP: '
WARN_RE='WARNING:|sched_ext: .*(error|disabled)|SCHEDULER ERROR|LOAD FAILED|runnable task stall'

attempt() { # thread console -> sets RC_VM, ELAPSED
	local thread="$1" con="$2" t0 t1
	rm -f "$TRACE" "$con"
	: > "$TRACE"
	t0=$(date +%s.%N)
	timeout --foreground -k 5 "$TIMEOUT" qemu-system-x86_64 \
		-accel tcg,thread="$thread" -cpu max -smp 2 -m 1024 \
		-kernel "$VMLINUZ" -initrd "$B/initramfs.cpio.gz" \
		-append "console=ttyS0 quiet loglevel=4 panic=-1 oops=panic rdinit=/init scxmc.sched=$SCHED scxmc.seconds=$SECS scxmc.seed=$SEED scxmc.cycles=$CYCLES$EXTRA" \
		-display none -no-reboot -monitor none -serial "file:$con" \
		-device virtio-serial-pci -chardev "file,id=tr,path=$TRACE" \
		-device virtserialport,chardev=tr,name=trace \
		</dev/null >"$con.qemu" 2>&1
	RC_VM=$?
	t1=$(date +%s.%N)
	ELAPSED=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b-a}')
}

classify() { # console -> prints status word
	local con="$1"
	if grep -Eq "$CRASH_RE" "$con"; then echo crash
	elif ! grep -q 'SCXMC: done' "$con"; then echo incomplete
	elif grep -Eq 'SCHEDULER ERROR|LOAD FAILED|SCXMC: loader exit=[1-9]' "$con"; then echo sched-error
	else echo ok
	fi
}

report() { # console status
	local con="$1" st="$2"
	echo "run-vm: attempt status=$st elapsed=${ELAPSED}s qemu_rc=$RC_VM tcg=$THREAD console=$con" >&2
	grep -E '^SCXMC:|scx_rec:|scx_obs:' "$con" | sed 's/^/run-vm:   guest| /' >&2
	if grep -Eq "$CRASH_RE|$WARN_RE" "$con"; then
		echo "run-vm: kernel messages of note:" >&2
		grep -E -m 40 -A2 "$CRASH_RE|$WARN_RE" "$con" | sed 's/^/run-vm:   kernel| /' >&2
	fi
}

CRASHES=0
attempt "$THREAD" "$CONSOLE"
ST=$(classify "$CONSOLE")
[ "$RC_VM" = 124 ] && [ "$ST" != crash ] && ST=timeout
report "$CONSOLE" "$ST"
if [ "$ST" = crash ] || [ "$ST" = incomplete ] || [ "$ST" = timeout ]; then
	[ "$ST" = crash ] && CRASHES=$((CRASHES + 1))
	if [ "$RETRY" = 1 ]; then
		mv "$CONSOLE" "$CONSOLE.attempt1.log"
		cp "$TRACE" "$TRACE.attempt1" 2>/dev/null
		echo "run-vm: RETRY: attempt 1 ended '$ST' (console kept at $CONSOLE.attempt1.log); retrying once with single-threaded TCG" >&2
		THREAD=single
		attempt single "$CONSOLE"
		ST=$(classify "$CONSOLE")
		[ "$RC_VM" = 124 ] && [ "$ST" != crash ] && ST=timeout
		report "$CONSOLE" "$ST"
		[ "$ST" = crash ] && CRASHES=$((CRASHES + 1))
	fi
fi
BOOT=$(grep -o 'SCXMC: init up uptime=[0-9.]*' "$CONSOLE" | head -1 | sed 's/.*=//')
echo "run-vm: summary status=$ST crashes=$CRASHES boot_to_init=${BOOT:-?}s elapsed=${ELAPSED}s trace_bytes=$(stat -c %s "$TRACE" 2>/dev/null || echo 0) trace=$TRACE" >&2
case "$ST" in
ok) exit 0 ;;
crash) exit 2 ;;
sched-error) exit 4 ;;
*) exit 3 ;;
esac
