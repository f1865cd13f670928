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

// NotQueuedAtFinish (finish_dispatch BUG_ON(!QUEUED) ext.c:2932):
// put_prev_task_scx hands a preempted task whose slice ran out to ops.enqueue
// (ext.c:3268) and then clears SCX_TASK_QUEUED as if p were leaving, so the
// BPF scheduler holds a QUEUED ops_state for a task that is not QUEUED.
// (Skipping ops_dequeue's claim QUEUED -> NONE leaves the same state, but
// every dequeue in the model that does not sleep re-enqueues at once, where
// ext.c:2085 fires first.)
class PutPrevClearsQueued : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "mut-put-prev-clears-queued"; }
  void putPrevTask(uint8_t rq, uint8_t t, uint8_t next) override {
    ExtCore::putPrevTask(rq, t, next);
    if (!blocked_ && opss(t) == Opss::Queued) setFlagBit(t, kTaskQueued, false);  // BUG
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

// --- seeded bugs for the checks issue 15 added (docs/warn-catalogue.md) --------

// UnlinkNotListed (scx_task_unlink_from_dsq ext.c:1761): scx_dispatch_dequeue
// ignores holding_cpu (ext.c:1815) and unlinks a task a consumer already
// unlinked.
class UnlinkIgnoringHolding : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "mut-unlink-ignoring-holding"; }
  void dispatchDequeue(uint8_t rq, uint8_t t) override {
    if (tk(t).dsq != kNone) tk(t).holding = kNone;  // BUG: the consumer's claim is not seen
    ExtCore::dispatchDequeue(rq, t);
  }
};

// DeferredAlreadyListed (direct_dispatch ext.c:1974): scx_dispatch_dequeue's
// !dsq branch forgets to unlink p from ddsp_deferred_locals (ext.c:1792), so
// p's next deferred direct dispatch finds it still listed.
class KeepDeferredOnDequeue : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "mut-keep-deferred-on-dequeue"; }
  void dispatchDequeue(uint8_t rq, uint8_t t) override {
    if (tk(t).dsq == kNone && tk(t).deferred != kNone) {
      site(Site::DispatchDequeue);
      if (tk(t).holding != kNone) tk(t).holding = kNone;
      return;  // BUG: still on rq->scx.ddsp_deferred_locals
    }
    ExtCore::dispatchDequeue(rq, t);
  }
};

// EnqueueNotQueued (scx_do_enqueue_task ext.c:2010): enqueue_task_scx sets
// SCX_TASK_QUEUED after scx_do_enqueue_task instead of before (ext.c:2210).
class QueuedAfterDoEnqueue : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "mut-queued-after-do-enqueue"; }
  void enqueueTask(uint8_t rq, uint8_t t, uint8_t enq_flags) override {
    site(Site::EnqueueTask);
    TaskState& ts = tk(t);
    uint8_t sticky = ts.sticky;
    if (sticky != kNone) ts.sticky = kNone;
    if ((enq_flags & kEnqRestore) && cpu(rq).curr == t) sticky = rq;
    if (queued(t)) return;
    if (ts.on_rq != static_cast<uint8_t>(OnRq::Migrating)) emit(Ev::OpsRunnable, t, enq_flags);
    doEnqueueTask(rq, t, enq_flags, sticky);
    if (!blocked_) setFlagBit(t, kTaskQueued, true);  // BUG: too late
  }
};

// EnqueueOpssNotNone (scx_do_enqueue_task ext.c:2085): ops_dequeue forgets
// its claim QUEUED -> NONE (ext.c:2269) for a task the BPF scheduler holds,
// so the re-enqueue after a sched_change finds QUEUED.
class SkipOpsDequeueClaim : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "mut-skip-ops-dequeue-claim"; }
  bool opsDequeueClaim(uint8_t t) override {
    if (opss(t) == Opss::Queued && custody(t)) return true;  // BUG: no cmpxchg QUEUED -> NONE
    return ExtCore::opsDequeueClaim(t);
  }
};

