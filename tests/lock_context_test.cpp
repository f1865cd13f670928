// Lock kinds and contexts (issue 17, part 1): lockdep's checks beyond order.
// The `lock-context` invariant (invalid wait context, a lock in NMI) and
// `scxmc locks`'s irq-usage reports (inconsistent lock state, HARDIRQ-safe ->
// HARDIRQ-unsafe) hold on the baseline; each check catches a seeded bug with
// an execution that replays.  Every mutation here is test-only but
// link-sched-irqs-on (a shipped variant).
#include <gtest/gtest.h>

#include <sstream>

#include "lock_graph.hpp"
#include "test_support.hpp"

namespace scxmc {
namespace {

// invalid wait context, process context: put_prev_task_scx (schedule(),
// rq locked) takes a mutex.
class MutexUnderRqLock : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "mut-mutex-under-rq-lock"; }
  void putPrevTask(uint8_t rq, uint8_t t, uint8_t next) override {
    lock(LockClass::CgroupMutex);  // BUG: a sleeping lock under a raw spinlock
    unlock(LockClass::CgroupMutex);
    ExtCore::putPrevTask(rq, t, next);
  }
};

// invalid wait context, hardirq: the tick takes a spinlock_t (sleeps on
// PREEMPT_RT) under the rq lock.
class TickTakesSpinlockT : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "mut-tick-takes-spinlock-t"; }
  void tick(uint8_t rq) override {
    lock(LockClass::CssSetLock);  // BUG: spinlock_t in hardirq, under &rq->__lock
    unlock(LockClass::CssSetLock);
    ExtCore::tick(rq);
  }
};

// a lock in NMI: a hardlockup handler that walks the scheduler hierarchy
// under scx_sched_lock instead of scx_claim_exit's lock-free sweep
// (ext.c:6801-6838).  The NMI hits the tick's CPU (the model has no NMI
// actor in this slice: the mutation enters NMI context from the tick).
class HardlockupTakesSchedLock : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "mut-hardlockup-takes-sched-lock"; }
  void tick(uint8_t rq) override {
    const LockCtx was = ctx_;
    ctx_ = LockCtx::Nmi;
    lock(LockClass::SchedLock);  // BUG: no lock is NMI-safe
    unlock(LockClass::SchedLock);
    ctx_ = was;
    ExtCore::tick(rq);
  }
};

// inconsistent lock state: task_rq_lock with a plain raw_spin_lock of
// p->pi_lock (no _irqsave, core.c:770): the rq lock, which the tick takes in
// hardirq, is then taken with hardirqs enabled.
class TaskRqLockIrqsOn : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "mut-task-rq-lock-irqs-on"; }
  bool acquiresWithIrqsOn(LockClass cls, uint8_t inst) override {
    if (!isCpu(me_) && !isHelper(me_) && (cls == LockClass::PiLock || cls == LockClass::Rq)) return true;  // BUG
    return ExtCore::acquiresWithIrqsOn(cls, inst);
  }
};

void registerAll() {
  static bool done = false;
  if (done) return;
  done = true;
  registerVariant({"mut-mutex-under-rq-lock", "test-only seeded bug", "-"},
                  [](const Config& c) { return std::make_unique<MutexUnderRqLock>(c); });
  registerVariant({"mut-tick-takes-spinlock-t", "test-only seeded bug", "-"},
                  [](const Config& c) { return std::make_unique<TickTakesSpinlockT>(c); });
  registerVariant({"mut-hardlockup-takes-sched-lock", "test-only seeded bug", "-"},
                  [](const Config& c) { return std::make_unique<HardlockupTakesSchedLock>(c); });
  registerVariant({"mut-task-rq-lock-irqs-on", "test-only seeded bug", "-"},
                  [](const Config& c) { return std::make_unique<TaskRqLockIrqsOn>(c); });
}

Config small() { return test::smallConfig(1, 2, 1); }
Config life() {
  Config c = test::smallConfig(1, 2, 1);
  c.lifecycle = true;
  return c;
}

