// Every modeled kernel WARN / BUG / scx_error check fires on a seeded bug
// (issue 15, docs/warn-catalogue.md "Seeded-bug coverage").
//
// Each mutation is a test-only subclass of the 7.3.4 model that breaks the
// one protocol step the check guards (the clear, store, unlink or test the
// kernel makes before the check can be relied on).  The checker must report
// `kernel-warn` (or `scx-error`) violated with exactly that check's message,
// which cites its ext.c line, the counterexample must replay through the
// JSON + replay path to the same message, and the unmutated model must hold
// on the same configuration.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "access_trace.hpp"
#include "format.hpp"
#include "test_support.hpp"

namespace scxmc {
namespace {

// --- the mutations -----------------------------------------------------------

// QueueingSeen (ops_dequeue BUG() ext.c:2254): ops.enqueue kept the task, but
// scx_do_enqueue_task forgets the release store QUEUEING -> QUEUED
// (ext.c:2121), so a later dequeue meets QUEUEING outside the enqueue.
class ForgetQueuedStore : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "mut-forget-queued-store"; }
  void doEnqueueTask(uint8_t rq, uint8_t t, uint8_t enq_flags, uint8_t sticky_cpu) override {
    ExtCore::doEnqueueTask(rq, t, enq_flags, sticky_cpu);
    // only the kept path ends in QUEUED: undo its last store
    if (!blocked_ && opss(t) == Opss::Queued) tk(t).opss = static_cast<uint8_t>(Opss::Queueing);  // BUG
  }
};

// NotQueuedAtFinish (finish_dispatch BUG_ON(!QUEUED) ext.c:2932): a
// dequeue_task_scx for a migration (move_queued_task, p->on_rq MIGRATING)
// skips ops_dequeue's claim QUEUED -> NONE (ext.c:2269) as if it were an
// SCX-internal one: the task leaves SCX_TASK_QUEUED while its ops_state still
// says QUEUED, and a dispatcher claims it while it is between the CPUs.
class SkipClaimOnMigration : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "mut-skip-claim-on-migration"; }
  bool opsDequeueClaim(uint8_t t) override {
    if (opss(t) == Opss::Queued && tk(t).on_rq == static_cast<uint8_t>(OnRq::Migrating) && custody(t))
      return true;  // BUG: no cmpxchg QUEUED -> NONE
    return ExtCore::opsDequeueClaim(t);
  }
};

// UnlinkedButListed (scx_dispatch_dequeue WARN ext.c:1824): the dequeue that
// wins the race against a consumer (scx_dispatch_dequeue's else branch,
// ext.c:1825) forgets to reset holding_cpu, so the task is re-inserted with
// a stale holding_cpu, and its next dequeue takes it for a consumer's
// (unlinked) task although it is listed.
class ForgetHoldingResetOnLostRace : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "mut-forget-holding-reset-lost-race"; }
  void dispatchDequeue(uint8_t rq, uint8_t t) override {
    const uint8_t d = tk(t).dsq, h = tk(t).holding;
    ExtCore::dispatchDequeue(rq, t);
    if (!blocked_ && d != kNone && h != kNone) tk(t).holding = h;  // BUG: holding_cpu kept
  }
};

// HoldingWrongRq (WARN_ON_ONCE(src_rq != task_rq(p)) ext.c:2613/2819): the
// dequeue of a task that is on no DSQ (scx_dispatch_dequeue's !dsq branch,
// ext.c:1801-1802) forgets to reset holding_cpu, so a dispatch_to_local_dsq
// still holding p believes it won although p has migrated meanwhile.
class ForgetHoldingResetNoDsq : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "mut-forget-holding-reset-no-dsq"; }
  void dispatchDequeue(uint8_t rq, uint8_t t) override {
    const uint8_t d = tk(t).dsq, h = tk(t).holding;
    ExtCore::dispatchDequeue(rq, t);
    if (!blocked_ && d == kNone && h != kNone) tk(t).holding = h;  // BUG: holding_cpu kept
  }
};

