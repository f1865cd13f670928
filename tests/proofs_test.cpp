// The Z3 proofs (issue 6): agreement of the symbolic relation with the
// executable model, detection of a wrong encoding, the baseline proofs, and a
// seeded dequeue-legacy bug whose counterexample to induction the explicit
// checker confirms reachable.
#include <gtest/gtest.h>

#include <cstdio>

#include "agreement.hpp"
#include "cti_reach.hpp"
#include "test_support.hpp"
#include "theorems.hpp"

namespace scxmc {
namespace {

using proofs::AgreementStats;
using proofs::checkAgreement;
using proofs::makeSymModel;

Config cfgOf(int t, int c, int d, const std::string& policy, uint32_t env) {
  Config k = test::smallConfig(t, c, d, policy);
  k.env = env;
  return k;
}

void expectAgree(const Config& cfg, size_t states, bool reverse) {
  ExtCore m(cfg);
  auto sym = makeSymModel("linux-7.3.4");
  const AgreementStats st = checkAgreement(*sym, m, states, reverse);
  EXPECT_TRUE(st.failures.empty()) << cfg.describe() << ": " << st.failures.size() << " divergences, first: "
                                   << (st.failures.empty() ? "" : st.failures[0]);
  EXPECT_GT(st.distinct - st.stutters, 20) << "too few non-stutter transitions checked";
  if (reverse) {
    EXPECT_GT(st.reverse, 20);
  }
}

// Forward and reverse, full BPF policy, tasks keep their full cpumask (the
// cpumask is one bit in the encoding; see proofs/README.md).
TEST(ProofsAgreement, OneTaskTwoCpusBothDirections) {
  expectAgree(cfgOf(1, 2, 1, "full", kEnvAll & ~kEnvAffinity), 20, true);
}

// 2 tasks x 2 CPUs x 1 DSQ: the first states by BFS and a seeded random
// sample of deeper ones, both directions.
void expectAgreeSampled(const Config& cfg, size_t first, size_t sampled, bool reverse) {
  ExtCore m(cfg);
  auto sym = makeSymModel("linux-7.3.4");
  proofs::AgreementOptions o;
  o.first = first;
  o.sampled = sampled;
  o.explore = 5000;
  o.seed = 6;
  o.reverse = reverse;
  const AgreementStats st = checkAgreement(*sym, m, o);
  EXPECT_TRUE(st.failures.empty()) << cfg.describe() << ": " << st.failures.size() << " divergences, first: "
                                   << (st.failures.empty() ? "" : st.failures[0]);
  for (size_t i = 1; i < st.failures.size() && i < 4; ++i) ADD_FAILURE() << "also: " << st.failures[i];
  EXPECT_EQ(st.states, first + sampled) << "the sample pool is too small";
  EXPECT_GT(st.distinct - st.stutters, 40) << "too few non-stutter transitions checked";
  if (reverse) {
    EXPECT_GT(st.reverse, 40);
  }
  std::printf("agreement %s: %zu states (%zu explored), %d transitions, %d distinct, %d stutters, %d reverse, "
              "longest chain %d\n",
              cfg.describe().c_str(), st.states, st.explored, st.transitions, st.distinct, st.stutters, st.reverse,
              st.max_chain);
}
TEST(ProofsAgreement, TwoTasksTwoCpusBothDirections) {
  expectAgreeSampled(cfgOf(2, 2, 1, "full", kEnvAll & ~kEnvAffinity), 8, 8, true);
}
// Forward: every executable step is a sequence of symbolic actions, with
// affinity changes and under restricted policies.
TEST(ProofsAgreement, ForwardWithAffinity) { expectAgree(cfgOf(1, 2, 1, "full", kEnvAll), 40, false); }
TEST(ProofsAgreement, ForwardSelftestPolicies) {
  expectAgree(cfgOf(1, 2, 0, "st-dequeue-remote", kEnvAll), 25, false);
  expectAgree(cfgOf(1, 2, 1, "simple", kEnvAll), 25, false);
}

// A deliberately wrong encoding is detected: keeping a task on the BPF side
// forgets the custody flag.
class ForgetCustodyFlag : public proofs::SymModel {
 public:
  const char* name() const override { return "test-forget-custody"; }
  void bpfEnqueue(proofs::Builder& b, const E& a, const E& rq, const E& t, const E& op) override {
    proofs::SymModel::bpfEnqueue(b, a, rq, t, op);
    b.set(proofs::CUST, t, b.b(false));  // WRONG: ext.c:2102 sets IN_CUSTODY
  }
};

TEST(ProofsAgreement, WrongEncodingIsDetected) {
  ExtCore m(cfgOf(1, 2, 1, "full", kEnvAll & ~kEnvAffinity));
  ForgetCustodyFlag wrong;
  proofs::AgreementOptions o;
  o.first = 8;
  o.max_failures = 1;
  const AgreementStats st = checkAgreement(wrong, m, o);
  EXPECT_FALSE(st.failures.empty()) << "a wrong encoding agreed with the model";
}

// ---- the seeded dequeue-legacy bug ------------------------------------------

// ops.dequeue() only for tasks still QUEUED on the BPF side: a task on a user
// DSQ (e.g. a select_cpu direct dispatch) never gets one.
class DequeueLegacyTest : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "test-dequeue-legacy"; }
  bool opsDequeueClaim(uint8_t t) override {
    was_queued_[t] = opss(t) == Opss::Queued;
    return ExtCore::opsDequeueClaim(t);
  }
  void dequeueTaskFinish(uint8_t rq, uint8_t t, uint8_t f) override {
    const bool called = leaveCustody(t) && was_queued_[t];
    if (called) emit(Ev::OpsDequeue, t, f);
    if (cpu(rq).curr == t) emit(Ev::OpsStopping, t, 0);
    if (tk(t).on_rq != static_cast<uint8_t>(OnRq::Migrating)) emit(Ev::OpsQuiescent, t, f);
    tk(t).flags &= static_cast<uint8_t>(~kTaskQueued);
    dispatchDequeue(rq, t);
    tk(t).ddsp = kNone;
  }

