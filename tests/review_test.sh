#!/usr/bin/env bash
# `scxmc review` contract: exit codes (1 newly broken, 3 incomplete, 2 usage,
# 0 otherwise), JSON shape, replayable counterexamples inside the JSON, and
# the review point of seed 002 that removed the scx_bpf_dsq_move
# counterexample.  usage: review_test.sh path/to/scxmc
set -u
SCXMC=$1
. "$(dirname "$0")/expect_lib.sh"
export XDG_CACHE_HOME="$tmp/xdg"   # the base cache: never the user's
small="--tasks 1 --cpus 1 --user-dsqs 1"
two="--tasks 1 --cpus 2 --user-dsqs 1"
expect help 0 "--variant NAME" -- "$SCXMC" review --help
expect in-main-help 0 "review" -- "$SCXMC" --help
expect no-variant 2 "--variant NAME is required" -- "$SCXMC" review $small
expect unknown-variant 2 "unknown variant 'nope'" -- "$SCXMC" review --variant nope
expect unknown-base 2 "--base: unknown variant" -- "$SCXMC" review --base nope --variant dequeue-legacy
expect unknown-opt 2 "unknown option '--frob'" -- "$SCXMC" review --variant dequeue-legacy --frob
expect bad-json-path 2 "cannot write" -- "$SCXMC" review --variant dequeue-legacy $small --json /nonexistent/x.json
# (2 CPUs: with one allowed CPU the kernel never calls ops.select_cpu,
# core.c:3635-3640, and the select_cpu insert is what legacy mishandles)
expect legacy-breaks 1 "custody +holds +VIOLATED \(new\)" -- "$SCXMC" review --variant dequeue-legacy $two --json "$tmp/legacy.json"
expect legacy-diff 1 "only in dequeue-legacy: select_cpu\(insert USER\) runnable\(WAKEUP\) running" -- \
  "$SCXMC" review --variant dequeue-legacy $two
expect merged-ok 0 "no invariant newly broken" -- "$SCXMC" review --variant dequeue-rfc-merged $two --diff-length 4
# a variant that implies the lifecycle is compared with a base that has it
expect implied-lifecycle 1 "lifecycle +holds +holds +VIOLATED \(new\)" -- \
  "$SCXMC" review --variant no-switching-to --tasks 1 --cpus 1 --user-dsqs 0 --diff-length 0
# ... and with every other slice its factory switches on (the NMI here):
# "held before" is decided with the same behaviours
expect implied-slices 1 "== hardlockup-takes-sched-lock \(against linux-7.3.4\+lifecycle\+nmi\)" -- \
  "$SCXMC" review --variant hardlockup-takes-sched-lock --tasks 1 --cpus 1 --user-dsqs 0 --diff-length 0 --no-ladder
# the slice options themselves, as for check: the base then has them and no
# second base column is needed
expect slice-options 1 "== hardlockup-takes-sched-lock \(against linux-7.3.4\)" -- \
  "$SCXMC" review --variant hardlockup-takes-sched-lock --lifecycle --nmi --tasks 1 --cpus 1 --user-dsqs 0 \
  --diff-length 0 --no-ladder
expect slice-option-bad 2 "--cycles expects an integer in 1..3, got '9'" -- \
  "$SCXMC" review --variant dequeue-legacy --lifecycle --cycles 9
expect fixes 0 "newly fixes custody" -- "$SCXMC" review --base dequeue-legacy --variant linux-7.3.4 $small
expect incomplete 3 "INCOMPLETE" -- "$SCXMC" review --variant dequeue-rfc-merged $two --max-states 100 --diff-length 6
expect no-verdict-shows-cex 3 "custody: no verdict .*counterexample does not violate it in linux-7.3.4" -- \
  "$SCXMC" review --variant dequeue-legacy $two --max-states 4000 --diff-length 0 --no-ladder
# the same bounds with the ladder: decided on the smallest configuration where
# the base holds custody exhaustively and the variant violates it; the
# behaviour diff falls back to the largest configuration both exhausted
expect ladder-decides 1 "custody +incomplete +VIOLATED \(new@1x2x0\)" -- \
  "$SCXMC" review --variant dequeue-legacy $two --max-states 4000 --json "$tmp/ladder.json"
