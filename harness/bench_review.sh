#!/usr/bin/env bash
# Benchmark: `scxmc review` of the variants of issue 3 on the default
# configuration.  Prints the wall time, the time per variant, and per variant
# what it newly breaks and on which configuration it was decided.  Figures,
# not a test: nothing here fails on slowness.
# usage: harness/bench_review.sh [path/to/scxmc] [variant...]
set -u
scxmc=${1:-build/scxmc}
shift || true
variants=("$@")
[ ${#variants[@]} -eq 0 ] && variants=(dequeue-legacy dequeue-rfc no-switching-to proxy-exec-v2
                                       proxy-exec-v2-no-pairing-fix proxy-exec-v2-consume-toctou)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
start=$(date +%s.%N)
"$scxmc" review --variant "${variants[@]}" --no-base-cache --json "$tmp/r.json" >"$tmp/out.txt" 2>&1
rc=$?
end=$(date +%s.%N)
python3 - "$tmp/r.json" "$rc" "$start" "$end" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
wall = float(sys.argv[4]) - float(sys.argv[3])
nv = len(j["variants"])
ladder = sum(r["seconds"] for m in j["ladder"].values() for r in m.values() if not r.get("from_base_cache"))
print(f"review of {nv} variants on the default configuration: exit {sys.argv[2]}, {wall:.1f} s wall, "
      f"{wall / nv:.1f} s per variant, {ladder:.1f} s on smaller configurations")
print("| variant | newly breaks (decided on) |")
print("|---|---|")
c = j["config"]
top = f'{c["tasks"]}x{c["cpus"]}x{c["user_dsqs"]}'
for v in j["variants"]:
    cells = [f'{i} ({v["decided_on"].get(i, top)})' for i in v["newly_broken"]]
    print(f'| {v["name"]} | {", ".join(cells) or "nothing"} |')
PY

# One variant on 2 tasks x 2 CPUs x 1 user DSQ, searched to the end: with an
# empty base cache, then again with linux-7.3.4's result in it (the second
# review searches only the variant; harness/base_cache.hpp).
for run in cold warm; do
  start=$(date +%s.%N)
  "$scxmc" review --variant dequeue-rfc-merged --tasks 2 --cpus 2 --user-dsqs 1 --time-limit 0 --diff-length 0 \
    --base-cache "$tmp/bc" --json "$tmp/c.json" >"$tmp/c.txt" 2>&1
  rc=$?
  end=$(date +%s.%N)
  python3 - "$tmp/c.json" "$rc" "$start" "$end" "$run" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
wall = float(sys.argv[4]) - float(sys.argv[3])
b, v = j["models"][0], j["models"][1]
src = "from the base cache" if "from_base_cache" in b else f'searched in {b["check"]["stats"]["seconds"]:.1f} s'
print(f'review of {v["name"]} on 2x2x1 ({sys.argv[5]}): exit {sys.argv[2]}, {wall:.1f} s wall; base {src}; '
      f'variant {v["check"]["stats"]["states"]} states in {v["check"]["stats"]["seconds"]:.1f} s')
PY
done
