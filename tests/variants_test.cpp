// The built-in variants (model/variants/): each historical or reviewed
// kernel change is caught with the invariant its bug breaks, and the saved
// counterexample replays through the same path users have; the fixed forms
// hold where the check completes; the behaviour diff shows what a BPF
// scheduler sees differently.
#include <algorithm>

#include <gtest/gtest.h>

#include "behaviour_diff.hpp"
#include "hook_probe.hpp"
#include "format.hpp"
#include "next_state.hpp"
#include "test_support.hpp"

namespace scxmc {
namespace {

struct Expect {
  std::string variant, invariant;
  int tasks, cpus, dsqs;
  std::string policy;
  std::string phrase;  // the violation message must contain it
};

CheckResult expectCaught(const Expect& e) {
  const Config cfg = test::smallConfig(e.tasks, e.cpus, e.dsqs, e.policy);
  auto m = makeModel(e.variant, cfg);
  if (!m) {
    ADD_FAILURE() << "no variant " << e.variant;
    return {};
  }
  Limits lim;
  lim.stop_at_first = true;
  const CheckResult r = test::check(*m, e.invariant, lim);
  const InvariantResult& ir = test::resultOf(r, e.invariant);
  EXPECT_EQ(ir.status, Status::Violated) << e.variant << " not caught by " << e.invariant;
  if (ir.status != Status::Violated) return r;
  EXPECT_NE(ir.message.find(e.phrase), std::string::npos) << e.variant << ": " << ir.message;
  const ReplayOutcome o = test::replay(*m, r, e.invariant);
  EXPECT_TRUE(o.input_ok) << o.error;
  EXPECT_TRUE(o.confirmed) << e.variant << ": replay of " << e.invariant << " not confirmed: " << o.error;
  EXPECT_EQ(o.message, ir.message);
  return r;
}

void expectHolds(const std::string& variant, const std::string& invs, int tasks, int cpus, int dsqs,
                 const std::string& policy) {
  const Config cfg = test::smallConfig(tasks, cpus, dsqs, policy);
  auto m = makeModel(variant, cfg);
  ASSERT_TRUE(m) << variant;
  const CheckResult r = test::check(*m, invs);
  EXPECT_TRUE(r.complete) << variant << ": " << r.incomplete_reason;
  for (const auto& i : r.invariants)
    EXPECT_EQ(i.status, Status::Holds) << variant << " " << cfg.describe() << ": " << i.id << ": " << i.message;
}

TEST(Variants, ListedWithPatchAndKernelLines) {
  const auto vs = variants();
  ASSERT_GE(vs.size(), 8u);
  EXPECT_EQ(vs[0].name, "linux-7.3.4");
  for (const auto& v : vs) {
    if (v.name.rfind("mut-", 0) == 0) continue;  // test-only mutations
    EXPECT_FALSE(v.what.empty()) << v.name;
    EXPECT_FALSE(v.touches.empty()) << v.name;
    Config c;
    auto m = makeModel(v.name, c);
    ASSERT_TRUE(m) << v.name;
    EXPECT_EQ(std::string(m->name()), v.name);
  }
}

// --- dequeue-legacy -----------------------------------------------------------

TEST(DequeueLegacy, CustodyCatchesDispatchWithoutDequeue) {
  expectCaught({"dequeue-legacy", "custody", 1, 1, 1, "full", "left custody without ops.dequeue"});
}
// The changelog's second case: a select_cpu direct dispatch to a user DSQ.
// (2 CPUs: with one allowed CPU the kernel never calls ops.select_cpu,
// core.c:3635-3640)
TEST(DequeueLegacy, CustodyCatchesSelectCpuInsertToUserDsq) {
  const CheckResult r =
      expectCaught({"dequeue-legacy", "custody", 1, 2, 1, "st-dequeue-2", "got no ops.dequeue()"});
  bool select_user = false;
  for (const Step& st : test::resultOf(r, "custody").cex.steps)
    for (const Event& e : st.log)
      select_user = select_user || (e.kind == Ev::OpsSelectCpu && e.b != kNone && targetKind(e.b) == TargetKind::User);
  EXPECT_TRUE(select_user) << "the counterexample has no ops.select_cpu insert to a user DSQ";
}
TEST(DequeueLegacy, DeqFlagsCatchesMissingSchedChange) {
  expectCaught({"dequeue-legacy", "deq-flags", 1, 1, 1, "full", "expected SCHED_CHANGE"});
}

// One step of dequeue-legacy violates custody and callback-order at once.
// Both must be recorded there: a monitor's ghost bits are meaningless after
// its own violation, so recording only the first would report a later,
// bogus callback-order violation ("ops.runnable twice") instead.
TEST(DequeueLegacy, EveryInvariantAStepViolatesIsRecordedThere) {
  const Config cfg = test::smallConfig(1, 1, 1, "full");
  auto m = makeModel("dequeue-legacy", cfg);
  const CheckResult r = test::check(*m, "all");
  const InvariantResult& co = test::resultOf(r, "callback-order");
  ASSERT_EQ(co.status, Status::Violated);
  EXPECT_NE(co.message.find("before the ops.dequeue()"), std::string::npos) << co.message;
  EXPECT_EQ(co.cex.steps.size(), test::resultOf(r, "custody").cex.steps.size());
  const ReplayOutcome o = test::replay(*m, r, "callback-order");
  EXPECT_TRUE(o.confirmed) << o.error;
}

// --- the dequeue-rfc chain (seed 002) -------------------------------------------

// Tejun's point on finish_dispatch: scx_bpf_dsq_move to SCX_DSQ_GLOBAL leaves
// the flag set on a terminal DSQ.
TEST(DequeueRfc, OpssCatchesFlagLeftOnGlobalAfterDsqMove) {
  const CheckResult r =
      expectCaught({"dequeue-rfc", "opss", 1, 2, 1, "full", "has SCX_TASK_IN_CUSTODY but is neither"});
  bool moved = false;
  for (const Step& st : test::resultOf(r, "opss").cex.steps)
    for (const Event& e : st.log)
      moved = moved || (e.kind == Ev::KfDsqMove && targetKind(e.b) == TargetKind::Global && e.c == 1);
  EXPECT_TRUE(moved) << "the shortest counterexample is not the scx_bpf_dsq_move to SCX_DSQ_GLOBAL";
}
// A dequeue that waited on DISPATCHING calls no ops.dequeue (fixed by r4).
TEST(DequeueRfc, CustodyCatchesDequeueAfterDispatchingWait) {
  for (const char* v : {"dequeue-rfc", "dequeue-rfc-r1", "dequeue-rfc-r2", "dequeue-rfc-r3"})
    expectCaught({v, "custody", 1, 2, 1, "full", "still in BPF custody"});
}
// Only the dequeue that waited skips ops.dequeue(): move_queued_task's dequeue
// later in the same step (an affinity change whose sched_change waited) did
// not wait and calls it.  With that dequeue skipped too (the variant's first
// form), custody failed here already, without a user DSQ.
TEST(DequeueRfc, OnlyTheWaitedDequeueSkipsOpsDequeue) {
  for (const char* v : {"dequeue-rfc", "dequeue-rfc-r1", "dequeue-rfc-r2", "dequeue-rfc-r3"})
    expectHolds(v, "custody", 1, 2, 0, "full");
}
// No sticky_cpu exception: an SCX-internal migration gets SCHED_CHANGE (fixed by v9).
TEST(DequeueRfc, DeqFlagsCatchesInternalMigration) {
  for (const char* v : {"dequeue-rfc", "dequeue-rfc-r3", "dequeue-rfc-r4"})
    expectCaught({v, "deq-flags", 1, 2, 1, "full", "expected no flags (a dispatch)"});
  // the selftest written for it finds it too
  expectCaught({"dequeue-rfc-r4", "deq-flags", 2, 2, 1, "st-dequeue-remote", "expected no flags"});
}

TEST(DequeueRfc, ReviewedFormsHoldWhatTheyFixed) {
  expectHolds("dequeue-rfc-r4", "custody,opss,callback-order", 1, 2, 1, "full");
}
TEST(DequeueRfc, MergedHolds) {
  expectHolds("dequeue-rfc-merged", "all", 1, 2, 1, "full");
  expectHolds("dequeue-rfc-merged", "all", 2, 2, 1, "st-dequeue-remote");
  expectHolds("dequeue-rfc-merged", "all", 2, 2, 1, "st-dequeue-2");
  expectHolds("dequeue-rfc-merged", "all", 2, 2, 1, "simple");
}

// The merged form is the baseline: same reachable states and the same
// callback sequences.
TEST(DequeueRfc, MergedBehavesLikeTheBaseline) {
  const Config cfg = test::smallConfig(1, 2, 1, "full");
  auto merged = makeModel("dequeue-rfc-merged", cfg);
  auto base = makeModel("linux-7.3.4", cfg);
  const CheckResult a = test::check(*merged, "all"), b = test::check(*base, "all");
  EXPECT_EQ(a.stats.states, b.stats.states);
  EXPECT_EQ(a.stats.transitions, b.stats.transitions);
  BehaviourLimits lim;
  lim.length = 6;
  const BehaviourDiff d = behaviourDiff(*merged, *base, lim);
  ASSERT_TRUE(d.complete) << d.incomplete_reason;
  EXPECT_TRUE(d.only_a.empty());
  EXPECT_TRUE(d.only_b.empty());
  EXPECT_EQ(d.sequences_a, d.sequences_b);
}

// The worked example of docs/check-your-patch.md.
TEST(CheckYourPatchExample, DequeueUnlockedCatchesCallbackUnderGlobalLock) {
  expectCaught({"global-dequeue-locked", "dequeue-unlocked", 1, 2, 1, "full", "called with GLOBAL->lock held"});
}

// --- behaviour diff ------------------------------------------------------------

bool contains(const std::vector<BehaviourExample>& xs, const std::string& phrase) {
  for (const auto& x : xs)
    if (seqName(x.seq).find(phrase) != std::string::npos) return true;
  return false;
}

TEST(BehaviourDiff, LegacyMissesTheDequeueOfASelectCpuInsertToAUserDsq) {
  const Config cfg = test::smallConfig(1, 2, 1, "full");
  auto legacy = makeModel("dequeue-legacy", cfg);
  auto base = makeModel("linux-7.3.4", cfg);
  BehaviourLimits lim;
  lim.length = 4;
  const BehaviourDiff d = behaviourDiff(*legacy, *base, lim);
  ASSERT_TRUE(d.complete) << d.incomplete_reason;
  // legacy runs the task with no ops.dequeue; 7.3.4 calls ops.dequeue(0) first
  EXPECT_TRUE(contains(d.only_a, "select_cpu(insert USER) runnable(WAKEUP) running")) << d.only_a.size();
  EXPECT_TRUE(contains(d.only_b, "select_cpu(insert USER) runnable(WAKEUP) dequeue(0)"));
  // each example is a trace of its model that produces the sequence
  for (const auto& x : d.only_a) {
    CallbackSeq seen;
    for (const Step& st : x.trace.steps)
      for (Callback c : callbacksOf(st.log, 0)) seen.push_back(c);
    seen.resize(std::min(seen.size(), x.seq.size()));
    EXPECT_EQ(seen, x.seq) << seqName(x.seq);
  }
}

TEST(BehaviourDiff, OneTaskPerClassOfInterchangeableTasks) {
  auto reps = [](int t, int c) { return representativeTasks(test::smallConfig(t, c, 1, "simple")); };
  EXPECT_EQ(reps(1, 2), std::vector<uint8_t>({0}));
  EXPECT_EQ(reps(2, 2), std::vector<uint8_t>({0}));
  EXPECT_EQ(reps(4, 2), std::vector<uint8_t>({0}));
  // 3 tasks on 2 CPUs: task 1 starts alone on CPU1, tasks 0 and 2 share CPU0
  EXPECT_EQ(reps(3, 2), std::vector<uint8_t>({0, 1}));
  EXPECT_EQ(reps(3, 3), std::vector<uint8_t>({0}));
}

TEST(BehaviourDiff, IncompleteClaimsNothing) {
  const Config cfg = test::smallConfig(1, 2, 1, "full");
  auto legacy = makeModel("dequeue-legacy", cfg);
  auto base = makeModel("linux-7.3.4", cfg);
  BehaviourLimits lim;
  lim.max_pairs = 100;
  const BehaviourDiff d = behaviourDiff(*legacy, *base, lim);
  EXPECT_FALSE(d.complete);
  EXPECT_TRUE(d.only_a.empty());
  EXPECT_TRUE(d.only_b.empty());
}

// --- proxy execution with sched_ext (seed 003) ------------------------------------

// Without patch 06 a donor picked while blocked (no ops.running) is later
// stopped: ops.stopping without ops.running.
TEST(ProxyExec, RunningPairingCatchesStoppingWithoutRunning) {
  expectCaught({"proxy-exec-v2-no-pairing-fix", "running-pairing", 2, 2, 1, "simple",
                "without a preceding ops.running"});
  // 1 CPU is enough: the owner and the donor share it
  expectCaught({"proxy-exec-v2-no-pairing-fix", "running-pairing", 2, 1, 1, "simple",
                "without a preceding ops.running"});
}
// Without patch 05 the owner, unlinked by a remote consume before the
// donor's CPU ran it for the donor, is migrated while it runs there.
TEST(ProxyExec, DonorMigrationCatchesConsumeToctou) {
  expectCaught({"proxy-exec-v2-consume-toctou", "donor-migration", 2, 2, 1, "simple", "as the mutex owner for donor"});
}
TEST(ProxyExec, SeriesHolds) {
  expectHolds("proxy-exec-v2", "all", 2, 2, 1, "simple");
  expectHolds("proxy-exec-v2", "all", 2, 1, 1, "simple");
}
// The model reaches what the variants are about: a blocked donor passed
// through ops.enqueue, the owner run as rq->curr for a donor, and (fixed
// form) consume_remote_task putting back a task it may no longer move.
TEST(ProxyExec, HandoffAndRecheckAreReachable) {
  const Config cfg = test::smallConfig(2, 2, 1, "simple");
  auto m = makeModel("proxy-exec-v2", cfg);
  ASSERT_TRUE(m);
  ASSERT_TRUE(m->config().proxy);
  bool handoff = false, donor_enqueued = false, put_back = false;
  test::forEachReachable(*m, 1'000'000, [&](const State& s) {
    for (int c = 0; c < cfg.cpus; ++c) handoff = handoff || s.proxy_exec[c] != kNone;
    forEachSuccessor(*m, s, [&](State&, const StepLog& l, const Transition&) {
      for (const Event& e : l) {
        if (e.kind == Ev::OpsEnqueue && e.t != kNone && ((s.mutex_blocked >> e.t) & 1)) donor_enqueued = true;
        // a consume that re-links the task on the DSQ it was taken from
        if (e.kind == Ev::DsqLink && isUserDsq(e.a) && s.task[e.t].holding != kNone) put_back = true;
      }
    });
  });
  EXPECT_TRUE(handoff);
  EXPECT_TRUE(donor_enqueued);
  EXPECT_TRUE(put_back);
}
// The proxy fields cost no bits unless a proxy-exec variant is active.
TEST(ProxyExec, BaselineStateUnchanged) {
  Config cfg = test::smallConfig(2, 2, 1, "simple");
  const int base = Codec(cfg).bits();
  cfg.proxy = true;
  EXPECT_GT(Codec(cfg).bits(), base);
  auto m = makeModel("linux-7.3.4", test::smallConfig(2, 2, 1, "simple"));
  EXPECT_FALSE(m->config().proxy);
}

}  // namespace
}  // namespace scxmc