// `variant` violates lock-context with `phrase`; the counterexample replays.
void expectLockContext(const std::string& variant, const Config& cfg, const std::string& phrase) {
  registerAll();
  auto m = makeModel(variant, cfg);
  ASSERT_NE(m, nullptr);
  Limits lim;
  lim.stop_at_first = true;
  const CheckResult r = test::check(*m, "lock-context", lim);
  const InvariantResult& ir = test::resultOf(r, "lock-context");
  ASSERT_EQ(ir.status, Status::Violated) << variant;
  EXPECT_NE(ir.message.find(phrase), std::string::npos) << ir.message;
  const ReplayOutcome o = test::replay(*m, r, "lock-context");
  EXPECT_TRUE(o.confirmed) << o.error;
  EXPECT_EQ(o.message, ir.message);
}

// `scxmc locks` on `variant` reports exactly the kinds in `want` (in
// order); every execution behind them replays; the splat has `splat`.
void expectLocksReports(const std::string& variant, const Config& cfg, std::vector<ContextReportKind> want,
                        const std::string& splat) {
  registerAll();
  auto m = makeModel(variant, cfg);
  ASSERT_NE(m, nullptr);
  const LockGraph g = buildLockGraph(*m, Limits{});
  ASSERT_TRUE(g.check.complete);
  EXPECT_TRUE(g.cycles.empty());
  ASSERT_EQ(g.reports.size(), want.size()) << variant;
  std::ostringstream o;
  for (size_t i = 0; i < want.size(); ++i) {
    const LockContextReport& r = g.reports[i];
    EXPECT_EQ(r.kind, want[i]) << contextReportName(r.kind) << ": " << r.why;
    if (r.kind == ContextReportKind::InvalidWait || r.kind == ContextReportKind::Nmi) {
      EXPECT_EQ(replayContextReport(*m, r), "");
    }
    for (int u : r.usages) EXPECT_EQ(replayLockUsage(*m, g.usages[u]), "");
    for (int e : r.edges) EXPECT_EQ(replayLockEdge(*m, g.edges[e]), "");
    printContextSplat(o, *m, g, r);
  }
  EXPECT_NE(o.str().find(splat), std::string::npos) << o.str();
  // the JSON round trip replays the usages and per-acquisition reports
  const nlohmann::json j = nlohmann::json::parse(lockGraphJson(*m, g).dump());
  EXPECT_EQ(j["verdict"], "lock-context");
  std::vector<LockUsage> us;
  std::vector<LockContextReport> rs;
  std::string err;
  ASSERT_TRUE(lockUsagesFromJson(j, &us, &err)) << err;
  ASSERT_TRUE(lockStepReportsFromJson(j, &rs, &err)) << err;
  EXPECT_EQ(us.size(), g.usages.size());
  for (const auto& u : us) EXPECT_EQ(replayLockUsage(*m, u), "");
  for (const auto& r : rs) EXPECT_EQ(replayContextReport(*m, r), "");
}

TEST(LockKinds, EveryClassHasItsKindAndDefinition) {
  EXPECT_EQ(lockClassInfo(LockClass::Rq).kind, LockKind::RawSpin);
  EXPECT_EQ(lockClassInfo(LockClass::PiLock).kind, LockKind::RawSpin);
  EXPECT_EQ(lockClassInfo(LockClass::Dsq).kind, LockKind::RawSpin);
  EXPECT_EQ(lockClassInfo(LockClass::ScxTasks).kind, LockKind::RawSpin);    // ext.c:69
  EXPECT_EQ(lockClassInfo(LockClass::SchedLock).kind, LockKind::RawSpin);   // ext.c:25
  EXPECT_EQ(lockClassInfo(LockClass::BypassLock).kind, LockKind::RawSpin);  // ext.c:77
  EXPECT_EQ(lockClassInfo(LockClass::EnableMutex).kind, LockKind::Mutex);   // ext.c:73
  EXPECT_EQ(lockClassInfo(LockClass::ForkRwsem).kind, LockKind::PercpuRwsem);       // ext.c:75
  EXPECT_EQ(lockClassInfo(LockClass::CgroupOpsRwsem).kind, LockKind::PercpuRwsem);  // ext.c:4852
  EXPECT_EQ(lockClassInfo(LockClass::CssSetLock).kind, LockKind::Spin);
  for (int c = 0; c < static_cast<int>(LockClass::Count); ++c) {
    EXPECT_NE(std::string(lockClassInfo(static_cast<LockClass>(c)).defined), "") << c;
    EXPECT_NE(std::string(lockClassInfo(static_cast<LockClass>(c)).irqs), "") << c;
  }
}

