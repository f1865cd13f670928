#!/usr/bin/env bash
# docs/model-to-source.md carries the table `scxmc sources --markdown` prints.
set -u
scxmc=$1 doc=$2
want=$("$scxmc" sources --markdown)
have=$(awk '/<!-- generated: scxmc sources --markdown -->/{on=1; next} /<!-- end generated -->/{on=0} on' "$doc")
if [ "$want" != "$have" ]; then
  echo "FAIL: $doc is out of date; regenerate its table with: scxmc sources --markdown"
  diff <(echo "$want") <(echo "$have") | head -20
  echo "0 passed, 1 failed"
  exit 1
fi
echo "1 passed, 0 failed"
