// --balance-callbacks (issue 17, "Balance callbacks and rq flags"): the
// three ways 7.3.4 runs a rq's deferred direct dispatches (the wakeup hook,
// the balance callback, the irq_work; schedule_deferred_locked
// ext.c:1050-1088), SCX_RQ_IN_DISPATCH / SCX_RQ_BAL_CB_PENDING, and
// rq_pin_lock's check that no balance callback is queued (sched.h:1941).
#include <gtest/gtest.h>

#include "pack.hpp"
#include "test_support.hpp"

namespace scxmc {
namespace {

Config balConfig(int tasks, int dsqs, bool on = true) {
  Config c = test::smallConfig(tasks, 2, dsqs);
  c.bal_cb = on;
  EXPECT_EQ(c.validate(), "");
  return c;
}

// Seeded bug of no-lost-task's deferred-list clause: a deferral made while
// the rq is in dispatch arms nothing (the SCX_RQ_BAL_CB_PENDING store of
// ext.c:1078 is gone), so the task waits on ddsp_deferred_locals with no
// wakeup hook, balance callback or irq_work to run it.
class PendingDropped : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "mut-bal-cb-pending-dropped"; }
  void scheduleDeferredLocked(uint8_t rq) override {
    if (!in_wakeup_ && (cpu(rq).rqf & kRqInDispatch)) {
      site(Site::ScheduleDeferredLocked);
      return;  // BUG: nothing will run the list
    }
    ExtCore::scheduleDeferredLocked(rq);
  }
};

// Off: no bit.  On: five per CPU (CpuState::rqf).
TEST(BalanceCallbacks, OffCostsNoBit) {
  for (int cpus : {1, 2, 3}) {
    Config off = balConfig(2, 1, false);
    off.cpus = cpus;
    Config on = off;
    on.bal_cb = true;
    EXPECT_EQ(Codec(on).bits(), Codec(off).bits() + 5 * cpus) << cpus;
  }
}

// Every mechanism is reached, each from the path that picks it: the wakeup
// enqueue leaves the list to task_woken_scx, a deferral during another
// CPU's dispatch sets BAL_CB_PENDING and the pick queues and runs the
// callback, any other deferral queues the irq_work, which runs it.
TEST(BalanceCallbacks, EveryMechanismIsReached) {
  auto m = makeModel("linux-7.3.4", balConfig(2, 0));
  ASSERT_NE(m, nullptr);
  bool wakeup_hook = false, pending = false, queued = false, callback = false, irq_queued = false, irq_ran = false;
  test::forEachReachable(*m, 400'000, [&](const State& s) {
    for (int c = 0; c < 2; ++c) pending |= (s.cpu[c].rqf & kRqBalCbPending) && s.cpu[c].dfn;
  }, [&](const StepLog& l) {
    bool deferred = false;
    for (const Event& e : l) {
      if (e.kind != Ev::Site) continue;
      const auto s = static_cast<Site>(e.a);
      if (s == Site::ScheduleDeferredLocked) deferred = true;
      if (s == Site::ScheduleDeferred) irq_queued = true;
      if (s == Site::MaybeQueueBalanceCallback) queued = true;
      if (s == Site::BalanceCallbacks) callback = true;
      if (s == Site::DeferredIrqWork) irq_ran = true;
      if (s == Site::TaskWoken && deferred) wakeup_hook = true;
    }
  });
  EXPECT_TRUE(wakeup_hook) << "a wakeup's deferral run by task_woken_scx (ext.c:1059, 3701) not reached";
  EXPECT_TRUE(pending) << "SCX_RQ_BAL_CB_PENDING with a deferred task (ext.c:1078) not reached";
  EXPECT_TRUE(queued) << "maybe_queue_balance_callback (ext.c:2966) not reached";
  EXPECT_TRUE(callback) << "__balance_callbacks -> run_deferred (core.c:7287, ext.c:1003) not reached";
  EXPECT_TRUE(irq_queued) << "schedule_deferred's irq_work (ext.c:1040) not reached";
  EXPECT_TRUE(irq_ran) << "deferred_irq_workfn (ext.c:1008) not reached";
}

