// The scheduler lifecycle (--lifecycle): the baseline holds every invariant
// over one enable/disable cycle; each seed-000 variant and a seeded bug are
// caught by the expected invariant with a counterexample that replays.
#include <gtest/gtest.h>

#include "lock_graph.hpp"
#include "test_support.hpp"

namespace scxmc {
namespace {

Config lifeConfig(const std::string& policy = "simple") {
  Config c = test::smallConfig(2, 2, 1, policy);
  c.lifecycle = true;
  return c;
}

// lifecycle: the disable loop calls ops.exit_task before ops.disable.
class ExitBeforeDisable : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "mut-exit-before-disable"; }
  void disableTask(uint8_t t) override {
    if (tk(t).scx_state == static_cast<uint8_t>(ScxTaskState::Enabled)) lifeOp(LifeOp::ExitTask, t);  // BUG
    ExtCore::disableTask(t);
  }
};

// lifecycle: a fork calls ops.enable before ops.init_task.
class EnableBeforeInitOnFork : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "mut-enable-before-init-on-fork"; }
  void forkTask(uint8_t t) override {
    lifeOp(LifeOp::Enable, t);  // BUG
    ExtCore::forkTask(t);
  }
};

// sleep-in-atomic: the enable loop calls ops.init_task without dropping the
// task's rq lock (7.3.4 drops every lock for it, ext.c:7964-7966).
class InitTaskUnderRqLock : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "mut-init-task-under-rq-lock"; }
  void enableInitTask(uint8_t t) override {
    if (!lockRq(tk(t).cpu)) return;
    lifeOp(LifeOp::InitTask, t);  // BUG: sleepable program with the rq locked
    unlockRq();
    ExtCore::enableInitTask(t);
  }
};

void expectCaught(const std::string& variant, const std::string& inv, const std::string& phrase, int forks = 0) {
  Config cfg = lifeConfig();
  cfg.fork_tasks = forks;
  auto m = makeModel(variant, cfg);
  ASSERT_NE(m, nullptr) << variant;
  Limits lim;
  lim.stop_at_first = true;
  const CheckResult r = test::check(*m, inv, lim);
  const InvariantResult& ir = test::resultOf(r, inv);
  ASSERT_EQ(ir.status, Status::Violated) << variant << " not caught by " << inv;
  EXPECT_NE(ir.message.find(phrase), std::string::npos) << ir.message;
  const ReplayOutcome o = test::replay(*m, r, inv);
  EXPECT_TRUE(o.confirmed) << o.error;
  EXPECT_EQ(o.message, ir.message);
}

TEST(Lifecycle, OffByDefaultAddsNoActor) {
  Config c;
  EXPECT_FALSE(c.lifecycle);
  EXPECT_EQ(c.steppers(), c.actors());
  c.lifecycle = true;
  EXPECT_EQ(c.steppers(), c.actors() + 1);
}

TEST(Lifecycle, BaselineHoldsOverOneEnableDisableCycle) {
  for (const char* policy : {"simple", "st-dequeue-remote"}) {
    auto m = makeModel("linux-7.3.4", lifeConfig(policy));
    const CheckResult r = test::check(*m, "all");
    ASSERT_TRUE(r.complete) << policy;
    for (const auto& i : r.invariants) EXPECT_EQ(i.status, Status::Holds) << policy << ": " << i.id << ": " << i.message;
  }
}

TEST(Lifecycle, ReachesTheEndOfTheCycle) {
  // the helper completes enable and disable in some execution
  auto m = makeModel("linux-7.3.4", lifeConfig());
  Limits lim;
  Checker c(*m, InvariantList{}, lim);
  bool done = false, enabled = false;
  c.setObserver([&](const State&, const StepLog&, const State& to) {
    done = done || to.life_pc == static_cast<uint8_t>(LifePc::Done);
    enabled = enabled || to.scx_enable == static_cast<uint8_t>(ScxEnable::Enabled);
  });
  c.run();
  EXPECT_TRUE(enabled);
  EXPECT_TRUE(done);
}

