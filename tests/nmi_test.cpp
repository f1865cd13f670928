// --nmi (issue 17 part 2, "the hardlockup/NMI path"): scx_hardlockup
// (ext.c:5911-5919) -> handle_lockup (ext.c:5794-5816) -> scx_vexit
// (ext.c:7276-7290) as an actor in NMI context that claims the root's exit
// lock-free (model/nmi.cpp), and the checker's deadlock rule that does not
// count its steps as progress (harness/checker.cpp).
#include <gtest/gtest.h>

#include "lock_graph.hpp"
#include "pack.hpp"
#include "test_support.hpp"

namespace scxmc {
namespace {

Config nmiConfig(int tasks, int dsqs, bool on = true, int sub = 0) {
  Config c = test::smallConfig(tasks, 2, dsqs);
  c.lifecycle = true;
  c.sub_scheds = sub;
  c.nmi = on;
  EXPECT_EQ(c.validate(), "");
  return c;
}

// The deadlock of mutation_test.cpp: dispatch_to_local_dsq takes the task's
// rq lock while still holding DISPATCHING (the inversion ext.c:2795-2804
// forbids).
class LockWhileDispatching : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "mut-nmi-lock-while-dispatching"; }
  void dispatchToLocalDsq(uint8_t rq, uint8_t dst, uint8_t t) override {
    const uint8_t src = tk(t).cpu;
    if (rq == src) return ExtCore::dispatchToLocalDsq(rq, dst, t);
    tk(t).holding = static_cast<uint8_t>(me_);  // BUG: ops_state stays DISPATCHING
    fr().t = t;
    fr().y = dst;
    switchRqLock(src, Pc::DtlSrc);
  }
};

// The seeded bug the slice exists for: the NMI's scx_claim_exit skips the
// ->aborting sweep (smp_store_mb, ext.c:6827-6830) and goes straight to
// the irq_work queues, as a patch that leaves NMI context's work to the
// propagation irq_work might.  A child whose scx_link_sched (ext.c:6530)
// runs after the propagation walked the children then reads ->aborting
// false (ext.c:6538) and stays linked under an exiting root: sub-exit.
class NmiSkipsSweep : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "mut-nmi-skips-sweep"; }
  void handleLockup() override {
    site(Site::NmiVexit);
    if (!claimExitKind(kSchedRoot)) return;
    emit(Ev::Error, kNone, static_cast<uint8_t>(ErrorKind::Lockup));
    // BUG: no sweep, the claim goes on at its irq_work queues
    s_->sub_claim = static_cast<uint8_t>((s_->sub_claim & ~kSubClaimPcMask) |
                                         static_cast<uint8_t>(ClaimPc::RootQueue) | kSubClaimNmi);
  }
};

void registerMutations() {
  static bool done = false;
  if (done) return;
  done = true;
  registerVariant({"mut-nmi-lock-while-dispatching", "test-only seeded bug", "-"},
                  [](const Config& c) { return std::make_unique<LockWhileDispatching>(c); });
  registerVariant({"mut-nmi-skips-sweep", "test-only seeded bug", "-"},
                  [](const Config& c) { return std::make_unique<NmiSkipsSweep>(c); });
}

// Off: no actor, no bit, and the counts every other test pins.  On, without
// --sub-scheds: one actor and still no bit (the claim is State::scx_error,
// packed anyway); with --sub-scheds one bit (kSubClaimNmi).
TEST(Nmi, OffCostsNoBit) {
  for (int sub : {0, 1}) {
    const Config off = nmiConfig(1, 1, false, sub), on = nmiConfig(1, 1, true, sub);
    EXPECT_EQ(off.steppers(), off.actors() + 1 + sub);
    EXPECT_EQ(on.steppers(), off.steppers() + 1);
    EXPECT_EQ(on.nmiActor(), off.steppers());
    EXPECT_EQ(off.nmiActor(), -1);
    EXPECT_EQ(Codec(on).bits(), Codec(off).bits() + sub) << sub;
  }
  Config plain = test::smallConfig(1, 2, 1);
  EXPECT_EQ(test::check(*makeModel("linux-7.3.4", plain), "all").stats.states, 19922u);
  EXPECT_EQ(test::check(*makeModel("linux-7.3.4", nmiConfig(1, 1, false)), "all").stats.states, 537287u);
  plain.nmi = true;
  EXPECT_NE(plain.validate().find("--nmi needs --lifecycle"), std::string::npos) << plain.validate();
}

