// The failure path of a child's disable (--sub-fail-parent, issue 16 part
// "punting tasks back to the parent: scx_punt_task, scx_fail_parent";
// model/sub_sched.cpp): configuration and zero cost when off; what 7.3.4
// does, every path reached, and the finding it has (a punted task that
// switches to ext is enabled on the parent that failed to initialize it);
// the proposed fix holds; the reviewer's variants and the seeded bugs of
// sub-task-init are caught with replayed counterexamples.
#include <gtest/gtest.h>

#include "invariants_all.hpp"
#include "pack.hpp"
#include "test_support.hpp"

namespace scxmc {
namespace {

Config failConfig(int tasks = 1) {
  Config c = test::smallConfig(tasks, 2, 0);
  c.lifecycle = true;
  c.sub_scheds = 1;
  c.sub_fail_parent = true;
  c.dispatch_actions = 1;
  c.dispatch_loops = 1;
  EXPECT_EQ(c.validate(), "");
  return c;
}

TEST(SubFailParent, ConfigValidationNamesTheField) {
  Config c = failConfig();
  c.sub_scheds = 0;
  EXPECT_NE(c.validate().find("--sub-fail-parent"), std::string::npos) << c.validate();
  EXPECT_NE(failConfig().describe().find("init_task failing"), std::string::npos);
}

// Off: no bit.  On: p->scx.flags gains kTaskPunted (2 bits a task: the
// domain goes from 64 to 256), State::sub_exit kSubRootFailBypass (1 bit),
// State::sub_claim kSubClaimHelper (2 bits: 64 -> 256).
TEST(SubFailParent, OffCostsNoBit) {
  for (int tasks : {1, 2, 3}) {
    Config on = failConfig(tasks);
    Config off = on;
    off.sub_fail_parent = false;
    EXPECT_EQ(Codec(on).bits(), Codec(off).bits() + 2 * tasks + 3) << tasks;
    EXPECT_EQ(on.steppers(), off.steppers());
  }
}

// 7.3.4 at 1x2x0: the parent's ops.init_task fails in the re-home loop, its
// claim (scx_error) is the helper's, scx_fail_parent bypasses the parent,
// punts the task (on ext: ENABLED; on fair: READY) to it in NONE, and the
// parent's disable switches a punted task to fair.  Every invariant holds
// but lifecycle and sub-task-init, which find the same thing: a punted task
// on fair that switches to SCHED_EXT while the parent is still ENABLED gets
// the parent's ops.enable (switching_to_scx ext.c:4415-4431) and goes
// NONE -> ENABLED, a transition scx_set_task_state WARNs on (ext.c:682-683).
TEST(SubFailParent, Linux734FindsTheEnableOfAPuntedTask) {
  auto m = makeModel("linux-7.3.4", failConfig(1));
  ASSERT_NE(m, nullptr);
  const int helper = m->config().actors();
  bool failed = false, helper_claim = false, bypassed = false, punted_on_ext = false, punted_on_fair = false,
       disable_switches_punted = false, punted_leaves_ext = false;
  const CheckResult r = test::checkObserved(*m, "all", [&](const State& from, const StepLog& log, const State& next) {
    for (const Event& e : log)
      if (e.kind == Ev::OpsLife && static_cast<LifeOp>(e.a) == LifeOp::InitTask && e.b == kInitTaskFailed &&
          e.actor == helper)
        failed = true;
    helper_claim |= (next.sub_claim & kSubClaimHelper) != 0;
    bypassed |= !(from.sub_exit & kSubRootFailBypass) && (next.sub_exit & kSubRootFailBypass);
    const bool punting = from.life_pc == static_cast<uint8_t>(LifePc::SubDisPunt) &&
                         (from.task[0].flags & kTaskSubOwned) && !(next.task[0].flags & kTaskSubOwned);
    if (punting) {
      EXPECT_EQ(next.task[0].scx_state, static_cast<uint8_t>(ScxTaskState::None));
      (from.task[0].scx_state == static_cast<uint8_t>(ScxTaskState::Enabled) ? punted_on_ext : punted_on_fair) = true;
      EXPECT_EQ((next.task[0].flags & kTaskPunted) != 0,
                from.task[0].scx_state == static_cast<uint8_t>(ScxTaskState::Enabled));
    }
    if ((from.task[0].flags & kTaskPunted) && !(next.task[0].flags & kTaskPunted))
      (from.life_pc == static_cast<uint8_t>(LifePc::DisTasks) ? disable_switches_punted : punted_leaves_ext) = true;
  });
  ASSERT_TRUE(r.complete);
  for (const auto& i : r.invariants) {
    const bool finding = i.id == "lifecycle" || i.id == "sub-task-init";
    EXPECT_EQ(i.status, finding ? Status::Violated : Status::Holds) << i.id << ": " << i.message;
    if (!finding) continue;
    EXPECT_NE(i.message.find("ops.enable(p0)"), std::string::npos) << i.message;
    const ReplayOutcome o = test::replay(*m, r, i.id);
    EXPECT_TRUE(o.confirmed) << o.error;
    EXPECT_EQ(o.message, i.message);
  }
  EXPECT_TRUE(failed);
  EXPECT_TRUE(helper_claim);
  EXPECT_TRUE(bypassed);
  EXPECT_TRUE(punted_on_ext);
  EXPECT_TRUE(punted_on_fair);
  EXPECT_TRUE(disable_switches_punted);
  EXPECT_TRUE(punted_leaves_ext);
}

// The proposed fix (switching_to_scx returns for NONE, as switched_from_scx
// does): every invariant holds, none vacuously.
TEST(SubFailParent, ProposedFixHoldsEverything) {
  auto m = makeModel("switching-to-skips-none", test::smallConfig(1, 2, 0));
  ASSERT_NE(m, nullptr);
  EXPECT_TRUE(m->config().sub_fail_parent) << "the variant implies --sub-fail-parent";
  const CheckResult r = test::check(*m, "all");
  ASSERT_TRUE(r.complete);
  for (const auto& i : r.invariants) {
    EXPECT_EQ(i.status, Status::Holds) << i.id << ": " << i.message;
    EXPECT_FALSE(i.vacuous) << i.id;
  }
}

// The reviewer's variants.
TEST(SubFailParent, NoBypassCaughtByKernelWarn) {
  test::expectCaughtOn("sub-fail-parent-no-bypass", failConfig(1), "kernel-warn", "not bypassed (sub.c:1283)");
}

TEST(SubFailParent, PuntSkipsExitCaughtBySubTaskInit) {
  test::expectCaughtOn("sub-punt-skips-exit", failConfig(1), "sub-task-init", "never initialized");
}

// Seeded bugs of sub-task-init without --sub-fail-parent.  (1) scx_rehome_task
// forgets the old owner's ops.exit_task: nothing else notices (the task
// state edges are all allowed), sub-task-init finds the child's ops.exit with
// the task still initialized on it.
class RehomeSkipsExitTask : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "mut-rehome-skips-exit-task"; }
  void subRehomeTask(uint8_t t, uint8_t to) override {
    site(Site::RehomeTask);
    const bool enabled = tk(t).scx_state == static_cast<uint8_t>(ScxTaskState::Enabled);
    if (enabled) scxDisableTask(t);
    site(Site::DisableAndExit);  // BUG: no ops.exit_task of the old owner
    setTaskState(t, ScxTaskState::None);
    setTaskState(t, ScxTaskState::InitBegin);
    setTaskState(t, ScxTaskState::Init);
    setTaskSched(t, to);
    setTaskState(t, ScxTaskState::Ready);
    if (enabled) {
      lifeOpOn(to, LifeOp::Enable, t);
      setTaskState(t, ScxTaskState::Enabled);
    }
  }
};