namespace scxmc {
namespace {

// The reductions (symmetry, dead fields, and the kfunc-budget subsumption of
// harness/checker.cpp) change no verdict and keep counterexamples shortest:
// each buggy variant's first violation has the same length with and without
// them, and the reduced search stores fewer states.
TEST(Reductions, ShortestCounterexamplesUnchanged) {
  struct Case {
    const char* variant;
    const char* invariant;
    int dsqs;
  };
  for (const Case& k : std::vector<Case>{{"dequeue-legacy", "custody", 1},
                                         {"dequeue-rfc", "opss", 1},
                                         {"dequeue-rfc-r3", "deq-flags", 1},
                                         {"global-dequeue-locked", "dequeue-unlocked", 1},
                                         {"dequeue-rfc-r1", "opss", 2}}) {
    const Config cfg = test::smallConfig(1, 2, k.dsqs, "full");
    auto m = makeModel(k.variant, cfg);
    ASSERT_TRUE(m) << k.variant;
    Limits with, without;
    with.stop_at_first = without.stop_at_first = true;
    without.symmetry = false;
    const CheckResult a = test::check(*m, k.invariant, with), b = test::check(*m, k.invariant, without);
    const InvariantResult &x = test::resultOf(a, k.invariant), &y = test::resultOf(b, k.invariant);
    ASSERT_EQ(x.status, Status::Violated) << k.variant;
    ASSERT_EQ(y.status, Status::Violated) << k.variant;
    EXPECT_EQ(x.cex.steps.size(), y.cex.steps.size()) << k.variant << " " << k.invariant;
    EXPECT_LE(a.stats.states, b.stats.states) << k.variant;
  }
}

// The same for every shipped variant (issue 22), on the smallest of 1 task x
// 2 CPUs x 0 or 1 user DSQs that catches it (a lifecycle or sub-scheduler
// variant's factory adds its slice): the first violation the reduced
// search finds is found without the reductions too, with a counterexample
// of the same length, and the shortest violation overall has the same
// length.  (Verdicts that hold are compared by Symmetry.SameVerdictsFewerStates
// and Recipes.VariantPausePointsKeepVerdictsWithoutSymmetry.)
TEST(Reductions, EveryVariantSameFirstViolationLength) {
  // Variants with nothing to compare at 1 task, skipped: they hold every
  // per-step invariant (dequeue-rfc-merged, proxy-exec-v2; link-sched-irqs-on,
  // which only `scxmc locks` catches; the proposed fix switching-to-skips-none,
  // SubFailParent.ProposedFixHoldsEverything), or their bug needs a second
  // task (check_cheapest_first finds each on 2x2x0 and replays it on 3x2x2).
  // Their searches at 1 task, up to two exhaustive ones each, compared
  // nothing and took over half of this test's time (session 20).  A variant
  // not caught at 1 task and not listed here fails the test below.
  static const char* const kNothingAtOneTask[] = {
      "linux-7.3.4", "switching-to-skips-none", "dequeue-rfc-merged", "proxy-exec-v2", "link-sched-irqs-on",
      "bypass-clear-early", "sub-abort-skips-cancel", "sub-abort-disables", "proxy-exec-v2-no-pairing-fix",
      "proxy-exec-v2-consume-toctou"};
  int caught = 0;
  std::string not_caught;
  for (const VariantInfo& v : variants()) {
    if (std::find(std::begin(kNothingAtOneTask), std::end(kNothingAtOneTask), v.name) != std::end(kNothingAtOneTask))
      continue;
    bool found = false;
    for (int dsqs : {0, 1}) {
      auto m = makeModel(v.name, test::smallConfig(1, 2, dsqs, "full"));
      ASSERT_TRUE(m) << v.name;
      Limits with, without;
      with.stop_at_first = without.stop_at_first = true;
      with.max_states = without.max_states = 5'000'000;
      without.symmetry = false;
      const CheckResult a = test::check(*m, "all", with);
      const InvariantResult* x = nullptr;
      for (const auto& r : a.invariants)
        if (r.status == Status::Violated && (!x || r.cex.steps.size() < x->cex.steps.size())) x = &r;
      if (!x) continue;
      const CheckResult b = test::check(*m, "all", without);
      size_t shortest = SIZE_MAX;
      for (const auto& r : b.invariants)
        if (r.status == Status::Violated) shortest = std::min(shortest, r.cex.steps.size());
      EXPECT_EQ(shortest, x->cex.steps.size()) << v.name << " (" << dsqs << " user DSQs)";
      const CheckResult c = test::check(*m, x->id, without);
      const InvariantResult& y = test::resultOf(c, x->id);
      EXPECT_EQ(y.status, Status::Violated) << v.name << " " << x->id;
      EXPECT_EQ(y.cex.steps.size(), x->cex.steps.size()) << v.name << " " << x->id << " (" << dsqs << " user DSQs)";
      ++caught;
      found = true;
      break;
    }
    if (!found) not_caught += " " + v.name;
  }
  EXPECT_GE(caught, 19);
  EXPECT_EQ(not_caught, "") << "not caught at 1 task: list them in kNothingAtOneTask if they need a second task";
  std::printf("%d variants caught, same first-violation lengths without the reductions\n", caught);
}

// Issue 18: a change that skips an ops.enqueue late in a task's life is
// invisible to the diff at length 6 and found once it grows.  Test-only:
// put_prev_task_scx's re-enqueue of a preempted prev (enq_flags 0) keeps the
// task on the BPF side without calling ops.enqueue.
class SkipReenqueueCallback : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "test-skip-reenqueue-callback"; }

