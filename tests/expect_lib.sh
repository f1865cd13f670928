# Shared by the CLI contract scripts (cli_test.sh, review_test.sh): a temp
# directory, pass/fail counters and `expect`.  Source it; end the script
# with `expect_summary`.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0; pass=0
expect() {  # expect NAME WANT_RC PATTERN -- command...
  local name=$1 want=$2 pat=$3; shift 4
  "$@" >"$tmp/out" 2>&1; local rc=$?
  if [ "$rc" != "$want" ]; then echo "FAIL $name: exit $rc, want $want"; sed 's/^/    /' "$tmp/out" | head -20; fail=$((fail+1)); return; fi
  if [ -n "$pat" ] && ! grep -qE -- "$pat" "$tmp/out"; then echo "FAIL $name: output lacks /$pat/"; sed 's/^/    /' "$tmp/out" | head -20; fail=$((fail+1)); return; fi
  echo "ok   $name"; pass=$((pass+1))
}
expect_summary() {
  echo "$pass passed, $fail failed"
  [ "$fail" = 0 ]
}
