// Every invariant catches a seeded bug.
//
// Each mutation is a test-only subclass of the 7.3.4 model that breaks one
// kernel function the way a plausible patch could.  The checker must report
// the matching invariant violated, and the saved counterexample must replay
// (through the same JSON + replay path users have) to the same violation.
#include <gtest/gtest.h>

#include "test_support.hpp"

#include <cstdio>
#include <fstream>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "review.hpp"

namespace scxmc {
namespace {

// --- the mutations -----------------------------------------------------------

// custody: test::ForgetLocalDequeue (test_support.hpp).
using test::ForgetLocalDequeue;

// deq-flags: dequeue_task_scx inverts SCX_DEQ_SCHED_CHANGE.
class WrongDeqFlags : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "mut-wrong-deq-flags"; }
  void dequeueTaskFinish(uint8_t rq, uint8_t t, uint8_t f) override {
    ExtCore::dequeueTaskFinish(rq, t, f ^ kDeqSchedChange);
  }
};

// opss: finish_dispatch without the qseq comparison.
class IgnoreQseq : public ExtCore {
 public:
  explicit IgnoreQseq(const Config& c) : ExtCore(c) { drop_dead_records_ = false; }
  const char* name() const override { return "mut-ignore-qseq"; }
  bool claimFresh(const BufEnt&) override { return true; }
};

// dsq: scx_dispatch_dequeue forgets dsq_dec_nr on non-local DSQs.
class ForgetDecNr : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "mut-forget-dec-nr"; }
  void dispatchDequeue(uint8_t rq, uint8_t t) override {
    const uint8_t d = tk(t).dsq;
    const bool linked = d != kNone && !isLocalDsq(d) && tk(t).holding == kNone;
    ExtCore::dispatchDequeue(rq, t);
    if (linked && !blocked_) ++dq(d).nr;
  }
};

// callback-order: put_prev_task_scx skips ops.stopping().
class NoStoppingOnPut : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "mut-no-stopping"; }
  void putPrevTask(uint8_t rq, uint8_t t, uint8_t) override {
    site(Site::PutPrevTask);
    if (!queued(t)) return;
    // BUG: no ops.stopping(p, true)
    if (tk(t).slice) {
      dispatchEnqueue(rq, rq, t, false, false, true);
      return;
    }
    doEnqueueTask(rq, t, 0, kNone);
  }
};

// no-lost-task: finish_dispatch claims a task and then forgets to insert it.
class DropClaimed : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "mut-drop-claimed"; }
  void finishDispatch(const BufEnt& e) override {
    if (opss(e.task) == Opss::Queued && e.fresh) {
      setOpss(e.task, Opss::Dispatching);
      setOpss(e.task, Opss::None);  // BUG: never inserted anywhere
      return;
    }
    ExtCore::finishDispatch(e);
  }
};

// dequeue-unlocked: ops.dequeue() for a GLOBAL insert before dsq->lock drops.
class DequeueUnderLock : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "mut-dequeue-under-lock"; }
  bool dispatchEnqueueLink(uint8_t rq, uint8_t d, uint8_t t, bool apply, bool head) override {
    if (d != kDsqGlobal) return ExtCore::dispatchEnqueueLink(rq, d, t, apply, head);
    if (!lockDsq(d)) return false;
    if (apply) tk(t).slice = 1;
    listAdd(d, t, head);
    tk(t).dsq = d;
    if (leaveCustody(t)) emit(Ev::OpsDequeue, t, 0);  // BUG: dsq->lock still held
    unlockDsq(d);
    return false;
  }
};

// kernel-warn: dequeue_task_scx does not unlink p from its DSQ.
class NoUnlinkOnDequeue : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "mut-no-unlink"; }
  void dispatchDequeue(uint8_t, uint8_t) override { site(Site::DispatchDequeue); }
};

// scx-error: a BPF scheduler that ignores p->cpus_ptr in ops.dispatch.
class BpfIgnoresAffinity : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "mut-bpf-ignores-affinity"; }
  uint8_t bpfDispatchTarget(uint8_t t, uint8_t c) override {
    uint8_t opts[kMaxCpus];
    int n = 0;
    for (uint8_t x = 0; x < cfg_.cpus; ++x)
      if (x != c) opts[n++] = makeTarget(TargetKind::LocalOn, x);
    return n ? opts[ch_->pick(n)] : ExtCore::bpfDispatchTarget(t, c);
  }
};

