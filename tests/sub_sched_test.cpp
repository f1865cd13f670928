// Sub-schedulers (--sub-scheds, docs/sub-sched.md): configuration, zero cost
// when off, 7.3.4 holds, and the seeded bugs of the two sub-scheduler
// invariants caught with replayed counterexamples.
#include <gtest/gtest.h>

#include "invariants_all.hpp"
#include "pack.hpp"
#include "test_support.hpp"

namespace scxmc {
namespace {

Config subConfig(int tasks = 1) {
  Config c = test::smallConfig(tasks, 2, 1);
  c.lifecycle = true;
  c.sub_scheds = 1;
  return c;
}

// (test::expectCaughtOn, after checking that the variant implies the slice)
void expectCaughtOn(const std::string& variant, const Config& cfg, const std::string& inv, const std::string& phrase) {
  auto m = makeModel(variant, cfg);
  ASSERT_NE(m, nullptr) << variant;
  ASSERT_EQ(m->config().sub_scheds, 1) << variant << " implies --sub-scheds 1";
  test::expectCaughtOn(variant, cfg, inv, phrase);
}

TEST(SubSched, ConfigValidationNamesTheField) {
  Config c = subConfig();
  EXPECT_EQ(c.validate(), "");
  Config two = c;
  two.sub_scheds = 2;
  EXPECT_NE(two.validate().find("--sub-scheds"), std::string::npos);
  Config neg = c;
  neg.sub_scheds = -1;
  EXPECT_NE(neg.validate().find("--sub-scheds"), std::string::npos);
  Config nolife = c;
  nolife.lifecycle = false;
  EXPECT_NE(nolife.validate().find("--sub-scheds"), std::string::npos);
  Config death = c;
  death.task_death = true;
  EXPECT_NE(death.validate().find("--sub-scheds"), std::string::npos);
  EXPECT_NE(c.describe().find("sub-scheduler"), std::string::npos);
}

// Off: no bit; on: task.flags widens (4 -> 64 values, 2 -> 6 bits), the
// monitors' task.ghost2 takes 2 bits a task (sub-task-init), the
// exit-claiming bytes take 7 + 6 bits, of which --lifecycle alone already
// has one (the root's exit claim, docs/architecture.md), and the monitors'
// ghost_sched 3 (sub-pairing).
TEST(SubSched, OffCostsNoBit) {
  for (int tasks : {1, 2, 3}) {
    Config off = subConfig(tasks);
    off.sub_scheds = 0;
    Config on = subConfig(tasks);
    EXPECT_EQ(Codec(on).bits(), Codec(off).bits() + 6 * tasks + 12 + 3) << tasks;
  }
  static_assert(sizeof(State) == 256 + kMaxUserDsqs + 4 + 3 * kMaxCpus);  // (+ dsq_invalid, --destroy-dsqs; sub_exit, sub_claim, sub_mig, ghost_sched; rqf, --balance-callbacks; kick, ksync, --kicks)
}

// Every invariant holds over the child's enable and disable inside the
// root's cycle, and the sub-scheduler invariants are exercised.
TEST(SubSched, Linux734HoldsOneTask) {
  auto m = makeModel("linux-7.3.4", subConfig(1));
  const CheckResult r = test::check(*m, "all");
  ASSERT_TRUE(r.complete);
  for (const auto& i : r.invariants) {
    EXPECT_EQ(i.status, Status::Holds) << i.id << ": " << i.message;
    if (i.id == "sub-ownership" || i.id == "sub-callbacks" || i.id == "sub-exit" || i.id == "root-after-exit" ||
        i.id == "sub-pairing") {
      EXPECT_FALSE(i.vacuous) << i.id;
    }
  }
}

// The child's states are reached: a task owned by the child while the
// child is enabled, and the helper back past the child's exit.  Exit
// claiming is exercised: the link backs out after the root's claim, the
// root's propagation claims a linked child, and the child's own claim.
TEST(SubSched, ReachesTheChildEnabledAndGone) {
  auto m = makeModel("linux-7.3.4", subConfig(1));
  bool owned = false, gone = false;
  bool backed_out = false, propagated = false, own_claim = false;
  InvariantList invs;
  std::string err;
  ASSERT_TRUE(selectInvariants("sub-ownership", &invs, &err)) << err;
  Checker ck(*m, std::move(invs), Limits{});
  ck.setObserver([&](const State& from, const StepLog&, const State& next) {
    if (next.life_pc == static_cast<uint8_t>(LifePc::SubEnabled) && (next.task[0].flags & kTaskSubOwned)) owned = true;
    if (next.life_pc == static_cast<uint8_t>(LifePc::SubGone)) gone = true;
    const int child_from = (from.sub_exit >> kSubExitChildShift) & 3;
    const int child_next = (next.sub_exit >> kSubExitChildShift) & 3;
    if (next.life_pc == static_cast<uint8_t>(LifePc::SubEnFailed)) backed_out = true;
    if ((from.sub_exit & kSubPropagateRoot) && child_from == 0 && child_next == 1 && subLive(next.life_pc))
      propagated = true;
    if (child_from == 0 && child_next == 1 &&
        (next.sub_claim & kSubClaimPcMask) == static_cast<uint8_t>(ClaimPc::ChildClaimed))
      own_claim = true;
  });
  ASSERT_TRUE(ck.run().complete);
  EXPECT_TRUE(owned);
  EXPECT_TRUE(gone);
  EXPECT_TRUE(backed_out);
  EXPECT_TRUE(propagated);
  EXPECT_TRUE(own_claim);
}

// The loops' sched_change meets a running task (core.c:11284-11285,
// 11321-11322): the old owner's ops.stopping(false) in the dequeue, the
// new owner's ops.running in set_next_task, and the task still current on
// its CPU after the step.  Reached for every sched_change of the slice: the
// enable's switch loop, the disable's re-home, scx_punt_task
// (--sub-fail-parent) and CGROUP_TASK_MIGRATED (--sub-migrations).
// (Before session 19 a loop waited until the task was not running.)
void expectChangesARunningTask(const Config& cfg, Site loop, uint8_t from_sch, uint8_t to_sch) {
  auto m = makeModel("linux-7.3.4", cfg);
  bool reached = false;
  Checker ck(*m, InvariantList{}, Limits{});
  ck.setObserver([&](const State& from, const StepLog& log, const State& next) {
    bool in_loop = false, stopping = false, running = false;
    uint8_t t = kNone;
    for (int i = 0; i < log.n; ++i)
      in_loop |= log.ev[i].kind == Ev::Site && static_cast<Site>(log.ev[i].a) == loop;
    if (!in_loop) return;
    for (int i = 0; i < log.n; ++i) {
      const Event& e = log.ev[i];
      if (e.kind == Ev::OpsStopping && e.sch == from_sch) { stopping = true; t = e.t; }
      if (e.kind == Ev::OpsRunning && e.sch == to_sch && e.t == t) running = true;
    }
    if (!stopping || !running) return;
    bool was_curr = false, is_curr = false;
    for (int c = 0; c < cfg.cpus; ++c) {
      was_curr |= from.cpu[c].curr == t;
      is_curr |= next.cpu[c].curr == t;
    }
    EXPECT_TRUE(was_curr && is_curr) << "ops.stopping and ops.running of a task that is not current";
    reached = true;
  });
  ASSERT_TRUE(ck.run().complete);
  EXPECT_TRUE(reached) << siteInfo(loop).id;
}

TEST(SubSched, LoopsChangeARunningTask) {
  Config c = test::smallConfig(1, 2, 0);
  c.lifecycle = true;
  c.sub_scheds = 1;
  c.dispatch_actions = 1;
  c.dispatch_loops = 1;
  expectChangesARunningTask(c, Site::SubSwitchLoop, kSchedRoot, kSchedChild0);
  expectChangesARunningTask(c, Site::SubDisableLoop, kSchedChild0, kSchedRoot);
  Config fail = c;
  fail.sub_fail_parent = true;
  expectChangesARunningTask(fail, Site::PuntTask, kSchedChild0, kSchedRoot);
  Config mig = c;
  mig.sub_migrations = true;
  expectChangesARunningTask(mig, Site::CgroupTaskMigrated, kSchedRoot, kSchedChild0);
  expectChangesARunningTask(mig, Site::CgroupTaskMigrated, kSchedChild0, kSchedRoot);
}

// Seeded bug of sub-callbacks (issue 16's example): re-homing without
// re-pointing p->scx.sched.
TEST(SubSched, RehomeKeepsSchedCaughtBySubCallbackOwner) {
  expectCaughtOn("sub-rehome-keeps-sched", subConfig(1), "sub-callbacks", "is owned by the child");
}

// Seeded bug of sub-ownership: the disable's re-home loop skips sleepers.
TEST(SubSched, DisableSkipsSleepersCaughtBySubOwnership) {
  expectCaughtOn("sub-disable-skips-sleepers", subConfig(1), "sub-ownership", "which is not live");
}

// A third reviewer's variant: the child's ops.enable before the owner store.
TEST(SubSched, EnableBeforeSetSchedCaughtBySubCallbacks) {
  expectCaughtOn("sub-enable-before-set-sched", subConfig(1), "sub-callbacks",
                 "ops.enable(p0) [child] is a callback of the child but p0 is owned by the root");
}

// Seeded bug of sub-exit: scx_link_sched without its ->aborting read
// (ext.c:6537-6544): a child links after the root's exit was claimed and
// propagated, and nothing will ever claim the child's exit.
class LinkIgnoresAborting : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "mut-link-ignores-aborting"; }
  void subLinkCheck() override {
    const uint8_t aborting = s_->sub_exit & kSubAbortingRoot;
    s_->sub_exit &= static_cast<uint8_t>(~kSubAbortingRoot);  // BUG: the read is gone
    ExtCore::subLinkCheck();
    s_->sub_exit |= aborting;
  }
};

