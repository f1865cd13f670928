#!/usr/bin/env bash
# `scxmc review`'s base cache (harness/base_cache.hpp): a complete check of
# linux-7.3.4 in which everything holds is stored and reused by the next
# review with the same configuration and invariants, never by another one;
# a damaged entry is reported and replaced; --no-base-cache neither reads
# nor writes; a bad --base-cache exits 2.  And cmake/fingerprint.cmake: the
# fingerprint changes with any listed file and the header is not rewritten
# when nothing changed; the build's list holds the model and not the
# variants' own files.
# usage: base_cache_test.sh path/to/scxmc SOURCE_DIR BINARY_DIR
set -u
SCXMC=$1 SRC=$2 BIN=$3
. "$(dirname "$0")/expect_lib.sh"
export XDG_CACHE_HOME="$tmp/xdg"   # never the user's cache
two="--tasks 1 --cpus 2 --user-dsqs 1 --diff-length 0"
lacks() {  # lacks NAME PATTERN: the last output does not match
  if grep -qE -- "$2" "$tmp/out"; then echo "FAIL $1: output has /$2/"; sed 's/^/    /' "$tmp/out" | head -20; fail=$((fail+1))
  else echo "ok   $1"; pass=$((pass+1)); fi
}
bc="$tmp/bc"
expect first-searches 0 "linux-7.3.4: 19922 states" -- "$SCXMC" review --variant dequeue-rfc-merged $two --base-cache "$bc"
lacks first-not-cached "from the base cache"
n=$(ls "$bc"/*.json 2>/dev/null | wc -l)
if [ "$n" = 1 ]; then echo "ok   one-entry"; pass=$((pass+1)); else echo "FAIL one-entry: $n files in $bc"; fail=$((fail+1)); fi
expect second-cached 0 "linux-7.3.4: 19922 states, .* from the base cache $bc/[0-9a-f]{16}\.json" -- \
  "$SCXMC" review --variant dequeue-rfc-merged $two --base-cache "$bc" --json "$tmp/cached.json"
# the verdicts do not change: a variant that breaks custody still does
expect cached-still-decides 1 "custody +holds +VIOLATED \(new\)" -- \
  "$SCXMC" review --variant dequeue-legacy $two --base-cache "$bc"
grep -q "from the base cache" "$tmp/out" && { echo "ok   legacy-used-cache"; pass=$((pass+1)); } || { echo "FAIL legacy-used-cache"; fail=$((fail+1)); }
if python3 - "$tmp/cached.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
m = j["models"][0]
assert m["name"] == "linux-7.3.4" and m["from_base_cache"].endswith(".json"), m.keys()
assert m["check"]["stats"]["states"] == 19922 and m["check"]["complete"], m["check"]["stats"]
assert all(i["status"] == "holds" for i in m["check"]["invariants"]), m["check"]["invariants"]
assert "from_base_cache" not in j["models"][1]
PY
then echo "ok   cached-json"; pass=$((pass+1)); else echo "FAIL cached-json"; fail=$((fail+1)); fi
# another configuration, other invariants, no symmetry: other keys
expect other-config 0 "linux-7.3.4: 16[0-9]* states|linux-7.3.4: [0-9]+ states" -- \
  "$SCXMC" review --variant dequeue-rfc-merged --tasks 1 --cpus 2 --user-dsqs 0 --diff-length 0 --base-cache "$bc"
lacks other-config-not-cached "from the base cache"
expect other-invariants 0 "" -- "$SCXMC" review --variant dequeue-rfc-merged $two --invariants custody --base-cache "$bc"
lacks other-invariants-not-cached "from the base cache"
expect no-symmetry 0 "" -- "$SCXMC" review --variant dequeue-rfc-merged $two --no-symmetry --base-cache "$bc"
lacks no-symmetry-not-cached "from the base cache"
# a bounded search is neither stored nor served
expect bounded 3 "INCOMPLETE" -- "$SCXMC" review --variant dequeue-rfc-merged $two --max-states 100 --base-cache "$bc"
lacks bounded-not-cached "from the base cache"
# the ladder's rungs of linux-7.3.4 are cached too (the requested
# configuration, bounded by --max-states, is not); the verdict is the same
lc="$tmp/lc"
expect ladder-first 1 "custody +incomplete +VIOLATED \(new@1x2x0\)" -- \
  "$SCXMC" review --variant dequeue-legacy $two --max-states 4000 --base-cache "$lc"
lacks ladder-first-not-cached "base cache\)"
expect ladder-second 1 "linux-7.3.4: 1x2x0 holds \(base cache\)" -- \
  "$SCXMC" review --variant dequeue-legacy $two --max-states 4000 --base-cache "$lc" --json "$tmp/lad.json"
grep -qE "custody +incomplete +VIOLATED \(new@1x2x0\)" "$tmp/out" && { echo "ok   ladder-second-verdict"; pass=$((pass+1)); } || { echo "FAIL ladder-second-verdict"; fail=$((fail+1)); }
if python3 - "$tmp/lad.json" <<'PY'
import json, sys
l = json.load(open(sys.argv[1]))["ladder"]
assert l["linux-7.3.4"]["1x2x0"]["from_base_cache"] and l["linux-7.3.4"]["1x2x0"]["complete"], l
assert not l["dequeue-legacy"]["1x2x0"]["from_base_cache"], l
PY
then echo "ok   ladder-json"; pass=$((pass+1)); else echo "FAIL ladder-json"; fail=$((fail+1)); fi
# a damaged entry: reported, searched again, replaced
for damage in 'not json' '{"format": 9}' ; do
  for g in "$bc"/*.json; do printf '%s' "$damage" >"$g"; done
  expect "damaged-$damage" 0 "base cache: .*ignored" -- "$SCXMC" review --variant dequeue-rfc-merged $two --base-cache "$bc"
  lacks "damaged-searched-$damage" "from the base cache"
done
expect replaced 0 "from the base cache" -- "$SCXMC" review --variant dequeue-rfc-merged $two --base-cache "$bc"
f=$(grep -oE "$bc/[0-9a-f]{16}\.json" "$tmp/out" | head -1)
# a stored entry whose verdict is not "holds" is refused
python3 - "$f" <<'PY'
import json, sys
j = json.load(open(sys.argv[1])); j["invariants"][0]["status"] = "violated"; json.dump(j, open(sys.argv[1], "w"))
PY
expect tampered 0 "base cache: .*status \"violated\" .*ignored" -- "$SCXMC" review --variant dequeue-rfc-merged $two --base-cache "$bc"
# off, and the default location
expect off 0 "" -- "$SCXMC" review --variant dequeue-rfc-merged $two --no-base-cache
if [ ! -e "$XDG_CACHE_HOME" ]; then echo "ok   off-writes-nothing"; pass=$((pass+1)); else echo "FAIL off-writes-nothing"; fail=$((fail+1)); fi
expect default-dir 0 "" -- "$SCXMC" review --variant dequeue-rfc-merged $two
if ls "$XDG_CACHE_HOME"/scxmc/review-base/*.json >/dev/null 2>&1; then echo "ok   default-dir-written"; pass=$((pass+1)); else echo "FAIL default-dir-written"; fail=$((fail+1)); fi
expect bad-dir 2 "--base-cache: cannot create directory" -- "$SCXMC" review --variant dequeue-rfc-merged $two --base-cache /proc/scxmc-no/x
expect dir-is-file 2 "--base-cache: .*not a directory" -- "$SCXMC" review --variant dequeue-rfc-merged $two --base-cache "$f"
expect no-dir 2 "--base-cache needs a value" -- "$SCXMC" review --variant dequeue-rfc-merged $two --base-cache

# the fingerprint script
mkdir -p "$tmp/fp/a" && echo one >"$tmp/fp/a/x.cpp" && echo two >"$tmp/fp/y.hpp"
printf '%s\n' "$tmp/fp/a/x.cpp" "$tmp/fp/y.hpp" >"$tmp/fp/list"
fp() { cmake -DROOT="$tmp/fp" -DOUT="$tmp/fp/out.hpp" -DLIST="$tmp/fp/list" -P "$SRC/cmake/fingerprint.cmake" && grep -o '"[0-9a-f]\{64\}"' "$tmp/fp/out.hpp"; }
h1=$(fp); t1=$(stat -c %Y.%N "$tmp/fp/out.hpp"); sleep 1; h1b=$(fp); t1b=$(stat -c %Y.%N "$tmp/fp/out.hpp")
echo three >"$tmp/fp/a/x.cpp"; h2=$(fp)
mv "$tmp/fp/y.hpp" "$tmp/fp/a/y.hpp"; printf '%s\n' "$tmp/fp/a/x.cpp" "$tmp/fp/a/y.hpp" >"$tmp/fp/list"; h3=$(fp)
if [ -n "$h1" ] && [ "$h1" = "$h1b" ] && [ "$t1" = "$t1b" ] && [ "$h1" != "$h2" ] && [ "$h2" != "$h3" ]; then
  echo "ok   fingerprint-script"; pass=$((pass+1))
else echo "FAIL fingerprint-script: $h1 $h1b $t1 $t1b $h2 $h3"; fail=$((fail+1)); fi
list="$BIN/harness/fingerprint_files.txt"
if grep -q "/model/ext_core.cpp$" "$list" && grep -q "/invariants/custody.cpp$" "$list" && grep -q "/harness/checker.cpp$" "$list" \
   && ! grep -q "/model/variants/" "$list"; then echo "ok   fingerprint-list"; pass=$((pass+1))
else echo "FAIL fingerprint-list ($list)"; fail=$((fail+1)); fi
expect_summary
