// The scheduler lifecycle (--lifecycle): the baseline holds every invariant
// over one enable/disable cycle; each seed-000 variant and a seeded bug are
// caught by the expected invariant with a counterexample that replays.
#include <gtest/gtest.h>

#include "format.hpp"
#include "invariants_all.hpp"
#include "lock_graph.hpp"
#include "pack.hpp"
#include "symmetry.hpp"
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

// cycle-residue: enqueue_task_scx no longer ends an SCX-internal migration
// on arrival (the sticky_cpu clear at ext.c:2181-2182 dropped), so a task
// moved by move_remote_task_to_local_dsq keeps sticky_cpu for good.
class KeepStickyCpu : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "mut-keep-sticky-cpu"; }
  void enqueueTask(uint8_t rq, uint8_t t, uint8_t enq_flags) override {
    const uint8_t sticky = tk(t).sticky;
    ExtCore::enqueueTask(rq, t, enq_flags);
    if (!blocked_) tk(t).sticky = sticky;  // BUG: not cleared
  }
};

// lifecycle (--task-death): task_dead_and_done never true, so the enable's
// switch loop calls ops.enable for a dead, switched-out task.
class NoDeadAndDone : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "mut-no-dead-and-done"; }
  bool taskDeadAndDone(uint8_t) override { return false; }
};

// lifecycle (--task-death): sched_ext_dead exits an enabled task without
// scx_disable_task (ops.disable) first.
class DeadWithoutDisable : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "mut-dead-without-disable"; }
  void taskExit(uint8_t t) override {
    if (tk(t).scx_state == static_cast<uint8_t>(ScxTaskState::Enabled))
      setTaskState(t, ScxTaskState::Ready);  // BUG: no ops.disable
    ExtCore::taskExit(t);
  }
};

// lifecycle: the enable loop's relock ignores a DEAD task (set by
// sched_ext_dead during ops.init_task) and makes it READY.
class InitIgnoresDead : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "mut-init-ignores-dead"; }
  void enableInitTaskCall(uint8_t t) override {
    if (tk(t).scx_state == static_cast<uint8_t>(ScxTaskState::Dead))
      setTaskState(t, ScxTaskState::InitBegin);  // BUG: the DEAD mark is lost
    ExtCore::enableInitTaskCall(t);
  }
};

// bypass: scx_do_enqueue_task tests the scheduler-wide bypass depth (a
// single global test, as kernels before the per-CPU
// SCX_SCHED_PCPU_BYPASSING did) instead of its CPU's flag (ext.c:2050).  The
// two disagree only between scx_bypass's visits of two CPUs, which other
// actors see only since scx_bypass takes one step per CPU (docs/lockless.md
// V1): with the depth and every flag changed in one step they agree in every
// state another actor starts from.
class BypassByDepth : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "mut-bypass-by-depth"; }
  void doEnqueueTask(uint8_t rq, uint8_t t, uint8_t enq_flags, uint8_t sticky_cpu) override {
    const uint8_t own = cpu(rq).bypassing;
    cpu(rq).bypassing = (s_->bypass_depth & ~kBypassInLoop) ? kCpuBypassing : 0;  // BUG: the depth, not this CPU's flag
    ExtCore::doEnqueueTask(rq, t, enq_flags, sticky_cpu);
    cpu(rq).bypassing = own;
  }
};

// `variant` on `cfg` violates `inv` with a message containing `phrase`, and
// the counterexample replays to the same message.
using test::expectCaughtOn;

void expectCaught(const std::string& variant, const std::string& inv, const std::string& phrase, int forks = 0) {
  Config cfg = lifeConfig();
  cfg.fork_tasks = forks;
  expectCaughtOn(variant, cfg, inv, phrase);
}

// The lifecycle configuration 1 task x 2 CPUs x 1 user DSQ, full policy.
Config oneTaskLife() {
  Config c = test::smallConfig(1, 2, 1);
  c.lifecycle = true;
  return c;
}

// Every invariant holds on `m`, searched to the end with `observe` seeing
// every transition.
void expectAllHoldObserved(ExtCore& m, Observer observe) {
  InvariantList invs;
  std::string err;
  ASSERT_TRUE(selectInvariants("all", &invs, &err)) << err;
  Checker ck(m, std::move(invs), Limits{});
  ck.setObserver(std::move(observe));
  const CheckResult r = ck.run();
  ASSERT_TRUE(r.complete);
  for (const auto& i : r.invariants) EXPECT_EQ(i.status, Status::Holds) << i.id << ": " << i.message;
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

// Issue 18: with the lifecycle, an scx_error() hands over to the disable
// path as in 7.3.4 (scx_vexit ext.c:7276 -> scx_disable_workfn ext.c:6841):
// the scheduler is disabled after it, and nothing deadlocks.  Test-only BPF
// scheduler that ignores p->cpus_ptr for SCX_DSQ_LOCAL_ON (ext.c:2545).
class BpfIgnoresAffinityLife : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "mut-bpf-ignores-affinity-life"; }
  uint8_t bpfDispatchTarget(uint8_t t, uint8_t c) override {
    uint8_t opts[kMaxCpus];
    int n = 0;
    for (uint8_t x = 0; x < cfg_.cpus; ++x)
      if (x != c) opts[n++] = makeTarget(TargetKind::LocalOn, x);
    return n ? opts[ch_->pick(n)] : ExtCore::bpfDispatchTarget(t, c);
  }
};