// 7.3.4 holds every invariant with the slice; the state counts are pinned
// (without the flag they are the ones every other test pins).
TEST(BalanceCallbacks, Linux734Holds) {
  for (bool lifecycle : {false, true}) {
    Config c = balConfig(1, 1);
    c.lifecycle = lifecycle;
    auto m = makeModel("linux-7.3.4", c);
    const CheckResult r = test::check(*m, "all");
    EXPECT_TRUE(r.complete) << r.incomplete_reason;
    for (const auto& i : r.invariants) EXPECT_EQ(i.status, Status::Holds) << c.describe() << ": " << i.id << ": " << i.message;
    EXPECT_EQ(r.stats.states, lifecycle ? 1903533u : 71941u) << c.describe();
  }
}

// The reviewer's variant (the callback queued from inside dispatch_one) is
// caught by kernel-warn's rq_pin_lock entry, and the counterexample replays.
TEST(BalanceCallbacks, QueuedInDispatchCaughtByRqPinLock) {
  test::expectCaughtOn("bal-cb-in-dispatch", balConfig(2, 0), "kernel-warn",
                       "rq_pin_lock: a balance callback is queued on the rq another path locks");
  // the factory switches the slice on
  auto m = makeModel("bal-cb-in-dispatch", balConfig(2, 0, false));
  EXPECT_TRUE(m->config().bal_cb);
}

// The seeded bug is caught by no-lost-task; without the slice the model's
// one "deferred" event runs every list, so the same change is invisible.
TEST(BalanceCallbacks, DroppedPendingCaughtByNoLostTask) {
  registerVariant({"mut-bal-cb-pending-dropped", "test-only seeded bug", "-"},
                  [](const Config& c) { return std::make_unique<PendingDropped>(c); });
  test::expectCaughtOn("mut-bal-cb-pending-dropped", balConfig(2, 0), "no-lost-task", "nobody will run it");
  auto m = makeModel("mut-bal-cb-pending-dropped", balConfig(2, 0, false));
  EXPECT_EQ(test::resultOf(test::check(*m, "no-lost-task"), "no-lost-task").status, Status::Holds);
}

// The reductions (symmetry, dead fields incl. the slice's empty-list
// mechanisms, liveness.cpp) keep both bugs' first violations as short and
// 7.3.4's verdicts unchanged.
TEST(BalanceCallbacks, ReductionsKeepVerdictsAndLengths) {
  registerVariant({"mut-bal-cb-pending-dropped", "test-only seeded bug", "-"},
                  [](const Config& c) { return std::make_unique<PendingDropped>(c); });
  for (const char* v : {"bal-cb-in-dispatch", "mut-bal-cb-pending-dropped"}) {
    auto m = makeModel(v, balConfig(2, 0));
    Limits with, without;
    with.stop_at_first = without.stop_at_first = true;
    without.symmetry = false;
    const CheckResult a = test::check(*m, "all", with), b = test::check(*m, "all", without);
    size_t la = SIZE_MAX, lb = SIZE_MAX;
    for (const auto& r : a.invariants)
      if (r.status == Status::Violated) la = std::min(la, r.cex.steps.size());
    for (const auto& r : b.invariants)
      if (r.status == Status::Violated) lb = std::min(lb, r.cex.steps.size());
    EXPECT_NE(la, SIZE_MAX) << v;
    EXPECT_EQ(la, lb) << v;
  }
  auto m = makeModel("linux-7.3.4", balConfig(1, 1));
  Limits without;
  without.symmetry = false;
  const CheckResult a = test::check(*m, "all"), b = test::check(*m, "all", without);
  ASSERT_EQ(a.invariants.size(), b.invariants.size());
  for (size_t i = 0; i < a.invariants.size(); ++i) EXPECT_EQ(a.invariants[i].status, b.invariants[i].status) << a.invariants[i].id;
  EXPECT_LT(a.stats.states, b.stats.states);
}

}  // namespace
}  // namespace scxmc