TEST(LockContext, HoldsOnTheBaselineAndLocksReportsNothing) {
  for (const Config& cfg : {test::smallConfig(2, 2, 1, "st-dequeue-remote"), life()}) {
    auto m = makeModel("linux-7.3.4", cfg);
    const CheckResult r = test::check(*m, "lock-context");
    ASSERT_TRUE(r.complete);
    EXPECT_EQ(test::resultOf(r, "lock-context").status, Status::Holds) << test::resultOf(r, "lock-context").message;
    const LockGraph g = buildLockGraph(*m, Limits{});
    ASSERT_TRUE(g.check.complete);
    EXPECT_TRUE(g.reports.empty()) << contextReportName(g.reports[0].kind) << ": " << g.reports[0].why;
    // the tick makes the rq lock hardirq-safe; sleeping locks are hardirq-unsafe
    bool rq_in_hardirq = false, mutex_on = false;
    for (const LockUsage& u : g.usages) {
      EXPECT_EQ(replayLockUsage(*m, u), "");
      if (u.cls == static_cast<uint8_t>(LockClass::Rq) && u.usage == IrqUsage::InHardirq) rq_in_hardirq = true;
      if (u.cls == static_cast<uint8_t>(LockClass::EnableMutex) && u.usage == IrqUsage::HardirqOn) mutex_on = true;
      if (u.usage == IrqUsage::HardirqOn) {
        EXPECT_TRUE(sleepingKind(lockClassInfo(static_cast<LockClass>(u.cls)).kind)) << lockClassName(u.cls);
      }
    }
    EXPECT_TRUE(rq_in_hardirq);
    EXPECT_EQ(mutex_on, cfg.lifecycle);
  }
}

TEST(LockContext, CatchesMutexUnderRqLock) {
  expectLockContext("mut-mutex-under-rq-lock", small(),
                    "invalid wait context: takes cgroup_mutex [*] (mutex) while holding ");
  expectLocksReports("mut-mutex-under-rq-lock", small(), {ContextReportKind::InvalidWait},
                     "[ BUG: Invalid wait context ]");
}

TEST(LockContext, CatchesSpinlockTInHardirq) {
  expectLockContext("mut-tick-takes-spinlock-t", small(),
                    "invalid wait context: takes css_set_lock [*] (spinlock_t) in hardirq context");
  expectLocksReports("mut-tick-takes-spinlock-t", small(), {ContextReportKind::InvalidWait}, "context: hardirq");
}

TEST(LockContext, CatchesALockInNmi) {
  expectLockContext("mut-hardlockup-takes-sched-lock", small(),
                    "lock in NMI context: takes scx_sched_lock [*] (raw_spinlock_t) in NMI context");
  expectLocksReports("mut-hardlockup-takes-sched-lock", small(), {ContextReportKind::Nmi},
                     "WARNING: lock taken in NMI context");
}

TEST(LockContext, LocksCatchesInconsistentLockState) {
  // (no single acquisition is wrong: the invariant holds)
  registerAll();
  auto m = makeModel("mut-task-rq-lock-irqs-on", small());
  EXPECT_EQ(test::resultOf(test::check(*m, "lock-context"), "lock-context").status, Status::Holds);
  expectLocksReports("mut-task-rq-lock-irqs-on", small(), {ContextReportKind::Inconsistent},
                     "inconsistent {IN-HARDIRQ-W} -> {HARDIRQ-ON-W} usage of &rq->__lock.");
}

// the shipped variant link-sched-irqs-on (model/variants/link_sched_irqs_on.cpp)
TEST(LockContext, LocksCatchesHardirqSafeToUnsafe) {
  registerAll();
  auto m = makeModel("link-sched-irqs-on", life());
  EXPECT_EQ(test::resultOf(test::check(*m, "lock-context"), "lock-context").status, Status::Holds);
  expectLocksReports("link-sched-irqs-on", life(), {ContextReportKind::SafeToUnsafe},
                     "hardirq-safe &rq->__lock -> hardirq-unsafe scx_sched_lock");
}

}  // namespace
}  // namespace scxmc
