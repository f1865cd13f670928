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
  top.lifecycle = true;  // the enable/disable loops visit every task: keep them
  EXPECT_EQ(names(ladderRungs(top)), (std::vector<std::string>{"3x2x0", "3x2x1"}));
  Config one;
  one.tasks = 1;
  one.user_dsqs = 0;
  EXPECT_TRUE(ladderRungs(one).empty());
}

// The small configuration's state, seen in the large one: the extra tasks as
// the large configuration's initial state has them.
State embed(const State& small, const Config& sc, const State& big_initial, const Config& bc) {
  State s = small;
  for (int t = sc.tasks; t < bc.tasks; ++t) s.task[t] = big_initial.task[t];
  return s;
}

// Replays a rung's counterexample step by step in the requested
// configuration: each step must have a transition of the same actor there
// that reaches the embedded successor, and the last one must violate the
// same invariant.
void expectLifts(const std::string& variant, const Config& small, const Config& big, const std::string& id) {
  auto sm = makeModel(variant, small);
  auto bm = makeModel(variant, big);
  InvariantList invs;
  std::string err;
  ASSERT_TRUE(selectInvariants(id, &invs, &err)) << err;
  Limits lim;
  lim.threads = 1;
  lim.stop_at_first = true;
  Checker checker(*sm, std::move(invs), lim);
  const CheckResult r = checker.run();
  ASSERT_EQ(r.invariants[0].status, Status::Violated);
  const Counterexample& cex = r.invariants[0].cex;
  ASSERT_FALSE(cex.steps.empty());

  InvariantList binvs;
  ASSERT_TRUE(selectInvariants(id, &binvs, &err));
  const State big0 = bm->initial();
  State s = sm->initial();
  State b = embed(s, small, big0, big);
  ASSERT_EQ(b, big0) << "the initial states embed";
  std::string last;
  for (size_t i = 0; i < cex.steps.size(); ++i) {
    State sn;
    StepLog slog;
    ASSERT_TRUE(applyTransition(*sm, s, cex.steps[i].tr, &sn, &slog));
    stepViolation(small, binvs, -1, s, slog, sn);  // the monitors' ghosts
    const State want = embed(sn, small, big0, big);
    bool found = false;
    forEachSuccessor(*bm, b, [&](const State& next, const StepLog& log, const Transition& tr) {
      if (found || tr.actor != cex.steps[i].tr.actor) return;
      State n = next;
      const std::string v = stepViolation(big, binvs, 0, b, log, n);
      if (n == want) {
        found = true;
        last = v;
      }
    });
    ASSERT_TRUE(found) << "step " << i + 1 << " of the " << rungName(small) << " counterexample has no match on "
                       << rungName(big);
    s = sn;
    b = want;
  }
  EXPECT_FALSE(last.empty()) << "the lifted trace's last step violates " << id << " on " << rungName(big);
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