TEST(SubSched, LinkIgnoresAbortingCaughtBySubExit) {
  registerVariant({"mut-link-ignores-aborting", "test-only seeded bug", "-"},
                  [](const Config& c) { return std::make_unique<LinkIgnoresAborting>(c); });
  test::expectCaughtOn("mut-link-ignores-aborting", subConfig(1), "sub-exit",
                       "the root's exit was claimed and propagated, but the child is linked with no exit claimed");
}

// The claim as a plain store (variant sub-claim-plain-store): a second
// claim after the child's disable queues a second one: its ops.exit again.
TEST(SubSched, ClaimPlainStoreCaughtBySubCallbacks) {
  expectCaughtOn("sub-claim-plain-store", subConfig(1), "sub-callbacks",
                 "ops.exit() [child]: a callback of the child scheduler outside its ops.init .. ops.exit");
}

// Seeded bugs of root-after-exit (no BPF callback of the root after its
// ops.exit; the child's is sub-callbacks').  First: scx_root_disable calls
// ops.exit before its task loop instead of after it (ext.c:6658-6675 before
// ext.c:6730-6731): the loop's ops.disable and ops.exit_task are callbacks
// of an exited root.  No other invariant catches it (lifecycle follows the
// task states, not the root's own init/exit), so the test also pins that.
class RootExitBeforeTasks : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "mut-root-exit-before-tasks"; }
  void helperStep() override {
    const auto pc = static_cast<LifePc>(static_cast<uint8_t>(s_->life_pc));
    if (pc == LifePc::DisExit) skip_exit_ = true;
    ExtCore::helperStep();
    skip_exit_ = false;
    if (pc == LifePc::DisLock && s_->life_pc == static_cast<uint8_t>(LifePc::DisTasks))
      ExtCore::lifeOp(LifeOp::Exit);  // BUG: ops.exit before the task loop
  }
  void lifeOp(LifeOp op, uint8_t t, uint8_t arg) override {
    if (skip_exit_ && op == LifeOp::Exit && t == kNone) return;  // (moved up)
    ExtCore::lifeOp(op, t, arg);
  }

 private:
  bool skip_exit_ = false;
};

