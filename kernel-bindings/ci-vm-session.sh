#!/usr/bin/env bash
# ci-vm-session.sh - one short real-kernel session end to end (issue 5 CI).
#
# Usage: ci-vm-session.sh SCXMC [--seconds N] [--seed N] [--out DIR]
#
#   SCXMC        the built scxmc binary (ctest passes $<TARGET_FILE:scxmc>)
#   --seconds N  scheduler-enabled time of the recording (default 8)
#   --seed N     scx_rec / workload seed (default 11)
#   --out DIR    keep the trace, logs and validation JSON there
#                (default: a fresh directory under ${TMPDIR:-/tmp})
#
# Runs `scxmc record` (record.sh: fetch the kernel and tools from the Debian
# archive by package name, build the loaders and the initramfs, boot qemu
# TCG, record under scx_rec), then `scxmc validate` on the trace.  The
# session is the lifecycle session (record.sh --lifecycle, 3 cycles: a
# full-switch, a partial-switch and a full-switch cycle that ends with a
# requested scx_bpf_error), so validate also runs its lifecycle check.
#
# TCG guest crashes are never hidden: run-vm.sh retries a crashed boot once
# with single-threaded TCG and keeps the crashed console; this script prints
# every crash it reported (the RETRY line and the Oops excerpt) and the
# summary line counts them ("crashes=N").
#
# Exit: 0 recorded and validated (PASS, or new disagreements reported as a
# FINDING while >= 99.9% of events are accepted and custody balances);
# 1 validation failed; 2 the
# recording failed (guest crashed on every attempt, build or fetch error);
# 77 skipped because SCXMC_SKIP_VM=1 is set (said loudly).
set -uo pipefail

KB="$(cd "$(dirname "$0")" && pwd)"
die() { echo "ci-vm-session: error: $*" >&2; exit 2; }

[ $# -ge 1 ] || die "usage: ci-vm-session.sh SCXMC [--seconds N] [--seed N] [--out DIR]"
case "$1" in -h|--help) sed -n '2,25p' "$0"; exit 0 ;; esac
SCXMC="$1"; shift
SECS=8
SEED=11
OUT=""
while [ $# -gt 0 ]; do
	case "$1" in
	--seconds) SECS="$2"; shift 2 ;;
	--seed) SEED="$2"; shift 2 ;;
	--out) OUT="$2"; shift 2 ;;
	*) die "unknown argument '$1'" ;;
	esac
done
[ -x "$SCXMC" ] || die "scxmc binary '$SCXMC' not found or not executable"
if [ "${SCXMC_SKIP_VM:-0}" = 1 ]; then
	echo "ci-vm-session: SKIPPED: SCXMC_SKIP_VM=1 (no real-kernel session was run)" >&2
	exit 77
fi
[ -n "$OUT" ] || OUT=$(mktemp -d "${TMPDIR:-/tmp}/scxmc-ci-vm.XXXXXX")
mkdir -p "$OUT" || die "cannot create $OUT"

T0=$(date +%s)
echo "ci-vm-session: recording ${SECS}s under scx_rec (seed $SEED) into $OUT" >&2
"$SCXMC" record --seconds "$SECS" --scheduler rec --seed "$SEED" --cycles 3 --lifecycle -o "$OUT/trace.bin" \
	>"$OUT/record.log" 2>&1
RC=$?
T1=$(date +%s)

# Report every guest crash, retried or not.
CRASHES=$(sed -n 's/.*run-vm: summary .*crashes=\([0-9]*\).*/\1/p' "$OUT/record.log" | tail -1)
CRASHES=${CRASHES:-0}
if grep -q 'run-vm: RETRY' "$OUT/record.log" || [ "$CRASHES" != 0 ]; then
	echo "ci-vm-session: TCG GUEST CRASH reported by run-vm.sh (crashes=$CRASHES):" >&2
	grep -E 'run-vm: (RETRY|CRASH|attempt)|Oops|Kernel panic|BUG:|RIP: ' "$OUT/record.log" | head -40 | sed 's/^/ci-vm-session:   /' >&2
	for f in "$OUT"/*.attempt1.log; do
		[ -f "$f" ] && echo "ci-vm-session:   crashed console kept at $f" >&2
	done
fi
grep -E '^record: summary|run-vm: summary' "$OUT/record.log" | sed 's/^/ci-vm-session: /' >&2
if [ "$RC" != 0 ] || [ ! -s "$OUT/trace.bin" ]; then
	echo "ci-vm-session: FAIL: recording failed (rc=$RC); last lines of $OUT/record.log:" >&2
	tail -25 "$OUT/record.log" >&2
	exit 2
fi

"$SCXMC" validate "$OUT/trace.bin" --json "$OUT/validate.json" --max-disagreements 3 >"$OUT/validate.log" 2>&1
VRC=$?
cat "$OUT/validate.log"
T2=$(date +%s)
echo "ci-vm-session: summary record=$((T1 - T0))s validate=$((T2 - T1))s total=$((T2 - T0))s crashes=$CRASHES validate_rc=$VRC out=$OUT" >&2
# `scxmc validate` fails on any disagreement not yet documented.  A short
# random session can meet an interleaving no earlier recording showed; CI
# then passes only if the issue's bar still holds (>= 99.9% of the task
# events accepted, custody balanced per pid, the lifecycle check without a
# violation) and prints every new
# disagreement as a finding to explain in docs/validation.md.
if [ "$VRC" = 1 ] && python3 - "$OUT/validate.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
ok = all(t["events"] > 0 and 1000 * t["accepted"] >= 999 * t["events"] and
         (t["custody"] or {}).get("violations", 0) == 0 and
         (t.get("lifecycle") or {}).get("violations", 0) == 0 for t in j["traces"])
sys.exit(0 if ok else 1)
PY
then
	echo "ci-vm-session: FINDING: validation met the 99.9% bar with custody balanced, but found disagreements" \
		"not yet documented (listed above); explain them in docs/validation.md" >&2
	VRC=0
fi
case "$VRC" in
0) exit 0 ;;
1) echo "ci-vm-session: FAIL: validation (see $OUT/validate.log)" >&2; exit 1 ;;
*) echo "ci-vm-session: FAIL: validate could not read the trace (rc=$VRC)" >&2; exit 2 ;;
esac
