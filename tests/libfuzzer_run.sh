#!/bin/sh
# Runs the libFuzzer target (tests/fuzz_target.cpp) for a fixed number of
# iterations from a seed corpus: the golden traces' first 3000 bytes (first
# byte 'T': the trace reader) and a counterexample JSON ('U': replay).
# usage: libfuzzer_run.sh SCXMC GOLDEN_DIR FUZZER [RUNS]
set -eu
scxmc=$1 golden=$2 fuzzer=$3 runs=${4:-20000}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir "$dir/corpus"
for g in "$golden"/*.bin; do
  { printf T; head -c 3000 "$g"; } >"$dir/corpus/$(basename "$g")"
done
"$scxmc" check --variant dequeue-legacy --tasks 1 --cpus 2 --user-dsqs 1 --stop-at-first --ladder-time 0 \
  --json "$dir/base.json" >/dev/null || [ $? = 1 ]
{ printf U; cat "$dir/base.json"; } >"$dir/corpus/cex.json"
exec "$fuzzer" "$dir/corpus" -runs="$runs" -seed=20 -max_len=8192 -rss_limit_mb=2048 -timeout=20