 protected:
  void doEnqueueTask(uint8_t rq, uint8_t t, uint8_t f, uint8_t sticky) override {
    if (f != 0 || sticky == rq || bypassing(rq) || tk(t).ddsp != kNone) return ExtCore::doEnqueueTask(rq, t, f, sticky);
    site(Site::DoEnqueue);
    qseqAdvance(t);
    setOpss(t, Opss::Queueing);
    site(Site::EnterCustodyEnqueue);  // BUG: no ops.enqueue
    setCustody(t, true);
    setOpss(t, Opss::Queued);
  }
};

TEST(BehaviourDiff, GrowsUntilItFindsTheSkippedEnqueue) {
  const Config cfg = test::smallConfig(1, 2, 0);
  SkipReenqueueCallback skip(cfg);
  auto base = makeModel("linux-7.3.4", cfg);
  BehaviourLimits lim;
  lim.length = 6;
  const BehaviourDiff at6 = behaviourDiff(skip, *base, lim);
  ASSERT_TRUE(at6.complete);
  EXPECT_TRUE(at6.only_a.empty() && at6.only_b.empty()) << "found at 6 already: the test needs a later difference";
  lim.length = 10;
  lim.grow_from = 6;
  const BehaviourDiff grown = behaviourDiffGrowing(skip, *base, lim);
  ASSERT_TRUE(grown.complete) << grown.incomplete_reason;
  EXPECT_EQ(grown.lengths, (std::vector<int>{6, 8}));
  EXPECT_EQ(grown.length, 8);
  EXPECT_TRUE(contains(grown.only_b, "enqueue(0, keep)")) << (grown.only_b.empty() ? "" : seqName(grown.only_b[0].seq));
  // a cap at 6 does not grow
  lim.length = 6;
  const BehaviourDiff capped = behaviourDiffGrowing(skip, *base, lim);
  EXPECT_EQ(capped.lengths, (std::vector<int>{6}));
}