TEST(Lifecycle, ScxErrorHandsOverToTheDisablePath) {
  Config cfg = test::smallConfig(1, 2, 0, "full:select=none|prev-cpu,enqueue=keep,dispatch=insert-local-on");
  cfg.lifecycle = true;
  BpfIgnoresAffinityLife m(cfg);
  InvariantList invs;
  std::string err;
  ASSERT_TRUE(selectInvariants("all", &invs, &err)) << err;
  Checker c(m, std::move(invs), Limits{});
  bool disabled_after_error = false;
  c.setObserver([&](const State& from, const StepLog&, const State& to) {
    disabled_after_error |= from.scx_error && to.life_pc == static_cast<uint8_t>(LifePc::Done);
  });
  const CheckResult r = c.run();
  ASSERT_TRUE(r.complete);
  EXPECT_EQ(test::resultOf(r, "scx-error").status, Status::Violated);
  EXPECT_EQ(test::resultOf(r, "deadlock").status, Status::Holds) << test::resultOf(r, "deadlock").message;
  EXPECT_EQ(r.stats.error_exits, 0u);  // every actor goes on after the error
  EXPECT_TRUE(disabled_after_error);
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

// ---- class switches into ext (model/class_switch.cpp), variant no-switching-to

// One task on one CPU, full policy: the enable loop and __sched_setscheduler
// both meet it asleep and queued on fair.
Config switchConfig() {
  Config c = test::smallConfig(1, 1, 0);
  c.lifecycle = true;
  return c;
}

// The steps that switch a runnable task into ext through `via` (the root
// enable loop's or __sched_setscheduler's sched_change): did ops.enable come
// before the task's first ops.runnable/ops.enqueue, or after; and what the
// lifecycle monitor says about such a step.
struct SwitchesSeen {
  bool enable_first = false, enqueue_first = false, ops_enqueue = false;
  std::string violation;
};

SwitchesSeen switchesOf(const std::string& variant, Site via) {
  auto m = makeModel(variant, switchConfig());
  auto mon = makeLifecycle();
  SwitchesSeen seen;
  Checker c(*m, InvariantList{}, Limits{});
  c.setObserver([&](const State& from, const StepLog& log, const State& to) {
    bool on_path = false;
    int enable = -1, sched = -1;
    for (int i = 0; i < log.n; ++i) {
      const Event& e = log.ev[i];
      if (e.kind == Ev::Site && e.a == static_cast<uint8_t>(via)) on_path = true;
      if (e.kind == Ev::OpsLife && e.a == static_cast<uint8_t>(LifeOp::Enable) && enable < 0) enable = i;
      if ((e.kind == Ev::OpsRunnable || e.kind == Ev::OpsEnqueue) && sched < 0) sched = i;
      if (on_path && e.kind == Ev::OpsEnqueue) seen.ops_enqueue = true;
    }
    if (!on_path || enable < 0 || sched < 0) return;
    (enable < sched ? seen.enable_first : seen.enqueue_first) = true;
    State next = to;
    std::string why;
    if (!mon->onStep(m->config(), from, log, next, &why) && seen.violation.empty()) seen.violation = why;
  });
  EXPECT_TRUE(c.run().complete);
  return seen;
}

TEST(ClassSwitch, BaselineEnablesARunnableTaskBeforeItsFirstEnqueue) {
  for (Site via : {Site::EnableSwitchTask, Site::SetScheduler}) {
    const SwitchesSeen s = switchesOf("linux-7.3.4", via);
    EXPECT_TRUE(s.enable_first) << siteInfo(via).id << ": no runnable task switched into ext";
    EXPECT_FALSE(s.enqueue_first) << siteInfo(via).id;
    EXPECT_EQ(s.violation, "") << siteInfo(via).id;
  }
  // bypassing during the enable loop: no ops.enqueue there, but one after
  // sched_setscheduler on the ENABLED scheduler
  EXPECT_FALSE(switchesOf("linux-7.3.4", Site::EnableSwitchTask).ops_enqueue);
  EXPECT_TRUE(switchesOf("linux-7.3.4", Site::SetScheduler).ops_enqueue);
}

TEST(ClassSwitch, NoSwitchingToEnqueuesBeforeEnableOnBothPaths) {
  for (Site via : {Site::EnableSwitchTask, Site::SetScheduler}) {
    const SwitchesSeen s = switchesOf("no-switching-to", via);
    EXPECT_TRUE(s.enqueue_first) << siteInfo(via).id;
    EXPECT_FALSE(s.enable_first) << siteInfo(via).id;
    EXPECT_NE(s.violation.find("in scx state READY: scheduling callbacks need ops.enable first"), std::string::npos)
        << siteInfo(via).id << ": " << s.violation;
  }
}

TEST(Variants, NoSwitchingToCaughtByLifecycle) {
  for (const Config& cfg : {switchConfig(), lifeConfig()}) {
    auto bad = makeModel("no-switching-to", cfg);
    Limits lim;
    lim.stop_at_first = true;
    const CheckResult r = test::check(*bad, "lifecycle", lim);
    const InvariantResult& ir = test::resultOf(r, "lifecycle");
    ASSERT_EQ(ir.status, Status::Violated) << cfg.describe();
    EXPECT_NE(ir.message.find("ops.runnable(p"), std::string::npos) << ir.message;
    EXPECT_NE(ir.message.find("in scx state READY: scheduling callbacks need ops.enable first"), std::string::npos)
        << ir.message;
    const ReplayOutcome o = test::replay(*bad, r, "lifecycle");
    EXPECT_TRUE(o.confirmed) << o.error;
    EXPECT_EQ(o.message, ir.message);
  }
  // the baseline with the same options (lifeConfig(): BaselineHoldsOverOneEnableDisableCycle)
  auto base = makeModel("linux-7.3.4", switchConfig());
  const CheckResult b = test::check(*base, "all");
  ASSERT_TRUE(b.complete);
  for (const auto& i : b.invariants) EXPECT_EQ(i.status, Status::Holds) << i.id << ": " << i.message;
}

// --cycles: a second enable/disable cycle starts from what the first left;
// the baseline leaves nothing (cycle-residue), so the second cycle's states
// are the first's with the cycle counter set.  One cycle adds no state bit.
TEST(Cycles, BaselineHoldsOverTwoCyclesAndOneCycleIsUnchanged) {
  Config one = oneTaskLife();
  Config two = one;
  two.cycles = 2;
  EXPECT_EQ(two.validate(), "");
  Config bad = test::smallConfig(1, 2, 1);
  bad.cycles = 2;
  EXPECT_NE(bad.validate().find("--cycles"), std::string::npos);
  auto m1 = makeModel("linux-7.3.4", one);
  auto m2 = makeModel("linux-7.3.4", two);
  const CheckResult r1 = test::check(*m1, "all"), r2 = test::check(*m2, "all");
  ASSERT_TRUE(r1.complete && r2.complete);
  for (const auto& i : r2.invariants) EXPECT_EQ(i.status, Status::Holds) << i.id << ": " << i.message;
  // the cycle counter: one bit with two cycles, none with one
  EXPECT_EQ(Codec(two).bits(), Codec(one).bits() + 1);
  EXPECT_GT(r2.stats.states, r1.stats.states + r1.stats.states / 2);
  const InvariantResult& res = test::resultOf(r2, "cycle-residue");
  EXPECT_FALSE(res.vacuous);
}

TEST(Cycles, CycleResidueCatchesAStickyCpuLeftBehind) {
  registerVariant({"mut-keep-sticky-cpu", "test-only seeded bug", "-"},
                  [](const Config& c) { return std::make_unique<KeepStickyCpu>(c); });
  expectCaughtOn("mut-keep-sticky-cpu", oneTaskLife(), "cycle-residue", "after disable (cycle 1): p0 keeps sticky_cpu");
}

TEST(Cycles, NoSwitchingToCaughtWithTwoCycles) {
  Config cfg = lifeConfig();
  cfg.cycles = 2;
  auto bad = makeModel("no-switching-to", cfg);
  ASSERT_EQ(bad->config().cycles, 2);
  Limits lim;
  lim.stop_at_first = true;
  const CheckResult r = test::check(*bad, "lifecycle", lim);
  const InvariantResult& ir = test::resultOf(r, "lifecycle");
  ASSERT_EQ(ir.status, Status::Violated);
  const ReplayOutcome o = test::replay(*bad, r, "lifecycle");
  EXPECT_TRUE(o.confirmed) << o.error;
}

// --task-death: a running task exits; other actors run between its final
// switch and its sched_ext_dead.  The baseline holds everything, the window
// is reached with the helper moving in it, and without the flag the state
// has no extra bit.
TEST(TaskDeath, BaselineHoldsAndTheHelperRunsInTheWindow) {
  Config cfg = oneTaskLife();
  Config off = cfg;
  cfg.task_death = true;
  EXPECT_EQ(Codec(cfg).bits(), Codec(off).bits() + 1);  // the TASK_DEAD bit of one task
  Config bad = test::smallConfig(1, 2, 1);
  bad.task_death = true;
  EXPECT_NE(bad.validate().find("--task-death"), std::string::npos);
  auto m = makeModel("linux-7.3.4", cfg);
  bool window = false, exited = false;
  expectAllHoldObserved(*m, [&](const State& from, const StepLog& log, const State& to) {
    const bool dead = (from.task[0].flags & kTaskDead) && from.cpu[0].curr != 0 && from.cpu[1].curr != 0 &&
                      from.task[0].scx_state != static_cast<uint8_t>(ScxTaskState::Unborn);
    if (dead && to.life_pc != from.life_pc) window = true;
    for (const Event& e : log)
      if (dead && e.kind == Ev::OpsLife && e.a == static_cast<uint8_t>(LifeOp::ExitTask)) exited = true;
  });
  EXPECT_TRUE(window) << "the helper never moved between a task's final switch and its sched_ext_dead";
  EXPECT_TRUE(exited) << "no ops.exit_task for a dead task";
}

TEST(TaskDeath, LifecycleCatchesSchedExtDeadWithoutDisable) {
  registerVariant({"mut-dead-without-disable", "test-only seeded bug", "-"},
                  [](const Config& c) { return std::make_unique<DeadWithoutDisable>(c); });
  Config cfg = oneTaskLife();
  cfg.task_death = true;
  expectCaughtOn("mut-dead-without-disable", cfg, "lifecycle", "scx state ENABLED -> READY without ops.disable");
}

TEST(TaskDeath, LifecycleCatchesEnableOfADeadTaskInTheNextCycle) {
  registerVariant({"mut-no-dead-and-done", "test-only seeded bug", "-"},
                  [](const Config& c) { return std::make_unique<NoDeadAndDone>(c); });
  Config cfg = oneTaskLife();
  cfg.task_death = true;
  cfg.cycles = 2;
  expectCaughtOn("mut-no-dead-and-done", cfg, "lifecycle", "after its final switch (TASK_DEAD)");
  // the same model with one cycle: no dead task meets an enable
  Config one = cfg;
  one.cycles = 1;
  auto m1 = makeModel("mut-no-dead-and-done", one);
  EXPECT_EQ(test::resultOf(test::check(*m1, "lifecycle"), "lifecycle").status, Status::Holds);
}

// Finding L1 (docs/validation.md): sched_ext_dead runs
// scx_disable_and_exit_task, which leaves the task NONE, and then marks it
// DEAD under the same task_rq_lock (ext.c:4376-4386): NONE -> DEAD, as every
// recorded death of an attached task shows.  The model took the task from
// NONE straight to its freed slot.  Now the step has NONE -> DEAD (after
// ops.exit_task, with the rq lock still held) and then the free, DEAD ->
// unborn; a task that dies in NONE is freed without the mark (ext.c:4367).
TEST(TaskDeath, SchedExtDeadMarksTheExitedTaskDead) {
  Config cfg = oneTaskLife();
  cfg.task_death = true;
  auto m = makeModel("linux-7.3.4", cfg);
  int marked = 0, unmarked = 0;
  expectAllHoldObserved(*m, [&](const State& from, const StepLog& log, const State& to) {
    bool exit_task = false, none_dead = false, freed = false, rq_held_at_mark = false, dead_path = false;
    int held = 0;
    for (const Event& e : log) {
      // (scx_cancel_fork's exit_task also ends in NONE, but the task was
      // never on scx_tasks: it is freed without sched_ext_dead, ext.c:4300)
      if (e.kind == Ev::Site && e.a == static_cast<uint8_t>(Site::SchedExtDead)) dead_path = true;
      if (e.kind == Ev::OpsLife && e.a == static_cast<uint8_t>(LifeOp::ExitTask)) exit_task = true;
      if (e.kind == Ev::Lock && e.a == static_cast<uint8_t>(LockClass::Rq)) ++held;
      if (e.kind == Ev::Unlock && e.a == static_cast<uint8_t>(LockClass::Rq)) --held;
      if (e.kind == Ev::TaskState && e.a == static_cast<uint8_t>(ScxTaskState::None) &&
          e.b == static_cast<uint8_t>(ScxTaskState::Dead)) {
        EXPECT_TRUE(exit_task) << "NONE -> DEAD before ops.exit_task";
        none_dead = true;
        rq_held_at_mark = held > 0;
      }
      if (e.kind == Ev::TaskState && e.b == static_cast<uint8_t>(ScxTaskState::Unborn) &&
          e.a != static_cast<uint8_t>(ScxTaskState::Unborn)) {
        freed = true;
        // after ops.exit_task the free is from DEAD, never from NONE
        if (dead_path && exit_task) {
          EXPECT_TRUE(none_dead && e.a == static_cast<uint8_t>(ScxTaskState::Dead))
            << "freed from " << scxTaskStateName(e.a) << " after ops.exit_task: " << [&] {
                 std::string w;
                 for (const Event& x : log) w += describeEvent(x) + "; ";
                 return w;
               }();
        }
      }
    }
    if (none_dead) {
      ++marked;
      EXPECT_TRUE(rq_held_at_mark) << "DEAD is set under task_rq_lock (ext.c:4376-4386)";
      EXPECT_TRUE(freed);
      EXPECT_EQ(to.task[0].scx_state, static_cast<uint8_t>(ScxTaskState::Unborn));
    } else if (freed && dead_path && !exit_task && from.task[0].scx_state == static_cast<uint8_t>(ScxTaskState::None)) {
      ++unmarked;  // died with no scheduler attached: left NONE
    }
  });
  EXPECT_GT(marked, 0) << "no sched_ext_dead of an attached task took it NONE -> DEAD";
  EXPECT_GT(unmarked, 0) << "no sched_ext_dead of a task in NONE";
  // (expectAllHoldObserved also needs invariant `lifecycle` to hold, so its
  // edge table has NONE -> DEAD, which scx_set_task_state allows,
  // ext.c:672-674)
}

// The enable loop drops every lock for ops.init_task (ext.c:7963-7968): a
// task that exits then is set DEAD by sched_ext_dead without ops and gets
// its cancelled ops.exit_task from the relock (ext.c:4369-4380, 7980-7986).
TEST(InitWindow, ATaskExitingDuringInitTaskIsUnwoundByTheRelock) {
  Config cfg = oneTaskLife();
  cfg.fork_tasks = 1;
  auto m = makeModel("linux-7.3.4", cfg);
  bool dead = false, unwound = false;
  expectAllHoldObserved(*m, [&](const State& from, const StepLog& log, const State&) {
    for (const Event& e : log) {
      if (e.kind == Ev::TaskState && e.a == static_cast<uint8_t>(ScxTaskState::InitBegin) &&
          e.b == static_cast<uint8_t>(ScxTaskState::Dead) && from.life_pc == static_cast<uint8_t>(LifePc::EnInitCall0))
        dead = true;
      if (e.kind == Ev::OpsLife && e.a == static_cast<uint8_t>(LifeOp::ExitTask) &&
          from.task[e.t].scx_state == static_cast<uint8_t>(ScxTaskState::Dead))
        unwound = true;
    }
  });
  EXPECT_TRUE(dead) << "sched_ext_dead never met a task in INIT_BEGIN";
  EXPECT_TRUE(unwound) << "the relock never unwound a DEAD task";
}

TEST(InitWindow, LifecycleCatchesARelockThatIgnoresDead) {
  registerVariant({"mut-init-ignores-dead", "test-only seeded bug", "-"},
                  [](const Config& c) { return std::make_unique<InitIgnoresDead>(c); });
  Config cfg = oneTaskLife();
  cfg.fork_tasks = 1;
  expectCaughtOn("mut-init-ignores-dead", cfg, "lifecycle", "DEAD -> INIT_BEGIN is not an edge");
}

TEST(Variants, NoSwitchingToImpliesTheLifecycle) {
  Config c = switchConfig();
  c.lifecycle = false;
  EXPECT_TRUE(makeModel("no-switching-to", c)->config().lifecycle);
}

}  // namespace
}  // namespace scxmc

