#!/usr/bin/env bash
# CLI contract: exit codes, error messages naming the field, JSON + replay.
# usage: cli_test.sh path/to/scxmc
set -u
SCXMC=$1
. "$(dirname "$0")/expect_lib.sh"
expect help 0 "commands:" -- "$SCXMC" --help
expect check-help 0 "--user-dsqs" -- "$SCXMC" check --help
expect replay-help 0 "confirms" -- "$SCXMC" replay --help
expect no-args 2 "usage" -- "$SCXMC"
expect unknown-cmd 2 "unknown command 'frob'" -- "$SCXMC" frob
expect unknown-opt 2 "unknown option '--frob'" -- "$SCXMC" check --frob
expect bad-tasks 2 "--tasks must be 1..4" -- "$SCXMC" check --tasks 9
expect bad-int 2 "--cpus expects an integer" -- "$SCXMC" check --cpus two
expect missing-val 2 "--policy needs a value" -- "$SCXMC" check --policy
expect bad-policy 2 "unknown policy key 'frob'" -- "$SCXMC" check --policy full:frob=1
expect bad-invariant 2 "unknown invariant 'nope'" -- "$SCXMC" check --invariants custody,nope
expect bad-env 2 "unknown event 'naps'" -- "$SCXMC" check --env wake,naps
expect bad-variant 2 "unknown variant" -- "$SCXMC" check --variant linux-9.9
expect small-holds 0 "custody +holds" -- "$SCXMC" check --tasks 1 --cpus 1 --user-dsqs 1
expect state-limit 3 "INCOMPLETE: state limit" -- "$SCXMC" check --tasks 2 --cpus 2 --max-states 50 --ladder-time 0
expect depth-limit 3 "INCOMPLETE: depth bound 3" -- "$SCXMC" check --tasks 2 --cpus 2 --max-depth 3 --ladder-time 0
# incomplete without a violation: the smaller configurations (same CPUs)
expect ladder-holds 3 "^  1x2x0  all hold" -- "$SCXMC" check --tasks 1 --cpus 2 --user-dsqs 1 --max-depth 2
# a violation on a smaller configuration is one of the requested one
expect ladder-violation 1 "^  1x2x0  VIOLATED custody" -- \
  "$SCXMC" check --variant dequeue-legacy --tasks 1 --cpus 2 --user-dsqs 1 --max-depth 1
expect json 0 "" -- "$SCXMC" check --tasks 1 --cpus 1 --user-dsqs 1 --json "$tmp/r.json"
expect json-valid 0 '"status": "holds"' -- cat "$tmp/r.json"
expect json-badpath 2 "cannot write" -- "$SCXMC" check --tasks 1 --cpus 1 --json /nonexistent/dir/r.json
expect replay-no-violation 2 "records no violated invariant" -- "$SCXMC" replay "$tmp/r.json"
echo '{"config": ' >"$tmp/bad.json"
expect replay-malformed 2 "not valid JSON" -- "$SCXMC" replay "$tmp/bad.json"
expect replay-missing 2 "cannot read" -- "$SCXMC" replay "$tmp/nope.json"
golden=$(cd "$(dirname "$0")" && pwd)/golden
expect validate-help 0 "events accepted" -- "$SCXMC" validate --help
expect validate-golden 0 "verdict: PASS" -- "$SCXMC" validate "$golden/simple.bin" --json "$tmp/v.json"
expect validate-json 0 '"pass": true' -- cat "$tmp/v.json"
head -c 100 "$golden/simple.bin" >"$tmp/trunc.bin"
expect validate-truncated 2 "byte offset 64 \(field 'record'\)" -- "$SCXMC" validate "$tmp/trunc.bin"
expect validate-no-trace 2 "at least one TRACE" -- "$SCXMC" validate
python3 - "$tmp/r.json" "$tmp/forged.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["invariants"][0]["status"] = "violated"
d["invariants"][0]["counterexample"] = [{"transition": "1:0"}]
json.dump(d, open(sys.argv[2], "w"))
PY
expect replay-refutes-forgery 1 "NOT confirmed" -- "$SCXMC" replay "$tmp/forged.json"
python3 - "$tmp/r.json" "$tmp/field.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["config"]["tasks"] = "three"
d["invariants"][0]["status"] = "violated"
d["invariants"][0]["counterexample"] = []
json.dump(d, open(sys.argv[2], "w"))
PY
expect replay-bad-field 2 "config.tasks is missing or not an integer" -- "$SCXMC" replay "$tmp/field.json"
expect sources 0 "ops_dequeue +ext.c:2230" -- "$SCXMC" sources
expect sources-json 0 '"line": 2230' -- "$SCXMC" sources --json
expect invariants 0 "^custody: " -- "$SCXMC" invariants
expect policies 0 "st-dequeue-remote" -- "$SCXMC" policies
expect variants 0 "^linux-7.3.4: " -- "$SCXMC" variants
# scxmc locks: graph verdicts, splat, DOT, JSON + per-edge replay (issue 4)
expect locks-help 0 "possible|cycle" -- "$SCXMC" locks --help
expect locks-acyclic 0 "verdict: acyclic" -- "$SCXMC" locks --policy simple --lifecycle --dot "$tmp/g.dot" --json "$tmp/g.json"
expect locks-dot 0 "digraph lock_order" -- cat "$tmp/g.dot"
expect locks-replay 0 "edges confirmed" -- "$SCXMC" locks --replay "$tmp/g.json"
# issue 17: irq usages and lock-context reports in the output, the JSON and --replay
expect locks-usage 0 '"usage": "IN-HARDIRQ-W"' -- cat "$tmp/g.json"
expect locks-usage-json 0 '"usage": "HARDIRQ-ON-W"' -- cat "$tmp/g.json"
expect locks-usage-replay 0 "irq usages confirmed" -- "$SCXMC" locks --replay "$tmp/g.json"
expect locks-irq-unsafe 1 "WARNING: HARDIRQ-safe -> HARDIRQ-unsafe lock order detected" -- "$SCXMC" locks --tasks 1 --lifecycle --variant link-sched-irqs-on --json "$tmp/lc.json"
expect locks-irq-unsafe-json 0 '"kind": "irq-safe-to-irq-unsafe"' -- cat "$tmp/lc.json"
expect locks-irq-unsafe-replay 0 "irq usages confirmed" -- "$SCXMC" locks --replay "$tmp/lc.json"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d["usages"][0]["class_id"]=99; json.dump(d,open(sys.argv[2],"w"))' "$tmp/g.json" "$tmp/gu.json"
expect locks-replay-bad-usage 2 "usages\[0\]: class_id is not a known lock class" -- "$SCXMC" locks --replay "$tmp/gu.json"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d["reports"]=[{"kind":"frob"}]; json.dump(d,open(sys.argv[2],"w"))' "$tmp/g.json" "$tmp/gr.json"
expect locks-replay-bad-report 2 "reports\[0\]: unknown kind 'frob'" -- "$SCXMC" locks --replay "$tmp/gr.json"
expect locks-cycle 1 "WARNING: possible circular locking dependency detected" -- "$SCXMC" locks --policy simple --lifecycle --variant destroy-dsq-inversion --json "$tmp/c.json"
expect locks-cycle-json 0 '"verdict": "cycle"' -- cat "$tmp/c.json"
expect locks-cycle-replay 0 "edges confirmed" -- "$SCXMC" locks --replay "$tmp/c.json"
expect locks-incomplete 3 "verdict: INCOMPLETE" -- "$SCXMC" locks --policy simple --max-states 50
expect locks-bad-opt 2 "unknown option '--frob'" -- "$SCXMC" locks --frob
expect locks-replay-missing 2 "cannot read" -- "$SCXMC" locks --replay "$tmp/nope.json"
expect locks-replay-notlocks 2 "no 'edges' array" -- "$SCXMC" locks --replay "$tmp/r.json"
if ! command -v dot >/dev/null 2>&1; then
  expect locks-svg-needs-dot 2 "needs graphviz" -- "$SCXMC" locks --policy simple --svg "$tmp/g.svg"