// deadlock: dispatch_to_local_dsq takes the task's rq lock while still
// holding DISPATCHING (the inversion ext.c:2795-2804 forbids).
class LockWhileDispatching : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "mut-lock-while-dispatching"; }
  void dispatchToLocalDsq(uint8_t rq, uint8_t dst, uint8_t t) override {
    const uint8_t src = tk(t).cpu;
    if (rq == src) return ExtCore::dispatchToLocalDsq(rq, dst, t);
    tk(t).holding = static_cast<uint8_t>(me_);  // BUG: ops_state stays DISPATCHING
    fr().t = t;
    fr().y = dst;
    switchRqLock(src, Pc::DtlSrc);
  }
};

template <class M>
void registerMutation() {
  Config c;
  M probe(c);
  registerVariant({probe.name(), "test-only seeded bug", "-"},
                  [](const Config& cfg) { return std::make_unique<M>(cfg); });
}

struct Case {
  std::string invariant;
  std::function<std::unique_ptr<ExtCore>(const Config&)> make;
  int tasks, cpus, dsqs;
  std::string policy;
  uint32_t env;
  std::string expect;  // a phrase the violation message must contain
};

void expectCaught(const Case& k, bool symmetry = true) {
  const Config cfg = test::smallConfig(k.tasks, k.cpus, k.dsqs, k.policy);
  Config c2 = cfg;
  c2.env = k.env;
  auto m = k.make(c2);
  Limits lim;
  lim.stop_at_first = true;
  lim.max_states = 20'000'000;
  lim.symmetry = symmetry;
  const CheckResult r = test::check(*m, k.invariant == "deadlock" ? "custody" : k.invariant, lim);
  const InvariantResult& ir = test::resultOf(r, k.invariant);
  ASSERT_EQ(ir.status, Status::Violated) << m->name() << " not caught by " << k.invariant;
  EXPECT_NE(ir.message.find(k.expect), std::string::npos) << "message: " << ir.message;
  const ReplayOutcome o = test::replay(*m, r, k.invariant);
  EXPECT_TRUE(o.input_ok) << o.error;
  EXPECT_TRUE(o.confirmed) << "replay of " << k.invariant << " not confirmed: " << o.error;
  EXPECT_EQ(o.message, ir.message);
}

class Mutations : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    registerMutation<ForgetLocalDequeue>();
    registerMutation<WrongDeqFlags>();
    registerMutation<IgnoreQseq>();
    registerMutation<ForgetDecNr>();
    registerMutation<NoStoppingOnPut>();
    registerMutation<DropClaimed>();
    registerMutation<DequeueUnderLock>();
    registerMutation<NoUnlinkOnDequeue>();
    registerMutation<BpfIgnoresAffinity>();
    registerMutation<LockWhileDispatching>();
  }
};

template <class M>
std::unique_ptr<ExtCore> make(const Config& c) { return std::make_unique<M>(c); }

TEST_F(Mutations, CustodyCatchesMissingLocalDequeue) {
  expectCaught({"custody", make<ForgetLocalDequeue>, 1, 1, 1, "full", kEnvAll, "left custody without ops.dequeue"});
}
TEST_F(Mutations, DeqFlagsCatchesInvertedSchedChange) {
  expectCaught({"deq-flags", make<WrongDeqFlags>, 1, 1, 1, "full", kEnvAll, "expected SCHED_CHANGE"});
}
TEST_F(Mutations, OpssCatchesMissingQseqCheck) {
  // A record must survive a lock drop in the flush while its task is
  // dequeued and re-enqueued: two records, the first to a remote CPU.
  expectCaught({"opss", make<IgnoreQseq>, 2, 2, 0,
                "full:select=none|prev-cpu,enqueue=keep,dispatch=insert-local-on|insert-local,stale=no",
                kEnvWake | kEnvNice, "stale scx_bpf_dsq_insert record"});
}
TEST_F(Mutations, DsqCatchesCountMismatch) {
  expectCaught({"dsq", make<ForgetDecNr>, 1, 1, 1, "full", kEnvAll, "tasks are linked"});
}
TEST_F(Mutations, CallbackOrderCatchesMissingStopping) {
  expectCaught({"callback-order", make<NoStoppingOnPut>, 2, 1, 1, "full", kEnvAll, "(no ops.stopping)"});
}
TEST_F(Mutations, NoLostTaskCatchesDroppedDispatch) {
  expectCaught({"no-lost-task", make<DropClaimed>, 1, 1, 1, "full", kEnvAll, "nobody will run it"});
}
TEST_F(Mutations, DequeueUnlockedCatchesCallbackUnderDsqLock) {
  expectCaught({"dequeue-unlocked", make<DequeueUnderLock>, 1, 1, 1, "full", kEnvAll, "GLOBAL->lock held"});
}
TEST_F(Mutations, KernelWarnCatchesMissingUnlink) {
  expectCaught({"kernel-warn", make<NoUnlinkOnDequeue>, 1, 1, 1, "full", kEnvAll, "already set"});
}
TEST_F(Mutations, ScxErrorCatchesBpfIgnoringAffinity) {
  expectCaught({"scx-error", make<BpfIgnoresAffinity>, 1, 2, 0,
                "full:select=none|prev-cpu,enqueue=keep,dispatch=insert-local-on", kEnvAll, "not allowed"});
}
TEST_F(Mutations, DeadlockCatchesLockWhileDispatching) {
  expectCaught({"deadlock", make<LockWhileDispatching>, 1, 2, 0,
                "full:select=none|prev-cpu,enqueue=keep,dispatch=insert-local-on", kEnvWake | kEnvNice,
                "no actor can move"});
}