// Issue 18 (no silent holds): the probe that compares each call of an
// overridden hook with 7.3.4's code changes no step: every built-in variant
// has the same states and transitions probed and unprobed; it sees the
// overrides (and only the overridden hooks are counted); a variant whose
// every call does what 7.3.4 does (dequeue-rfc-merged = commit ebf1ccff79)
// has no differing call, one that changes behaviour has some.
TEST(HookProbe, ChangesNoStepAndCountsTheOverrides) {
  const Config cfg = test::smallConfig(1, 2, 0);
  for (const VariantInfo& v : variants()) {
    if (v.name == "linux-7.3.4") continue;
    auto plain = makeModel(v.name, cfg);
    auto cov = std::make_shared<HookCoverage>();
    auto probed = makeProbedModel(v.name, cfg, cov);
    ASSERT_TRUE(cov->attached) << v.name;
    Limits lim;
    lim.max_states = 300000;
    lim.threads = 1;
    const CheckResult a = test::check(*plain, "all", lim), b = test::check(*probed, "all", lim);
    EXPECT_EQ(a.stats.states, b.stats.states) << v.name;
    EXPECT_EQ(a.stats.transitions, b.stats.transitions) << v.name;
    for (size_t i = 0; i < a.invariants.size(); ++i) EXPECT_EQ(a.invariants[i].status, b.invariants[i].status) << v.name;
    int overridden = 0;
    for (int h = 0; h < kHookCount; ++h) {
      overridden += cov->overridden[h];
      if (!cov->overridden[h]) {
        EXPECT_EQ(cov->calls[h].load(), 0u) << v.name << " " << hookInfo(static_cast<Hook>(h)).name;
      }
    }
    EXPECT_GT(overridden, 0) << v.name;
  }
  auto count = [&](const std::string& name, int tasks, int cpus, int dsqs, uint64_t* calls, uint64_t* differs) {
    auto cov = std::make_shared<HookCoverage>();
    auto m = makeProbedModel(name, test::smallConfig(tasks, cpus, dsqs), cov);
    test::check(*m, "all");
    *calls = *differs = 0;
    for (int h = 0; h < kHookCount; ++h) *calls += cov->calls[h], *differs += cov->differs[h];
  };
  uint64_t calls, differs;
  count("dequeue-rfc-merged", 1, 2, 1, &calls, &differs);
  EXPECT_GT(calls, 0u);
  EXPECT_EQ(differs, 0u);
  count("global-dequeue-locked", 1, 2, 1, &calls, &differs);
  EXPECT_GT(differs, 0u);
}