 private:
  bool was_queued_[kMaxTasks] = {};
};

class SymDequeueLegacyTest : public proofs::SymModel {
 public:
  const char* name() const override { return "test-dequeue-legacy"; }
  E opsDequeueCalled(proofs::Builder&, const E&, const E& left, const E& was_queued) override {
    return left && was_queued;
  }
};

TEST(Proofs, BaselineTheoremsProve) {
  auto sym = makeSymModel("linux-7.3.4");
  for (const auto& th : proofs::theorems()) {
    const auto r = proofs::prove(*sym, th);
    EXPECT_EQ(r.verdict, proofs::Verdict::Proved) << th.id << ": " << r.message;
  }
}

TEST(Proofs, DequeueLegacyFailsCustodyWithReachableCounterexample) {
  registerVariant({"test-dequeue-legacy", "test-only: ops.dequeue only for BPF-QUEUED tasks", "-"},
                  [](const Config& c) { return std::make_unique<DequeueLegacyTest>(c); });
  proofs::registerSymVariant("test-dequeue-legacy", [] { return std::make_unique<SymDequeueLegacyTest>(); });
  auto sym = makeSymModel("test-dequeue-legacy");
  const proofs::Theorem* custody = nullptr;
  for (const auto& th : proofs::theorems())
    if (th.id == "custody") custody = &th;
  ASSERT_NE(custody, nullptr);
  const auto r = proofs::prove(*sym, *custody);
  ASSERT_EQ(r.verdict, proofs::Verdict::Failed) << r.message;
  EXPECT_FALSE(r.cti.step.empty());
  // the CTI itself is reachable: a reachable state's projection is its
  // pre-state, and the path plus the executable step replays as a custody
  // violation
  CtiSearchOptions so;
  so.bounds = {{1, 1, 1}, {1, 2, 1}};
  const CtiReach cr = searchCti("test-dequeue-legacy", *sym, "custody", r.cti, proofs::strengthening(), so);
  ASSERT_TRUE(cr.found) << cr.why << " searched " << cr.bounds;
  EXPECT_TRUE(cr.path_replayed);
  EXPECT_TRUE(cr.violation) << cr.path;
  EXPECT_TRUE(cr.violation_replayed) << cr.path;
  EXPECT_EQ(failedTheoremExit(cr, false), 1);
  // and the explicit checker's own search confirms: the same invariant is
  // violated, and the counterexample replays
  Config cfg = test::smallConfig(1, 1, 1);
  auto m = makeModel("test-dequeue-legacy", cfg);
  Limits lim;
  lim.stop_at_first = true;
  const CheckResult chk = test::check(*m, "custody", lim);
  const InvariantResult& ir = test::resultOf(chk, "custody");
  ASSERT_EQ(ir.status, Status::Violated);
  const ReplayOutcome o = test::replay(*m, chk, "custody");
  EXPECT_TRUE(o.confirmed) << o.error;
}

