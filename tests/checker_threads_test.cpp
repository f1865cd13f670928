// The search's result does not depend on the number of expanding threads:
// the same states, transitions, depth, verdicts and counterexamples.
#include <gtest/gtest.h>

#include "test_support.hpp"

namespace scxmc {
namespace {

// A seeded bug so that counterexamples are compared too.
using test::ForgetLocalDequeue;

template <class Model>
CheckResult run(const Config& c, int threads, bool stop_at_first = false) {
  Model m(c);
  InvariantList invs;
  std::string err;
  EXPECT_TRUE(selectInvariants("all", &invs, &err)) << err;
  Limits lim;
  lim.threads = threads;
  lim.stop_at_first = stop_at_first;
  Checker ck(m, std::move(invs), lim);
  ck.setWorkerFactory([&] { return std::make_unique<Model>(c); });
  return ck.run();
}

void expectSame(const CheckResult& a, const CheckResult& b) {
  EXPECT_EQ(a.stats.states, b.stats.states);
  EXPECT_EQ(a.stats.transitions, b.stats.transitions);
  EXPECT_EQ(a.stats.depth, b.stats.depth);
  EXPECT_EQ(a.stats.deadlocks, b.stats.deadlocks);
  EXPECT_EQ(a.stats.subsumed, b.stats.subsumed);
  ASSERT_EQ(a.invariants.size(), b.invariants.size());
  for (size_t i = 0; i < a.invariants.size(); ++i) {
    const auto &x = a.invariants[i], &y = b.invariants[i];
    EXPECT_EQ(x.status, y.status) << x.id;
    EXPECT_EQ(x.message, y.message) << x.id;
    ASSERT_EQ(x.cex.steps.size(), y.cex.steps.size()) << x.id;
    for (size_t k = 0; k < x.cex.steps.size(); ++k)
      EXPECT_EQ(x.cex.steps[k].tr.str(), y.cex.steps[k].tr.str()) << x.id << " step " << k;
  }
}

TEST(Threads, SameResultOnAHoldingModel) {
  // (the full policy: levels of many 16-state chunks expanded while the
  // merge inserts and grows the table, and the subsumption of checker.cpp
  // decides in the merge)
  Config c = test::smallConfig(2, 2, 0, "full");
  c.env = kEnvWake | kEnvSleep | kEnvNice | kEnvTick;
  const CheckResult one = run<ExtCore>(c, 1), two = run<ExtCore>(c, 2), three = run<ExtCore>(c, 3);
  EXPECT_FALSE(one.any_violated());
  EXPECT_GT(one.stats.states, 5 * 4096u);
  EXPECT_GT(one.stats.subsumed, 0u);
  expectSame(one, two);
  expectSame(one, three);
}

TEST(Threads, SameCounterexamplesOnABuggyModel) {
  const Config c = test::smallConfig(1, 2, 1, "full");
  const CheckResult one = run<ForgetLocalDequeue>(c, 1), two = run<ForgetLocalDequeue>(c, 2);
  EXPECT_EQ(test::resultOf(one, "custody").status, Status::Violated);
  EXPECT_FALSE(test::resultOf(one, "custody").cex.steps.empty());
  expectSame(one, two);
}

}  // namespace
}  // namespace scxmc