// --- the recipes of docs/check-your-patch.md, section 8 ----------------------
// One hypothetical patch of each kind a reviewer meets, written with only
// model/variants/ (variant WARNs, sites and pause points; overrides of
// handlers that used to be non-virtual).  Each seeded bug is caught on
// 1 task x 2 CPUs x 1 user DSQ, its counterexample replays to the same
// message, and 7.3.4 holds that invariant there, so the verdict is the
// patch's.

CheckResult expectRecipe(const std::string& variant, const std::string& inv, const std::string& phrase) {
  const CheckResult r = expectCaught({variant, inv, 1, 2, 1, "full", phrase});
  expectHolds("linux-7.3.4", inv, 1, 2, 1, "full");
  return r;
}

// The states a counterexample passes through, re-executed on the model.
std::vector<State> statesOf(ExtCore& m, const Counterexample& cex) {
  std::vector<State> out{m.initial()};
  for (const Step& st : cex.steps) {
    State next;
    StepLog log;
    EXPECT_TRUE(applyTransition(m, out.back(), st.tr, &next, &log));
    out.push_back(next);
  }
  return out;
}

// Whether a step of the counterexample passes the kernel site `function`:LINE.
bool passesSite(const Counterexample& cex, const std::string& function, int line) {
  for (const Step& st : cex.steps)
    for (const Event& e : st.log)
      if (e.kind == Ev::Site && siteInfo(static_cast<Site>(e.a)).function == function &&
          siteInfo(static_cast<Site>(e.a)).line == line)
        return true;
  return false;
}