void expectHolds(const Config& c, uint64_t states) {
  auto m = makeModel("linux-7.3.4", c);
  bool claimed = false, enabling = false, enabled = false, other_actor = false, staged = false;
  const int nmi = m->config().nmiActor();
  size_t nmi_steps = 0;
  const CheckResult r = test::checkObserved(*m, "all", [&](const State& from, const StepLog& log, const State& to) {
    // --sub-scheds: the NMI's claim goes on in its own later steps
    if (log.n && log.begin()->actor == nmi && (from.sub_claim & kSubClaimNmi)) staged = true;
    if (c.sub_scheds && (to.sub_claim & kSubClaimPcMask) == 0) {
      EXPECT_EQ(to.sub_claim & kSubClaimNmi, 0);
    }
    for (const Event& e : log) {
      if (e.kind != Ev::Site || static_cast<Site>(e.a) != Site::HardLockup) continue;
      ++nmi_steps;
      other_actor |= e.actor != nmi;
      EXPECT_EQ(from.sub_exit & 3, 0);  // the root's exit_kind NONE
      EXPECT_FALSE(lifeStage(from.life_pc) == LifePc::Enabled && lifeInBypassLoop(from.life_pc, from.bypass_depth));
      enabling |= from.scx_enable == static_cast<uint8_t>(ScxEnable::Enabling);
      enabled |= from.scx_enable == static_cast<uint8_t>(ScxEnable::Enabled);
    }
    for (const Event& e : log) claimed |= e.kind == Ev::Error && static_cast<ErrorKind>(e.a) == ErrorKind::Lockup;
  });
  EXPECT_TRUE(r.complete) << r.incomplete_reason;
  for (const auto& i : r.invariants) EXPECT_EQ(i.status, Status::Holds) << c.describe() << ": " << i.id << ": " << i.message;
  EXPECT_EQ(r.stats.states, states) << c.describe();
  EXPECT_EQ(r.stats.deadlocks, 0u);
  EXPECT_TRUE(claimed && enabling && enabled) << claimed << enabling << enabled;
  EXPECT_FALSE(other_actor);
  EXPECT_GT(nmi_steps, 0u);
  EXPECT_EQ(staged, c.sub_scheds > 0);
}

// 7.3.4 holds every invariant with the NMI (lock-context included: it takes
// no lock; scx-error: a lockup exit is no kfunc breach); the counts are
// pinned, and the NMI's claim is reached while ENABLING and while ENABLED.
// It fires only while its claim can win: never after a claim of the root's
// exit, and so never once the root's disable started (its scx_bypass runs
// with the state still ENABLED, after bpf_scx_unreg's claim).
TEST(Nmi, Linux734Holds) { expectHolds(nmiConfig(1, 1), 671883u); }
// (1,416,516 states before session 18: the root's disable after the child's
// did not cycle the runnable tasks in its scx_bypass, docs/status.md)
TEST(Nmi, Linux734HoldsWithSubScheds) { expectHolds(nmiConfig(1, 0, true, 1), 1406520u); }

// The seeded bug (the NMI's claim without its ->aborting sweep) is caught by
// sub-exit, and the counterexample replays.
TEST(Nmi, SkippedSweepCaughtBySubExit) {
  registerMutations();
  test::expectCaughtOn("mut-nmi-skips-sweep", nmiConfig(1, 0, true, 1), "sub-exit",
                       "the root's exit was claimed and propagated, but the child is linked with no exit claimed");
}

