// The configuration ladder of `scxmc review` (harness/review_ladder.hpp):
// which rungs it offers, and the soundness argument it rests on, checked on
// a real counterexample: a run of a rung is a run of the requested
// configuration with the extra tasks asleep and the extra DSQs empty.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "checker.hpp"
#include "next_state.hpp"
#include "review_ladder.hpp"
#include "rung_lift.hpp"
#include "variants.hpp"

namespace scxmc {
namespace {

std::vector<std::string> names(const std::vector<Config>& rungs) {
  std::vector<std::string> out;
  for (const Config& c : rungs) out.push_back(rungName(c));
  return out;
}

TEST(ReviewLadder, RungsKeepTheCpusAndShrinkTasksAndDsqs) {
  Config top;  // the default: 3 tasks, 2 CPUs, 2 user DSQs
  EXPECT_EQ(names(ladderRungs(top)),
            (std::vector<std::string>{"1x2x0", "1x2x1", "1x2x2", "2x2x0", "2x2x1", "2x2x2", "3x2x0", "3x2x1"}));
  top.lifecycle = true;  // the enable/disable loops visit the extra tasks too
  EXPECT_EQ(names(ladderRungs(top)),
            (std::vector<std::string>{"1x2x0", "1x2x1", "1x2x2", "2x2x0", "2x2x1", "2x2x2", "3x2x0", "3x2x1"}));
  top.fork_tasks = 1;  // the forked task is the last one: keep them all
  EXPECT_EQ(names(ladderRungs(top)), (std::vector<std::string>{"3x2x0", "3x2x1"}));
  Config one;
  one.tasks = 1;
  one.user_dsqs = 0;
  EXPECT_TRUE(ladderRungs(one).empty());
}

// A rung's shortest counterexample of `id`, lifted to `big` (rung_lift.hpp)
// of `big_variant` (default: the same variant); returns the lift.
LiftedCounterexample lift(const std::string& variant, const Config& small, const Config& big, const std::string& id,
                          const std::string& big_variant = "") {
  auto sm = makeModel(variant, small);
  auto bm = makeModel(big_variant.empty() ? variant : big_variant, big);
  // (only `id`: with stop_at_first another invariant the same bug breaks
  // may end the search first, e.g. dequeue-legacy's deq-flags at 1x2x0)
  InvariantList invs;
  std::string err;
  EXPECT_TRUE(selectInvariants(id, &invs, &err)) << err;
  Limits lim;
  lim.threads = 1;
  lim.stop_at_first = true;
  Checker checker(*sm, std::move(invs), lim);
  const CheckResult r = checker.run();
  const InvariantResult* res = nullptr;
  for (const auto& i : r.invariants)
    if (i.id == id) res = &i;
  EXPECT_TRUE(res && res->status == Status::Violated) << variant << " " << id << " on " << rungName(small);
  if (!res || res->status != Status::Violated) return {};
  return liftCounterexample(*sm, res->cex, *bm, "all", id);
}

// The lift is real: its trace replays on the larger configuration and its
// last step violates the invariant there (checked independently here).
void expectLifts(const std::string& variant, const Config& small, const Config& big, const std::string& id,
                 bool inserts = false) {
  const LiftedCounterexample l = lift(variant, small, big, id);
  ASSERT_TRUE(l.ok) << variant << ": " << l.error;
  EXPECT_EQ(l.inserted > 0, inserts) << variant;
  auto bm = makeModel(variant, big);
  InvariantList invs;
  std::string err;
  ASSERT_TRUE(selectInvariants("all", &invs, &err));
  int k = 0;
  while (invs[k]->id() != id) ++k;
  State b = bm->initial();
  std::string last;
  for (const Step& st : l.cex.steps) {
    State n;
    StepLog log;
    ASSERT_TRUE(applyTransition(*bm, b, st.tr, &n, &log));
    last = stepViolation(big, invs, k, b, log, n);
    b = n;
  }
  EXPECT_FALSE(last.empty()) << "the lifted trace's last step violates " << id << " on " << rungName(big);
  EXPECT_EQ(last, l.message);
}

TEST(ReviewLadder, ARungCounterexampleIsOneOfTheRequestedConfiguration) {
  Config small;
  small.tasks = 1;
  small.user_dsqs = 0;
  Config big;  // the default configuration
  expectLifts("dequeue-legacy", small, big, "custody");
  Config one_dsq = small;
  one_dsq.user_dsqs = 1;
  expectLifts("dequeue-rfc", one_dsq, big, "opss");
  Config mid = big;
  mid.tasks = 2;
  mid.user_dsqs = 1;
  expectLifts("global-dequeue-locked", mid, big, "dequeue-unlocked");
}

// With the lifecycle the helper's loops must also visit the extra tasks:
// the lift inserts those visits (seed 001's bug, found with one task).
TEST(ReviewLadder, ALifecycleRungCounterexampleLiftsWithTheHelpersVisits) {
  Config small;
  small.tasks = 1;
  small.user_dsqs = 0;
  small.lifecycle = true;
  Config big;
  big.lifecycle = true;
  expectLifts("no-switching-to", small, big, "lifecycle", true);
}

// A step whose effect the state does not record (scx_bpf_destroy_dsq, seed
// 000 patch 39) has the same successor as an idle pass of the same CPU:
// the lift must take the rung's own step, the one that violates lock-order.
TEST(ReviewLadder, ALiftTakesTheRungsOwnStepWhenTwoStepsLookAlike) {
  Config small;
  small.tasks = 1;
  small.user_dsqs = 1;
  small.lifecycle = true;
  Config big;
  big.lifecycle = true;
  expectLifts("destroy-dsq-inversion", small, big, "lock-order", true);
}

// A lift that must fail: a rung counterexample whose last step violates
// nothing in the larger model (the base has no such bug).
TEST(ReviewLadder, ALiftIntoAModelWithoutTheBugFails) {
  Config small;
  small.tasks = 1;
  small.user_dsqs = 0;
  Config big;
  const LiftedCounterexample l = lift("dequeue-legacy", small, big, "custody", "linux-7.3.4");
  EXPECT_FALSE(l.ok);
  EXPECT_FALSE(l.error.empty());
}

// The small configuration's state, seen in the large one: the extra tasks as
// the large configuration's initial state has them.
State embed(const State& small, const Config& sc, const State& big_initial, const Config& bc) {
  State s = small;
  for (int t = sc.tasks; t < bc.tasks; ++t) s.task[t] = big_initial.task[t];
  return s;
}

TEST(ReviewLadder, FewerCpusDoNotEmbed) {
  // why the rungs keep the CPU count: a 1-CPU task starts with mask 0x1,
  // a 2-CPU one with 0x3
  Config small;
  small.tasks = 1;
  small.cpus = 1;
  small.user_dsqs = 0;
  Config big;
  const State b0 = makeModel("linux-7.3.4", big)->initial();
  EXPECT_NE(embed(makeModel("linux-7.3.4", small)->initial(), small, b0, big), b0);
}

}  // namespace
}  // namespace scxmc