TEST(Recipes, RemovedCheck) {
  expectRecipe("recipe-removed-check", "opss", "QUEUED on the BPF side but not in custody");
}

TEST(Recipes, MovedBlockWithItsOwnPausePoint) {
  const CheckResult r = expectRecipe("recipe-moved-block", "opss", "QUEUED on the BPF side but not in custody");
  EXPECT_TRUE(passesSite(test::resultOf(r, "opss").cex, "scx_dispatch_enqueue", 1632));
}

// A WARN the variant registers by name: reported through kernel-warn with
// its name and file:LINE, in the message, the JSON and the replay.
TEST(Recipes, NewWarnReportedByNameThroughKernelWarn) {
  const CheckResult r = expectRecipe("recipe-new-warn", "kernel-warn", "WARN: dequeue_ddsp_pending (ext.c:2367): ");
  auto m = makeModel("recipe-new-warn", test::smallConfig(1, 2, 1));
  const nlohmann::json j = resultJson(*m, r);
  bool in_json = false;
  for (const auto& inv : j["invariants"])
    if (inv["id"] == "kernel-warn")
      in_json = inv["message"].get<std::string>().find("dequeue_ddsp_pending (ext.c:2367)") != std::string::npos;
  EXPECT_TRUE(in_json) << j["invariants"].dump();
  // the event names the built-in reserved value and the check's index
  bool event = false;
  for (const Step& st : test::resultOf(r, "kernel-warn").cex.steps)
    for (const Event& e : st.log)
      if (e.kind == Ev::Error && e.b == static_cast<uint8_t>(kVariantWarn)) {
        ASSERT_NE(variantWarnInfo(e.c), nullptr);
        EXPECT_EQ(variantWarnInfo(e.c)->name, "dequeue_ddsp_pending");
        EXPECT_EQ(variantWarnInfo(e.c)->line, 2367);
        event = true;
      }
  EXPECT_TRUE(event);
}