namespace scxmc {
namespace {

// V1: the seeded bug above is caught, its counterexample replays, and the
// violating step is taken by another actor while the helper is inside
// scx_bypass's CPU loop (the depth changed, not every CPU's flag yet: only
// the split steps let another actor run there).
// The root's exit claim without --sub-scheds (docs/architecture.md, "The
// root's exit claim and ->aborting"): bpf_scx_unreg's claim is a step of
// its own before scx_root_disable, and in between a consume (ext.c:2730)
// or an scx_dsq_move (ext.c:9239) that reads ->aborting takes nothing.
class ConsumeIgnoresAborting : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "mut-consume-ignores-aborting"; }
  bool consumeAborting(uint8_t d) override {
    ExtCore::consumeAborting(d);
    return false;  // BUG: the scan goes on after the exit was claimed
  }
};

struct AbortingSeen {
  bool disable_unclaimed = false, disable = false;
  bool consume_gave_up = false, consume_took = false, took_after_claim = false;
  bool move_refused = false, moved_after_claim = false;
  uint64_t states = 0;
};

AbortingSeen observeAborting(ExtCore& m) {
  AbortingSeen a;
  Checker ck(m, InvariantList{}, Limits{});
  ck.setObserver([&](const State& from, const StepLog& log, const State&) {
    const bool claimed = (from.sub_exit & 3) != 0;  // the root's exit_kind (no --sub-scheds)
    bool consume = false, move = false, unlinked = false, refused = false;
    for (const Event& e : log) {
      if (e.kind == Ev::Site && static_cast<Site>(e.a) == Site::RootDisable) {
        a.disable = true;
        a.disable_unclaimed |= !claimed;
      }
      if (e.kind == Ev::Site && static_cast<Site>(e.a) == Site::ConsumeAborting) consume = true;
      if (e.kind == Ev::Site && static_cast<Site>(e.a) == Site::DsqMoveAborting) move = true;
      if ((consume || move) && e.kind == Ev::DsqUnlink) unlinked = true;
      if (move && e.kind == Ev::KfDsqMove && e.c == 0) refused = true;
    }
    if (consume && claimed) (unlinked ? a.took_after_claim : a.consume_gave_up) = true;
    if (consume && !claimed && unlinked) a.consume_took = true;
    if (move && claimed) (refused ? a.move_refused : a.moved_after_claim) = true;
  });
  const CheckResult r = ck.run();
  EXPECT_TRUE(r.complete);
  a.states = r.stats.states;
  return a;
}