// The reductions (symmetry, dead fields) keep the seeded bug's first
// violation as short as without them.  The NMI may claim while the root is
// ENABLING, so the root's queued propagation irq_work stays live until the
// child can no longer link (normalizeDeadExit); when it was dropped there,
// the stored state's successors depended on which representative reached
// it and this counterexample could not be rebuilt.
TEST(Nmi, ReductionsKeepTheSkippedSweepsLength) {
  registerMutations();
  auto m = makeModel("mut-nmi-skips-sweep", nmiConfig(1, 0, true, 1));
  Limits with, without;
  with.stop_at_first = without.stop_at_first = true;
  without.symmetry = false;
  const CheckResult a = test::check(*m, "sub-exit", with), b = test::check(*m, "sub-exit", without);
  const InvariantResult &ra = test::resultOf(a, "sub-exit"), &rb = test::resultOf(b, "sub-exit");
  ASSERT_EQ(ra.status, Status::Violated);
  ASSERT_EQ(rb.status, Status::Violated);
  EXPECT_EQ(ra.cex.steps.size(), rb.cex.steps.size());
  // the claim in the counterexample is the NMI's
  bool nmi_claim = false;
  for (const auto& st : ra.cex.steps)
    for (const Event& e : st.log)
      nmi_claim |= e.kind == Ev::Site && static_cast<Site>(e.a) == Site::HardLockup;
  EXPECT_TRUE(nmi_claim);
  std::printf("sub-exit caught in %zu steps (%zu without the reductions)\n", ra.cex.steps.size(), rb.cex.steps.size());
}

Config deadlockConfig(bool on, int tasks = 1, uint32_t env = kEnvWake | kEnvNice) {
  Config c = nmiConfig(tasks, 0, on);
  std::string err;
  EXPECT_TRUE(Policy::parse("full:select=none|prev-cpu,enqueue=keep,dispatch=insert-local-on", &c.policy, &err)) << err;
  c.env = env;
  return c;
}

// A deadlock stays a deadlock: the seeded inversion is caught with and
// without the NMI, with a counterexample of the same length, and both
// replay.
TEST(Nmi, DeadlockStillCaughtSameLength) {
  registerMutations();
  size_t len[2] = {0, 0};
  for (bool on : {false, true}) {
    auto m = makeModel("mut-nmi-lock-while-dispatching", deadlockConfig(on));
    Limits lim;
    lim.stop_at_first = true;
    const CheckResult r = test::check(*m, "custody", lim);
    const InvariantResult& ir = test::resultOf(r, "deadlock");
    ASSERT_EQ(ir.status, Status::Violated) << on;
    len[on] = ir.cex.steps.size();
    const ReplayOutcome o = test::replay(*m, r, "deadlock");
    EXPECT_TRUE(o.confirmed) << on << ": " << o.error;
    EXPECT_EQ(o.message, ir.message);
  }
  EXPECT_GT(len[0], 0u);
  EXPECT_EQ(len[0], len[1]);
}