// A lock dropped: the variant's pause point has its own program counter,
// site and label (traces, final state), not another path's.
TEST(Recipes, LockDroppedPausesAtItsOwnLabel) {
  const CheckResult r = expectRecipe("recipe-lock-dropped", "dsq", "is linked on LOCAL[");
  const Counterexample& cex = test::resultOf(r, "dsq").cex;
  EXPECT_TRUE(passesSite(cex, "process_ddsp_deferred_locals", 4489));
  auto m = makeModel("recipe-lock-dropped", test::smallConfig(1, 2, 1));
  bool paused = false;
  for (const State& s : statesOf(*m, cex))
    for (int c = 0; c < m->config().cpus; ++c)
      if (s.actor[c].pc == static_cast<uint8_t>(Pc::Variant2)) {  // the first PauseY::Dsq pause point
        paused = true;
        EXPECT_NE(describeState(m->config(), s, m.get()).find("at deferred_relock\n"), std::string::npos)
            << describeState(m->config(), s, m.get());
        EXPECT_EQ(m->pcLabel(s.actor[c].pc), "deferred_relock");
        EXPECT_NE(describeState(m->config(), s).find("at variant_pause_2"), std::string::npos);
      }
  EXPECT_TRUE(paused) << "the counterexample never pauses at deferred_relock";
}

