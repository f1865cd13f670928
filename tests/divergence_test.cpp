// Divergences from 7.3.4 found by the granularity audit (issue 15,
// docs/lockless.md section 2), each checked on the step that stands for the
// kernel function: the direct-dispatch verdict is cleared everywhere 7.3.4
// clears it.  The states are reachable ones with a verdict planted where the
// kernel can leave one (a wakeup whose ops.select_cpu ran before the bypass
// began, a task whose wakeup is pending when the disable loop reaches it).
#include <gtest/gtest.h>

#include "test_support.hpp"

namespace scxmc {
namespace {

Config lifeConfig(int tasks = 1) {
  Config c = test::smallConfig(tasks, 2, 1, "full");
  c.lifecycle = true;
  return c;
}

// The first reachable state satisfying `want`.
bool findState(ExtCore& m, const std::function<bool(const State&)>& want, State* out) {
  bool found = false;
  test::forEachReachable(m, 200000, [&](const State& s) {
    if (!found && want(s)) {
      found = true;
      *out = s;
    }
  });
  return found;
}

// scx_do_enqueue_task's bypass path clears the verdict (ext.c:2129): a task
// waking while its CPU bypasses goes to the bypass DSQ, and the verdict that
// ops.select_cpu recorded before the bypass began must not survive to a
// later re-enqueue (put_prev_task_scx, ext.c:3268) of the still-QUEUED task.
TEST(Divergence, BypassEnqueueClearsTheDirectDispatchVerdict) {
  ExtCore m(lifeConfig());
  State s;
  ASSERT_TRUE(findState(m, [](const State& x) {
    return x.cpu[0].bypassing && x.cpu[1].bypassing && x.task[0].on_rq == static_cast<uint8_t>(OnRq::No) &&
           x.task[0].scx_state == static_cast<uint8_t>(ScxTaskState::Enabled) && x.actor[2].pc == 0;
  }, &s));
  s.task[0].ddsp = makeTarget(TargetKind::Local);  // recorded before the bypass began
  State n;
  StepLog log;
  ASSERT_TRUE(test::findStep(m, s, [](const StepLog& l, const State&) {
    for (const Event& e : l)
      if (e.kind == Ev::Site && e.a == static_cast<uint8_t>(Site::BypassEnqueue)) return true;
    return false;
  }, &n, &log)) << "no wakeup into the bypass DSQ";
  EXPECT_EQ(n.task[0].ddsp, kNone) << "the bypass enqueue kept a stale direct-dispatch verdict";
}

// scx_disable_task clears the verdict (ext.c:4094): the disable loop, a
// switch to a fair policy and sched_ext_dead all go through it.
TEST(Divergence, DisableTaskClearsTheDirectDispatchVerdict) {
  ExtCore m(lifeConfig());
  State s;
  ASSERT_TRUE(findState(m, [](const State& x) {
    return x.life_pc == static_cast<uint8_t>(LifePc::DisTasks) &&
           x.task[0].scx_state == static_cast<uint8_t>(ScxTaskState::Enabled) &&
           x.task[0].on_rq == static_cast<uint8_t>(OnRq::No) && x.actor[2].pc == 0;
  }, &s));
  s.task[0].ddsp = makeTarget(TargetKind::Local);  // a wakeup's verdict, pending
  State n;
  ASSERT_TRUE(test::findStep(m, s, [](const StepLog& l, const State&) {
    for (const Event& e : l)
      if (e.kind == Ev::OpsLife && e.a == static_cast<uint8_t>(LifeOp::Disable) && e.t == 0) return true;
    return false;
  }, &n)) << "no ops.disable of the task";
  EXPECT_EQ(n.task[0].ddsp, kNone) << "scx_disable_task kept a stale direct-dispatch verdict";
}

// A seeded bug for mark_direct_dispatch's WARN (ext.c:1906): a kernel that
// forgot clear_direct_dispatch after a direct dispatch (ext.c:1984) and in
// dequeue_task_scx (ext.c:2367) meets the stale verdict at the next
// ops.select_cpu that inserts.
class ForgetClearDirectDispatch : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "mut-forget-clear-direct-dispatch"; }
  void directDispatch(uint8_t rq, uint8_t t) override {
    const uint8_t v = tk(t).ddsp;
    ExtCore::directDispatch(rq, t);
    if (tk(t).ddsp == kNone) tk(t).ddsp = v;  // BUG: not cleared
  }
  void dequeueTaskFinish(uint8_t rq, uint8_t t, uint8_t deq_flags) override {
    const uint8_t v = tk(t).ddsp;
    ExtCore::dequeueTaskFinish(rq, t, deq_flags);
    tk(t).ddsp = v;  // BUG: not cleared
  }
};