// HoldingSet (WARN_ON_ONCE(holding_cpu >= 0) ext.c:2430/2605):
// unlink_dsq_and_switch_rq_lock sets holding_cpu without
// scx_task_unlink_from_dsq (ext.c:2606), so p stays visible on the DSQ while
// it is held, and the next consumer (this CPU's own scan, or another's)
// finds it held.
class HoldWithoutUnlink : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "mut-hold-without-unlink"; }
  // scx_consume_dispatch_q as ExtCore::consumeDispatchQ, the remote case changed
  void consumeDispatchQ() override {
    Frame& f = fr();
    const uint8_t d = f.d, home = f.home;
    if (!lockRq(home)) return;
    site(Site::ConsumeDsq);
    bool empty;
    {
      trace::ValidatedReads validated;
      empty = dq(d).n == 0;
    }
    if (empty && dq(d).n == 0) {
      lockless();
      consumeDone(false);
      return;
    }
    if (!lockDsq(d)) return;
    for (int i = 0; i < dq(d).n; ++i) {
      const uint8_t t = dq(d).q[i];
      const uint8_t trq = tk(t).cpu;
      if (trq == home) {
        listDel(d, t);
        unlockDsq(d);
        f.t = t;
        site(Site::WaitDispatching);
        if (opss(t) == Opss::Dispatching) {
          spinWaitDispatching(t);
          pause(Pc::ConsumeLocalWait);
          return;
        }
        moveLocalTaskToLocalDsq(t, home);
        f.t = kNone;
        consumeDone(true);
        return;
      }
      if (taskCanRunOnRemoteRq(t, home, false)) {
        site(Site::UnlinkSwitch);
        // BUG: no scx_task_unlink_from_dsq
        tk(t).holding = static_cast<uint8_t>(me_);
        unlockDsq(d);
        f.t = t;
        switchRqLock(trq, Pc::ConsumeSrc);
        return;
      }
    }
    unlockDsq(d);
    consumeDone(false);
  }
};

// BadDirectOpss (direct_dispatch WARN_ONCE ext.c:1968): scx_do_enqueue_task
// publishes QUEUED before it hands a verdict of ops.enqueue to
// direct_dispatch, which expects QUEUEING (or NONE from select_cpu).
class QueuedBeforeDirectDispatch : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "mut-queued-before-direct-dispatch"; }
  void directDispatch(uint8_t rq, uint8_t t) override {
    if (opss(t) == Opss::Queueing) setOpss(t, Opss::Queued);  // BUG
    ExtCore::directDispatch(rq, t);
  }
};

// DeqWaitNotNone (ops_dequeue BUG_ON(!= NONE) ext.c:2289, the model's form:
// move_remote_task_to_local_dsq's dequeue would spin): move_task_between_dsqs
// loses its scx_wait_dispatching (ext.c:2661), so a task that finish_dispatch
// still holds DISPATCHING is deactivated for a remote move.
class NoWaitInDsqMove : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "mut-no-wait-in-dsq-move"; }
  void dsqMoveAtSrc() override {
    Frame& f = fr();
    const uint8_t t = f.t, x = f.x, d = f.d;
    if (!lockRq(x)) return;
    if (!lockDsq(d)) return;
    site(Site::CursorLost);
    if (tk(t).dsq != d || f.tag || tk(t).holding != kNone) {
      unlockDsq(d);
      dsqMoveFinish(false);
      return;
    }
    site(Site::MoveBetweenDsqs);
    // BUG: no scx_wait_dispatching (ext.c:2661).  A move into p's own rq's
    // local DSQ still waits, in scx_move_local_task_to_local_dsq (ext.c:2431).
    if (f.y == kNone) f.y = bpfDsqMoveTarget(t, f.home, d);
    const uint8_t dst = targetDsq(f.y, f.home, tk(t).cpu);
    if (isLocalDsq(dst) && dst == x) {
      site(Site::WaitDispatching);
      if (opss(t) == Opss::Dispatching) {
        spinWaitDispatching(t);
        pause(Pc::DsqMoveWait);
        return;
      }
    }
    dsqMoveBetween();
  }
};

// SetNextBlocked (model assertion: set_next_task_scx's ops_dequeue finds p
// DISPATCHING): finish_dispatch's insert into this CPU's own local DSQ
// forgets CLEAR_OPSS (ext.c:2813), so the task is picked still DISPATCHING.
class LocalInsertKeepsDispatching : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "mut-local-insert-keeps-dispatching"; }
  void dispatchToLocalDsq(uint8_t rq, uint8_t dst, uint8_t t) override {
    if (rq == tk(t).cpu && rq == dst) {
      site(Site::DispatchToLocal);
      dispatchEnqueue(rq, dst, t, /*apply_slice=*/true, /*clear_opss=*/false, /*head=*/false);  // BUG
      return;
    }
    ExtCore::dispatchToLocalDsq(rq, dst, t);
  }
};

// EnqLastWithoutFlag (put_prev_task_scx WARN_ON_ONCE ext.c:3254): dispatch_one
// finds nothing and drops prev although the scheduler did not set
// SCX_OPS_ENQ_LAST (ext.c:3026-3041 keep it running).
class DropPrevWithoutEnqLast : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "mut-drop-prev-without-enq-last"; }
  void noneTail() override { setVerdict(Verdict::None); }  // BUG: prev not kept
};