// The rule itself, on every reachable state of the seeded inversion (--nmi,
// no reduction): a state is a deadlock when no actor but the NMI can move,
// and also when nothing can move after an exit claim (with --lifecycle the
// disable path is modeled, so that is no scheduler's end).  Since session
// 14 every stuck state has the root's exit claimed: while it is unclaimed
// the helper can always claim it (bpf_scx_unreg's scx_disable, a step of
// its own before the disable work), so the lockup shows once the NMI or
// the helper has claimed.  (No state of this configuration has only the
// NMI's steps: the helper's claim is there while the NMI's is.  That half of
// the rule is there for the configurations where it is not so.)
TEST(Nmi, StatesTheNmiCannotResolveAreDeadlocks) {
  registerMutations();
  auto m = makeModel("mut-nmi-lock-while-dispatching", deadlockConfig(true));
  const int nmi = m->config().nmiActor();
  uint64_t none = 0, after_claim = 0, only_nmi = 0, only_back = 0;
  const size_t n = test::forEachReachable(*m, 3'000'000, [&](const State& s) {
    int all = 0, by_nmi = 0, back = 0;
    forEachSuccessor(*m, s, [&](State& next, const StepLog&, const Transition& tr) {
      ++all;
      by_nmi += tr.actor == nmi;
      back += tr.actor != nmi && next == s;
    });
    if (all == 0) ++((s.sub_exit & 3) ? after_claim : none);  // the root's exit claimed (by the NMI or the helper)
    if (all != 0 && all == by_nmi) ++only_nmi;
    // (session 16) every step but the NMI's leads back to this state: a
    // cgroup.procs write whose prep_move fails, again and again
    if (back != 0 && all == by_nmi + back && lifeStage(s.life_pc) != LifePc::Done) ++only_back;
  });
  ASSERT_LT(n, 3'000'000u);
  std::printf("%zu states: %lu without a step, %lu without a step after the NMI's claim, %lu with only the NMI's, %lu "
              "whose other steps only lead back\n",
              n, static_cast<unsigned long>(none), static_cast<unsigned long>(after_claim),
              static_cast<unsigned long>(only_nmi), static_cast<unsigned long>(only_back));
  Limits lim;
  lim.symmetry = false;
  const CheckResult r = test::check(*m, "custody", lim);
  ASSERT_TRUE(r.complete);
  EXPECT_EQ(r.stats.states, n);
  EXPECT_EQ(none, 0u);
  EXPECT_GT(after_claim, 0u);
  EXPECT_EQ(r.stats.error_exits, 0u);
  EXPECT_EQ(r.stats.deadlocks, none + after_claim + only_nmi + only_back)
      << none << " without a step, " << after_claim << " after the claim, " << only_nmi << " with only the NMI's, "
      << only_back << " whose other steps only lead back";
  // without --nmi the helper's claim reaches the same stuck states (here the
  // NMI's claims while ENABLING add none), and they are deadlocks too: no
  // scx_error was raised
  auto off = makeModel("mut-nmi-lock-while-dispatching", deadlockConfig(false));
  const CheckResult ro = test::check(*off, "custody", lim);
  EXPECT_EQ(ro.stats.error_exits, 0u);
  EXPECT_EQ(ro.stats.deadlocks, after_claim + only_nmi + only_back);
}