// RemoteRqIsTaskCpu (task_can_run_on_remote_rq ext.c:2522):
// dispatch_to_local_dsq, under the source rq, loses its src_rq == dst_rq case
// (ext.c:2826) and asks whether p may run "remotely" on its own CPU.
class NoSameRqCaseInDispatchToLocal : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "mut-no-same-rq-case"; }
  void dispatchToLocalDsqSrc() override {
    Frame& f = fr();
    const uint8_t t = f.t, src = f.x, dst = f.y;
    if (!lockRq(src)) return;
    site(Site::DispatchToLocalSrc);
    if (tk(t).holding == me_ && tk(t).cpu == src) {
      // BUG: no `if (src == dst)` branch
      if (!taskCanRunOnRemoteRq(t, dst, true)) {
        tk(t).holding = kNone;
        dispatchEnqueue(src, kDsqGlobal, t, /*apply_slice=*/true, /*clear_opss=*/false, /*head=*/false);
      } else {
        moveRemoteTaskBegin(t, src, dst, Ret::MrtDtl);
        return;
      }
    } else if (tk(t).holding == me_) {
      warn(Warn::HoldingWrongRq, t);
    }
    if (blocked_) return;
    dtlReturn();
  }
};

// CursorRqChanged (nldsq_cursor_lost_task ext.c:620): scx_dispatch_enqueue
// does not advance the DSQ's sequence (ext.c:1697-1699), so an iterator
// cursor does not notice that p left its DSQ, migrated and came back.
class NoDsqSeqAdvance : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "mut-no-dsq-seq-advance"; }
  bool dispatchEnqueueLink(uint8_t rq, uint8_t d, uint8_t t, bool apply_slice, bool head) override {
    uint8_t tags[kMaxActors];
    for (int a = 0; a < cfg_.actors(); ++a) tags[a] = s_->actor[a].tag;
    const bool r = ExtCore::dispatchEnqueueLink(rq, d, t, apply_slice, head);
    for (int a = 0; a < cfg_.actors(); ++a)  // BUG: the cursor's dsq_seq test still passes
      if (a != me_ && s_->actor[a].pc == static_cast<uint8_t>(Pc::DsqMoveSrc) && s_->actor[a].t == t)
        s_->actor[a].tag = tags[a];
    return r;
  }
};

// MigrateCpuChanged (move_queued_task core.c:2569): move_queued_task forgets
// set_task_cpu(p, new_cpu) between deactivate_task and rq_unlock (core.c:2563).
class MigrateWithoutSetCpu : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "mut-migrate-without-set-cpu"; }
  void deqContinue() override {
    Frame& f = fr();
    if (static_cast<Ret>(f.tag) != Ret::DeqThenMigrate) return ExtCore::deqContinue();
    f.tag = 0;
    // BUG: no setTaskCpu(f.t, f.y)
    f.x = f.y;
    f.y = kNone;
    f.d = kNone;
    unlockRq();
    pause(Pc::MqtDst);
  }
};

// BypassDepthUnderflow (dec_bypass_depth ext.c:6140): scx_root_enable_workfn
// skips its scx_bypass(true) (ext.c:7899) but still calls scx_bypass(false)
// at the end (ext.c:8040).
class EnableWithoutBypass : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "mut-enable-without-bypass"; }
  uint8_t enableNext(uint8_t done) override {
    if (static_cast<LifePc>(done) == LifePc::Idle) return static_cast<uint8_t>(LifePc::EnInitLock);  // BUG
    return ExtCore::enableNext(done);
  }
};

// EnableInCustody (__scx_enable_task ext.c:4042): a forked task inherits its
// parent's p->scx.flags (dup_task_struct) and init_scx_entity forgets to
// clear them (core.c __sched_fork), so a child of a task in BPF custody
// starts with SCX_TASK_IN_CUSTODY.
class ForkInheritsCustody : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "mut-fork-inherits-custody"; }
  void forkTask(uint8_t t) override {
    setFlagBit(t, kTaskInCustody, true);  // BUG: the parent's flag, never cleared
    ExtCore::forkTask(t);
    if (tk(t).scx_state == static_cast<uint8_t>(ScxTaskState::Unborn)) setFlagBit(t, kTaskInCustody, false);
  }
};