// Second: scx_root_disable without the synchronize_rcu() before ops.exit
// (ext.c:6723): a CPU still in ext's paths calls into the root after it.
class RootExitSkipsRcu : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "mut-root-exit-skips-rcu"; }
  void helperStep() override {
    if (s_->life_pc != static_cast<uint8_t>(LifePc::DisExit)) return ExtCore::helperStep();
    uint8_t pc[kMaxActors];
    for (int a = 0; a < cfg_.actors(); ++a) pc[a] = s_->actor[a].pc;
    for (int a = 0; a < cfg_.actors(); ++a) s_->actor[a].pc = static_cast<uint8_t>(Pc::Rest);  // BUG: no wait
    ExtCore::helperStep();
    for (int a = 0; a < cfg_.actors(); ++a) s_->actor[a].pc = pc[a];
  }
};

void registerRootExitMutations() {
  registerVariant({"mut-root-exit-before-tasks", "test-only seeded bug", "-"},
                  [](const Config& c) { return std::make_unique<RootExitBeforeTasks>(c); });
  registerVariant({"mut-root-exit-skips-rcu", "test-only seeded bug", "-"},
                  [](const Config& c) { return std::make_unique<RootExitSkipsRcu>(c); });
}

Config lifeConfig() {
  Config c = test::smallConfig(1, 2, 1);
  c.lifecycle = true;
  return c;
}

