// The failure path of a child's enable (--sub-enable-fail, issue 16 "errors
// anywhere in the hierarchy"; model/sub_sched.cpp): the child's
// ops.init_task fails in scx_sub_enable_workfn's init loop (sub.c:1903-1905)
// and the `abort` path cancels the child's completed inits
// (scx_sub_init_cancel_task, sub.c:2002-2009), drops the locks, errors the
// child and runs its disable (sub.c:2011-2023).  Configuration and zero
// cost when off; 7.3.4 holds and every path is reached; the reviewer's
// variants are caught with replayed counterexamples.
#include <gtest/gtest.h>

#include "invariants_all.hpp"
#include "pack.hpp"
#include "test_support.hpp"

namespace scxmc {
namespace {

Config abortConfig(int tasks = 1) {
  Config c = test::smallConfig(tasks, 2, 0);
  c.lifecycle = true;
  c.sub_scheds = 1;
  c.sub_enable_fail = true;
  c.dispatch_actions = 1;
  c.dispatch_loops = 1;
  EXPECT_EQ(c.validate(), "");
  return c;
}

// Two tasks in the child's cgroup for the cancel loop (--sub-cgroup-all);
// no environment event (both tasks stay asleep, READY or ENABLED, which is
// what the loops visit; the sched_change paths are Linux734HoldsOneTask's).
Config cancelConfig() {
  Config c = abortConfig(2);
  c.sub_cgroup_all = true;
  c.env = 0;
  EXPECT_EQ(c.validate(), "");
  return c;
}

TEST(SubEnableFail, ConfigValidationNamesTheField) {
  Config c = abortConfig();
  c.sub_scheds = 0;
  EXPECT_NE(c.validate().find("--sub-enable-fail"), std::string::npos) << c.validate();
  EXPECT_NE(abortConfig().describe().find("init_task failing in its enable"), std::string::npos);
}

// Off or on: no bit (two helper stages in life_pc's 5-bit domain, which has
// room; the task flags and the claim bits are the existing ones).
TEST(SubEnableFail, OffCostsNoBit) {
  for (int tasks : {1, 2, 3}) {
    Config on = abortConfig(tasks);
    Config off = on;
    off.sub_enable_fail = false;
    EXPECT_EQ(Codec(on).bits(), Codec(off).bits()) << tasks;
    EXPECT_EQ(on.steppers(), off.steppers());
  }
}

struct AbortPaths {
  bool failed = false;        // the child's ops.init_task returned an error
  bool cancelled = false;     // the abort loop's ops.exit_task(cancelled) of the child
  bool aborted = false;       // the helper reached SubEnAborted
  bool own_claim = false;     // the abort's scx_error won the child's exit_kind
  bool lost_claim = false;    // the child's exit was claimed before the abort's scx_error
  bool disabled = false;      // the child's disable ran after the abort (SubDisTasks from SubEnAborted)
  bool gone = false;          // the child exited (SubGone) after an abort
};

void observeAbort(AbortPaths* p, int helper, const State& from, const StepLog& log, const State& next) {
  const auto child = [](const State& s) { return static_cast<ExitKind>((s.sub_exit >> kSubExitChildShift) & 3); };
  for (const Event& e : log) {
    if (e.kind != Ev::OpsLife || e.sch != kSchedChild0 || e.actor != helper) continue;
    if (static_cast<LifeOp>(e.a) == LifeOp::InitTask && e.b == kInitTaskFailed) p->failed = true;
    if (static_cast<LifeOp>(e.a) == LifeOp::ExitTask && e.b == kExitTaskInitCancel &&
        from.life_pc == static_cast<uint8_t>(LifePc::SubEnAbort))
      p->cancelled = true;
  }
  if (from.life_pc == static_cast<uint8_t>(LifePc::SubEnAbort) &&
      next.life_pc == static_cast<uint8_t>(LifePc::SubEnAborted)) {
    p->aborted = true;
    (child(from) == ExitKind::None ? p->own_claim : p->lost_claim) = true;
    if (child(from) == ExitKind::None) {
      EXPECT_EQ(child(next), ExitKind::Claimed);
    }
  }
  if (from.life_pc == static_cast<uint8_t>(LifePc::SubEnAborted) &&
      next.life_pc == static_cast<uint8_t>(LifePc::SubDisTasks))
    p->disabled = true;
  if (p->disabled && next.life_pc == static_cast<uint8_t>(LifePc::SubGone)) p->gone = true;
}

// 7.3.4 on `cfg`: every invariant checked, the abort's paths observed
CheckResult checkAbort(const Config& cfg, AbortPaths* p) {
  auto m = makeModel("linux-7.3.4", cfg);
  EXPECT_NE(m, nullptr);
  const int helper = m->config().actors();
  return test::checkObserved(*m, "all", [&](const State& from, const StepLog& log, const State& next) {
    observeAbort(p, helper, from, log, next);
  });
}

// 7.3.4 at 1x2x0: every invariant holds, the sub-scheduler ones not
// vacuously, and the abort is reached with either claim outcome and ends in
// the child's disable and exit.
TEST(SubEnableFail, Linux734HoldsOneTask) {
  AbortPaths p;
  const CheckResult r = checkAbort(abortConfig(1), &p);
  ASSERT_TRUE(r.complete);
  for (const auto& i : r.invariants) {
    EXPECT_EQ(i.status, Status::Holds) << i.id << ": " << i.message;
    if (i.id.rfind("sub-", 0) == 0) {
      EXPECT_FALSE(i.vacuous) << i.id;
    }
  }
  EXPECT_TRUE(p.failed);
  EXPECT_TRUE(p.aborted);
  EXPECT_TRUE(p.own_claim);
  EXPECT_TRUE(p.lost_claim);
  EXPECT_TRUE(p.disabled);
  EXPECT_TRUE(p.gone);
}

// With a second task in the child's cgroup the abort loop cancels the
// child's init of the task it had initialized: 7.3.4 holds.
TEST(SubEnableFail, Linux734CancelsTheChildsInits) {
  AbortPaths p;
  const CheckResult r = checkAbort(cancelConfig(), &p);
  ASSERT_TRUE(r.complete);
  for (const auto& i : r.invariants) EXPECT_EQ(i.status, Status::Holds) << i.id << ": " << i.message;
  EXPECT_TRUE(p.failed);
  EXPECT_TRUE(p.cancelled);
  EXPECT_TRUE(p.aborted);
  EXPECT_TRUE(p.gone);
}

// The reviewer's variants, each caught and replayed.
TEST(SubEnableFail, AbortSkipsCancelCaughtBySubTaskInit) {
  auto m = makeModel("sub-abort-skips-cancel", test::smallConfig(1, 2, 0));
  ASSERT_NE(m, nullptr);
  EXPECT_TRUE(m->config().sub_enable_fail && m->config().sub_cgroup_all) << "the variant implies its slice";
  test::expectCaughtOn("sub-abort-skips-cancel", cancelConfig(), "sub-task-init", "still initialized");
}

TEST(SubEnableFail, AbortDisablesCaughtBySubCallbacks) {
  test::expectCaughtOn("sub-abort-disables", cancelConfig(), "sub-callbacks", "is a callback of the child");
}

}  // namespace
}  // namespace scxmc