TEST(RootExitClaim, ConsumesAndMovesTakeNothingOnceClaimed) {
  Config c = test::smallConfig(1, 2, 1);
  c.lifecycle = true;
  const AbortingSeen a = observeAborting(*makeModel("linux-7.3.4", c));
  EXPECT_TRUE(a.disable);
  EXPECT_FALSE(a.disable_unclaimed) << "scx_root_disable ran before the exit was claimed";
  EXPECT_TRUE(a.consume_gave_up);
  EXPECT_TRUE(a.consume_took);
  EXPECT_FALSE(a.took_after_claim);
  EXPECT_TRUE(a.move_refused);
  EXPECT_FALSE(a.moved_after_claim);
  EXPECT_EQ(a.states, 537287u);  // 1x2x1 --lifecycle (docs/status.md, session 14)
}

TEST(RootExitClaim, CatchesAConsumeThatIgnoresAborting) {
  Config c = test::smallConfig(1, 2, 1);
  c.lifecycle = true;
  ConsumeIgnoresAborting m(c);
  EXPECT_TRUE(observeAborting(m).took_after_claim);
}

// --switch-runnable (issue 17, "Task death and class"): __sched_setscheduler
// moves a runnable ext task that is not running to fair.  Off: no bit, no
// state; on, 7.3.4 holds every invariant, a task in the BPF scheduler's
// custody leaves it with one ops.dequeue(SCHED_CHANGE) before ops.disable,
// and the task comes back to ext later (the switch back already existed).
TEST(SwitchRunnable, OffCostsNothingAndLinux734Holds) {
  Config off = test::smallConfig(1, 2, 0);
  off.lifecycle = true;
  Config on = off;
  on.switch_runnable = true;
  EXPECT_EQ(on.validate(), "");
  EXPECT_EQ(Codec(on).bits(), Codec(off).bits());
  Config bad = test::smallConfig(1, 2, 0);
  bad.switch_runnable = true;
  EXPECT_NE(bad.validate().find("--switch-runnable needs --lifecycle"), std::string::npos);
  EXPECT_EQ(test::check(*makeModel("linux-7.3.4", off), "all").stats.states, 101375u);
  auto m = makeModel("linux-7.3.4", on);
  bool out_of_custody = false, back = false, running_out = false;
  const CheckResult r = test::checkObserved(*m, "all", [&](const State& from, const StepLog& log, const State& to) {
    bool switch_out = false, dequeued = false, disabled_after = false;
    for (const Event& e : log) {
      if (e.kind == Ev::Site && static_cast<Site>(e.a) == Site::SetScheduler) switch_out = true;
      if (switch_out && e.kind == Ev::OpsDequeue && (e.a & kDeqSchedChange)) dequeued = true;
      if (dequeued && e.kind == Ev::OpsLife && static_cast<LifeOp>(e.a) == LifeOp::Disable) disabled_after = true;
    }
    out_of_custody |= disabled_after;
    // a running task's switch out: its CPU's rq->curr is no ext task after it
    if (switch_out && from.cpu[0].curr == 0 && to.cpu[0].curr == kNone &&
        to.task[0].scx_state == static_cast<uint8_t>(ScxTaskState::Ready))
      running_out = true;
    if (switch_out && from.cpu[1].curr == 0 && to.cpu[1].curr == kNone &&
        to.task[0].scx_state == static_cast<uint8_t>(ScxTaskState::Ready))
      running_out = true;
    // runnable on fair (READY, queued) -> ENABLED again
    for (int t = 0; t < 1; ++t)
      back |= from.task[t].scx_state == static_cast<uint8_t>(ScxTaskState::Ready) &&
              from.task[t].on_rq == static_cast<uint8_t>(OnRq::Queued) &&
              to.task[t].scx_state == static_cast<uint8_t>(ScxTaskState::Enabled);
  });
  ASSERT_TRUE(r.complete);
  for (const auto& i : r.invariants) EXPECT_EQ(i.status, Status::Holds) << i.id << ": " << i.message;
  EXPECT_EQ(r.stats.states, 153342u);  // 1x2x0 --lifecycle --switch-runnable (docs/status.md, session 14)
  EXPECT_TRUE(out_of_custody);
  EXPECT_TRUE(back);
  EXPECT_TRUE(running_out);
}