TEST(Divergence, StaleVerdictIsCaughtByMarkDirectDispatchWarn) {
  registerVariant({"mut-forget-clear-direct-dispatch", "test-only: clear_direct_dispatch forgotten", "-"},
                  [](const Config& c) { return std::make_unique<ForgetClearDirectDispatch>(c); });
  ForgetClearDirectDispatch m(test::smallConfig(1, 2, 1, "full"));
  const CheckResult r = test::check(m, "kernel-warn");
  const InvariantResult& ir = test::resultOf(r, "kernel-warn");
  ASSERT_EQ(ir.status, Status::Violated) << r.incomplete_reason;
  EXPECT_NE(ir.message.find("ext.c:1906"), std::string::npos) << ir.message;
  const ReplayOutcome o = test::replay(m, r, "kernel-warn");
  EXPECT_TRUE(o.confirmed) << o.error;
  // and 7.3.4 itself never meets it
  ExtCore base(test::smallConfig(1, 2, 1, "full"));
  EXPECT_EQ(test::resultOf(test::check(base, "kernel-warn"), "kernel-warn").status, Status::Holds);
}

// Lockless row V2, the select half: with the lifecycle a wakeup pauses
// between select_task_rq (whose ops.select_cpu may record a verdict,
// ext.c:3646-3692) and ttwu_queue's rq lock (core.c:4438, 4098), so
// scx_bypass can begin in between, as the real kernel does (finding L2 of
// `scxmc validate`), and the enqueue then takes the bypass path with the
// verdict set: the clear at ext.c:2129 (the test above) is reached on a
// real path, not only from a planted state.  Before the split no such
// transition existed.
TEST(Divergence, WakeupWindowReachesTheBypassEnqueueWithAVerdict) {
  ExtCore m(lifeConfig());
  const uint8_t task_actor = static_cast<uint8_t>(m.config().cpus);
  bool helper_in_window = false, bypass_enqueue_with_verdict = false;
  Limits lim;
  InvariantList invs;
  std::string err;
  ASSERT_TRUE(selectInvariants("all", &invs, &err)) << err;
  Checker ck(m, std::move(invs), lim);
  ck.setObserver([&](const State& from, const StepLog& log, const State& to) {
    const bool paused = from.actor[task_actor].pc == static_cast<uint8_t>(Pc::TtwuActivate);
    if (paused && to.actor[task_actor].pc == static_cast<uint8_t>(Pc::TtwuActivate) && from.life_pc != to.life_pc)
      helper_in_window = true;
    if (!paused || from.task[0].ddsp == kNone) return;
    for (const Event& e : log)
      if (e.kind == Ev::Site && e.a == static_cast<uint8_t>(Site::BypassEnqueue) && e.actor == task_actor) {
        bypass_enqueue_with_verdict = true;
        EXPECT_EQ(to.task[0].ddsp, kNone) << "the bypass enqueue kept ops.select_cpu's verdict";
      }
  });
  const CheckResult r = ck.run();
  ASSERT_TRUE(r.complete);
  for (const auto& i : r.invariants) EXPECT_EQ(i.status, Status::Holds) << i.id << ": " << i.message;
  EXPECT_TRUE(helper_in_window) << "the helper never moves while a wakeup waits for its rq lock";
  EXPECT_TRUE(bypass_enqueue_with_verdict) << "no wakeup reaches the bypass enqueue with a select_cpu verdict";
}