Config subConfig() {
  Config c = failConfig(1);
  c.sub_fail_parent = false;
  return c;
}

TEST(SubFailParent, RehomeSkipsExitTaskCaughtOnlyBySubTaskInit) {
  registerVariant({"mut-rehome-skips-exit-task", "test-only seeded bug", "-"},
                  [](const Config& c) { return std::make_unique<RehomeSkipsExitTask>(c); });
  test::expectCaughtOn("mut-rehome-skips-exit-task", subConfig(), "sub-task-init", "still initialized on it");
  auto m = makeModel("mut-rehome-skips-exit-task", subConfig());
  const CheckResult r = test::check(*m, "all");
  for (const auto& i : r.invariants)
    EXPECT_EQ(i.status, i.id == "sub-task-init" ? Status::Violated : Status::Holds) << i.id << ": " << i.message;
}

// (2) The model's own slip of session 17, kept as a seeded bug:
// scx_cgroup_task_migrating without its scx_task_on_sched(to, p) return
// (sub.c:2051-2052) runs ops.init_task of the task's own scheduler for a
// move that re-homes nothing.
class MigratingInitsOwnSched : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "mut-migrating-inits-own-sched"; }
  bool cgroupTaskMigrating(uint8_t t, uint8_t to, bool fail) override {
    site(Site::CgroupTaskMigrating);
    site(Site::InitTask);  // BUG: no scx_task_on_sched(to, p) check first
    lifeOpOn(to, LifeOp::InitTask, t, fail ? kInitTaskFailed : kNone);
    return !fail;
  }
};

TEST(SubFailParent, MigratingInitsOwnSchedCaughtBySubTaskInit) {
  registerVariant({"mut-migrating-inits-own-sched", "test-only seeded bug", "-"},
                  [](const Config& c) { return std::make_unique<MigratingInitsOwnSched>(c); });
  Config c = subConfig();
  c.sub_migrations = true;
  test::expectCaughtOn("mut-migrating-inits-own-sched", c, "sub-task-init", "already initialized on the root");
}

}  // namespace
}  // namespace scxmc