// A deliberately weakened strengthening (the theorems' own state predicates
// without the protocol invariant) is not inductive; its CTI is not reachable
// (the full strengthening holds in every reachable state), so the failure is
// a too-weak invariant: exit 3.
TEST(Proofs, WeakenedStrengtheningCtiIsNotReachable) {
  std::vector<proofs::Conjunct> weak;
  for (const auto& th : proofs::theorems())
    for (const auto& c : th.targets)
      if (!c.derived) weak.push_back(c);
  ASSERT_LT(weak.size(), proofs::strengthening().size());
  auto sym = makeSymModel("linux-7.3.4");
  proofs::ProveOptions po;
  po.strengthening = &weak;
  po.timeout_ms = 4000;
  const auto r = proofs::prove(*sym, proofs::theorems().at(0), po);
  ASSERT_EQ(r.verdict, proofs::Verdict::Failed) << r.message;
  CtiSearchOptions so;
  so.bounds = {{1, 1, 1}, {1, 2, 1}};
  const CtiReach cr = searchCti("linux-7.3.4", *sym, "custody", r.cti, weak, so);
  EXPECT_TRUE(cr.searched) << cr.why;
  EXPECT_TRUE(cr.complete) << cr.bounds;
  EXPECT_FALSE(cr.found) << "reachable CTI of a weakened strengthening: " << cr.where << " " << cr.step << "\n"
                         << cr.path;
  EXPECT_EQ(failedTheoremExit(cr, false), 3);
}

// ---- symbolic counterparts of the variants issue's buggy variants -------------

// Proves `theorem` for `variant`: it fails, its CTI is reachable at 1 task x
// 2 CPUs (or, with cti_reachable false, is not: the strengthening written
// for 7.3.4 is too weak for that variant), and a violation of the same
// invariant replays (the CTI's step, or the explicit checker's).
void expectRealBug(const std::string& variant, const std::string& theorem, bool cti_reachable = true) {
  auto sym = makeSymModel(variant);
  ASSERT_TRUE(sym) << "no symbolic encoding of " << variant;
  const proofs::Theorem* th = nullptr;
  for (const auto& t : proofs::theorems())
    if (t.id == theorem) th = &t;
  ASSERT_NE(th, nullptr);
  proofs::ProveOptions po;
  po.timeout_ms = 4000;  // then the finite-universe search
  const auto r = proofs::prove(*sym, *th, po);
  ASSERT_EQ(r.verdict, proofs::Verdict::Failed) << variant << " " << theorem << ": " << r.message;
  CtiSearchOptions so;
  so.bounds = {{1, 2, 1}};
  const CtiReach cr = searchCti(variant, *sym, theorem, r.cti, proofs::strengthening(), so);
  if (!cti_reachable) {
    EXPECT_FALSE(cr.found) << variant << ": the CTI is reachable now (" << cr.where << "): expect that";
  } else {
    ASSERT_TRUE(cr.found) << variant << ": CTI not reachable at " << cr.bounds << " " << cr.why;
    EXPECT_TRUE(cr.path_replayed);
  }
  if (cr.found && cr.violation) {
    EXPECT_TRUE(cr.violation_replayed) << cr.path;
    EXPECT_EQ(failedTheoremExit(cr, false), 1);
    return;
  }
  // the CTI's own step breaks only the strengthening: the violation comes
  // later, and the explicit checker's search (the second evidence) finds it
  auto m = makeModel(variant, test::smallConfig(1, 2, 1));
  Limits lim;
  lim.stop_at_first = true;
  const CheckResult chk = test::check(*m, theorem, lim);
  ASSERT_EQ(test::resultOf(chk, theorem).status, Status::Violated) << variant;
  const ReplayOutcome o = test::replay(*m, chk, theorem);
  EXPECT_TRUE(o.confirmed) << o.error;
  EXPECT_EQ(failedTheoremExit(cr, o.confirmed), 1);
}