// TwoRqLocks (model assertion: ext never nests rq locks): dispatch_to_local_dsq
// takes the source rq's lock without switch_rq_lock (ext.c:2804) dropping
// this CPU's first.
class NestRqLocks : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "mut-nest-rq-locks"; }
  void dispatchToLocalDsq(uint8_t rq, uint8_t dst, uint8_t t) override {
    const uint8_t src = tk(t).cpu;
    if (rq == src) return ExtCore::dispatchToLocalDsq(rq, dst, t);
    site(Site::DispatchToLocal);
    tk(t).holding = static_cast<uint8_t>(me_);
    setOpss(t, Opss::None);
    Frame& f = fr();
    f.t = t;
    f.y = dst;
    f.x = src;
    goTo(Pc::DtlSrc);  // BUG: home's rq lock still held
  }
};

// NotAllowedOnDst (move_remote_task_to_local_dsq WARN_ON_ONCE ext.c:2478):
// task_can_run_on_remote_rq loses its cpumask test (ext.c:2545-2552), and a
// BPF scheduler that ignores p->cpus_ptr (the input that test is for) sends
// a task to a CPU it may not run on: 7.3.4 ejects that scheduler (scx-error,
// mutation_test's ScxErrorCatchesBpfIgnoringAffinity), the mutation moves it.
class SkipCpumaskTest : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "mut-skip-cpumask-test"; }
  bool taskCanRunOnRemoteRq(uint8_t, uint8_t, bool) override {
    site(Site::CanRunRemote);
    return true;  // BUG: no cpumask_test_cpu(cpu, p->cpus_ptr)
  }
  uint8_t bpfDispatchTarget(uint8_t t, uint8_t c) override {
    uint8_t opts[kMaxCpus];
    int n = 0;
    for (uint8_t x = 0; x < cfg_.cpus; ++x)
      if (x != c) opts[n++] = makeTarget(TargetKind::LocalOn, x);
    return n ? opts[ch_->pick(n)] : ExtCore::bpfDispatchTarget(t, c);
  }
};

// ErrorKind::BadTarget (find_dsq_for_dispatch "non-existent DSQ" ext.c:1875):
// a BPF scheduler inserts into a user DSQ it never created.
class BpfNamesMissingDsq : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "mut-bpf-names-missing-dsq"; }
  uint8_t bpfDispatchTarget(uint8_t, uint8_t) override {
    return makeTarget(TargetKind::User, static_cast<uint8_t>(cfg_.user_dsqs));  // BUG (BPF)
  }
};

// --- the harness -------------------------------------------------------------

template <class M>
void registerMutation() {
  Config c;
  M probe(c);
  registerVariant({probe.name(), "test-only seeded bug", "-"},
                  [](const Config& cfg) { return std::make_unique<M>(cfg); });
}

template <class M>
std::unique_ptr<ExtCore> make(const Config& c) { return std::make_unique<M>(c); }

struct WarnCase {
  std::function<std::unique_ptr<ExtCore>(const Config&)> make;
  int tasks, cpus, dsqs;
  std::string policy;
  uint32_t env;
  std::string expect;   // the check's message (warnName: it cites the ext.c line)
  std::string cite;     // the citation, checked on its own
  std::string invariant = "kernel-warn";
  bool lifecycle = false;
};

// The seeded bug is caught as exactly this check, the counterexample
// replays, and the unmutated model holds on the same configuration.
void expectWarn(const WarnCase& k) {
  Config cfg = test::smallConfig(k.tasks, k.cpus, k.dsqs, k.policy);
  cfg.env = k.env;
  cfg.lifecycle = k.lifecycle;
  auto m = k.make(cfg);
  Limits lim;
  lim.stop_at_first = true;
  lim.max_states = 20'000'000;
  const CheckResult r = test::check(*m, k.invariant, lim);
  const InvariantResult& ir = test::resultOf(r, k.invariant);
  ASSERT_EQ(ir.status, Status::Violated) << m->name() << " not caught by " << k.invariant << " ("
                                         << r.incomplete_reason << ")";
  EXPECT_NE(ir.message.find(k.expect), std::string::npos) << m->name() << ": message: " << ir.message;
  EXPECT_NE(ir.message.find(k.cite), std::string::npos) << m->name() << ": message: " << ir.message;
  const ReplayOutcome o = test::replay(*m, r, k.invariant);
  EXPECT_TRUE(o.input_ok) << o.error;
  EXPECT_TRUE(o.confirmed) << "replay of " << m->name() << " not confirmed: " << o.error;
  EXPECT_EQ(o.message, ir.message);
  std::printf("[ seeded   ] %s: %s after %d steps (%dx%dx%d)\n", m->name(), ir.message.c_str(), o.steps,
              k.tasks, k.cpus, k.dsqs);
  if (std::getenv("SCXMC_PRINT_CEX")) printCounterexample(std::cout, *m, ir.cex);
  ExtCore base(cfg);
  const CheckResult b = test::check(base, k.invariant);
  EXPECT_TRUE(b.complete);
  EXPECT_EQ(test::resultOf(b, k.invariant).status, Status::Holds)
      << "7.3.4 itself: " << test::resultOf(b, k.invariant).message;
}

