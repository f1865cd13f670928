// Unit tests of modeled kernel functions and of the model's plumbing.
#include <set>
#include <vector>

#include <gtest/gtest.h>

#include "format.hpp"
#include "pack.hpp"
#include "symmetry.hpp"
#include "test_support.hpp"

namespace scxmc {
namespace {

using test::findStep;
using test::has;

const Event* firstEvent(const StepLog& l, Ev k) {
  for (const Event& e : l)
    if (e.kind == k) return &e;
  return nullptr;
}

int indexOf(const StepLog& l, Ev k) {
  for (int i = 0; i < l.n; ++i)
    if (l.ev[i].kind == k) return i;
  return -1;
}

// try_to_wake_up + scx_do_enqueue_task: BPF keeps the task.
TEST(Enqueue, KeptTaskIsQueuedInCustody) {
  ExtCore m(test::smallConfig(1, 1, 0));
  State s;
  StepLog log;
  ASSERT_TRUE(findStep(m, m.initial(), [](const StepLog& l, const State&) {
    const Event* e = firstEvent(l, Ev::OpsEnqueue);
    return e && e->b == kNone;
  }, &s, &log));
  EXPECT_EQ(static_cast<Opss>(s.task[0].opss), Opss::Queued);
  EXPECT_TRUE(s.task[0].flags & kTaskQueued);
  EXPECT_TRUE(s.task[0].flags & kTaskInCustody);
  // ops.runnable before ops.enqueue (ext.c:2214 then 2092); T1 then T2
  EXPECT_LT(indexOf(log, Ev::OpsRunnable), indexOf(log, Ev::OpsEnqueue));
  std::vector<std::pair<int, int>> edges;
  for (const Event& e : log)
    if (e.kind == Ev::OpssWrite) edges.emplace_back(e.a, e.b);
  EXPECT_EQ(edges, (std::vector<std::pair<int, int>>{{0, 1}, {1, 2}}));
}

// direct_dispatch to SCX_DSQ_LOCAL_ON of another CPU from ops.enqueue is
// deferred (ext.c:1946-1978).  On a wakeup, task_woken_scx runs the deferred
// work under the same rq lock (ext.c:3701): dispatch_to_local_dsq starts the
// SCX-internal migration and pauses at the switch to the destination rq.
TEST(Enqueue, RemoteLocalOnFromWakeupIsDrainedAtOnce) {
  ExtCore m(test::smallConfig(1, 2, 0));
  State s;
  ASSERT_TRUE(findStep(m, m.initial(), [](const StepLog& l, const State& n) {
    const Event* e = firstEvent(l, Ev::OpsEnqueue);
    return e && e->b != kNone && targetKind(e->b) == TargetKind::LocalOn && n.task[0].sticky == 1;
  }, &s));
  EXPECT_EQ(s.cpu[0].dfn, 0);
  EXPECT_EQ(s.task[0].deferred, kNone);
  EXPECT_EQ(s.actor[2].pc, static_cast<uint8_t>(Pc::MrtDst));  // task0's actor, switching to rq1
  EXPECT_EQ(static_cast<OnRq>(s.task[0].on_rq), OnRq::Migrating);
}

// Outside a wakeup (set_user_nice's RESTORE enqueue) the task waits on the
// rq's ddsp_deferred_locals: NONE, on no DSQ, no custody.
TEST(Enqueue, RemoteLocalOnFromRestoreWaitsDeferred) {
  ExtCore m(test::smallConfig(1, 2, 0, "full:select=none|prev-cpu,enqueue=keep|local-on"));
  State s1, s2;
  ASSERT_TRUE(findStep(m, m.initial(), [](const StepLog& l, const State& n) {
    const Event* e = firstEvent(l, Ev::OpsEnqueue);
    return e && e->b == kNone && n.task[0].cpu == 0 && n.task[0].affinity == 0x3;
  }, &s1));
  ASSERT_TRUE(findStep(m, s1, [](const StepLog& l, const State& n) {
    return has(l, Ev::OpsSetWeight) && n.task[0].deferred != kNone;
  }, &s2));
  EXPECT_EQ(static_cast<Opss>(s2.task[0].opss), Opss::None);
  EXPECT_EQ(s2.task[0].dsq, kNone);
  EXPECT_EQ(s2.cpu[0].dfn, 1);
  EXPECT_FALSE(s2.task[0].flags & kTaskInCustody);
}

// set_user_nice on a task the BPF scheduler holds: ops_dequeue takes it back
// (QUEUED -> NONE) and ops.dequeue carries SCX_DEQ_SCHED_CHANGE.
TEST(Dequeue, NiceOnQueuedTaskDequeuesWithSchedChange) {
  Config c = test::smallConfig(1, 1, 0, "full:enqueue=keep");
  ExtCore m(c);
  State s1, s2;
  StepLog log;
  ASSERT_TRUE(findStep(m, m.initial(), [](const StepLog& l, const State&) { return has(l, Ev::OpsEnqueue); }, &s1));
  ASSERT_TRUE(findStep(m, s1, [](const StepLog& l, const State&) { return has(l, Ev::OpsSetWeight); }, &s2, &log));
  const Event* d = firstEvent(log, Ev::OpsDequeue);
  ASSERT_NE(d, nullptr);
  EXPECT_TRUE(d->a & kDeqSchedChange);
  EXPECT_FALSE(d->a & kDeqSleep);
  EXPECT_EQ(d->op, Op::Nice);
  // re-enqueued (RESTORE) and kept again
  EXPECT_EQ(static_cast<Opss>(s2.task[0].opss), Opss::Queued);
}

// dispatch_to_local_dsq across CPUs: ops_state is released to NONE with
// holding_cpu set before the src rq lock is taken (ext.c:2806-2815), and the
// SCX-internal migration keeps custody until arrival (sticky_cpu).
TEST(Dispatch, HoldingCpuProtocolAndDeferredCustodyExit) {
  Config c = test::smallConfig(1, 2, 0, "full:select=none|prev-cpu,enqueue=keep,dispatch=insert-local-on|insert-local");
  ExtCore m(c);
  bool saw_holding = false, saw_sticky_custody = false, saw_arrival_dequeue = false;
  test::forEachReachable(m, 1'000'000, [&](const State& s) {
    const TaskState& t = s.task[0];
    if (t.holding != kNone && static_cast<Opss>(t.opss) == Opss::None && t.dsq == kNone) saw_holding = true;
    if (t.sticky != kNone && (t.flags & kTaskInCustody)) saw_sticky_custody = true;
    forEachSuccessor(m, s, [&](State&, const StepLog& l, const Transition&) {
      // the ops.dequeue ending a migrated task's custody runs on arrival
      if (s.actor[l.ev[0].actor].pc == static_cast<uint8_t>(Pc::MrtDst) && has(l, Ev::OpsDequeue))
        saw_arrival_dequeue = true;
    });
  });
  EXPECT_TRUE(saw_holding);
  EXPECT_TRUE(saw_sticky_custody);
  EXPECT_TRUE(saw_arrival_dequeue);
}

// Every reachable state of a small configuration survives pack/unpack.
TEST(Codec, RoundTripOnReachableStates) {
  Config c = test::smallConfig(2, 2, 1, "st-dequeue-6");
  ExtCore m(c);
  Codec codec(c);
  size_t checked = test::forEachReachable(m, 20000, [&](const State& s) {
    std::vector<uint8_t> b(codec.bytes());
    ASSERT_TRUE(codec.pack(s, b.data()));
    ASSERT_TRUE(codec.unpack(b.data()) == s) << describeState(c, s);
  });
  EXPECT_GT(checked, 1000u);
}

TEST(Codec, RejectsOutOfDomainField) {
  Config c = test::smallConfig(1, 1, 0);
  Codec codec(c);
  State s = ExtCore(c).initial();
  s.task[0].cpu = 3;  // only CPU0 exists
  std::vector<uint8_t> b(codec.bytes());
  std::string err;
  EXPECT_FALSE(codec.pack(s, b.data(), &err));
  EXPECT_NE(err.find("task.cpu"), std::string::npos) << err;
}

TEST(TransitionText, RoundTripAndRejects) {
  Transition t;
  ASSERT_TRUE(Transition::parse("3:0.12.1", &t));
  EXPECT_EQ(t.actor, 3);
  EXPECT_EQ(t.n, 3);
  EXPECT_EQ(t.str(), "3:0.12.1");
  ASSERT_TRUE(Transition::parse("0:", &t));
  EXPECT_EQ(t.n, 0);
  for (const char* bad : {"", ":1", "x:1", "1:1.", "1:1..2", "1:300", "99:1", "1:a"})
    EXPECT_FALSE(Transition::parse(bad, &t)) << bad;
}

// A transition replays exactly and a foreign choice vector is refused.
TEST(TransitionText, ApplyIsExact) {
  ExtCore m(test::smallConfig(2, 2, 1));
  const State init = m.initial();
  int n = 0;
  forEachSuccessor(m, init, [&](State& next, const StepLog&, const Transition& tr) {
    State again;
    StepLog log;
    ASSERT_TRUE(applyTransition(m, init, tr, &again, &log)) << tr.str();
    EXPECT_TRUE(again == next) << tr.str();
    ++n;
  });
  EXPECT_GT(n, 5);
  Transition bogus;
  ASSERT_TRUE(Transition::parse("2:200", &bogus));
  State out;
  StepLog log;
  EXPECT_FALSE(applyTransition(m, init, bogus, &out, &log));
}

TEST(PolicyText, PresetsAndErrors) {
  Policy p;
  std::string err;
  ASSERT_TRUE(Policy::parse("simple", &p, &err)) << err;
  EXPECT_FALSE(p.has_select_cpu);
  EXPECT_EQ(p.dispatch, kDspMoveToLocal);
  ASSERT_TRUE(Policy::parse("full:enqueue=keep|user,dispatch=move-to-local", &p, &err)) << err;
  EXPECT_EQ(p.enqueue_verdicts, kVerdictKeep | kVerdictUser);
  EXPECT_FALSE(Policy::parse("nosuch", &p, &err));
  EXPECT_NE(err.find("nosuch"), std::string::npos);
  EXPECT_FALSE(Policy::parse("full:enqueue=bogus", &p, &err));
  EXPECT_NE(err.find("'enqueue'"), std::string::npos) << err;
  EXPECT_FALSE(Policy::parse("full:frobnicate=1", &p, &err));
  EXPECT_NE(err.find("frobnicate"), std::string::npos) << err;
}

TEST(ConfigText, ValidateNamesTheField) {
  Config c;
  c.tasks = 9;
  EXPECT_NE(c.validate().find("--tasks"), std::string::npos);
  c = Config{};
  c.user_dsqs = 0;
  EXPECT_EQ(c.validate(), "");  // full: user-DSQ verdicts are simply not offered
  std::string err;
  ASSERT_TRUE(Policy::parse("st-dequeue-5", &c.policy, &err));
  EXPECT_NE(c.validate().find("needs a user DSQ"), std::string::npos) << c.validate();
  EXPECT_EQ(Config{}.validate(), "");
}

// The model-to-source table names real kernel lines (file:line present).
TEST(Sites, EveryStepNamesAKernelLocation) {
  for (int i = 0; i < siteCount(); ++i) {
    const SiteInfo& s = siteInfo(static_cast<Site>(i));
    EXPECT_GT(s.line, 0) << s.id;
    EXPECT_NE(std::string(s.file).find('.'), std::string::npos) << s.id;
  }
}

}  // namespace
}  // namespace scxmc