TEST(SwitchRunnable, SwitchingFromDisablesCaughtByKernelWarn) {
  auto probe = makeModel("switching-from-disables", test::smallConfig(1, 2, 1));
  ASSERT_NE(probe, nullptr);
  EXPECT_TRUE(probe->config().lifecycle);
  EXPECT_TRUE(probe->config().switch_runnable);
  Config c = test::smallConfig(1, 2, 1);
  c.lifecycle = true;
  c.switch_runnable = true;
  test::expectCaughtOn("switching-from-disables", c, "kernel-warn",
                       "scx_disable_task: p is in BPF custody after ops.disable");
}

// The switch's marker in Frame::y (kChangeToFair) is not a CPU mask: CPU
// renaming keeps it (it once mapped it as one, which took the affinity path
// on the representative and failed to reconstruct a counterexample).  The
// variant's whole search, no stop at the first violation, gives the same
// verdicts and lengths with and without the reductions.
TEST(SwitchRunnable, SymmetryKeepsTheMarkerVerdictsAndLengths) {
  Config c = test::smallConfig(1, 2, 0);
  c.lifecycle = true;
  c.switch_runnable = true;
  State s;
  Frame& f = s.actor[c.cpus];  // task0's actor
  f.pc = static_cast<uint8_t>(Pc::ChangeEnqueue);
  f.op = static_cast<uint8_t>(Op::Nice);
  f.t = 0;
  f.y = kChangeToFair;
  const uint8_t swap[kMaxCpus] = {1, 0, 2};
  EXPECT_EQ(permuteCpus(c, s, swap).actor[c.cpus].y, kChangeToFair);
  f.y = 0x1;  // a sched_setaffinity's mask is renamed
  EXPECT_EQ(permuteCpus(c, s, swap).actor[c.cpus].y, 0x2);
  auto m = makeModel("switching-from-disables", c);
  const CheckResult a = test::expectReductionsKeep(*m, "kernel-warn,lifecycle", {"kernel-warn", "lifecycle", "deadlock"});
  EXPECT_EQ(test::resultOf(a, "kernel-warn").status, Status::Violated);
  EXPECT_EQ(test::resultOf(a, "deadlock").status, Status::Holds);
}

