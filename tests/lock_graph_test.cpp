// The lock-order graph (harness/lock_graph), its splat format, and the
// lock-order invariant, on the baseline and on a seeded inversion.
#include <gtest/gtest.h>

#include <sstream>

#include "lock_graph.hpp"
#include "test_support.hpp"

namespace scxmc {
namespace {

// A seeded inversion: dispatch_to_local_dsq takes the GLOBAL DSQ's lock
// before the source rq's (dsq -> rq, against rq -> dsq everywhere else).
class DsqBeforeSrcRq : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "mut-dsq-before-src-rq"; }
  void dispatchToLocalDsqSrc() override {
    if (!lockDsq(kDsqGlobal)) return;
    ExtCore::dispatchToLocalDsqSrc();
    unlockDsq(kDsqGlobal);
  }
};

const char* kRemotePolicy = "full:select=none|prev-cpu,enqueue=keep,dispatch=insert-local-on";

Config remoteConfig() {
  Config c = test::smallConfig(1, 2, 0, kRemotePolicy);
  c.env = kEnvWake | kEnvNice;
  return c;
}

bool hasEdge(const LockGraph& g, LockClass a, LockClass b, bool wait) {
  for (const auto& e : g.edges)
    if (e.from == static_cast<uint8_t>(a) && e.to == static_cast<uint8_t>(b) && e.wait == wait) return true;
  return false;
}

TEST(LockGraph, BaselineIsAcyclicAndEveryEdgeReplays) {
  auto m = makeModel("linux-7.3.4", test::smallConfig(2, 2, 1, "st-dequeue-remote"));
  const LockGraph g = buildLockGraph(*m, Limits{});
  ASSERT_TRUE(g.check.complete);
  EXPECT_TRUE(g.cycles.empty());
  EXPECT_TRUE(hasEdge(g, LockClass::PiLock, LockClass::Rq, false));
  EXPECT_TRUE(hasEdge(g, LockClass::Rq, LockClass::Dsq, false));
  EXPECT_TRUE(hasEdge(g, LockClass::DispatchingClaim, LockClass::Dsq, false));
  EXPECT_TRUE(hasEdge(g, LockClass::Rq, LockClass::DispatchingPublished, true));
  EXPECT_FALSE(hasEdge(g, LockClass::Dsq, LockClass::Rq, false));
  for (const auto& e : g.edges) {
    EXPECT_EQ(replayLockEdge(*m, e), "") << edgeName(e);
    // the per-step invariant and the graph agree on the baseline
    const int rf = lockClassInfo(static_cast<LockClass>(e.from)).rank;
    const int rt = lockClassInfo(static_cast<LockClass>(e.to)).rank;
    EXPECT_LT(rf, rt) << edgeName(e);
  }
}

TEST(LockGraph, SeededInversionIsOneCycleWithASplat) {
  DsqBeforeSrcRq m(remoteConfig());
  const LockGraph g = buildLockGraph(m, Limits{});
  ASSERT_TRUE(g.check.complete);
  ASSERT_EQ(g.cycles.size(), 1u);
  const LockCycle& c = g.cycles[0];
  ASSERT_EQ(c.edges.size(), 2u);
  EXPECT_NE(c.why.find("&rq->__lock"), std::string::npos);
  EXPECT_NE(c.why.find("&dsq->lock"), std::string::npos);
  for (int i : c.edges) EXPECT_EQ(replayLockEdge(m, g.edges[i]), "") << edgeName(g.edges[i]);
  std::ostringstream o;
  printSplat(o, m, g, c);
  const std::string s = o.str();
  for (const char* want : {"WARNING: possible circular locking dependency detected",
                           "the existing dependency chain (in reverse order) is:", "-> #1 (", "-> #0 (",
                           "shortest execution (", "Possible unsafe locking scenario:", "*** DEADLOCK ***"})
    EXPECT_NE(s.find(want), std::string::npos) << "missing '" << want << "' in\n" << s;
  // each edge's execution is printed as replayable transitions
  for (int i : c.edges)
    EXPECT_NE(s.find(g.edges[i].trace.back().str()), std::string::npos);
  // a cycle edge is red in the DOT output
  EXPECT_NE(lockGraphDot(g).find("color=red"), std::string::npos);
}

TEST(LockGraph, JsonRoundTripReplays) {
  DsqBeforeSrcRq m(remoteConfig());
  const LockGraph g = buildLockGraph(m, Limits{});
  const nlohmann::json j = nlohmann::json::parse(lockGraphJson(m, g).dump());
  EXPECT_EQ(j["verdict"], "cycle");
  std::vector<LockEdge> edges;
  std::string err;
  ASSERT_TRUE(lockEdgesFromJson(j, &edges, &err)) << err;
  ASSERT_EQ(edges.size(), g.edges.size());
  for (const auto& e : edges) EXPECT_EQ(replayLockEdge(m, e), "");
  // a tampered trace is not confirmed
  LockEdge bad = edges[0];
  bad.trace.pop_back();
  if (!bad.trace.empty()) {
    EXPECT_NE(replayLockEdge(m, bad), "");
  }
}

TEST(LockOrderInvariant, CatchesSeededInversionAndReplays) {
  registerVariant({"mut-dsq-before-src-rq", "test-only seeded bug", "-"},
                  [](const Config& c) { return std::make_unique<DsqBeforeSrcRq>(c); });
  DsqBeforeSrcRq m(remoteConfig());
  Limits lim;
  lim.stop_at_first = true;
  const CheckResult r = test::check(m, "lock-order", lim);
  const InvariantResult& ir = test::resultOf(r, "lock-order");
  ASSERT_EQ(ir.status, Status::Violated);
  EXPECT_NE(ir.message.find("takes &rq->__lock"), std::string::npos) << ir.message;
  EXPECT_NE(ir.message.find("holding &dsq->lock"), std::string::npos) << ir.message;
  const ReplayOutcome o = test::replay(m, r, "lock-order");
  EXPECT_TRUE(o.confirmed) << o.error;
}

TEST(LockOrderInvariant, HoldsOnTheBaseline) {
  auto m = makeModel("linux-7.3.4", remoteConfig());
  const CheckResult r = test::check(*m, "lock-order");
  ASSERT_TRUE(r.complete);
  EXPECT_EQ(test::resultOf(r, "lock-order").status, Status::Holds);
}

}  // namespace
}  // namespace scxmc