// Without the lifecycle nothing select_task_rq reads can change before the
// rq lock, and the wakeup stays one step: the state count is the one
// before the split.
TEST(Divergence, WakeupIsOneStepWithoutTheLifecycle) {
  ExtCore m(test::smallConfig(1, 2, 1, "full"));
  bool paused = false;
  Checker ck(m, InvariantList{}, Limits{});
  ck.setObserver([&](const State&, const StepLog&, const State& to) {
    for (int a = 0; a < m.config().actors(); ++a)
      paused |= to.actor[a].pc == static_cast<uint8_t>(Pc::TtwuActivate);
  });
  const CheckResult r = ck.run();
  EXPECT_FALSE(paused);
  EXPECT_EQ(r.stats.states, 19922u);  // `scxmc check --tasks 1 --cpus 2 --user-dsqs 1` before the split
}

}  // namespace
}  // namespace scxmc

namespace scxmc {
namespace {

bool hasSite(const StepLog& l, Site s) {
  for (const Event& e : l)
    if (e.kind == Ev::Site && e.a == static_cast<uint8_t>(s)) return true;
  return false;
}

// A running task with slice left on a bypassing CPU (D3 in docs/lockless.md):
// CPU0 bypasses, task 0 runs there, QUEUED, with slice left.
bool bypassingWithRunningTask(const State& x) {
  return (x.cpu[0].bypassing & kCpuBypassing) && x.cpu[0].curr == 0 && (x.task[0].flags & kTaskQueued) &&
         x.task[0].slice && x.actor[0].pc == 0;
}

// put_prev_task_scx keeps a preempted task with slice left on the local DSQ
// only when its CPU does not bypass (ext.c:3214-3215); on a bypassing CPU it
// goes through scx_do_enqueue_task to the bypass DSQ (ext.c:3268, 2050).
// Reached with the validation environment's preemption (kEnvOthers), the
// only path into put_prev_task_scx with slice left.
TEST(Divergence, PutPrevOnABypassingCpuTakesTheBypassDsq) {
  Config c = lifeConfig();
  c.env |= kEnvOthers;
  ExtCore m(c);
  State s;
  ASSERT_TRUE(findState(m, bypassingWithRunningTask, &s)) << "no running task on a bypassing CPU";
  State n;
  StepLog log;
  ASSERT_TRUE(test::findStep(m, s, [](const StepLog& l, const State&) { return hasSite(l, Site::PutPrevTask); }, &n,
                             &log))
      << "no preemption of the running task";
  EXPECT_TRUE(hasSite(log, Site::BypassEnqueue)) << "put_prev_task_scx did not re-enqueue through the bypass path";
  EXPECT_NE(n.task[0].dsq, 0) << "the preempted task stayed on the bypassing CPU's local DSQ";
}

// dispatch_one keeps prev only when its CPU does not bypass (ext.c:3009-3010):
// a bypassing CPU looks at its local and the bypass DSQ first.  Not reached
// by the checker's environment (CPU0 enters the pick with a QUEUED prev only
// after a tick has used its slice), so the pick is started on the state above.
TEST(Divergence, PickOnABypassingCpuDoesNotKeepPrevFirst) {
  ExtCore m(lifeConfig());
  State s;
  ASSERT_TRUE(findState(m, bypassingWithRunningTask, &s)) << "no running task on a bypassing CPU";
  s.actor[0].pc = static_cast<uint8_t>(Pc::Pick);
  State n;
  StepLog log;
  ASSERT_TRUE(test::findStep(m, s, [](const StepLog& l, const State&) { return hasSite(l, Site::DispatchOne); }, &n,
                             &log));
  EXPECT_TRUE(hasSite(log, Site::ConsumeGlobal)) << "the bypassing CPU kept prev before consuming the bypass DSQ";
  // without the bypass, prev is kept at once
  s.cpu[0].bypassing = 0;
  ASSERT_TRUE(test::findStep(m, s, [](const StepLog& l, const State&) { return hasSite(l, Site::DispatchOne); }, &n,
                             &log));
  EXPECT_FALSE(hasSite(log, Site::ConsumeGlobal));
}

}  // namespace
}  // namespace scxmc