namespace scxmc {
namespace {

// Task symmetry: canonicalization is a renaming (idempotent, preserves the
// invariants' verdicts), symmetric states share a representative, and the
// checker reaches the same verdicts with fewer states.
TEST(Symmetry, CanonicalFormIsSharedByRenamedStates) {
  Config c = test::smallConfig(3, 2, 1, "st-dequeue-6");
  ExtCore m(c);
  const uint8_t perms[][3] = {{1, 0, 2}, {2, 1, 0}, {1, 2, 0}};
  const size_t checked = test::forEachReachable(m, 5000, [&](const State& s) {
    State a = s;
    canonicalizeTasks(c, a);
    State again = a;
    EXPECT_FALSE(canonicalizeTasks(c, again)) << "not idempotent";
    for (const auto& p : perms) {
      State r = permuteTasks(c, s, p);
      canonicalizeTasks(c, r);
      EXPECT_TRUE(r == a) << "renamed state has another representative:\n" << describeState(c, s);
    }
  });
  EXPECT_GT(checked, 1000u);
}

TEST(Symmetry, CpuRenamingsShareTheRepresentative) {
  Config c = test::smallConfig(2, 2, 1, "full:dispatch=insert-local-on|insert-user|move-local|move-to-local");
  ExtCore m(c);
  Codec codec(c);
  const uint8_t swap[] = {1, 0};
  const uint8_t tperm[] = {1, 0};
  const size_t checked = test::forEachReachable(m, 20000, [&](const State& s) {
    std::vector<uint8_t> a(codec.bytes()), b(codec.bytes()), d(codec.bytes());
    ASSERT_TRUE(canonicalPack(codec, c, s, true, a.data()));
    const State r = permuteCpus(c, s, swap);
    ASSERT_TRUE(canonicalPack(codec, c, r, true, b.data())) << describeState(c, s);
    ASSERT_TRUE(canonicalPack(codec, c, permuteTasks(c, r, tperm), true, d.data()));
    EXPECT_EQ(a, b) << "CPU-renamed state has another representative:\n" << describeState(c, s);
    EXPECT_EQ(a, d) << "CPU- and task-renamed state has another representative:\n" << describeState(c, s);
    EXPECT_TRUE(permuteCpus(c, r, swap) == s) << "renaming twice is not the identity";
  });
  EXPECT_GT(checked, 5000u);
}

TEST(Symmetry, UserDsqRenamingsShareTheRepresentative) {
  Config c = test::smallConfig(2, 2, 2, "full");
  ExtCore m(c);
  Codec codec(c);
  const uint8_t swap[] = {1, 0, 2};
  const size_t checked = test::forEachReachable(m, 20000, [&](const State& s) {
    std::vector<uint8_t> a(codec.bytes()), b(codec.bytes());
    ASSERT_TRUE(canonicalPack(codec, c, s, true, a.data()));
    const State r = permuteUserDsqs(c, s, swap);
    ASSERT_TRUE(canonicalPack(codec, c, r, true, b.data())) << describeState(c, s);
    EXPECT_EQ(a, b) << "DSQ-renamed state has another representative:\n" << describeState(c, s);
    EXPECT_TRUE(permuteUserDsqs(c, r, swap) == s) << "renaming twice is not the identity";
  });
  EXPECT_GT(checked, 5000u);
}

TEST(Symmetry, SameVerdictsFewerStates) {
  for (const auto& [policy, dsqs] : std::vector<std::pair<const char*, int>>{
           {"st-dequeue-6", 1}, {"st-dequeue-remote", 1}, {"simple", 1}, {"full", 2}}) {
    Config c = test::smallConfig(dsqs == 2 ? 1 : 2, 2, dsqs, policy);
    ExtCore m(c);
    Limits with, without;
    without.symmetry = false;
    const CheckResult a = test::check(m, "all", with), b = test::check(m, "all", without);
    ASSERT_EQ(a.invariants.size(), b.invariants.size());
    for (size_t i = 0; i < a.invariants.size(); ++i)
      EXPECT_EQ(a.invariants[i].status, b.invariants[i].status) << policy << " " << a.invariants[i].id;
    EXPECT_LT(a.stats.states, b.stats.states) << policy;
  }
}

}  // namespace
}  // namespace scxmc
