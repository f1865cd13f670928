#!/usr/bin/env bash
# `scxmc map-patch` contract (issue 18 part 1): hunks in modeled and
# unmodeled code, JSON, malformed input and patches against other files or
# versions (exit 2 naming PATCH:LINE).  usage: map_patch_test.sh path/to/scxmc REFERENCE_TREE
set -u
SCXMC=$1
REF=$2
P=$(dirname "$0")/patches
. "$(dirname "$0")/expect_lib.sh"
expect help 0 "usage: scxmc map-patch" -- "$SCXMC" map-patch --help
expect in-main-help 0 "map-patch" -- "$SCXMC" --help
expect no-file 2 "FILE.patch is required" -- "$SCXMC" map-patch
expect unreadable 2 "cannot read" -- "$SCXMC" map-patch /nonexistent.patch
expect unknown-opt 2 "unknown option '--frob'" -- "$SCXMC" map-patch "$P/mixed.patch" --frob
expect other-file 2 "other-file.patch:1: 'kernel/sched/fair.c' is not a file the model stands for" -- \
  "$SCXMC" map-patch "$P/other-file.patch"
expect bad-counts 2 "bad-counts.patch:9: a '\+' line after the hunk of line 4 is complete" -- \
  "$SCXMC" map-patch "$P/bad-counts.patch"
expect not-a-diff 2 "not-a-diff.patch:1: no hunk found" -- "$SCXMC" map-patch "$P/not-a-diff.patch"
printf -- '--- a/kernel/sched/ext/ext.c\n+++ b/kernel/sched/ext/ext.c\n@@ -1740,2 +1740,2 @@\n x\n' >"$tmp/truncated.patch"
expect truncated 2 "truncated.patch:4: the patch ends inside the hunk of line 3" -- "$SCXMC" map-patch "$tmp/truncated.patch"
printf -- '--- a/kernel/sched/ext/ext.c\n+++ b/kernel/sched/ext/ext.c\n@@ -17x0,2 +1740,2 @@\n' >"$tmp/header.patch"
expect bad-header 2 "header.patch:3: malformed hunk header" -- "$SCXMC" map-patch "$tmp/header.patch"
printf -- '--- a/kernel/sched/ext/ext.c\n+++ b/kernel/sched/ext/ext.c\n@@ -1740,2 +1740,2 @@\n x\n*y\n' >"$tmp/junk.patch"
expect junk-in-hunk 2 "junk.patch:5: '\*' cannot start a line inside a hunk" -- "$SCXMC" map-patch "$tmp/junk.patch"
if [ -d "$REF/kernel/sched/ext" ]; then
  K="--kernel $REF"
  expect other-version 2 "other-version.patch:3: the hunk's context and removed lines do not match 7.3.4's kernel/sched/ext/ext.c" -- \
    "$SCXMC" map-patch "$P/other-version.patch" $K
  expect modeled 0 "function: scx_dispatch_enqueue \(ext.c:1608-1757\)" -- "$SCXMC" map-patch "$P/mixed.patch" $K
  expect modeled-site 0 "site ext.c:1740 GlobalLeaveCustody \[changed\]" -- "$SCXMC" map-patch "$P/mixed.patch" $K
  expect modeled-hook 0 "hook ExtCore::dsqInsertCustody \(ext.c:1740\) \[changed\]" -- "$SCXMC" map-patch "$P/mixed.patch" $K
  expect unmodeled 0 "function: scx_exit_reason \(ext.c:6436-6464\)  NOT MODELED" -- "$SCXMC" map-patch "$P/mixed.patch" $K
  expect nearest 0 "the model does not cover this code: .* the nearest modeled function is scx_link_sched \(ext.c:6502\)" -- \
    "$SCXMC" map-patch "$P/mixed.patch" $K
  expect no-hook 0 "no variant hook models activate_task yet" -- "$SCXMC" map-patch "$P/mixed.patch" $K
  expect summary 0 "summary: 2 of 3 hunks in modeled functions; hooks a variant would override: dispatchEnqueueLink, dispatchEnqueueTail, dsqInsertCustody" -- \
    "$SCXMC" map-patch "$P/mixed.patch" $K
  # the worked example of docs/check-your-patch.md
  expect doc-example 0 "summary: 1 of 1 hunks in modeled functions; hooks a variant would override: dispatchEnqueueLink, dispatchEnqueueTail, dsqInsertCustody" -- \
    "$SCXMC" map-patch "$P/global-dequeue-locked.patch" $K
  expect offset 0 "applies to 7.3.4 at offset \+5 lines" -- "$SCXMC" map-patch "$P/offset.patch" $K
  if "$SCXMC" map-patch "$P/mixed.patch" $K --json >"$tmp/m.json" && python3 - "$tmp/m.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
assert j["verb"] == "map-patch" and j["unmodeled_hunks"] == 1, j.keys()
h = j["hunks"]
assert [x["patch_line"] for x in h] == [9, 29, 40]
assert h[0]["modeled"] and h[0]["old_lines"] == [1740, 1748]
assert {"dsqInsertCustody", "dispatchEnqueueTail"} <= {k["name"] for k in h[0]["hooks"]}
assert [k["name"] for k in h[0]["hooks"] if k["at_change"]] == ["dsqInsertCustody"]
assert [s["id"] for s in h[0]["sites"] if s["in_hunk"]] == ["GlobalLeaveCustody", "UserEnterCustody"]
assert not h[1]["modeled"] and h[1]["not_modeled"] == ["scx_exit_reason"]
assert h[1]["nearest_modeled"] == {"function": "scx_link_sched", "file": "ext.c", "line": 6502}
assert h[2]["functions"][0]["name"] == "activate_task" and h[2]["hooks"] == []
PY
  then echo "ok   json"; pass=$((pass+1)); else echo "FAIL json"; fail=$((fail+1)); fi
else
  echo "SKIP the cases that need the 7.3.4 sources: $REF not present"
fi
# without the sources: the sites table only, said so; no function is guessed
expect no-sources 0 "no 7.3.4 sources at /nonexistent: functions from the model's sites table only" -- \
  env SCXMC_KERNEL_SRC=/nonexistent "$SCXMC" map-patch "$P/mixed.patch"
expect no-sources-unknown 0 "enclosing function is unknown without the 7.3.4 sources" -- \
  env SCXMC_KERNEL_SRC=/nonexistent "$SCXMC" map-patch "$P/mixed.patch"
expect_summary
