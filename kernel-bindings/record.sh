#!/usr/bin/env bash
# record.sh - the single driver: fetch, build, boot, record, validate.
#
# Usage: record.sh [--seconds N] [--scheduler rec|simple|central|qmap]
#                  [--seed N] [--cycles N] [--jsonl FILE] [--no-retry]
#                  [--single-thread] [--lifecycle] -o TRACE
#
#   --seconds N    scheduler-enabled time in total, split over the cycles (20)
#   --scheduler    rec: scxmc's recording scheduler (default);
#                  simple|central|qmap: the kernel's example, unmodified,
#                  recorded by the fentry/fexit observer
#   --seed N       PRNG seed of scx_rec and of the workload (1)
#   --cycles N     scheduler attach/detach cycles in the one boot (3)
#   --jsonl FILE   also export the trace as JSONL
#   --lifecycle    the lifecycle session (scheduler rec only): partial-switch
#                  odd cycles, create/destroy_dsq, an scx_bpf_error exit in
#                  the last cycle, class switches, cgroup v2 moves and a fork
#                  storm in the workload, kernel-side lifecycle probes
#   --on-ms N / --off-ms N  per-cycle enabled / disabled time (overrides
#                  the split of --seconds; used for the small golden traces)
# Output: TRACE (binary, docs/trace-format.md), TRACE.console.log (guest
# console).  Prints "record: ..." progress and a final "record: summary" line.
# Exit status: that of run-vm.sh (0 ok, 2 guest crash, 3 incomplete,
# 4 scheduler error), 1 for setup errors, 5 for an invalid trace.
set -uo pipefail
KB="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
B="${SCXMC_KB_BUILD:-$KB/build}"
SECS=20; SCHED=rec; SEED=1; CYCLES=3; OUT=""; JSONL=""; VMARGS=()
die() { echo "record: error: $*" >&2; exit 1; }
while [ $# -gt 0 ]; do
	case "$1" in
	--seconds) SECS="$2"; shift 2 ;;
	--scheduler) SCHED="$2"; shift 2 ;;
	--seed) SEED="$2"; shift 2 ;;
	--cycles) CYCLES="$2"; shift 2 ;;
	--jsonl) JSONL="$2"; shift 2 ;;
	--no-retry|--single-thread|--lifecycle) VMARGS+=("$1"); shift ;;
	--on-ms|--off-ms) VMARGS+=("$1" "$2"); shift 2 ;;
	-o) OUT="$2"; shift 2 ;;
	-h|--help) sed -n '2,27p' "$0"; exit 0 ;;
	*) die "unknown argument '$1' (see --help)" ;;
	esac
done
[ -n "$OUT" ] || die "-o TRACE is required"
case "$SCHED" in rec|simple|central|qmap|sub) ;; *) die "--scheduler must be rec, simple, central, qmap or sub" ;; esac
case " ${VMARGS[*]-} " in *" --lifecycle "*) [ "$SCHED" = rec ] || die "--lifecycle needs --scheduler rec (the lifecycle session is scx_rec's)" ;; esac
[[ "$SECS" =~ ^[0-9]+$ ]] && [ "$SECS" -ge 1 ] || die "--seconds must be a positive integer"
[[ "$SEED" =~ ^[0-9]+$ ]] || die "--seed must be a non-negative integer"
[[ "$CYCLES" =~ ^[0-9]+$ ]] && [ "$CYCLES" -ge 1 ] || die "--cycles must be a positive integer"
mkdir -p "$(dirname "$OUT")" || die "cannot create $(dirname "$OUT")"
T0=$(date +%s)

mkdir -p "$B" || die "cannot create $B"
"$KB/fetch-kernel.sh" >"$B/fetch.log" 2>&1 || { cat "$B/fetch.log" >&2; die "fetch-kernel.sh failed"; }
grep '^resolved: kernel' "$B/fetch.log" | sed 's/^/record: /' >&2
"$KB/build.sh" || die "build.sh failed"
[ -f "$B/scx_obs" ] || [ "$SCHED" = rec ] || [ "$SCHED" = sub ] || die "observer (scx_obs) not built"
[ "$SCHED" != sub ] || [ -f "$B/scx_sub" ] || die "scx_sub (the sub-scheduler session's loader) not built"
if [ "$SCHED" != rec ] && [ "$SCHED" != sub ] && [ ! -f "$B/scx_$SCHED.bpf.o" ]; then
	die "scx_$SCHED.bpf.o did not compile from linux-source (see $B/scx_$SCHED.bpf.o.log)"
fi

# Host-side trace tool (validation); no CMake needed.
DUMP="$B/scxmc-trace-dump"
if [ ! -x "$DUMP" ] || [ "$KB/trace/trace_format.cpp" -nt "$DUMP" ] || [ "$KB/trace/scxmc_trace_dump.cpp" -nt "$DUMP" ] \
   || [ "$KB/trace/trace_format.hpp" -nt "$DUMP" ] || [ "$KB/trace/scx_trace_abi.h" -nt "$DUMP" ]; then
	nice -n 10 g++ -std=c++20 -O2 -I"$KB/trace" -I"$KB/../support" "$KB/trace/trace_format.cpp" "$KB/trace/scxmc_trace_dump.cpp" \
		-o "$DUMP" || die "building scxmc-trace-dump failed"
fi

echo "record: booting qemu: scheduler=$SCHED seconds=$SECS seed=$SEED cycles=$CYCLES" >&2
"$KB/run-vm.sh" --trace "$OUT" --sched "$SCHED" --seconds "$SECS" --seed "$SEED" --cycles "$CYCLES" "${VMARGS[@]}"
RC=$?
if [ -s "$OUT" ]; then
	if ! "$DUMP" --summary "$OUT" > "$OUT.summary" 2>"$OUT.summary.err"; then
		cat "$OUT.summary.err" >&2
		echo "record: summary status=invalid-trace vm_rc=$RC elapsed=$(( $(date +%s) - T0 ))s trace=$OUT" >&2
		[ "$RC" = 0 ] && RC=5
		exit "$RC"
	fi
	sed 's/^/record:   /' "$OUT.summary" >&2
	if [ -n "$JSONL" ]; then
		"$DUMP" --sort "$OUT" -o "$JSONL" || die "JSONL export failed"
	fi
fi
NREC=$(awk '/^records/ {print $2}' "$OUT.summary" 2>/dev/null)
GAPS=$(awk '/^records/ {print $6}' "$OUT.summary" 2>/dev/null)
echo "record: summary vm_rc=$RC records=${NREC:-0} missing_seqs=${GAPS:-?} elapsed=$(( $(date +%s) - T0 ))s trace=$OUT" >&2
exit "$RC"