TEST(Recipes, SplitReadPausesInsideTheDequeue) {
  const CheckResult r = expectRecipe("recipe-split-read", "custody", "previous custody period got no ops.dequeue()");
  EXPECT_TRUE(passesSite(test::resultOf(r, "custody").cex, "ops_dequeue", 2270));
}

TEST(Recipes, NewKfunc) {
  const CheckResult r = expectRecipe("recipe-new-kfunc", "opss", "has SCX_TASK_IN_CUSTODY but is neither QUEUED");
  EXPECT_TRUE(passesSite(test::resultOf(r, "opss").cex, "scx_bpf_dsq_move_to_global", 9429));
}

// The symmetry reduction renames a variant pause point's registers by their
// kinds (inside a dequeue, as at DeqWait: d the dequeue flags, y the
// continuation's): every verdict is the same without it, on 2 CPUs and 2
// user DSQs (CPU and DSQ renamings apply), about 7 s.  (The moved-block
// and lock-dropped recipes' buggy state spaces do not complete in minutes.)
TEST(Recipes, VariantPausePointsKeepVerdictsWithoutSymmetry) {
  auto m = makeModel("recipe-split-read", test::smallConfig(1, 2, 2));
  Limits off;
  off.symmetry = false;
  const CheckResult a = test::check(*m, "all"), b = test::check(*m, "all", off);
  EXPECT_TRUE(a.complete && b.complete);
  ASSERT_EQ(a.invariants.size(), b.invariants.size());
  int violated = 0;
  for (size_t i = 0; i < a.invariants.size(); ++i) {
    EXPECT_EQ(a.invariants[i].status, b.invariants[i].status) << a.invariants[i].id;
    violated += a.invariants[i].status == Status::Violated;
  }
  EXPECT_GE(violated, 1);
  EXPECT_LT(a.stats.states, b.stats.states);
}

}  // namespace
}  // namespace scxmc