// --switch-during-walks (issue 17, "Task death and class"): the task's
// policy apart from its class, and sched_setscheduler routed by
// task_should_scx in every root state.  Off: no bit and the same counts.
// On: every invariant holds, and the search reaches the three behaviours the
// flag adds: a switch to ext by sched_setscheduler while the enable's switch
// loop runs (ENABLING), a switch to fair while the root is DISABLING, and an
// enable that leaves a READY task of another policy on fair.
TEST(SwitchWalks, OffCostsNothingAndLinux734Holds) {
  Config off = test::smallConfig(1, 2, 0);
  off.lifecycle = true;
  Config on = off;
  on.switch_walks = true;
  EXPECT_EQ(on.validate(), "");
  EXPECT_GT(Codec(on).bits(), Codec(off).bits());  // the policy bit widens task.flags only when on
  Config bad = test::smallConfig(1, 2, 0);
  bad.switch_walks = true;
  EXPECT_NE(bad.validate().find("--switch-during-walks needs --lifecycle"), std::string::npos);
  Config sub = on;
  sub.sub_scheds = 1;
  EXPECT_NE(sub.validate().find("--switch-during-walks"), std::string::npos);
  EXPECT_EQ(test::check(*makeModel("linux-7.3.4", off), "all").stats.states, 101375u);
  auto m = makeModel("linux-7.3.4", on);
  bool to_ext_enabling = false, to_fair_disabling = false, left_on_fair = false;
  const CheckResult r = test::checkObserved(*m, "all", [&](const State& from, const StepLog& log, const State& to) {
    bool setsched = false;
    for (const Event& e : log) {
      if (e.kind == Ev::Site && static_cast<Site>(e.a) == Site::SetScheduler) setsched = true;
      if (setsched && e.kind == Ev::TaskState && e.b == static_cast<uint8_t>(ScxTaskState::Enabled) &&
          from.scx_enable == static_cast<uint8_t>(ScxEnable::Enabling))
        to_ext_enabling = true;
      if (setsched && e.kind == Ev::TaskState && e.a == static_cast<uint8_t>(ScxTaskState::Enabled) &&
          from.scx_enable == static_cast<uint8_t>(ScxEnable::Disabling))
        to_fair_disabling = true;
    }
    // the enable published with the task READY under another policy
    left_on_fair |= from.life_pc == static_cast<uint8_t>(LifePc::EnPublish) &&
                    to.scx_enable == static_cast<uint8_t>(ScxEnable::Enabled) &&
                    to.task[0].scx_state == static_cast<uint8_t>(ScxTaskState::Ready) &&
                    (to.task[0].flags & kTaskPolicyOther);
  });
  ASSERT_TRUE(r.complete);
  EXPECT_FALSE(r.any_violated());
  EXPECT_EQ(r.stats.states, 110386u);
  EXPECT_TRUE(to_ext_enabling);
  EXPECT_TRUE(to_fair_disabling);
  EXPECT_TRUE(left_on_fair);
}