# a rung's counterexample is shown replayed on the requested configuration
# (rungs are bounded by time only: --max-depth 1 keeps the 3-step
# counterexample (the nice's sched_change pauses after its dequeue,
# Pc::ChangeEnqueue) out of the requested configuration's search)
expect ladder-lifts 1 "newly breaks custody \(3 steps: the 1x2x0 counterexample of 3 steps replayed on 1x2x1\)" -- \
  "$SCXMC" review --variant dequeue-legacy $two --max-depth 1 --diff-length 0 --invariants custody,callback-order \
  --json "$tmp/lifted.json"
# with the lifecycle the rungs drop tasks too (the replay adds the helper's visits)
expect lifecycle-rung 1 "newly breaks lifecycle \(14 steps: the 1x2x0 counterexample of 12 steps replayed on 2x2x0 with 2 helper visits" -- \
  "$SCXMC" review --variant no-switching-to --tasks 2 --cpus 2 --user-dsqs 0 --max-depth 3 --diff-length 0 \
  --invariants lifecycle
# ... and the rungs listed under the base column are that base's own (its
# slices' ladder, not the plain one's)
expect lifecycle-rung-base 1 "    linux-7.3.4\+lifecycle: 1x2x0 holds" -- \
  "$SCXMC" review --variant no-switching-to --tasks 2 --cpus 2 --user-dsqs 0 --max-depth 3 --diff-length 0 \
  --invariants lifecycle
expect diff-incomplete 3 "behaviour diff .*INCOMPLETE" -- "$SCXMC" review --variant dequeue-rfc-merged $two --diff-max-pairs 100
expect violation-wins 1 "" -- "$SCXMC" review --variant dequeue-legacy $small --diff-max-pairs 10
# seed 002: moving the terminal handling into dispatch_enqueue removes the
# scx_bpf_dsq_move counterexample of opss (another one remains until r4)
expect chain 1 "still violates opss; the base's counterexample does not reproduce here" -- \
  "$SCXMC" review --chain --variant dequeue-rfc-r2 dequeue-rfc-r3 $two --diff-length 0 --json "$tmp/chain.json"

# issue 18, no silent holds: the coverage of the change, and one line when
# the variant's state space is the base's, with the likely cause
expect coverage 1 "opsDequeueTail \(ops_dequeue ext.c:2307\): [0-9]+ calls, [1-9][0-9]* did something else than linux-7.3.4's code" -- \
  "$SCXMC" review --variant dequeue-legacy $two --diff-length 0
expect identical 0 "SAME STATE SPACE as linux-7.3.4: 19922 states, 138525 transitions; likely causes: the changed code ran [0-9]+ times and always did what linux-7.3.4's does" -- \
  "$SCXMC" review --variant dequeue-rfc-merged $two --diff-length 0 --json "$tmp/identical.json"
expect not-reached 0 "destroyDsq \(destroy_dsq ext.c:5300\): never called" -- \
  "$SCXMC" review --variant destroy-dsq-inversion --tasks 1 --cpus 1 --user-dsqs 0 --diff-length 0
expect not-reached-cause 0 "SAME STATE SPACE as linux-7.3.4\+lifecycle: .*the changed code is not reached at these bounds" -- \
  "$SCXMC" review --variant destroy-dsq-inversion --tasks 1 --cpus 1 --user-dsqs 0 --diff-length 0
expect events-only 1 "SAME STATE SPACE as linux-7.3.4 \(the same counts\): .*alters the events of steps" -- \
  "$SCXMC" review --variant global-dequeue-locked $two --diff-length 0

# issue 18, the behaviour diff grows from 6 until a difference or the cap;
# at most about a screenful of examples per variant, the rest in --json
expect diff-grows 0 "behaviour diff \(a task's ops callbacks, sequences up to 8, grown 6 -> 8; cap 8\): 0 only in dequeue-rfc-merged, 0 only in linux-7.3.4" -- \
  "$SCXMC" review --variant dequeue-rfc-merged $two --diff-length 8 --json "$tmp/grown.json"