TEST(Lifecycle, LifecycleCatchesExitBeforeDisable) {
  registerVariant({"mut-exit-before-disable", "test-only seeded bug", "-"},
                  [](const Config& c) { return std::make_unique<ExitBeforeDisable>(c); });
  expectCaught("mut-exit-before-disable", "lifecycle", "ops.exit_task needs ops.disable first");
}

TEST(Lifecycle, ForkBaselineHolds) {
  Config cfg = lifeConfig("st-dequeue-remote");
  cfg.fork_tasks = 1;
  auto m = makeModel("linux-7.3.4", cfg);
  const CheckResult r = test::check(*m, "all");
  ASSERT_TRUE(r.complete);
  for (const auto& i : r.invariants) EXPECT_EQ(i.status, Status::Holds) << i.id << ": " << i.message;
}

TEST(Lifecycle, LifecycleCatchesEnableBeforeInitOnFork) {
  registerVariant({"mut-enable-before-init-on-fork", "test-only seeded bug", "-"},
                  [](const Config& c) { return std::make_unique<EnableBeforeInitOnFork>(c); });
  expectCaught("mut-enable-before-init-on-fork", "lifecycle", "ops.enable needs ops.init_task first", 1);
}

TEST(Lifecycle, SleepInAtomicCatchesInitTaskUnderRqLock) {
  registerVariant({"mut-init-task-under-rq-lock", "test-only seeded bug", "-"},
                  [](const Config& c) { return std::make_unique<InitTaskUnderRqLock>(c); });
  expectCaught("mut-init-task-under-rq-lock", "sleep-in-atomic", "sleepable ops.init_task(p");
}

TEST(Variants, BypassClearEarlyCaughtByBypass) {
  expectCaught("bypass-clear-early", "bypass", "before initialization completed");
}

TEST(Variants, DestroyDsqInversionCaughtByLockOrder) {
  expectCaught("destroy-dsq-inversion", "lock-order", "takes scx_tasks_lock [*] while holding &dsq->lock [USER0]");
}

TEST(Variants, CgroupAttachHoldsLockCaughtBySleepInAtomic) {
  expectCaught("cgroup-attach-holds-lock", "sleep-in-atomic", "sleepable ops.cgroup_prep_move(p0) while holding css_set_lock");
}

TEST(Variants, BaselineHoldsWhatTheVariantsBreak) {
  auto m = makeModel("linux-7.3.4", lifeConfig());
  const CheckResult r = test::check(*m, "bypass,lock-order,sleep-in-atomic,lifecycle");
  ASSERT_TRUE(r.complete);
  for (const auto& i : r.invariants) EXPECT_EQ(i.status, Status::Holds) << i.id;
}

TEST(LockGraphLifecycle, BaselineAcyclicVariantCyclic) {
  auto base = makeModel("linux-7.3.4", lifeConfig());
  const LockGraph g = buildLockGraph(*base, Limits{});
  ASSERT_TRUE(g.check.complete);
  EXPECT_TRUE(g.cycles.empty());
  for (const auto& e : g.edges) EXPECT_EQ(replayLockEdge(*base, e), "") << edgeName(e);

  auto bad = makeModel("destroy-dsq-inversion", lifeConfig());
  const LockGraph h = buildLockGraph(*bad, Limits{});
  ASSERT_FALSE(h.cycles.empty());
  bool two = false;
  for (const auto& c : h.cycles) {
    for (int i : c.edges) EXPECT_EQ(replayLockEdge(*bad, h.edges[i]), "") << edgeName(h.edges[i]);
    if (c.edges.size() == 2 && c.why.find("&dsq->lock") != std::string::npos &&
        c.why.find("scx_tasks_lock") != std::string::npos)
      two = true;
  }
  EXPECT_TRUE(two) << "no dsq->lock <-> scx_tasks_lock cycle";
}

}  // namespace
}  // namespace scxmc
