// The failures of a child's enable before its task loops (--sub-early-fail,
// issue 16 "errors anywhere in the hierarchy"; model/sub_sched.cpp): the
// child's ops.init (sub.c:1812-1816), the parent's ops.sub_attach
// (sub.c:1826-1831) or the child's ops.cgroup_init in
// scx_cgroup_claim_subtree (sub.c:1369-1372) returns an error; the child
// errors and its disable unlinks it: without a subtree to return, and
// without ops.sub_detach unless the attach succeeded.  Configuration and
// cost; 7.3.4 holds and every path is reached; the sub-pairing invariant
// catches the reviewer's variants with replayed counterexamples.
#include <gtest/gtest.h>

#include "invariants_all.hpp"
#include "pack.hpp"
#include "test_support.hpp"

namespace scxmc {
namespace {

Config earlyConfig(int tasks = 1) {
  Config c = test::smallConfig(tasks, 2, 0);
  c.lifecycle = true;
  c.sub_scheds = 1;
  c.sub_early_fail = true;
  c.dispatch_actions = 1;
  c.dispatch_loops = 1;
  EXPECT_EQ(c.validate(), "");
  return c;
}

TEST(SubEarlyFail, ConfigValidationNamesTheField) {
  Config c = earlyConfig();
  c.sub_scheds = 0;
  EXPECT_NE(c.validate().find("--sub-early-fail needs --sub-scheds 1"), std::string::npos) << c.validate();
  EXPECT_NE(earlyConfig().describe().find("enable failing before its task loops"), std::string::npos);
}

// Off: no bit (life_pc keeps its 5 bits); on: one more bit of life_pc for
// the three stages, and no stepper.
TEST(SubEarlyFail, OffCostsNoBit) {
  for (int tasks : {1, 2, 3}) {
    Config on = earlyConfig(tasks);
    Config off = on;
    off.sub_early_fail = false;
    EXPECT_EQ(Codec(on).bits(), Codec(off).bits() + 1) << tasks;
    EXPECT_EQ(on.steppers(), off.steppers());
  }
}

struct EarlyPaths {
  bool init_failed = false, attach_failed = false, claim_failed = false;
  bool own_claim = false;      // SubEnErrEarly's step made the child's exit claim
  bool lost_claim = false;     // the child's exit was claimed before SubEnErrEarly's claim step
  bool early_gone = false;     // SubEnErrEarly -> SubGone: ops.exit, no ops.sub_detach
  bool claim_disabled = false; // SubEnErrClaimed -> SubDisTasks, no subtree returned
  bool claim_gone = false;     // ... and its ops.sub_detach and ops.exit
  bool rehomed_to_failed = false;  // a cgroup.procs write re-homed a task to the child in SubEnErrClaimed
};

void observeEarly(EarlyPaths* p, const State& from, const StepLog& log, const State& next) {
  const auto pc = [](const State& s) { return static_cast<LifePc>(static_cast<uint8_t>(s.life_pc)); };
  const auto child = [](const State& s) { return static_cast<ExitKind>((s.sub_exit >> kSubExitChildShift) & 3); };
  bool detach = false, exit = false, cgroup_ops = false, claim_step = false;
  for (const Event& e : log) {
    if (e.kind == Ev::Site && static_cast<Site>(e.a) == Site::EarlyErrorClaim) claim_step = true;
    if (e.kind == Ev::SetSched && e.a == kSchedChild0 && pc(from) == LifePc::SubEnErrClaimed)
      p->rehomed_to_failed = true;
    if (e.kind != Ev::OpsLife || e.t != kNone) continue;
    const auto op = static_cast<LifeOp>(e.a);
    if (e.b == kLifeOpFailed) {
      if (op == LifeOp::Init) p->init_failed = true;
      if (op == LifeOp::SubAttach) p->attach_failed = true;
      if (op == LifeOp::CgroupInit) p->claim_failed = true;
    }
    detach |= op == LifeOp::SubDetach;
    exit |= op == LifeOp::Exit && e.sch == kSchedChild0;
    cgroup_ops |= op == LifeOp::CgroupInit || op == LifeOp::CgroupExit;
  }
  if (claim_step) {
    // only while the child's exit is unclaimed, and it wins
    EXPECT_EQ(pc(from), LifePc::SubEnErrEarly);
    EXPECT_EQ(child(from), ExitKind::None);
    EXPECT_EQ(child(next), ExitKind::Claimed);
    p->own_claim = true;
  } else if (pc(from) == LifePc::SubEnErrEarly && child(from) == ExitKind::None && child(next) != ExitKind::None) {
    p->lost_claim = true;  // the claimer (the root's propagation) claimed the child first
  }
  if (pc(from) == LifePc::SubEnErrEarly && pc(next) == LifePc::SubGone) {
    p->early_gone = true;
    EXPECT_TRUE(exit);
    EXPECT_FALSE(detach);
    EXPECT_FALSE(cgroup_ops);
  }
  if (pc(from) == LifePc::SubEnErrClaimed && pc(next) == LifePc::SubDisTasks) {
    p->claim_disabled = true;
    EXPECT_FALSE(cgroup_ops) << "no task_group to return after a failed claim";
  }
  if (p->claim_disabled && pc(from) == LifePc::SubDisExit && pc(next) == LifePc::SubGone) {
    EXPECT_TRUE(detach);
    EXPECT_TRUE(exit);
    p->claim_gone = true;
  }
}

CheckResult checkEarly(const Config& cfg, EarlyPaths* p) {
  auto m = makeModel("linux-7.3.4", cfg);
  EXPECT_NE(m, nullptr);
  return test::checkObserved(*m, "all", [&](const State& from, const StepLog& log, const State& next) {
    observeEarly(p, from, log, next);
  });
}

// 7.3.4 at 1x2x0: every invariant holds (sub-pairing not vacuously), and
// every failure is reached, the early one's claim made by the helper and
// by the claimer first, each ending in the child's exit.
TEST(SubEarlyFail, Linux734HoldsAndReachesEveryFailure) {
  EarlyPaths p;
  const CheckResult r = checkEarly(earlyConfig(1), &p);
  ASSERT_TRUE(r.complete);
  for (const auto& i : r.invariants) EXPECT_EQ(i.status, Status::Holds) << i.id << ": " << i.message;
  EXPECT_FALSE(test::resultOf(r, "sub-pairing").vacuous);
  EXPECT_TRUE(p.init_failed);
  EXPECT_TRUE(p.attach_failed);
  EXPECT_TRUE(p.claim_failed);
  EXPECT_TRUE(p.own_claim);
  EXPECT_TRUE(p.lost_claim);
  EXPECT_TRUE(p.early_gone);
  EXPECT_TRUE(p.claim_disabled);
  EXPECT_TRUE(p.claim_gone);
}

// With cgroup migrations: a write that moves a task into the child's cgroup
// after the failed claim (the cgroup's scx_sched is the child until the
// disable, sub.c:1848, 1540) re-homes it to the failed child, whose disable
// re-homes it back; 7.3.4 holds.
TEST(SubEarlyFail, Linux734WithMigrationsHolds) {
  Config c = earlyConfig(1);
  c.sub_migrations = true;
  ASSERT_EQ(c.validate(), "");
  EarlyPaths p;
  const CheckResult r = checkEarly(c, &p);
  ASSERT_TRUE(r.complete);
  for (const auto& i : r.invariants) EXPECT_EQ(i.status, Status::Holds) << i.id << ": " << i.message;
  EXPECT_TRUE(p.rehomed_to_failed);
  EXPECT_TRUE(p.claim_gone);
}

// The reviewer's variants, each caught by sub-pairing and replayed.
TEST(SubEarlyFail, DetachUnattachedCaught) {
  auto m = makeModel("sub-detach-unattached", test::smallConfig(1, 2, 0));
  ASSERT_NE(m, nullptr);
  EXPECT_TRUE(m->config().sub_early_fail) << "the variant implies its slice";
  test::expectCaughtOn("sub-detach-unattached", earlyConfig(1), "sub-pairing", "the child is not attached");
}

TEST(SubEarlyFail, ReturnUnclaimedCaught) {
  test::expectCaughtOn("sub-return-unclaimed", earlyConfig(1), "sub-pairing",
                       "the child has not initialized the child's cgroup");
}

TEST(SubEarlyFail, ClaimUnwindAllCaught) {
  test::expectCaughtOn("sub-claim-unwind-all", earlyConfig(1), "sub-pairing",
                       "the child has not initialized the child's cgroup");
}

}  // namespace
}  // namespace scxmc