// DisableInCustody (scx_disable_task ext.c:4122).  No single seeded bug
// reaches it in the model (docs/warn-catalogue.md): ops.disable runs for a
// sleeping task (setScheduler, taskExit), which ran before it slept and so
// left custody at set_next_task_scx at the latest (ext.c:3067-3073), or, in
// the disable loop, after the sched_change's dequeue, whose ops_dequeue tail
// ends custody (ext.c:2307-2308), for a task that scx_bypass(true) has
// already moved out of custody.  So two bugs: scx_bypass does not cycle the
// queued tasks through sched_change (ext.c:6370-6386), and the disable
// loop's dequeue skips ops_dequeue's custody exit.
class DisableKeepsCustody : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "mut-disable-keeps-custody"; }
  bool scxBypass(bool on) override {  // ExtCore::scxBypass without the task cycling
    site(Site::Bypass);
    for (uint8_t t = 0; t < cfg_.tasks; ++t)
      if (opss(t) == Opss::Dispatching) { blocked_ = true; return false; }
    lock(LockClass::BypassLock);
    if (on) ++s_->bypass_depth; else --s_->bypass_depth;
    lock(LockClass::SchedLock);
    unlock(LockClass::SchedLock);
    const bool change = on ? s_->bypass_depth == 1 : s_->bypass_depth == 0;
    for (uint8_t c = 0; change && c < cfg_.cpus; ++c) {
      if (!lockRq(c)) return false;
      lock(LockClass::SchedLock);
      cpu(c).bypassing = on ? 1 : 0;
      emit(Ev::BypassFlag, kNone, on ? 1 : 0, 0, c);
      unlock(LockClass::SchedLock);
      unlockRq();  // BUG 1: no sched_change of the rq's queued tasks
    }
    unlock(LockClass::BypassLock);
    return !blocked_;
  }
  void opsDequeueTail(uint8_t t, uint8_t deq_flags) override {
    if (isHelper(me_) && static_cast<LifePc>(s_->life_pc) == LifePc::DisTasks) return;  // BUG 2
    ExtCore::opsDequeueTail(t, deq_flags);
  }
};

// SetCpuBlocked (set_task_cpu WARN_ON_ONCE core.c:3361): sched_setaffinity
// on a blocked task whose CPU left its mask moves it at once with
// set_task_cpu, instead of leaving the placement to its next wakeup as
// core.c:3357-3360 requires.
class MoveBlockedOnAffinity : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "mut-move-blocked-on-affinity"; }
  void sleepingSetCpusAllowed(uint8_t t, uint8_t mask) override {
    ExtCore::sleepingSetCpusAllowed(t, mask);
    if (!allowed(t, tk(t).cpu)) setTaskCpu(t, static_cast<uint8_t>(__builtin_ctz(mask)));  // BUG
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
  int fork_tasks = 0;
};

// The seeded bug is caught as exactly this check, the counterexample
// replays, and the unmutated model holds on the same configuration.
void expectWarn(const WarnCase& k) {
  Config cfg = test::smallConfig(k.tasks, k.cpus, k.dsqs, k.policy);
  cfg.env = k.env;
  cfg.lifecycle = k.lifecycle;
  cfg.fork_tasks = k.fork_tasks;
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
    registerMutation<PutPrevClearsQueued>();
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
    registerMutation<UnlinkIgnoringHolding>();
    registerMutation<KeepDeferredOnDequeue>();
    registerMutation<QueuedAfterDoEnqueue>();
    registerMutation<SkipOpsDequeueClaim>();
    registerMutation<NoSameRqCaseInDispatchToLocal>();
    registerMutation<NoDsqSeqAdvance>();
    registerMutation<MigrateWithoutSetCpu>();
    registerMutation<EnableWithoutBypass>();
    registerMutation<ForkInheritsCustody>();
    registerMutation<DisableKeepsCustody>();
    registerMutation<MoveBlockedOnAffinity>();
  }
};

const char* const kKeepLocalOn = "full:select=none|prev-cpu,enqueue=keep,dispatch=insert-local-on";

