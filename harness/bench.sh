#!/usr/bin/env bash
# Benchmark: runs `scxmc check` on a fixed set of configurations and prints
# one markdown row each (states, transitions, depth, seconds, peak memory,
# states/s, verdict).  Figures, not a test: nothing here fails on slowness.
# usage: harness/bench.sh [path/to/scxmc] [--quick]
set -u
scxmc=${1:-build/scxmc}
quick=${2:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
row() {  # row LABEL TIME_LIMIT ARGS...
  local label=$1 limit=$2; shift 2
  "$scxmc" check "$@" --time-limit "$limit" --max-memory 8192 --json "$tmp/r.json" >/dev/null 2>&1
  local rc=$?
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
[ "$quick" = "--quick" ] && exit 0
row "1 task, 2 CPUs, 2 DSQs, full" 300 --tasks 1 --cpus 2 --user-dsqs 2
row "2 tasks, 2 CPUs, 1 DSQ, full" 300 --tasks 2 --cpus 2 --user-dsqs 1
row "3 tasks, 2 CPUs, 2 DSQs, full (default)" 600
