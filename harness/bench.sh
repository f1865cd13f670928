#!/usr/bin/env bash
# Benchmark: runs `scxmc check` on a fixed set of configurations and prints
# one markdown row each (states, transitions, depth, seconds, peak memory,
# states/s, bytes/state of the whole visited set, verdict).  Figures, not a test: nothing here fails on slowness.
# Each row searches only the named configuration (--no-ladder), so the
# figures stay comparable with those before `check` went cheapest first.
# usage: harness/bench.sh [path/to/scxmc] [--quick | --full]
#   --quick  only the configurations that take seconds
#   --full   the default configuration searched to the end (no time limit;
#            hours on 2 cores, docs/status.md), instead of a 600 s slice of
#            it, and the first hour of issue 16's 2x2x1 --sub-scheds 1
set -u
scxmc=${1:-build/scxmc}
mode=${2:-}
case "$mode" in
  ""|--quick|--full) ;;
  *) echo "bench.sh: unknown option '$mode' (use --quick or --full)" >&2; exit 2 ;;
esac
[ -x "$scxmc" ] || { echo "bench.sh: no scxmc executable at '$scxmc'" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
row() {  # row LABEL TIME_LIMIT ARGS...
  local label=$1 limit=$2; shift 2
  rm -f "$tmp/r.json"
  "$scxmc" check "$@" --time-limit "$limit" --no-ladder --max-memory 8192 --json "$tmp/r.json" >/dev/null 2>&1
  local rc=$?
  if [ ! -s "$tmp/r.json" ]; then
    echo "| $label | - | - | - | - | - | - | - | exit $rc, no result written |"
    return
  fi
  python3 - "$tmp/r.json" "$label" "$rc" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); s = d["stats"]
verdict = {0: "all hold", 1: "VIOLATED", 3: "incomplete: " + d.get("incomplete_reason", "")}.get(int(sys.argv[3]), "exit " + sys.argv[3])
print(f'| {sys.argv[2]} | {s["states"]:,} | {s["transitions"]:,} | {s["depth"]} | {s["seconds"]:.2f} | {s["peak_rss_mib"]} | {s["states_per_second"]:,.0f} | {s["bytes_per_state"]} | {verdict} |')
PY
}
echo "| configuration | states | transitions | depth | seconds | peak MiB | states/s | bytes/state | verdict |"
echo "|---|---|---|---|---|---|---|---|---|"
row "1 task, 1 CPU, 1 DSQ, full" 60 --tasks 1 --cpus 1 --user-dsqs 1
row "2 tasks, 1 CPU, 1 DSQ, full" 60 --tasks 2 --cpus 1 --user-dsqs 1
row "1 task, 2 CPUs, 1 DSQ, full" 120 --tasks 1 --cpus 2 --user-dsqs 1
row "2 tasks, 2 CPUs, 1 DSQ, simple" 120 --tasks 2 --cpus 2 --user-dsqs 1 --policy simple
row "2 tasks, 2 CPUs, 1 DSQ, st-dequeue-remote" 120 --tasks 2 --cpus 2 --user-dsqs 1 --policy st-dequeue-remote
row "1 task, 2 CPUs, 1 DSQ, full, --lifecycle --task-death --cycles 2" 120 --tasks 1 --cpus 2 --user-dsqs 1 --lifecycle --task-death --cycles 2
row "1 task, 2 CPUs, 1 DSQ, full, --balance-callbacks" 120 --tasks 1 --cpus 2 --user-dsqs 1 --balance-callbacks
# issue 16: the sub-scheduler slice and its cgroup migrations (1 action, 1 loop)
row "1 task, 2 CPUs, 0 DSQs, full, 1 action, 1 loop, --lifecycle --sub-scheds 1" 120 --tasks 1 --cpus 2 --user-dsqs 0 \
  --dispatch-actions 1 --dispatch-loops 1 --lifecycle --sub-scheds 1
row "1 task, 2 CPUs, 0 DSQs, full, 1 action, 1 loop, --lifecycle --sub-scheds 1 --sub-migrations" 120 --tasks 1 --cpus 2 \
  --user-dsqs 0 --dispatch-actions 1 --dispatch-loops 1 --lifecycle --sub-scheds 1 --sub-migrations