// r4: no sticky_cpu exception, so an SCX-internal migration's source-side
// dequeue calls ops.dequeue(SCHED_CHANGE) (variants_test: deq-flags).
TEST(ProofsVariants, DequeueRfcR4FailsDeqFlagsWithReachableCti) { expectRealBug("dequeue-rfc-r4", "deq-flags"); }
// r3: a dequeue that waited on DISPATCHING calls no ops.dequeue (custody).
TEST(ProofsVariants, DequeueRfcR3FailsCustodyWithReachableCti) { expectRealBug("dequeue-rfc-r3", "custody"); }

// The merged form's encoding is the baseline's, action by action (so
// BaselineTheoremsProve covers it); r4's is not.
bool sameEncoding(const std::string& a, const std::string& b) {
  // two universes of one context: the same names give the same terms
  z3::context c;
  proofs::Universe Ua(c), Ub(c);
  const proofs::SymState x = proofs::freshState(Ua, "s");
  auto ma = makeSymModel(a), mb = makeSymModel(b);
  const z3::expr actor = c.constant("a", Ua.sortOf(proofs::Dom::Actor));
  bool same = true;
  for (int k = 0; k < static_cast<int>(proofs::SymModel::kinds().size()); ++k) {
    const auto ia = ma->build(Ua, k, actor, x, "p"), ib = mb->build(Ub, k, actor, x, "p");
    same = same && z3::eq(ia.guard, ib.guard) && ia.obl.size() == ib.obl.size();
    for (int f = 0; f < proofs::NF; ++f) same = same && z3::eq(ia.next.f[f], ib.next.f[f]);
    for (size_t i = 0; same && i < ia.obl.size(); ++i) same = z3::eq(ia.obl[i].holds, ib.obl[i].holds);
  }
  return same;
}
TEST(ProofsVariants, DequeueRfcMergedIsTheBaselineEncoding) {
  EXPECT_TRUE(sameEncoding("dequeue-rfc-merged", "linux-7.3.4"));
  EXPECT_FALSE(sameEncoding("dequeue-rfc-r4", "linux-7.3.4"));
}


// The dequeue-rfc chain (the posting and its first two review points): the
// posting's flag handling in mark_direct_dispatch, direct_dispatch,
// scx_dispatch_enqueue, move_local_task_to_local_dsq and finish_dispatch is
// encoded by hooks of its own; each variant fails custody (a dequeue after a
// DISPATCHING wait calls no ops.dequeue), the posting also opss (its flag
// stays set on SCX_DSQ_GLOBAL).
TEST(ProofsVariants, DequeueRfcFailsCustodyWithReachableCti) { expectRealBug("dequeue-rfc", "custody"); }
TEST(ProofsVariants, DequeueRfcFailsOpssWithReachableCti) { expectRealBug("dequeue-rfc", "opss"); }
// r1's CTI: before the sched_change and scx_dsq_move steps were split at
// their DSQ unlocks (issue 15) the solver's CTI (an SCX-internal migration
// arriving with the flag still set) was not reachable at 1-2 tasks x 1-2
// CPUs; with the new actions it picks one that is, and a violation of the
// same invariant replays either way.
TEST(ProofsVariants, DequeueRfcR1FailsCustodyWithAReplayedViolation) {
  expectRealBug("dequeue-rfc-r1", "custody");
}
TEST(ProofsVariants, DequeueRfcR2FailsCustodyWithReachableCti) { expectRealBug("dequeue-rfc-r2", "custody"); }

// Each review point changes the encoding (the hooks are not dead code): the
// posting differs from r3 (which resets the hooks to 7.3.4's), r1 from the
// posting (mark_direct_dispatch), r2 from r1 (direct_dispatch).
TEST(ProofsVariants, DequeueRfcChainEncodingsDiffer) {
  EXPECT_FALSE(sameEncoding("dequeue-rfc", "dequeue-rfc-r3"));
  EXPECT_FALSE(sameEncoding("dequeue-rfc-r1", "dequeue-rfc"));
  EXPECT_FALSE(sameEncoding("dequeue-rfc-r2", "dequeue-rfc-r1"));
  EXPECT_FALSE(sameEncoding("dequeue-rfc-r2", "dequeue-rfc-r3"));
}