fi
# (the variants' lines here check the violation, the flag in the JSON and
# the replay: --stop-at-first, the rest of the search adds nothing)
expect lifecycle-variant 1 "sleep-in-atomic +violated" -- "$SCXMC" check --policy simple --tasks 2 --cpus 2 --user-dsqs 1 --lifecycle --variant cgroup-attach-holds-lock --invariants sleep-in-atomic --stop-at-first --json "$tmp/v.json"
expect lifecycle-variant-replay 0 "confirmed: sleep-in-atomic" -- "$SCXMC" replay "$tmp/v.json"
# --cycles and --task-death: bounds and their need for --lifecycle; a
# counterexample with both replays, and a bad value in its config is named
expect cycles-range 2 "--cycles expects an integer in 1..3, got .4." -- "$SCXMC" check --lifecycle --cycles 4
expect cycles-needs-lifecycle 2 "more than 1 needs --lifecycle" -- "$SCXMC" check --cycles 2
expect task-death-needs-lifecycle 2 "--task-death needs --lifecycle" -- "$SCXMC" check --task-death
expect cycles-death-variant 1 "lifecycle +violated" -- "$SCXMC" check --variant no-switching-to --lifecycle --tasks 1 --cpus 2 --user-dsqs 0 --cycles 2 --task-death --invariants lifecycle --json "$tmp/cd.json"
expect cycles-death-replay 0 "confirmed: lifecycle" -- "$SCXMC" replay "$tmp/cd.json"
sed 's/"task_death": true/"task_death": 1/' "$tmp/cd.json" >"$tmp/cd-bad.json"
expect task-death-not-bool 2 "config.task_death is not a boolean" -- "$SCXMC" replay "$tmp/cd-bad.json"
sed 's/"cycles": 2/"cycles": 7/' "$tmp/cd.json" >"$tmp/cd-bad2.json"
expect cycles-out-of-range-json 2 "--cycles must be 1..3" -- "$SCXMC" replay "$tmp/cd-bad2.json"
# --sub-scheds (issue 16): bounds, its need for --lifecycle, a counterexample
# of a sub-scheduler variant replays from its JSON, a bad value there is named
expect sub-scheds-range 2 "--sub-scheds must be 0..1" -- "$SCXMC" check --lifecycle --sub-scheds 2
expect sub-scheds-needs-lifecycle 2 "--sub-scheds must be 0..1 .* needs --lifecycle" -- "$SCXMC" check --sub-scheds 1
expect sub-scheds-not-int 2 "--sub-scheds expects an integer" -- "$SCXMC" check --lifecycle --sub-scheds x
expect sub-scheds-variant 1 "sub-callbacks +violated" -- "$SCXMC" check --variant sub-rehome-keeps-sched --tasks 1 --cpus 2 --user-dsqs 1 --invariants sub-callbacks --stop-at-first --json "$tmp/ss.json"
grep -q '"sub_scheds": 1' "$tmp/ss.json" && echo "ok   sub-scheds-in-json" && pass=$((pass+1)) || { echo "FAIL sub-scheds-in-json"; fail=$((fail+1)); }
expect sub-scheds-replay 0 "confirmed: sub-callbacks" -- "$SCXMC" replay "$tmp/ss.json"
sed 's/"sub_scheds": 1/"sub_scheds": 5/' "$tmp/ss.json" >"$tmp/ss-bad.json"
expect sub-scheds-out-of-range-json 2 "--sub-scheds must be 0..1" -- "$SCXMC" replay "$tmp/ss-bad.json"
# --sub-migrations (issue 16): needs --sub-scheds; the reviewer's variant, the flag in the JSON, its
# replay, a bad value there named, and no JSON written by a rejected command line
expect sub-migrations-needs-sub-scheds 2 "--sub-migrations needs --sub-scheds 1" -- "$SCXMC" check --lifecycle --sub-migrations --json "$tmp/sm-rejected.json"
[ ! -e "$tmp/sm-rejected.json" ] && echo "ok   sub-migrations-rejected-no-json" && pass=$((pass+1)) || { echo "FAIL sub-migrations-rejected-no-json"; fail=$((fail+1)); }
expect sub-migrations-variant 1 "sub-ownership +violated" -- "$SCXMC" check --variant sub-migrate-rehome-early --tasks 1 --cpus 2 --user-dsqs 0 --dispatch-actions 1 --dispatch-loops 1 --no-ladder --invariants sub-ownership --stop-at-first --json "$tmp/sm.json"
grep -q '"sub_migrations": true' "$tmp/sm.json" && echo "ok   sub-migrations-in-json" && pass=$((pass+1)) || { echo "FAIL sub-migrations-in-json"; fail=$((fail+1)); }
expect sub-migrations-replay 0 "confirmed: sub-ownership" -- "$SCXMC" replay "$tmp/sm.json"
sed 's/"sub_migrations": true/"sub_migrations": 1/' "$tmp/sm.json" >"$tmp/sm-bad.json"
expect sub-migrations-not-bool 2 "config.sub_migrations is not a boolean" -- "$SCXMC" replay "$tmp/sm-bad.json"
# --sub-fail-parent (issue 16): needs --sub-scheds; 7.3.4's finding (lifecycle, exit 1) and its replay;
# the reviewer's variant caught by kernel-warn; the flag in the JSON; a non-boolean field
expect sub-fail-parent-needs-sub-scheds 2 "--sub-fail-parent needs --sub-scheds 1" -- "$SCXMC" check --lifecycle --sub-fail-parent --json "$tmp/sfp-rejected.json"
[ ! -e "$tmp/sfp-rejected.json" ] && echo "ok   sub-fail-parent-rejected-no-json" && pass=$((pass+1)) || { echo "FAIL sub-fail-parent-rejected-no-json"; fail=$((fail+1)); }
expect sub-fail-parent-finding 1 "lifecycle +violated: ops.enable\(p0\) with p0 in scx state NONE" -- "$SCXMC" check --lifecycle --sub-scheds 1 --sub-fail-parent --tasks 1 --cpus 2 --user-dsqs 0 --dispatch-actions 1 --dispatch-loops 1 --no-ladder --invariants lifecycle --json "$tmp/sfp.json"
grep -q '"sub_fail_parent": true' "$tmp/sfp.json" && echo "ok   sub-fail-parent-in-json" && pass=$((pass+1)) || { echo "FAIL sub-fail-parent-in-json"; fail=$((fail+1)); }
expect sub-fail-parent-replay 0 "confirmed: lifecycle" -- "$SCXMC" replay "$tmp/sfp.json"
expect sub-fail-parent-variant 1 "kernel-warn +violated: WARN: scx_punt_task" -- "$SCXMC" check --variant sub-fail-parent-no-bypass --tasks 1 --cpus 2 --user-dsqs 0 --dispatch-actions 1 --dispatch-loops 1 --no-ladder --invariants kernel-warn
sed 's/"sub_fail_parent": true/"sub_fail_parent": "yes"/' "$tmp/sfp.json" >"$tmp/sfp-bad.json"
expect sub-fail-parent-not-bool 2 "config.sub_fail_parent is not a boolean" -- "$SCXMC" replay "$tmp/sfp-bad.json"
# --sub-enable-fail, --sub-cgroup-all (issue 16): need --sub-scheds; a variant of the abort caught, its JSON
# carries both fields and replays; a non-boolean field is named
expect sub-enable-fail-needs-sub-scheds 2 "--sub-enable-fail needs --sub-scheds 1" -- "$SCXMC" check --lifecycle --sub-enable-fail --json "$tmp/sef-rejected.json"
[ ! -e "$tmp/sef-rejected.json" ] && echo "ok   sub-enable-fail-rejected-no-json" && pass=$((pass+1)) || { echo "FAIL sub-enable-fail-rejected-no-json"; fail=$((fail+1)); }
expect sub-cgroup-all-needs-sub-scheds 2 "--sub-cgroup-all needs --sub-scheds 1" -- "$SCXMC" check --lifecycle --sub-cgroup-all
expect sub-enable-fail-variant 1 "sub-callbacks +violated: ops.disable\(p0\) \[child\]" -- "$SCXMC" check --variant sub-abort-disables --tasks 2 --cpus 2 --user-dsqs 0 --dispatch-actions 1 --dispatch-loops 1 --no-ladder --invariants sub-callbacks --stop-at-first --json "$tmp/sef.json"
grep -q '"sub_enable_fail": true' "$tmp/sef.json" && grep -q '"sub_cgroup_all": true' "$tmp/sef.json" && echo "ok   sub-enable-fail-in-json" && pass=$((pass+1)) || { echo "FAIL sub-enable-fail-in-json"; fail=$((fail+1)); }
expect sub-enable-fail-replay 0 "confirmed: sub-callbacks" -- "$SCXMC" replay "$tmp/sef.json"
sed 's/"sub_enable_fail": true/"sub_enable_fail": 1/' "$tmp/sef.json" >"$tmp/sef-bad.json"
expect sub-enable-fail-not-bool 2 "config.sub_enable_fail is not a boolean" -- "$SCXMC" replay "$tmp/sef-bad.json"
# --sub-early-fail (issue 16): needs --sub-scheds; a variant of the early failures caught by sub-pairing, its
# JSON names the flag, replays, and a non-boolean value is refused naming the field
expect sub-early-fail-needs-sub-scheds 2 "--sub-early-fail needs --sub-scheds 1" -- "$SCXMC" check --lifecycle --sub-early-fail
expect sub-early-fail-variant 1 "sub-pairing +violated: ops.sub_detach\(\): the child is not attached" -- "$SCXMC" check --variant sub-detach-unattached --tasks 1 --cpus 2 --user-dsqs 0 --dispatch-actions 1 --dispatch-loops 1 --no-ladder --invariants sub-pairing --stop-at-first --json "$tmp/sxf.json"
grep -q '"sub_early_fail": true' "$tmp/sxf.json" && echo "ok   sub-early-fail-in-json" && pass=$((pass+1)) || { echo "FAIL sub-early-fail-in-json"; fail=$((fail+1)); }
expect sub-early-fail-replay 0 "confirmed: sub-pairing" -- "$SCXMC" replay "$tmp/sxf.json"
sed 's/"sub_early_fail": true/"sub_early_fail": "yes"/' "$tmp/sxf.json" >"$tmp/sxf-bad.json"
expect sub-early-fail-not-bool 2 "config.sub_early_fail is not a boolean" -- "$SCXMC" replay "$tmp/sxf-bad.json"
# --balance-callbacks (issue 17): the reviewer's variant, the flag in the JSON, its replay
expect bal-cb-variant 1 "kernel-warn +violated: WARN: rq_pin_lock" -- "$SCXMC" check --variant bal-cb-in-dispatch --tasks 2 --cpus 2 --user-dsqs 0 --no-ladder --invariants kernel-warn --stop-at-first --json "$tmp/bc.json"
grep -q '"balance_callbacks": true' "$tmp/bc.json" && echo "ok   bal-cb-in-json" && pass=$((pass+1)) || { echo "FAIL bal-cb-in-json"; fail=$((fail+1)); }
expect bal-cb-replay 0 "confirmed: kernel-warn" -- "$SCXMC" replay "$tmp/bc.json"
# --nmi (issue 17 part 2): needs --lifecycle; the reviewer's variant, the flag in the JSON, its replay
expect nmi-needs-lifecycle 2 "--nmi needs --lifecycle" -- "$SCXMC" check --nmi
expect nmi-variant 1 "lock-context +violated: lock in NMI context" -- "$SCXMC" check --variant hardlockup-takes-sched-lock --tasks 1 --cpus 2 --user-dsqs 1 --no-ladder --invariants lock-context --json "$tmp/nmi.json"
grep -q '"nmi": true' "$tmp/nmi.json" && echo "ok   nmi-in-json" && pass=$((pass+1)) || { echo "FAIL nmi-in-json"; fail=$((fail+1)); }
expect nmi-replay 0 "confirmed: lock-context" -- "$SCXMC" replay "$tmp/nmi.json"
expect nmi-locks 1 "WARNING: lock taken in NMI context" -- "$SCXMC" locks --tasks 1 --user-dsqs 1 --variant hardlockup-takes-sched-lock
# --switch-runnable (issue 17 part 1): needs --lifecycle; the reviewer's variant, the flag in the JSON, its replay
expect switch-needs-lifecycle 2 "--switch-runnable needs --lifecycle" -- "$SCXMC" check --switch-runnable
expect switch-variant 1 "kernel-warn +violated: WARN: scx_disable_task: p is in BPF custody" -- "$SCXMC" check --variant switching-from-disables --tasks 1 --cpus 2 --user-dsqs 1 --no-ladder --invariants kernel-warn --json "$tmp/switch.json"
grep -q '"switch_runnable": true' "$tmp/switch.json" && echo "ok   switch-in-json" && pass=$((pass+1)) || { echo "FAIL switch-in-json"; fail=$((fail+1)); }
expect switch-replay 0 "confirmed: kernel-warn" -- "$SCXMC" replay "$tmp/switch.json"
# --switch-during-walks (issue 17): the same contract
expect walks-needs-lifecycle 2 "--switch-during-walks needs --lifecycle" -- "$SCXMC" check --switch-during-walks
expect walks-variant 1 "lifecycle +violated: p0 is on ext \(ENABLED\) with a policy task_should_scx keeps off ext" -- "$SCXMC" check --variant enable-switches-every-ready --tasks 1 --cpus 2 --user-dsqs 0 --no-ladder --invariants lifecycle --json "$tmp/walks.json"
grep -q '"switch_walks": true' "$tmp/walks.json" && echo "ok   walks-in-json" && pass=$((pass+1)) || { echo "FAIL walks-in-json"; fail=$((fail+1)); }
expect walks-replay 0 "confirmed: lifecycle" -- "$SCXMC" replay "$tmp/walks.json"
expect walks-locks 0 "" -- "$SCXMC" locks --tasks 1 --cpus 2 --user-dsqs 0 --lifecycle --switch-during-walks
# --kicks (issue 17 part 2): the flag's bounds, the reviewer's variant, the flags in the JSON, its replay
expect kicks-not-with-lifecycle 2 "--kicks does not compose with --lifecycle" -- "$SCXMC" check --kicks --lifecycle
expect kick-flags-unknown 2 "--kick-flags: unknown flag set 'idle'" -- "$SCXMC" check --kicks --kick-flags idle
expect kicks-variant 1 "lock-order +violated: spins on rq->scx.kick_sync" -- "$SCXMC" check --variant kick-wait-in-hardirq --tasks 2 --cpus 2 --user-dsqs 0 --kick-flags wait --no-ladder --stop-at-first --json "$tmp/kick.json"
grep -q '"kicks": true' "$tmp/kick.json" && grep -q '"kick_flags": 4' "$tmp/kick.json" && echo "ok   kicks-in-json" && pass=$((pass+1)) || { echo "FAIL kicks-in-json"; fail=$((fail+1)); }
expect kicks-replay 0 "confirmed: lock-order" -- "$SCXMC" replay "$tmp/kick.json"
# --no-tree-store (issue 22): the flat visited set finds the same states,
# transitions and shortest counterexample as the tree; the settings say so
expect tree-store 0 "" -- "$SCXMC" check --tasks 1 --cpus 2 --user-dsqs 1 --no-ladder
grep -o 'states [0-9]*, transitions [0-9]*, depth [0-9]*' "$tmp/out" >"$tmp/tree.counts"
expect flat-store 0 "time-limit 600 s, no-tree-store" -- "$SCXMC" check --tasks 1 --cpus 2 --user-dsqs 1 --no-ladder --no-tree-store
grep -o 'states [0-9]*, transitions [0-9]*, depth [0-9]*' "$tmp/out" >"$tmp/flat.counts"
[ -s "$tmp/tree.counts" ] && cmp -s "$tmp/tree.counts" "$tmp/flat.counts" && echo "ok   tree-flat-same-counts" && pass=$((pass+1)) || { echo "FAIL tree-flat-same-counts: $(cat "$tmp/tree.counts") vs $(cat "$tmp/flat.counts")"; fail=$((fail+1)); }
expect flat-store-variant 1 "custody +violated" -- "$SCXMC" check --variant dequeue-legacy --tasks 1 --cpus 2 --user-dsqs 1 --no-ladder --no-tree-store --invariants custody --json "$tmp/flat.json"
expect flat-store-replay 0 "confirmed: custody" -- "$SCXMC" replay "$tmp/flat.json"
# issue 20: no shell.  A fake 'dot' (argument vector only) renders --svg; a
# path with quotes, spaces and ';' is one argument: the svg is written and no
# injected command runs.
mkdir -p "$tmp/fakebin" "$tmp/inj"
cat >"$tmp/fakebin/dot" <<'DOT'
#!/bin/sh
[ "$1" = -Tsvg ] && [ "$3" = -o ] || exit 2
{ echo '<svg>'; cat "$2"; echo '</svg>'; } >"$4"
DOT
chmod +x "$tmp/fakebin/dot"
inj="$tmp/inj/x';touch pwned;' \"y\"; touch pwned2.svg"
expect locks-svg-no-shell 3 "verdict: INCOMPLETE" -- env PATH="$tmp/fakebin:$PATH" sh -c 'cd "$1/inj" && exec "$2" locks --policy simple --max-states 50 --svg "$3"' sh "$tmp" "$(readlink -f "$SCXMC")" "$inj"
expect locks-svg-written 0 "digraph lock_order" -- cat "$inj"
expect locks-svg-nothing-else 0 "^1$" -- sh -c 'ls -A "$1/inj" | wc -l' sh "$tmp"
# issue 20: one atomic writer.  Bad paths fail before the search (exit 2);
# a symlink at the old predictable FILE.tmp is not followed; a failed run
# leaves an existing target untouched.
expect json-dir 2 "--json: '.*' is a directory" -- "$SCXMC" check --tasks 1 --cpus 1 --json "$tmp"
expect json-dir-before-search 1 "" -- sh -c '"$1" check --tasks 1 --cpus 1 --json "$2" 2>&1 | grep -c "states "' sh "$SCXMC" "$tmp"
expect json-empty 2 "--json: an empty file name" -- "$SCXMC" check --tasks 1 --cpus 1 --json ""
# (check goes cheapest first: not even the smaller configurations are searched)
expect json-dir-before-smaller 0 "^0$" -- sh -c '"$1" check --tasks 2 --cpus 2 --user-dsqs 1 --json "$2" 2>/dev/null | wc -l' sh "$SCXMC" "$tmp"
expect validate-json-dir 2 "--json: '.*' is a directory" -- "$SCXMC" validate "$golden/simple.bin" --json "$tmp"
expect review-json-empty 2 "--json: an empty file name" -- "$SCXMC" review --variant dequeue-legacy --tasks 1 --cpus 1 --json ""
expect locks-json-dir 2 "--json: '.*' is a directory" -- "$SCXMC" locks --policy simple --json "$tmp"
expect prove-json-dir 2 "--json: '.*' is a directory" -- "$SCXMC" prove --json "$tmp"
echo precious >"$tmp/victim"
ln -s "$tmp/victim" "$tmp/s.json.tmp"
expect json-no-symlink-follow 0 "" -- "$SCXMC" check --tasks 1 --cpus 1 --user-dsqs 1 --json "$tmp/s.json"
expect json-victim-untouched 0 "^precious$" -- cat "$tmp/victim"
expect json-written 0 '"complete": true' -- cat "$tmp/s.json"
echo precious >"$tmp/keep.json"
expect validate-fail-keeps-json 2 "byte offset 64" -- "$SCXMC" validate "$tmp/trunc.bin" --json "$tmp/keep.json"
expect validate-kept-json 0 "^precious$" -- cat "$tmp/keep.json"
expect no-temporaries-left 0 "^0$" -- sh -c 'ls -A "$1" | grep -c "^\.\(s\|keep\|r\)\.json\." || true' sh "$tmp"
# issue 20: SIGINT/SIGTERM stop at the next state boundary: statistics so
# far, INCOMPLETE: interrupted, --json with complete: false, exit 3; a second
# signal ends the process at once and leaves no temporary.
interrupted() {  # interrupted NAME SIG SECONDS -- command...  (runs it, signals it, records rc + output)
  local name=$1 sig=$2 secs=$3; shift 4
  "$@" >"$tmp/$name.out" 2>&1 &
  local pid=$!
  sleep "$secs"; kill -"$sig" "$pid"; wait "$pid"; echo "rc=$?" >>"$tmp/$name.out"
}
# (the requested configuration alone: --no-ladder; check goes cheapest first
# otherwise, issue 21, and the signal lands in a smaller configuration, below)
interrupted sig-check TERM 2 -- "$SCXMC" check --no-ladder --threads 2 --json "$tmp/int.json"
expect sigterm-check 0 "^rc=3$" -- cat "$tmp/sig-check.out"
expect sigterm-check-stats 0 "INCOMPLETE: interrupted" -- cat "$tmp/sig-check.out"
expect sigterm-check-states 0 "^  states [1-9][0-9]*, transitions" -- cat "$tmp/sig-check.out"
expect sigterm-check-json 0 '"complete": false' -- cat "$tmp/int.json"
expect sigterm-check-no-ladder 1 "" -- grep -qE "cheapest first|smaller configurations" "$tmp/sig-check.out"
# cheapest first: a SIGINT during a smaller configuration (2x2x0 runs from
# about 1 s to 10 s) stops it with its states so far and ends the whole run:
# no further configuration, the requested one not searched, exit 3,
# --json complete: false.
interrupted sig-check-rung INT 2 -- "$SCXMC" check --threads 2 --json "$tmp/intr-rung.json"
expect sigint-check-rung 0 "^rc=3$" -- cat "$tmp/sig-check-rung.out"
expect sigint-check-rung-line 0 "^  [1-3]x2x[0-2]  incomplete: interrupted \([1-9][0-9]* states" -- cat "$tmp/sig-check-rung.out"
expect sigint-check-rung-requested 0 "^3x2x2 \(requested\): not searched \(interrupted" -- cat "$tmp/sig-check-rung.out"
expect sigint-check-rung-verdict 0 "^verdict: INCOMPLETE: interrupted.*\(exit 3\)$" -- cat "$tmp/sig-check-rung.out"
expect sigint-check-rung-no-more 1 "" -- grep -qE "^  3x2x1  |^3x2x2 \(requested\), at most" "$tmp/sig-check-rung.out"
expect sigint-check-rung-json 0 "rung json ok" -- python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["complete"] is False and d["incomplete_reason"] == "interrupted", d.get("incomplete_reason")
s = d["summary"]
assert s["exit"] == 3 and not s["requested_searched"] and s.get("interrupted") is True, s
assert any(r.get("incomplete_reason") == "interrupted" for r in d["ladder"].values()), d["ladder"]
print("rung json ok")' "$tmp/intr-rung.json"
# ... and during the requested configuration, after the smaller ones
# (1x2x0 takes well under a second, 2x2x0 several): its statistics so far.
interrupted sig-check-top INT 2 -- "$SCXMC" check --tasks 2 --user-dsqs 0 --threads 2
expect sigint-check-top 0 "^rc=3$" -- cat "$tmp/sig-check-top.out"
expect sigint-check-top-states 0 "^  states [1-9][0-9]*, transitions" -- cat "$tmp/sig-check-top.out"
expect sigint-check-top-verdict 0 "^verdict: INCOMPLETE: interrupted" -- cat "$tmp/sig-check-top.out"
interrupted sig-locks INT 1 -- "$SCXMC" locks --json "$tmp/intl.json"
expect sigint-locks 0 "^rc=3$" -- cat "$tmp/sig-locks.out"
expect sigint-locks-verdict 0 "verdict: INCOMPLETE: interrupted" -- cat "$tmp/sig-locks.out"
expect sigint-locks-json 0 '"nodes"|"edges"' -- cat "$tmp/intl.json"
interrupted sig-review INT 2 -- "$SCXMC" review --variant dequeue-legacy --time-limit 60 --json "$tmp/intr.json"
expect sigint-review 0 "^rc=(1|3)$" -- cat "$tmp/sig-review.out"
expect sigint-review-says 0 "INCOMPLETE: interrupted" -- cat "$tmp/sig-review.out"
expect sigint-review-json 0 '"incomplete_reason": "interrupted"' -- cat "$tmp/intr.json"
interrupted sig-prove INT 1 -- "$SCXMC" prove --json "$tmp/intp.json"
expect sigint-prove 0 "^rc=3$" -- cat "$tmp/sig-prove.out"
expect sigint-prove-json 0 '"complete": false' -- cat "$tmp/intp.json"
# the second signal: at once, with its default action (128 + 2 or 15), no
# temporary left.  (Stopped while both are sent, so that both are pending
# when it continues: deterministic.)
"$SCXMC" check --json "$tmp/twice.json" >/dev/null 2>&1 &
pid=$!; sleep 1; kill -STOP $pid; kill -INT $pid; kill -TERM $pid; kill -CONT $pid; wait $pid; rc=$?
expect sigint-twice 0 "^(130|143)$" -- echo $rc
expect sigint-twice-no-temp 0 "^0$" -- sh -c 'ls -A "$1" | grep -c "^\.twice\.json\." || true' sh "$tmp"
# issue 20: validate checks the 64-byte header before reading anything else,
# streams records, and has --max-memory/--time-limit (INCOMPLETE, exit 3).
python3 - "$golden/simple.bin" "$tmp/cpu3.bin" <<'PY'
import sys
d = bytearray(open(sys.argv[1], "rb").read()); d[16] = 3  # header nr_cpus 2 -> 3: a one-bit flip
open(sys.argv[2], "wb").write(d)
PY
expect validate-3cpu-time 3 "INCOMPLETE: time limit of 2 s" -- "$SCXMC" validate "$tmp/cpu3.bin" --time-limit 2 --json "$tmp/c3.json"
expect validate-3cpu-json 0 '"complete": false' -- cat "$tmp/c3.json"
expect validate-3cpu-memory 3 "INCOMPLETE: memory limit of 200 MiB" -- "$SCXMC" validate "$tmp/cpu3.bin" --max-memory 200 --time-limit 60
expect validate-dev-zero 2 "byte offset 0 \(field 'magic'\)" -- timeout 10 "$SCXMC" validate /dev/zero
truncate -s 1G "$tmp/sparse.bin"
if grep -q __asan_init "$SCXMC"; then
expect validate-sparse-fast 2 "bad magic" -- timeout 5 "$SCXMC" validate "$tmp/sparse.bin"
else
expect validate-sparse-fast 2 "bad magic" -- timeout 5 sh -c 'ulimit -v 400000; exec "$1" validate "$2"' sh "$SCXMC" "$tmp/sparse.bin"
fi
rm -f "$tmp/sparse.bin"
expect validate-dir 2 "is a directory" -- "$SCXMC" validate "$tmp"
expect validate-min-accept-nan 2 "--min-accept: 'nan' is not a number" -- "$SCXMC" validate "$golden/simple.bin" --min-accept nan
expect validate-min-accept-plus 2 "--min-accept: '\+50'" -- "$SCXMC" validate "$golden/simple.bin" --min-accept +50
expect validate-max-memory-bad 2 "--max-memory: ' 9'" -- "$SCXMC" validate "$golden/simple.bin" --max-memory " 9"
interrupted sig-validate INT 1 -- "$SCXMC" validate "$tmp/cpu3.bin" --json "$tmp/intv.json"
expect sigint-validate 0 "^rc=3$" -- cat "$tmp/sig-validate.out"
expect sigint-validate-says 0 "INCOMPLETE: interrupted" -- cat "$tmp/sig-validate.out"
expect sigint-validate-json 0 '"complete": false' -- cat "$tmp/intv.json"
# issue 20: memory.  std::bad_alloc in a search is INCOMPLETE (exit 3) with
# the statistics so far and no temporary; the ladder's rungs are limited by
# the memory in use now, not by the process's peak.
# (an ASan build reserves terabytes of address space: ulimit -v cannot apply)
if ! grep -q __asan_init "$SCXMC"; then
expect oom-incomplete 3 "INCOMPLETE: out of memory" -- sh -c 'ulimit -v 90000; exec "$1" check --threads 1 --max-memory 0 --time-limit 60 --ladder-time 0 --json "$2"' sh "$SCXMC" "$tmp/oom.json"
expect oom-no-temp 0 "^0$" -- sh -c 'ls -A "$1" | grep -c "^\.oom\.json\." || true' sh "$tmp"
# cheapest first: out of memory in a smaller configuration is that
# configuration's INCOMPLETE, never an abort; the run ends INCOMPLETE (exit 3)
# (no time limit, so that only memory can stop a configuration: with time
# limits a loaded machine stopped the rungs on time first)
expect oom-in-rung 3 "^  [23]x2x[0-2]  incomplete: out of memory \(std::bad_alloc" -- sh -c 'ulimit -v 90000; exec "$1" check --threads 1 --max-memory 0 --time-limit 0 --ladder-time 100000 --json "$2"' sh "$SCXMC" "$tmp/oomr.json"
cp "$tmp/out" "$tmp/oomr.out"
expect oom-in-rung-verdict 0 "^verdict: INCOMPLETE" -- cat "$tmp/oomr.out"
expect oom-in-rung-json 0 '"complete": false' -- cat "$tmp/oomr.json"
# The memory limit is compared with the resident memory now, in every
# configuration: a smaller one stops above half of --max-memory, the
# requested one above --max-memory; the smallest ones, searched first,
# finish.  (Skipped for ASan: its resident memory at start exceeds 20 MiB.  That a
# configuration after one that stopped at its memory limit is limited by its
# own memory, not the process's peak, is cost_order_test's
# MemoryLimitIsTheResidentMemoryNotThePeak.)
expect ladder-memory-limit 3 "^  1x2x0  all hold" -- "$SCXMC" check --max-memory 40 --ladder-time 10
cp "$tmp/out" "$tmp/ladmem.out"
expect ladder-memory-rung-half 0 "^  [23]x2x[0-2]  incomplete: memory limit of 20 MiB" -- cat "$tmp/ladmem.out"
expect ladder-memory-requested 0 "INCOMPLETE: memory limit of 40 MiB" -- cat "$tmp/ladmem.out"
fi
# issue 20: replay robustness.  Type errors name the field (exit 2, never an
# abort); a directory is exit 2; integers out of range are rejected, not
# truncated; "format" is checked; transitions are plain digits.
# (custody only: with the finer steps of issue 15 deq-flags is found first otherwise)
"$SCXMC" check --variant dequeue-legacy --tasks 1 --cpus 2 --user-dsqs 1 --invariants custody --stop-at-first --ladder-time 0 --json "$tmp/dl.json" >/dev/null
expect replay-dl-confirmed 0 "^confirmed: custody" -- "$SCXMC" replay "$tmp/dl.json"
edit() {  # edit NAME PYTHON-EXPR-ON-d : writes $tmp/NAME.json from dl.json
  python3 - "$tmp/dl.json" "$tmp/$1.json" "$2" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
exec(sys.argv[3])
json.dump(d, open(sys.argv[2], "w"))
PY
}
for st in 3 null '[1]' '{}'; do
  edit "status-$st" "d['invariants'][1]['status'] = json.loads('$st')"
  expect "replay-status-$st" 2 "invariants\[deadlock\]\.status is not a string" -- "$SCXMC" replay "$tmp/status-$st.json"