TEST(SubSched, RootExitBeforeTasksCaughtOnlyByRootAfterExit) {
  registerRootExitMutations();
  auto m = makeModel("mut-root-exit-before-tasks", lifeConfig());
  const CheckResult r = test::check(*m, "all");
  ASSERT_TRUE(r.complete);
  for (const auto& i : r.invariants)
    EXPECT_EQ(i.status, i.id == "root-after-exit" ? Status::Violated : Status::Holds) << i.id << ": " << i.message;
  test::expectCaughtOn("mut-root-exit-before-tasks", lifeConfig(), "root-after-exit",
                       "the root's ops.exit() while p0 is on ext");
  test::expectCaughtOn("mut-root-exit-before-tasks", subConfig(1), "root-after-exit",
                       "the root's ops.exit() while p0 is on ext");
}

TEST(SubSched, RootExitSkipsRcuCaughtByRootAfterExit) {
  registerRootExitMutations();
  test::expectCaughtOn("mut-root-exit-skips-rcu", lifeConfig(), "root-after-exit",
                       "is in ext's paths (no synchronize_rcu() before it)");
  test::expectCaughtOn("mut-root-exit-skips-rcu", subConfig(1), "root-after-exit",
                       "is in ext's paths (no synchronize_rcu() before it)");
}

// scx_consume_dispatch_q's live-lock break (ext.c:2730): the read of the
// root's ->aborting under dsq->lock, racing with the exit claimer's
// lockless store (ext.c:6829).  Both answers are reached: a consume of a
// non-empty DSQ that gives up once the root's exit is claimed (nothing
// unlinked, no task moved), and one that reads it clear and takes a task.
TEST(SubSched, ConsumeReadsTheRootsAborting) {
  auto m = makeModel("linux-7.3.4", subConfig(1));
  bool gave_up = false, took = false;
  Checker ck(*m, InvariantList{}, Limits{});
  ck.setObserver([&](const State& from, const StepLog& log, const State&) {
    bool read = false, unlinked = false;
    for (const Event& e : log) {
      if (e.kind == Ev::Site && static_cast<Site>(e.a) == Site::ConsumeAborting) read = true;
      if (read && e.kind == Ev::DsqUnlink) unlinked = true;
    }
    if (!read) return;
    if (from.sub_exit & kSubAbortingRoot) {
      EXPECT_FALSE(unlinked) << "a consume that read ->aborting set took a task";
      gave_up = true;
    } else if (unlinked) {
      took = true;
    }
  });
  ASSERT_TRUE(ck.run().complete);
  EXPECT_TRUE(gave_up);
  EXPECT_TRUE(took);
}

// Without --lifecycle nothing claims an exit and the consume reads
// nothing: the site is never reached (with --lifecycle alone the root's
// claim sets it: lifecycle_test.cpp, RootExitClaim.*).
TEST(SubSched, ConsumeAbortingOffWithoutTheLifecycle) {
  Config c = subConfig(1);
  c.sub_scheds = 0;
  c.lifecycle = false;
  auto m = makeModel("linux-7.3.4", c);
  bool reached = false;
  Checker ck(*m, InvariantList{}, Limits{});
  ck.setObserver([&](const State&, const StepLog& log, const State&) {
    for (const Event& e : log)
      if (e.kind == Ev::Site && (static_cast<Site>(e.a) == Site::ConsumeAborting ||
                                 static_cast<Site>(e.a) == Site::DsqMoveAborting))
        reached = true;
  });
  const CheckResult r = ck.run();
  ASSERT_TRUE(r.complete);
  EXPECT_FALSE(reached);
  EXPECT_EQ(r.stats.states, 19922u);  // 1x2x1 (docs/status.md)
}

// The variants need the slice: their factories switch it on.
TEST(SubSched, VariantsImplyTheSlice) {
  Config c = test::smallConfig(1, 2, 1);
  for (const char* v : {"sub-rehome-keeps-sched", "sub-disable-skips-sleepers", "sub-enable-before-set-sched",
                        "sub-claim-plain-store"}) {
    auto m = makeModel(v, c);
    EXPECT_TRUE(m->config().lifecycle) << v;
    EXPECT_EQ(m->config().sub_scheds, 1) << v;
  }
}

}  // namespace
}  // namespace scxmc