TEST_F(WarnMutations, QueueingSeen) {
  expectWarn({make<ForgetQueuedStore>, 1, 1, 0, "full:select=none,enqueue=keep,dispatch=insert-local", kEnvAll,
              warnText(Warn::QueueingSeen), "ext.c:2254"});
}
TEST_F(WarnMutations, NotQueuedAtFinish) {
  // (2 tasks: the tick puts prev for the other task; no nice/affinity, whose
  // dequeue of the not-QUEUED task would re-enqueue it and meet ext.c:2085
  // first)
  expectWarn({make<PutPrevClearsQueued>, 2, 1, 0, "full:select=none,enqueue=keep,dispatch=insert-local",
              kEnvWake | kEnvSleep | kEnvTick, warnText(Warn::NotQueuedAtFinish), "ext.c:2932"});
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

// The checks issue 15 added for the catalogue's `missing:` rows.
const char* const kKeepLocal = "full:select=none,enqueue=keep,dispatch=insert-local";

TEST_F(WarnMutations, UnlinkNotListed) {
  expectWarn({make<UnlinkIgnoringHolding>, 1, 2, 0, "full:select=none,enqueue=global,dispatch=insert-local", kEnvAll,
              warnText(Warn::UnlinkNotListed), "ext.c:1761"});
}
TEST_F(WarnMutations, DeferredAlreadyListed) {
  // (with affinity changes the deferred entry is processed first, ext.c:4491)
  expectWarn({make<KeepDeferredOnDequeue>, 1, 2, 0, "full:select=none,enqueue=local-on,dispatch=insert-local",
              kEnvWake | kEnvNice, warnText(Warn::DeferredAlreadyListed), "ext.c:1974"});
}
TEST_F(WarnMutations, EnqueueNotQueued) {
  expectWarn({make<QueuedAfterDoEnqueue>, 1, 1, 0, kKeepLocal, kEnvAll, warnText(Warn::EnqueueNotQueued),
              "ext.c:2010"});
}
TEST_F(WarnMutations, EnqueueOpssNotNone) {
  expectWarn({make<SkipOpsDequeueClaim>, 1, 1, 0, kKeepLocal, kEnvAll, warnText(Warn::EnqueueOpssNotNone),
              "ext.c:2085"});
}
TEST_F(WarnMutations, RemoteRqIsTaskCpu) {
  expectWarn({make<NoSameRqCaseInDispatchToLocal>, 1, 2, 0, kKeepLocalOn, kEnvAll,
              warnText(Warn::RemoteRqIsTaskCpu), "ext.c:2522"});
}
TEST_F(WarnMutations, CursorRqChanged) {
  expectWarn({make<NoDsqSeqAdvance>, 1, 2, 1, "full:select=none,enqueue=user,dispatch=move-local", kEnvAll,
              warnText(Warn::CursorRqChanged), "ext.c:620"});
}
TEST_F(WarnMutations, MigrateCpuChanged) {
  expectWarn({make<MigrateWithoutSetCpu>, 1, 2, 0, kKeepLocal, kEnvAll, warnText(Warn::MigrateCpuChanged),
              "core.c:2569"});
}
TEST_F(WarnMutations, BypassDepthUnderflow) {
  WarnCase k{make<EnableWithoutBypass>, 1, 1, 0, kKeepLocal, kEnvAll, warnText(Warn::BypassDepthUnderflow),
             "ext.c:6140"};
  k.lifecycle = true;
  expectWarn(k);
}
TEST_F(WarnMutations, EnableInCustody) {
  WarnCase k{make<ForkInheritsCustody>, 1, 1, 0, kKeepLocal, kEnvAll, warnText(Warn::EnableInCustody),
             "ext.c:4042"};
  k.lifecycle = true;
  k.fork_tasks = 1;
  expectWarn(k);
}
TEST_F(WarnMutations, DisableInCustody) {
  WarnCase k{make<DisableKeepsCustody>, 1, 1, 0, kKeepLocal, kEnvAll, warnText(Warn::DisableInCustody),
             "ext.c:4122"};
  k.lifecycle = true;
  expectWarn(k);
}

TEST_F(WarnMutations, SetCpuBlocked) {
  // (kEnvOthers: a blocked task's attribute changes, restTask's SleepingAttr)
  expectWarn({make<MoveBlockedOnAffinity>, 1, 2, 0, kKeepLocal, kEnvAll | kEnvOthers, warnText(Warn::SetCpuBlocked),
              "core.c:3361"});
}

}  // namespace
}  // namespace scxmc