std::string warnText(Warn w) { return warnName(static_cast<uint8_t>(w)); }

class WarnMutations : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    registerMutation<ForgetQueuedStore>();
    registerMutation<SkipClaimOnMigration>();
    registerMutation<ForgetHoldingResetOnLostRace>();
    registerMutation<ForgetHoldingResetNoDsq>();
    registerMutation<HoldWithoutUnlink>();
    registerMutation<QueuedBeforeDirectDispatch>();
    registerMutation<NoWaitInDsqMove>();
    registerMutation<LocalInsertKeepsDispatching>();
    registerMutation<DropPrevWithoutEnqLast>();
    registerMutation<NestRqLocks>();
    registerMutation<SkipCpumaskTest>();
    registerMutation<BpfNamesMissingDsq>();
  }
};

const char* const kKeepLocalOn = "full:select=none|prev-cpu,enqueue=keep,dispatch=insert-local-on";

TEST_F(WarnMutations, QueueingSeen) {
  expectWarn({make<ForgetQueuedStore>, 1, 1, 0, "full:select=none,enqueue=keep,dispatch=insert-local", kEnvAll,
              warnText(Warn::QueueingSeen), "ext.c:2254"});
}
TEST_F(WarnMutations, NotQueuedAtFinish) {
  expectWarn({make<SkipClaimOnMigration>, 1, 2, 0, "full:select=none,enqueue=keep,dispatch=insert-local",
              kEnvAll | kEnvOthers, warnText(Warn::NotQueuedAtFinish), "ext.c:2932"});
}
TEST_F(WarnMutations, HoldingSet) {
  expectWarn({make<HoldWithoutUnlink>, 1, 2, 0, "full:select=none,enqueue=global,dispatch=insert-local", kEnvAll,
              warnText(Warn::HoldingSet), "ext.c:2430"});
}
TEST_F(WarnMutations, HoldingWrongRq) {
  expectWarn({make<ForgetHoldingResetNoDsq>, 1, 2, 0, kKeepLocalOn, kEnvAll, warnText(Warn::HoldingWrongRq),
              "ext.c:2613"});
}
TEST_F(WarnMutations, UnlinkedButListed) {
  expectWarn({make<ForgetHoldingResetOnLostRace>, 1, 2, 0, "full:select=none,enqueue=global,dispatch=insert-local",
              kEnvAll, warnText(Warn::UnlinkedButListed), "ext.c:1824"});
}
TEST_F(WarnMutations, BadDirectOpss) {
  expectWarn({make<QueuedBeforeDirectDispatch>, 1, 2, 0, "full:select=none,enqueue=local-on,dispatch=insert-local",
              kEnvAll, warnText(Warn::BadDirectOpss), "ext.c:1968"});
}
TEST_F(WarnMutations, DeqWaitNotNone) {
  expectWarn({make<NoWaitInDsqMove>, 1, 2, 1, "full:select=none,enqueue=keep,dispatch=insert-user|move-local",
              kEnvAll, warnText(Warn::DeqWaitNotNone), "ext.c:2289"});
}
TEST_F(WarnMutations, SetNextBlocked) {
  expectWarn({make<LocalInsertKeepsDispatching>, 1, 1, 0, "full:select=none,enqueue=keep,dispatch=insert-local",
              kEnvAll, warnText(Warn::SetNextBlocked), "set_next_task_scx"});
}
TEST_F(WarnMutations, EnqLastWithoutFlag) {
  expectWarn({make<DropPrevWithoutEnqLast>, 1, 1, 0, "full:select=none,enqueue=keep,dispatch=insert-local",
              kEnvAll, warnText(Warn::EnqLastWithoutFlag), "ext.c:3254"});
}
TEST_F(WarnMutations, TwoRqLocks) {
  expectWarn({make<NestRqLocks>, 1, 2, 0, kKeepLocalOn, kEnvAll, warnText(Warn::TwoRqLocks), "two rq locks"});
}
TEST_F(WarnMutations, NotAllowedOnDst) {
  expectWarn({make<SkipCpumaskTest>, 1, 2, 0, kKeepLocalOn, kEnvAll, warnText(Warn::NotAllowedOnDst),
              "ext.c:2478"});
}
TEST_F(WarnMutations, ScxErrorBadTarget) {
  expectWarn({make<BpfNamesMissingDsq>, 1, 1, 0, "full:select=none,enqueue=keep,dispatch=insert-local", kEnvAll,
              "non-existent DSQ", "ext.c:1875", "scx-error"});
}

}  // namespace
}  // namespace scxmc