// The hooks are a second encoding of the executable variant's overrides.
// Where the chain's variants differ, a flag left set by a dequeue that waited
// on DISPATCHING meets the next verdict, so the states checked are those in
// which a task's sched_change waits in ops_dequeue (Pc::DeqWait) and the wait
// can end (its continuation enqueues afresh), or is about to enqueue after a
// dequeue that dropped a DSQ's lock (Pc::ChangeEnqueue), breadth-first at 1 task
// x 2 CPUs x 1 user DSQ, plus the first BFS states; both directions.
bool waitingChangeCanResume(const Config& cfg, const State& s) {
  for (int a = cfg.cpus; a < cfg.actors(); ++a) {
    if (s.actor[a].pc == static_cast<uint8_t>(Pc::DeqWait) &&
        s.task[s.actor[a].t].opss != static_cast<uint8_t>(Opss::Dispatching))
      return true;
    // the continuation's enqueue, where the dequeue dropped a DSQ's lock,
    // with the custody flag such a dequeue left set
    if (s.actor[a].pc == static_cast<uint8_t>(Pc::ChangeEnqueue) &&
        (s.task[s.actor[a].t].flags & kTaskInCustody))
      return true;
  }
  return false;
}

AgreementStats agreeAtDeqWaits(const std::string& sym_variant, const std::string& exec_variant, size_t max_failures,
                               int max_chain = proofs::Agreement::kMaxChain) {
  const Config cfg = cfgOf(1, 2, 1, "full", kEnvAll & ~kEnvAffinity);
  auto m = makeModel(exec_variant, cfg);
  auto sym = makeSymModel(sym_variant);
  EXPECT_TRUE(m && sym) << sym_variant << " / " << exec_variant;
  if (!m || !sym) return {};
  proofs::AgreementOptions o;
  o.first = 60;
  o.select = [&](const State& s) { return waitingChangeCanResume(cfg, s); };
  o.selected = 80;
  o.explore = 100000;
  o.reverse = true;
  o.max_failures = max_failures;
  o.max_chain = max_chain;
  return checkAgreement(*sym, *m, o);
}

void expectVariantAgrees(const std::string& variant) {
  const AgreementStats st = agreeAtDeqWaits(variant, variant, 0);
  EXPECT_TRUE(st.failures.empty()) << variant << ": " << st.failures.size()
                                   << " divergences, first: " << (st.failures.empty() ? "" : st.failures[0]);
  EXPECT_GT(st.distinct - st.stutters, 20) << "too few non-stutter transitions checked";
  EXPECT_GT(st.reverse, 20);
  std::printf("agreement %s 1x2x1: %zu states, %d transitions, %d distinct, %d stutters, %d reverse, longest chain %d\n",
              variant.c_str(), st.states, st.transitions, st.distinct, st.stutters, st.reverse, st.max_chain);
}
TEST(ProofsVariants, DequeueRfcAgreesWithItsExecutableVariant) { expectVariantAgrees("dequeue-rfc"); }
TEST(ProofsVariants, DequeueRfcR1AgreesWithItsExecutableVariant) { expectVariantAgrees("dequeue-rfc-r1"); }
TEST(ProofsVariants, DequeueRfcR2AgreesWithItsExecutableVariant) { expectVariantAgrees("dequeue-rfc-r2"); }
// ... and these states tell the review points apart: without the hook a
// review point removed, the encoding diverges from the executable variant
// that still has it (the symbolic relation is weaker than the model, so the
// other direction need not diverge).
void expectDisagree(const std::string& sym, const std::string& exec) {
  const AgreementStats st = agreeAtDeqWaits(sym, exec, 1, 4);
  ASSERT_FALSE(st.failures.empty()) << "the " << sym << " encoding agrees with the executable " << exec;
  std::printf("%s encoding vs executable %s: %s\n", sym.c_str(), exec.c_str(), st.failures[0].substr(0, 160).c_str());
}
TEST(ProofsVariants, WithoutMarkDirectDispatchHookDisagrees) { expectDisagree("dequeue-rfc-r1", "dequeue-rfc"); }
TEST(ProofsVariants, WithDirectDispatchFlagHookDisagrees) { expectDisagree("dequeue-rfc-r1", "dequeue-rfc-r2"); }
TEST(ProofsVariants, WithFinishDispatchHookDisagrees) { expectDisagree("dequeue-rfc-r2", "dequeue-rfc-r3"); }
TEST(ProofsVariants, WithoutFinishDispatchHookDisagrees) { expectDisagree("dequeue-rfc-r3", "dequeue-rfc-r2"); }

}  // namespace
}  // namespace scxmc