expect diff-screenful 1 "\(34 more differences not shown, .* in --json\)" -- \
  "$SCXMC" review --variant no-switching-to --tasks 1 --cpus 1 --user-dsqs 0 --json "$tmp/screen.json"
n=$(sed -n '/^   behaviour diff/,/^verdict/p' "$tmp/out" | wc -l)
if [ "$n" -le 50 ]; then echo "ok   diff-screenful-lines ($n)"; pass=$((pass+1)); else echo "FAIL diff-screenful-lines: $n lines"; fail=$((fail+1)); fi
if python3 - "$tmp/grown.json" "$tmp/screen.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))["variants"][0]["behaviour_diff"]
assert d["lengths_compared"] == [6, 8] and d["length"] == 8 and d["cap"] == 8, d
s = json.load(open(sys.argv[2]))["variants"][0]["behaviour_diff"]
assert s["shown_in_text"] == 1 and len(s["only_in_variant"]) + len(s["only_in_base"]) == 35, s.keys()
assert s["lengths_compared"] == [6] and s["cap"] == 10
PY
then echo "ok   diff-json"; pass=$((pass+1)); else echo "FAIL diff-json"; fail=$((fail+1)); fi

# JSON shape, and a counterexample inside it replays
if python3 - "$tmp/legacy.json" "$tmp/chain.json" "$tmp/cex.json" "$tmp/ladder.json" "$tmp/lifted.json" "$tmp/identical.json" <<'PY'
import json, sys
cov = json.load(open(sys.argv[6]))["variants"][0]["coverage"]
assert cov["available"] and cov["same_state_space"] == "identical" and cov["differing_calls"] == 0, cov
assert cov["calls"] > 0 and all(h["differing_calls"] == 0 for h in cov["hooks"]) and "likely_cause" in cov
legacy_cov = json.load(open(sys.argv[1]))["variants"][0]["coverage"]
assert legacy_cov["same_state_space"] == "different" and legacy_cov["differing_calls"] > 0, legacy_cov
lifted = json.load(open(sys.argv[5]))["variants"][0]["lifted_counterexamples"]["custody"]
assert lifted["rung"] == "1x2x0" and lifted["rung_steps"] == 3 and len(lifted["trace"]) == 3, lifted.keys()
l = json.load(open(sys.argv[4]))
assert l["exit"] == 1 and l["variants"][0]["decided_on"]["custody"] == "1x2x0", l["variants"][0]["decided_on"]
assert l["ladder"]["linux-7.3.4"]["1x2x0"]["complete"] and l["variants"][0]["behaviour_diff"]["configuration"] == "1x2x1"
j = json.load(open(sys.argv[1]))
assert j["verb"] == "review" and j["base"] == "linux-7.3.4" and j["exit"] == 1, j.keys()
assert [m["name"] for m in j["models"]] == ["linux-7.3.4", "dequeue-legacy"]
assert j["matrix"]["custody"] == {"linux-7.3.4": "holds", "dequeue-legacy": "violated"}
v = j["variants"][0]
assert v["name"] == "dequeue-legacy" and v["compared_with"] == "linux-7.3.4"
assert "custody" in v["newly_broken"] and v["newly_fixed"] == []
d = v["behaviour_diff"]
assert d["complete"] and d["length"] == 6
assert any(x["sequence"][:3] == ["select_cpu(insert USER)", "runnable(WAKEUP)", "running"] for x in d["only_in_variant"])
assert all(x["example"] for x in d["only_in_variant"] + d["only_in_base"])
json.dump(j["models"][1]["check"], open(sys.argv[3], "w"))
c = json.load(open(sys.argv[2]))
r3 = c["variants"][1]
assert c["chain"] and r3["name"] == "dequeue-rfc-r3" and r3["compared_with"] == "dequeue-rfc-r2"
assert {"id": "opss", "base_counterexample_reproduces": False} .items() <= \
       [x for x in r3["violated_by_both"] if x["id"] == "opss"][0].items()
assert "behaviour_diff" not in r3
PY
then echo "ok   json-shape"; pass=$((pass+1)); else echo "FAIL json-shape"; fail=$((fail+1)); fi
expect replay-from-review 0 "confirmed: custody is violated" -- "$SCXMC" replay "$tmp/cex.json" --invariant custody

expect_summary
