// --kicks (issue 17, "Interrupt contexts"): scx_bpf_kick_cpu from a BPF
// callback on a CPU, kick_cpus_irq_workfn in hardirq (ext.c:8756-8802) and
// SCX_KICK_WAIT's kick_sync_wait_bal_cb (ext.c:3277-3330), model/kick.cpp.
#include <gtest/gtest.h>

#include "next_state.hpp"
#include "pack.hpp"
#include "test_support.hpp"

namespace scxmc {
namespace {

Config kickConfig(int tasks, uint8_t flags = 0xf, bool on = true) {
  Config c = test::smallConfig(tasks, 2, 0);
  c.kicks = on;
  c.kick_flags = flags;
  EXPECT_EQ(c.validate(), "");
  return c;
}

constexpr uint8_t kWaitOnly = 1 << 2;  // Config::kick_flags: SCX_KICK_WAIT alone

// Off: no bit.  On: the two kick bytes of every CPU, and one more bit in
// every frame's op (Op::Kick).
TEST(Kicks, OffCostsNoBit) {
  for (int cpus : {1, 2, 3}) {
    Config off = kickConfig(2, 0xf, false);
    off.cpus = cpus;
    Config on = off;
    on.kicks = true;
    EXPECT_EQ(Codec(on).bits(), Codec(off).bits() + 16 * cpus + (cpus + 2)) << cpus;
  }
}

TEST(Kicks, ConfigNamesTheFlag) {
  Config c = kickConfig(1);
  c.lifecycle = true;
  EXPECT_NE(c.validate().find("--kicks"), std::string::npos);
  Config none = kickConfig(1);
  none.kick_flags = 0;
  EXPECT_NE(none.validate().find("--kick-flags"), std::string::npos);
  EXPECT_NE(kickConfig(1, kWaitOnly).describe().find("kicks (wait)"), std::string::npos);
}

// Every part of the protocol is reached: the kfunc, the hardirq work and
// its per-target kick_one_cpu, the deferral to the balance callback, the
// spin with the rq lock dropped, a spinner released by its target, a
// spinner that releases another by advancing its own kick_sync, and the
// kick irq_work that interrupts a spin.
TEST(Kicks, EveryPartIsReached) {
  Config c = kickConfig(2, kWaitOnly);
  c.dispatch_loops = 1;
  c.dispatch_actions = 1;
  auto m = makeModel("linux-7.3.4", c);
  ASSERT_NE(m, nullptr);
  bool kick = false, irq = false, one = false, pending = false, queued = false, wait = false, waited = false,
       irq_in_spin = false;
  test::forEachReachable(*m, 600'000, [](const State&) {}, [&](const StepLog& l) {
    bool spin_irq = false;
    for (const Event& e : l) {
      if (e.kind == Ev::KfKick) kick = true;
      if (e.kind != Ev::Site) continue;
      const auto s = static_cast<Site>(e.a);
      if (s == Site::KickIrqWork) { irq = true; spin_irq = e.op == Op::Kick; }
      if (s == Site::KickOneCpu) one = true;
      if (s == Site::KickSyncPending) pending = true;
      if (s == Site::QueueKickSyncBalCb) queued = true;
      if (s == Site::KickSyncWait) wait = true;
      if (s == Site::KickSyncWaited) waited = true;
    }
    irq_in_spin |= spin_irq;
  });
  EXPECT_TRUE(kick) << "scx_bpf_kick_cpu (ext.c:9809) not reached";
  EXPECT_TRUE(irq) << "kick_cpus_irq_workfn (ext.c:8756) not reached";
  EXPECT_TRUE(one) << "kick_one_cpu (ext.c:8684) not reached";
  EXPECT_TRUE(pending) << "kick_sync_pending (ext.c:8798) not reached";
  EXPECT_TRUE(queued) << "queue_balance_callback(kick_sync_bal_cb) (ext.c:3507) not reached";
  EXPECT_TRUE(wait) << "kick_sync_wait_bal_cb's spin (ext.c:3321) not reached";
  EXPECT_TRUE(waited) << "a spinner released by its target (ext.c:3327) not reached";
  EXPECT_TRUE(irq_in_spin) << "the kick irq_work interrupting the spin (irqs on) not reached";
}

// The spin step by step, from a built state: CPU0 spins on CPU1's
// kick_sync while CPU1 waits on CPU0's.  CPU0's only step advances its own
// kick_sync (ext.c:3324), which releases CPU1; then CPU0 has no step until
// CPU1's kick_sync moves; then it relocks and the callback returns.
TEST(Kicks, SpinAdvancesItsOwnKickSyncForAWaiter) {
  auto m = makeModel("linux-7.3.4", kickConfig(2, kWaitOnly));
  State s = m->initial();
  Frame& f = s.actor[0];
  f.pc = static_cast<uint8_t>(Pc::KickSyncSpin);
  f.op = static_cast<uint8_t>(Op::Kick);
  f.x = 1;
  s.cpu[0].ksync = static_cast<uint8_t>(1 << (kSyncShift + 1));
  s.cpu[1].ksync = static_cast<uint8_t>(1 << (kSyncShift + 0));
  auto cpu0Steps = [&](const State& from, std::vector<std::pair<State, bool>>* out) {
    out->clear();
    forEachSuccessor(*m, from, [&](State& n, const StepLog& l, const Transition& tr) {
      if (tr.actor != 0) return;
      bool adv = false;
      for (const Event& e : l) adv |= e.kind == Ev::Site && static_cast<Site>(e.a) == Site::KickSyncSelfAdvance;
      out->push_back({n, adv});
    });
  };
  std::vector<std::pair<State, bool>> next;
  cpu0Steps(s, &next);
  ASSERT_EQ(next.size(), 1u);
  EXPECT_TRUE(next[0].second);
  EXPECT_EQ(next[0].first.cpu[1].ksync & (1 << (kSyncShift + 0)), 0) << "CPU1 still waits on CPU0";
  EXPECT_EQ(next[0].first.actor[0].pc, static_cast<uint8_t>(Pc::KickSyncSpin));
  cpu0Steps(next[0].first, &next);
  EXPECT_TRUE(next.empty()) << "a spin step that changes nothing";
  State moved = s;
  moved.cpu[1].ksync = 0;
  moved.cpu[0].ksync = 0;  // CPU1's kick_sync moved
  cpu0Steps(moved, &next);
  ASSERT_EQ(next.size(), 1u);
  EXPECT_FALSE(next[0].second);
  EXPECT_EQ(next[0].first.actor[0].pc, static_cast<uint8_t>(Pc::Rest));
}

// 7.3.4 holds every invariant with the slice (SCX_KICK_WAIT only, 1 task);
// the count is pinned (without the flag it is the one every test pins).
TEST(Kicks, Linux734Holds) {
  auto m = makeModel("linux-7.3.4", kickConfig(1, kWaitOnly));
  const CheckResult r = test::check(*m, "all");
  EXPECT_TRUE(r.complete) << r.incomplete_reason;
  for (const auto& i : r.invariants) EXPECT_EQ(i.status, Status::Holds) << i.id << ": " << i.message;
  EXPECT_EQ(r.stats.states, 170396u);
}

// The reviewer's variant (the pre-7.3.4 wait in hardirq) holds its own
// kick_sync while it spins on the target's: lock-order reports the
// same-class dependency, and the counterexample replays.
TEST(Kicks, WaitInHardirqCaughtByLockOrder) {
  test::expectCaughtOn("kick-wait-in-hardirq", kickConfig(2, kWaitOnly), "lock-order",
                       "spins on rq->scx.kick_sync");
  auto m = makeModel("kick-wait-in-hardirq", kickConfig(2, kWaitOnly, false));
  EXPECT_TRUE(m->config().kicks);  // the factory switches the slice on
  // 7.3.4's spin holds nothing: no such dependency
  auto base = makeModel("linux-7.3.4", kickConfig(1, kWaitOnly));
  EXPECT_EQ(test::resultOf(test::check(*base, "lock-order"), "lock-order").status, Status::Holds);
}

// Symmetry (the kick bytes' CPU masks are renamed with the CPUs) keeps the
// variant's first violation as short and 7.3.4's verdicts unchanged.
TEST(Kicks, SymmetryKeepsVerdictsAndLengths) {
  auto m = makeModel("kick-wait-in-hardirq", kickConfig(2, kWaitOnly));
  Limits with, without;
  with.stop_at_first = without.stop_at_first = true;
  without.symmetry = false;
  const CheckResult a = test::check(*m, "lock-order", with), b = test::check(*m, "lock-order", without);
  const auto& ra = test::resultOf(a, "lock-order");
  const auto& rb = test::resultOf(b, "lock-order");
  ASSERT_EQ(ra.status, Status::Violated);
  ASSERT_EQ(rb.status, Status::Violated);
  EXPECT_EQ(ra.cex.steps.size(), rb.cex.steps.size());
  Config small = kickConfig(1, kWaitOnly);
  small.dispatch_loops = 1;
  small.dispatch_actions = 1;
  auto base = makeModel("linux-7.3.4", small);
  Limits nosym;
  nosym.symmetry = false;
  const CheckResult x = test::check(*base, "all"), y = test::check(*base, "all", nosym);
  ASSERT_EQ(x.invariants.size(), y.invariants.size());
  for (size_t i = 0; i < x.invariants.size(); ++i) EXPECT_EQ(x.invariants[i].status, y.invariants[i].status) << x.invariants[i].id;
  EXPECT_LT(x.stats.states, y.stats.states);
}

}  // namespace
}  // namespace scxmc