// A reviewer's simplification of the enable's switch loop that drops
// scx_setscheduler_class (ext.c:8023): caught by lifecycle, replayed.  The
// whole search (no stop at the first violation) gives the same verdicts and
// counterexample lengths with and without the reductions.
TEST(SwitchWalks, EnableSwitchesEveryReadyCaughtAndReductionsKeepLengths) {
  auto probe = makeModel("enable-switches-every-ready", test::smallConfig(1, 2, 0));
  ASSERT_NE(probe, nullptr);
  EXPECT_TRUE(probe->config().lifecycle);
  EXPECT_TRUE(probe->config().switch_walks);
  Config c = test::smallConfig(1, 2, 0);
  c.lifecycle = true;
  c.switch_walks = true;
  test::expectCaughtOn("enable-switches-every-ready", c, "lifecycle", "with a policy task_should_scx keeps off ext");
  auto m = makeModel("enable-switches-every-ready", c);
  const CheckResult a = test::expectReductionsKeep(*m, "lifecycle,bypass", {"lifecycle", "bypass", "deadlock"});
  EXPECT_EQ(test::resultOf(a, "lifecycle").status, Status::Violated);
  EXPECT_EQ(test::resultOf(a, "lifecycle").cex.steps.size(), 12u);
}

TEST(Lifecycle, PerCpuBypassStepsExposeADepthTest) {
  registerVariant({"mut-bypass-by-depth", "test-only seeded bug", "-"},
                  [](const Config& c) { return std::make_unique<BypassByDepth>(c); });
  auto m = makeModel("mut-bypass-by-depth", oneTaskLife());
  ASSERT_NE(m, nullptr);
  Limits lim;
  lim.stop_at_first = true;
  const CheckResult r = test::check(*m, "bypass", lim);
  const InvariantResult& ir = test::resultOf(r, "bypass");
  ASSERT_EQ(ir.status, Status::Violated);
  EXPECT_NE(ir.message.find("ops.enqueue"), std::string::npos) << ir.message;
  EXPECT_NE(ir.message.find("is bypassing"), std::string::npos) << ir.message;
  const ReplayOutcome o = test::replay(*m, r, "bypass");
  EXPECT_TRUE(o.confirmed) << o.error;
  EXPECT_EQ(o.message, ir.message);
  const State& f = ir.cex.final_state;
  // (after the depth step and before the last CPU's: the depth says one
  // thing and a CPU's flag the other)
  EXPECT_TRUE(lifeInBypassLoop(f.life_pc, f.bypass_depth)) << "the violation is not inside scx_bypass's CPU loop";
  ASSERT_FALSE(ir.cex.steps.empty());
  EXPECT_NE(ir.cex.steps.back().tr.actor, m->config().actors()) << "the helper itself took the violating step";
  // 7.3.4 holds
  auto base = makeModel("linux-7.3.4", oneTaskLife());
  EXPECT_EQ(test::resultOf(test::check(*base, "bypass"), "bypass").status, Status::Holds);
}