// An scx_error() ends the BPF scheduler (7.3.4's disable path takes over,
// ext.c:7276 scx_vexit -> ext.c:6841 scx_disable_workfn): the states after it
// have no successor in the model but are not deadlocks (issue 18).
TEST_F(Mutations, ScxErrorIsNotADeadlock) {
  Config c = test::smallConfig(1, 2, 0, "full:select=none|prev-cpu,enqueue=keep,dispatch=insert-local-on");
  BpfIgnoresAffinity m(c);
  const CheckResult r = test::check(m, "all");
  ASSERT_TRUE(r.complete);
  EXPECT_EQ(test::resultOf(r, "scx-error").status, Status::Violated);
  EXPECT_EQ(test::resultOf(r, "deadlock").status, Status::Holds) << test::resultOf(r, "deadlock").message;
  EXPECT_EQ(r.stats.deadlocks, 0u);
  EXPECT_GT(r.stats.error_exits, 0u);
}

// ... and `scxmc review`'s matrix has no second, spurious violation: the
// variant's scx-error row is violated, its deadlock row holds.
TEST_F(Mutations, ReviewMatrixHasNoDeadlockAfterScxError) {
  char path[] = "/tmp/scxmc-review-XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  testing::internal::CaptureStdout();
  const int rc = reviewMain({"--variant", "mut-bpf-ignores-affinity", "--tasks", "1", "--cpus", "2", "--user-dsqs", "0",
                             "--policy", "full:select=none|prev-cpu,enqueue=keep,dispatch=insert-local-on",
                             "--diff-length", "0", "--no-ladder", "--no-base-cache", "--json", path});
  const std::string out = testing::internal::GetCapturedStdout();
  EXPECT_EQ(rc, 1) << out;
  nlohmann::json j;
  std::ifstream(path) >> j;
  std::remove(path);
  EXPECT_EQ(j["matrix"]["scx-error"]["mut-bpf-ignores-affinity"], "violated");
  EXPECT_EQ(j["matrix"]["deadlock"]["mut-bpf-ignores-affinity"], "holds") << out;
  EXPECT_EQ(j["variants"][0]["newly_broken"], nlohmann::json::array({"scx-error"}));
}

// Without symmetry the counterexample is rebuilt from states stored as they
// are; with 3 tasks on 2 CPUs the initial state is not the canonical one.
TEST_F(Mutations, CaughtAndReplayedWithoutSymmetry) {
  // (a counterexample several steps deep, so its parent chain is matched)
  expectCaught({"opss", make<IgnoreQseq>, 3, 2, 0,
                "full:select=none|prev-cpu,enqueue=keep,dispatch=insert-local-on|insert-local,stale=no",
                kEnvWake | kEnvNice, "stale scx_bpf_dsq_insert record"},
               /*symmetry=*/false);
}

// The same search on the unmutated model finds nothing: the mutation, not
// the configuration, is what the checker catches.
TEST(MutationBaseline, SameConfigurationsHold) {
  for (const auto& [tasks, cpus, dsqs, policy, env] :
       std::vector<std::tuple<int, int, int, std::string, uint32_t>>{
           {1, 1, 1, "full", kEnvAll},
           {2, 1, 1, "full", kEnvAll},
           {1, 2, 0, "full:select=none|prev-cpu,enqueue=keep,dispatch=insert-local-on", kEnvAll},
           {2, 2, 0, "full:select=none|prev-cpu,enqueue=keep,dispatch=insert-local-on|insert-local,stale=no",
            kEnvWake | kEnvNice}}) {
    Config c = test::smallConfig(tasks, cpus, dsqs, policy);
    c.env = env;
    ExtCore m(c);
    const CheckResult r = test::check(m, "all");
    EXPECT_TRUE(r.complete) << c.describe();
    for (const auto& i : r.invariants)
      EXPECT_EQ(i.status, Status::Holds) << c.describe() << ": " << i.id << ": " << i.message;
  }
}

}  // namespace
}  // namespace scxmc