done
edit cpus-wrap "d['config']['cpus'] = 4294967298"
expect replay-int-range 2 "config\.cpus is out of range 0\.\.1000: 4294967298" -- "$SCXMC" replay "$tmp/cpus-wrap.json"
edit tasks-neg "d['config']['tasks'] = -1"
expect replay-int-negative 2 "config\.tasks is out of range" -- "$SCXMC" replay "$tmp/tasks-neg.json"
edit env-bits "d['config']['env'] = 1 << 20"
expect replay-env-bits 2 "config\.env is out of range" -- "$SCXMC" replay "$tmp/env-bits.json"
edit format2 "d['format'] = 2"
expect replay-format 2 "format 2 is not supported" -- "$SCXMC" replay "$tmp/format2.json"
edit noformat "del d['format']"
expect replay-format-missing 2 "no 'format' field" -- "$SCXMC" replay "$tmp/noformat.json"
edit plus-transition "d['invariants'][0]['counterexample'][0]['transition'] = '+' + d['invariants'][0]['counterexample'][0]['transition']"
expect replay-transition-plus 2 "'transition' is missing or malformed" -- "$SCXMC" replay "$tmp/plus-transition.json"
edit notobject "d = [d]"
expect replay-not-object 2 "no 'config' object" -- "$SCXMC" replay "$tmp/notobject.json"
edit steps-type "d['invariants'][0]['counterexample'] = {'a': 1}"
expect replay-steps-type 2 "counterexample is missing" -- "$SCXMC" replay "$tmp/steps-type.json"
expect replay-dir 2 "is a directory" -- "$SCXMC" replay "$tmp"
expect locks-replay-dir 2 "is a directory" -- "$SCXMC" locks --replay "$tmp"
python3 - "$tmp/g.json" "$tmp/gbad.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); d["edges"][0]["from_class"] = 4294967297
json.dump(d, open(sys.argv[2], "w"))
PY
expect locks-replay-class-range 2 "from_class/to_class is not a known lock class" -- "$SCXMC" locks --replay "$tmp/gbad.json"
# issue 20: strict parsing.  Numbers: digits only, in range; --policy:
# no empty item, trailing '|', empty value list or repeated key.
expect int-leading-space 2 "--tasks expects an integer in 0\.\.1000, got ' 1'" -- "$SCXMC" check --tasks " 1"
expect int-plus 2 "--tasks expects an integer in 0\.\.1000, got '\+1'" -- "$SCXMC" check --tasks +1
expect int-trailing 2 "--max-states expects an integer" -- "$SCXMC" check --max-states 5x
expect int-huge 2 "--time-limit expects an integer" -- "$SCXMC" check --time-limit 99999999999999999999999
expect prove-timeout-huge 2 "--timeout-ms expects an integer in 1\.\.86400000" -- "$SCXMC" prove --timeout-ms 99999999999999999999
expect policy-colon-empty 2 "'full:': nothing after ':'" -- "$SCXMC" check --policy full:
expect policy-trailing-bar 2 "policy key 'enqueue': empty value in 'keep\|'" -- "$SCXMC" check --policy "full:enqueue=keep|"
expect policy-empty-item 2 "empty policy item in 'enqueue=keep,,dispatch=move-to-local'" -- "$SCXMC" check --policy "full:enqueue=keep,,dispatch=move-to-local"
expect policy-trailing-comma 2 "empty policy item" -- "$SCXMC" check --policy "full:enqueue=keep,"
expect policy-repeated-key 2 "policy key 'enqueue' is given twice" -- "$SCXMC" check --policy "full:enqueue=keep,enqueue=user"
expect policy-empty-values 2 "policy key 'dispatch' has no value in 'dispatch='" -- "$SCXMC" check --policy "full:dispatch="
expect policy-validate-strict 2 "--policy: policy key 'enqueue' is given twice" -- "$SCXMC" validate "$golden/simple.bin" --policy "enqueue=keep,enqueue=user"
expect env-trailing-comma 2 "--env: unknown event ''" -- "$SCXMC" check --env wake,
expect locks-env-shared 2 "--env: unknown event 'naps'" -- "$SCXMC" locks --env wake,naps
# issue 20: vacuity.  No environment event: no task ever enters custody, so
# custody's "holds" is vacuous (exit 3 unless --allow-vacuous); the header
# shows every setting that shaped the search.
expect vacuous-env 3 "^  custody +vacuous$" -- "$SCXMC" check --env '' --ladder-time 0 --json "$tmp/vac.json"
expect vacuous-env-says 0 "VACUOUS: custody" -- "$SCXMC" check --env '' --ladder-time 0 --allow-vacuous
expect vacuous-settings 3 "^  settings: env none; policy full = select=.*; max-depth none, max-states none, max-memory 8192 MiB, time-limit 600 s$" -- "$SCXMC" check --env '' --ladder-time 0
expect vacuous-json 0 '"status": "vacuous"' -- cat "$tmp/vac.json"
expect vacuous-never-dispatches 3 "^  running-pairing +vacuous$" -- "$SCXMC" check --tasks 2 --cpus 2 --user-dsqs 1 --policy "full:dispatch=nothing,enqueue=keep,select=none" --ladder-time 0
expect not-vacuous 0 "^  custody +holds$" -- "$SCXMC" check --tasks 1 --cpus 2 --user-dsqs 1 --policy simple
expect_summary