row "1 task, 2 CPUs, 0 DSQs, full, 1 action, 1 loop, --lifecycle --sub-scheds 1 --sub-enable-fail" 120 --tasks 1 --cpus 2 \
  --user-dsqs 0 --dispatch-actions 1 --dispatch-loops 1 --lifecycle --sub-scheds 1 --sub-enable-fail
row "1 task, 2 CPUs, 0 DSQs, full, 1 action, 1 loop, --lifecycle --sub-scheds 1 --sub-early-fail" 120 --tasks 1 --cpus 2 \
  --user-dsqs 0 --dispatch-actions 1 --dispatch-loops 1 --lifecycle --sub-scheds 1 --sub-early-fail
# (the fix of the --sub-fail-parent finding: 7.3.4 itself stops at its violation)
row "1 task, 2 CPUs, 0 DSQs, full, 1 action, 1 loop, --variant switching-to-skips-none (--sub-fail-parent)" 120 \
  --tasks 1 --cpus 2 --user-dsqs 0 --dispatch-actions 1 --dispatch-loops 1 --variant switching-to-skips-none
[ "$mode" = "--quick" ] && exit 0
row "2 tasks, 2 CPUs, 1 DSQ, full, --balance-callbacks" 1200 --tasks 2 --cpus 2 --user-dsqs 1 --balance-callbacks
row "1 task, 2 CPUs, 1 DSQ, full, --kicks --kick-flags wait" 120 --tasks 1 --cpus 2 --user-dsqs 1 --kicks --kick-flags wait
row "2 tasks, 2 CPUs, 1 DSQ, full, 1 action, 1 loop, --kicks --kick-flags wait" 1200 --tasks 2 --cpus 2 --user-dsqs 1 --dispatch-actions 1 --dispatch-loops 1 --kicks --kick-flags wait
row "2 tasks, 2 CPUs, 0 DSQs, full, --lifecycle --task-death" 600 --tasks 2 --cpus 2 --user-dsqs 0 --lifecycle --task-death
# issue 17's size (2 x 2 x 1) for the --lifecycle slices, with 1 dispatch action and 1 loop (the bound
# printed with the figure)
for f in "" "--nmi" "--task-death" "--cycles 2" "--switch-runnable" "--switch-during-walks"; do
  # shellcheck disable=SC2086  # $f is zero or more words
  row "2 tasks, 2 CPUs, 1 DSQ, full, 1 action, 1 loop, --lifecycle${f:+ $f}" 1200 --tasks 2 --cpus 2 --user-dsqs 1 \
    --dispatch-actions 1 --dispatch-loops 1 --lifecycle $f
done
row "1 task, 2 CPUs, 2 DSQs, full" 300 --tasks 1 --cpus 2 --user-dsqs 2
row "2 tasks, 2 CPUs, 1 DSQ, full" 300 --tasks 2 --cpus 2 --user-dsqs 1
row "2 tasks, 2 CPUs, 2 DSQs, full" 300 --tasks 2 --cpus 2 --user-dsqs 2
# issue 22: the visited set with and without its tree (bytes/state is the
# whole store over its states), and one expanding thread against two
row "2 tasks, 2 CPUs, 1 DSQ, full, --no-tree-store" 300 --tasks 2 --cpus 2 --user-dsqs 1 --no-tree-store
row "2 tasks, 2 CPUs, 1 DSQ, full, --threads 1" 300 --tasks 2 --cpus 2 --user-dsqs 1 --threads 1
row "2 tasks, 2 CPUs, 1 DSQ, full, --threads 2" 300 --tasks 2 --cpus 2 --user-dsqs 1 --threads 2
row "3 tasks, 2 CPUs, 1 DSQ, full, first 600 s" 600 --tasks 3 --cpus 2 --user-dsqs 1
row "3 tasks, 2 CPUs, 2 DSQs, full, --lifecycle, first 600 s" 600 --lifecycle
if [ "$mode" = "--full" ]; then
  row "2 tasks, 2 CPUs, 1 DSQ, full, 1 action, 1 loop, --lifecycle --sub-scheds 1, first hour" 3600 --tasks 2 --cpus 2 \
    --user-dsqs 1 --dispatch-actions 1 --dispatch-loops 1 --lifecycle --sub-scheds 1
  row "3 tasks, 2 CPUs, 2 DSQs, full (default)" 0
else
  row "3 tasks, 2 CPUs, 2 DSQs, full (default), first 600 s" 600
fi