// --sub-scheds without --nmi (session 16).  A state whose every step leads
// back to itself is stuck: the checker reports it as a deadlock
// (stuckOf, kDeadlockOnlyBack).  In the seeded inversion such states have
// the CPUs stuck and only a cgroup.procs write left, whose prep_move fails
// and is cancelled, again and again.  Before, they had a step, and the
// deadlock check did not count them.  The exit claimer no longer offers a
// claim whose cmpxchg must fail: such a claim changed nothing (exact), so
// no claimer step leads back to the same state.  The one state whose only
// step leads back and that is not stuck is the end (the helper at Done).
TEST(Nmi, StatesThatOnlyLeadBackAreDeadlocksWithSubScheds) {
  registerMutations();
  Config c = nmiConfig(1, 0, false, 1);
  std::string err;
  ASSERT_TRUE(Policy::parse("full:select=none|prev-cpu,enqueue=keep,dispatch=insert-local-on", &c.policy, &err)) << err;
  c.env = kEnvWake | kEnvNice;
  auto m = makeModel("mut-nmi-lock-while-dispatching", c);
  const int claimer = c.actors() + 1;
  uint64_t claims = 0, claims_back = 0, none = 0, only_back = 0, done = 0, wrong = 0, only_back_msgs = 0;
  const size_t n = test::forEachReachable(*m, 2'000'000, [&](const State& s) {
    uint64_t all = 0, moved = 0;
    StepCount steps;  // the rule checker and replay use, on the same steps
    forEachSuccessor(*m, s, [&](State& next, const StepLog&, const Transition& tr) {
      steps.add(c, s, next, tr.actor);
      ++all;
      moved += !(next == s);
      if (tr.actor != claimer) return;
      ++claims;
      claims_back += next == s;
    });
    none += all == 0;
    if (all != 0 && moved == 0) ++(lifeStage(s.life_pc) == LifePc::Done ? done : only_back);
    const Stuck k = stuckOf(c, s, steps);
    const Stuck want = all == 0 ? Stuck::NoStep
                       : moved != 0 || lifeStage(s.life_pc) == LifePc::Done ? Stuck::No
                                                                            : Stuck::OnlyBack;
    if (k != want) ++wrong;
    if (k == Stuck::OnlyBack && ++only_back_msgs == 1) {
      EXPECT_STREQ(stuckMessage(k), kDeadlockOnlyBack);
    }
  });
  ASSERT_LT(n, 2'000'000u);
  std::printf("%zu states: %lu without a step, %lu whose every step leads back to it, %lu at the end (Done); %lu "
              "claimer steps, %lu back\n",
              n, (unsigned long)none, (unsigned long)only_back, (unsigned long)done, (unsigned long)claims,
              (unsigned long)claims_back);
  EXPECT_GT(claims, 0u);
  EXPECT_EQ(claims_back, 0u) << "of " << claims << " claimer steps";
  EXPECT_GT(none, 0u);
  EXPECT_GT(only_back, 0u);
  EXPECT_GT(done, 0u);
  EXPECT_EQ(wrong, 0u);
  Limits lim;
  lim.symmetry = false;
  const CheckResult full = test::check(*m, "custody", lim);
  ASSERT_TRUE(full.complete);
  EXPECT_EQ(full.stats.states, n);
  EXPECT_EQ(full.stats.deadlocks, none + only_back);
  // the checker's counterexample (the shallowest stuck state) replays
  const InvariantResult& ir = test::resultOf(full, "deadlock");
  ASSERT_EQ(ir.status, Status::Violated);
  const ReplayOutcome o = test::replay(*m, full, "deadlock");
  EXPECT_TRUE(o.confirmed) << o.error;
  EXPECT_EQ(o.message, ir.message);
}

// The reviewer's variant (handle_lockup under scx_sched_lock) is caught by
// lock-context's lock-in-nmi and by `scxmc locks`; both replay.  The
// factory switches --lifecycle and --nmi on.
TEST(Nmi, SchedLockInHardlockupCaught) {
  auto probe = makeModel("hardlockup-takes-sched-lock", test::smallConfig(1, 2, 1));
  ASSERT_NE(probe, nullptr);
  EXPECT_TRUE(probe->config().lifecycle);
  EXPECT_TRUE(probe->config().nmi);
  test::expectCaughtOn("hardlockup-takes-sched-lock", nmiConfig(1, 1), "lock-context",
                       "lock in NMI context: takes scx_sched_lock [*] (raw_spinlock_t) in NMI context");
  auto m = makeModel("hardlockup-takes-sched-lock", nmiConfig(1, 1));
  Limits lim;
  lim.max_states = 200'000;
  const LockGraph g = buildLockGraph(*m, lim);
  ASSERT_FALSE(g.reports.empty());
  bool nmi_report = false;
  for (const auto& r : g.reports)
    if (r.kind == ContextReportKind::Nmi) {
      nmi_report = true;
      EXPECT_EQ(replayContextReport(*m, r), "");
    }
  EXPECT_TRUE(nmi_report);
  // 7.3.4 raises no such report with the NMI
  auto base = makeModel("linux-7.3.4", nmiConfig(1, 1));
  const LockGraph gb = buildLockGraph(*base, lim);
  EXPECT_TRUE(gb.reports.empty());
}

}  // namespace
}  // namespace scxmc