// V1: scx_bypass's cycling meets a DISPATCHING task and spins in
// ops_dequeue (ext.c:2288) holding that rq: the step ends there, the rq stays
// locked (no other actor takes it) and other actors run.
TEST(Lifecycle, BypassSpinsInTheCyclingHoldingTheRq) {
  auto m = makeModel("linux-7.3.4", oneTaskLife());
  const int helper = m->config().actors();
  size_t spins = 0, others = 0, stolen = 0;
  test::forEachReachable(*m, 1u << 22, [&](const State& s) {
    uint8_t c = kNone;
    for (uint8_t k = 0; k < 2; ++k)
      if (s.cpu[k].bypassing & kCpuBypassHeld) c = k;
    if (c == kNone) return;
    ++spins;
    forEachSuccessor(*m, s, [&](State&, const StepLog& log, const Transition& tr) {
      if (tr.actor == helper) return;
      ++others;
      for (const Event& e : log)
        if (e.kind == Ev::Lock && e.a == static_cast<uint8_t>(LockClass::Rq) && e.b == c) ++stolen;
    });
  });
  EXPECT_GT(spins, 0u) << "the cycling never spins on a DISPATCHING task";
  EXPECT_GT(others, 0u) << "no other actor runs while the helper spins";
  EXPECT_EQ(stolen, 0u) << "another actor took the rq the helper holds";
}

}  // namespace
}  // namespace scxmc
