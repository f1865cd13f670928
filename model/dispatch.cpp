// The ops.dispatch loop and finishing dispatches: scx_dispatch_sched
// (inlines.h:30-146), scx_dsq_insert_commit (ext.c:8993), finish_dispatch
// (ext.c:2876), dispatch_to_local_dsq (ext.c:2775) and
// process_ddsp_deferred_locals (ext.c:4465).
#include "ext_core.hpp"
#include "access_trace.hpp"
#include "locks.hpp"

namespace scxmc {

namespace {
enum class DspKind : uint8_t { Return, Insert, MoveToLocal, DsqMove };
struct DspAct {
  DspKind kind;
  uint8_t t;
  uint8_t d;
  uint8_t target;
};
}  // namespace

void ExtCore::dispatchSched() {
  // The global DSQ was empty or unusable.  (Bypass dispatch: inl.h:42-48.)
  Frame& f = fr();
  f.d = kNone;
  if (bypassing(f.home)) {
    // only the bypass DSQ (the model's GLOBAL, already consumed), no ops.dispatch
    site(Site::BypassDispatch);
    goTo(Pc::NoneTail);
    return;
  }
  if (cfg_.policy.dispatch == 0) {  // no ops.dispatch
    goTo(Pc::NoneTail);
    return;
  }
  cpu(f.home).loops = 0;
  goTo(Pc::CallDispatch);
}

void ExtCore::callDispatch() {
  Frame& f = fr();
  CpuState& cs = cpu(f.home);
  cs.nr_tasks = 0;
  cs.actions = 0;
  site(Site::OpsDispatchCall);
  emit(Ev::OpsDispatch, cs.curr, 0, cs.loops, f.home);
  bpfKick();  // --kicks: ops.dispatch may call scx_bpf_kick_cpu (model/kick.cpp)
  goTo(Pc::BpfDispatch);
}

// One BPF action inside ops.dispatch: a kfunc call, or returning.
void ExtCore::bpfDispatch() {
  Frame& f = fr();
  const uint8_t c = f.home;
  if (!lockRq(c)) return;
  CpuState& cs = cpu(c);
  const Policy& pol = cfg_.policy;
  const int nu = pol.only_user_dsq0 ? (cfg_.user_dsqs ? 1 : 0) : cfg_.user_dsqs;
  DspAct acts[96];
  int n = 0;
  acts[n++] = {DspKind::Return, kNone, kNone, kNone};
  // What the BPF program may do next (docs/lockless.md, "choice reads"):
  // the kernel's own accesses follow the choice.
  trace::ChoiceReads choosing;
  if (cs.actions < cfg_.dispatch_actions) {
    if (cs.nbuf < kMaxBuf) {
      // Inserting a task that is not QUEUED records qseq 0, which never
      // matches (ext.c:9012, 2901): the record only counts in nr_tasks.  One
      // such "stale insert" stands for all of them.
      bool any_stale = false;
      for (uint8_t t = 0; t < cfg_.tasks; ++t) {
        if (opss(t) != Opss::Queued) {
          // (a variant that keeps dead records needs every task as a
          // candidate, or the choice set would not be symmetric in tasks)
          if (pol.insert_stale && (!any_stale || !drop_dead_records_) && (pol.dispatch & kDspInsertAny)) {
            acts[n++] = {DspKind::Insert, t, kNone, kNone};
            any_stale = true;
          }
          continue;
        }
        // The verdict (dsq_id) is chosen when finish_dispatch claims the
        // record: it is invisible to other CPUs until then and nothing it
        // depends on can change while the record is live (see
        // bpfDispatchTarget).
        if (pol.dispatch & kDspInsertAny) acts[n++] = {DspKind::Insert, t, kNone, kNone};
      }
    }
    // move_to_local on an empty DSQ with nothing buffered only spends an
    // action (it returns false in the same step): its futures are a subset
    // of not calling it, so it is not offered.
    if (pol.dispatch & kDspMoveToLocal)
      for (int d = 0; d < nu; ++d)
        if (cs.nbuf || dq(static_cast<uint8_t>(kDsqUser0 + d)).n)
          acts[n++] = {DspKind::MoveToLocal, kNone, static_cast<uint8_t>(kDsqUser0 + d), kNone};
    // scx_bpf_dsq_move(iter, p, dsq_id): the iterator's task now, its
    // dsq_id (target) once scx_dsq_move has p's rq and the source DSQ
    // locked, where it is first read (see bpfDsqMoveTarget).
    for (int d = 0; d < nu; ++d) {
      const uint8_t src = static_cast<uint8_t>(kDsqUser0 + d);
      const DsqState& q = dq(src);
      uint8_t opts[kMaxMoveTargets];
      for (int i = 0; i < q.n; ++i) {
        const uint8_t t = q.q[i];
        const int m = dsqMoveTargets(t, c, src, opts);
        if (m && !move_target_at_call_) acts[n++] = {DspKind::DsqMove, t, src, kNone};
        for (int k = 0; move_target_at_call_ && k < m; ++k) acts[n++] = {DspKind::DsqMove, t, src, opts[k]};
      }
    }
  }
  const DspAct a = acts[ch_->pick(n)];
  choosing.done();
  switch (a.kind) {
    case DspKind::Return:
      site(Site::FlushDispatchBuf);
      f.ret2 = static_cast<uint8_t>(Ret::FlushAfterDispatch);
      goTo(Pc::Flush);
      return;
    case DspKind::Insert: {
      // scx_dsq_insert_commit: record (p, qseq) in dsp_ctx.buf
      site(Site::InsertCommit);
      const uint8_t fresh = opss(a.t) == Opss::Queued ? 1 : 0;
      // Validation environment: ops.dispatch goes on with a kfunc on
      // another task that switches rq locks (scx_dsq_move /
      // consume_remote_task, switch_rq_lock ext.c:430) before the flush.
      // The target is then named now, as BPF does (it cannot change while
      // the record is live; see bpfDispatchTarget).
      const bool relock = (cfg_.env & kEnvOthers) && ch_->pick(2);
      const uint8_t target = relock ? bpfDispatchTarget(a.t, c) : kNone;
      if (fresh || !drop_dead_records_) cs.buf[cs.nbuf++] = BufEnt{a.t, target, fresh};
      else cs.nr_tasks = 1;  // finish_dispatch will drop it; it still counts
      ++cs.actions;
      emit(Ev::KfInsert, a.t, target, fresh);
      if (relock) {
        f.y = static_cast<uint8_t>(Pc::BpfDispatch);
        site(Site::SwitchRqLock);
        unlockRq();
        pause(Pc::RelockHome);
        return;
      }
      // An insert only appends to this CPU's dsp_ctx; the next BPF action
      // follows in the same step (see docs/architecture.md, "atomicity").
      goTo(Pc::BpfDispatch);
      return;
    }
    case DspKind::MoveToLocal:
      site(Site::MoveToLocal);
      ++cs.actions;
      site(Site::FlushDispatchBuf);
      f.d = a.d;
      f.ret2 = static_cast<uint8_t>(Ret::FlushMoveToLocal);
      goTo(Pc::Flush);
      return;
    case DspKind::DsqMove: {
      site(Site::DsqMove);
      ++cs.actions;
      f.t = a.t;
      f.d = a.d;
      f.y = a.target;
      f.tag = 0;
      if (dsqMoveAborting()) {  // READ_ONCE(sch->aborting): return false (ext.c:9239-9240)
        dsqMoveFinish(false);
        return;
      }
      const uint8_t p_rq = tk(a.t).cpu;  // src_rq = task_rq(p), read unlocked
      if (p_rq != c) {
        unlockRq();
        f.x = p_rq;
        site(Site::SwitchRqLock);
        pause(Pc::DsqMoveSrc);
      } else {
        // The iterator dropped the DSQ lock after returning p
        // (bpf_iter_scx_dsq_next), so other CPUs may consume or move p
        // before scx_dsq_move locks it again: pause, keeping the rq lock.
        f.x = c;
        pause(Pc::DsqMoveSrc);
      }
      return;
    }
  }
}

// The dsq_id arguments the BPF program may pass to scx_bpf_dsq_move for @t,
// which its iterator found on user DSQ @src, from ops.dispatch on @c under
// the policy (honouring p->cpus_ptr, as for inserts).
int ExtCore::dsqMoveTargets(uint8_t t, uint8_t c, uint8_t src, uint8_t* out) {
  trace::ChoiceReads choosing;  // p->cpus_ptr as the BPF program reads it
  const Policy& pol = cfg_.policy;
  const int nu = pol.only_user_dsq0 ? (cfg_.user_dsqs ? 1 : 0) : cfg_.user_dsqs;
  int n = 0;
  if (pol.dispatch & kDspMoveLocal) {
    if (allowed(t, c)) out[n++] = makeTarget(TargetKind::Local);
    for (uint8_t x = 0; x < cfg_.cpus; ++x)
      if (x != c && allowed(t, x)) out[n++] = makeTarget(TargetKind::LocalOn, x);
  }
  if (pol.dispatch & kDspMoveGlobal) out[n++] = makeTarget(TargetKind::Global);
  if (pol.dispatch & kDspMoveUser)
    for (int e = 0; e < nu; ++e)
      if (kDsqUser0 + e != src) out[n++] = makeTarget(TargetKind::User, static_cast<uint8_t>(e));
  return n;
}

// The dsq_id of an scx_bpf_dsq_move, chosen where scx_dsq_move first reads
// it (find_dsq_for_dispatch ext.c:9285, p's rq and the source DSQ locked)
// rather than at the call: the choice is invisible until then, and what it
// depends on cannot change in between, since a cpumask change of p
// dequeues it from the source DSQ (sched_change), after which the move
// fails (nldsq_cursor_lost_task) whatever the target.  A failed move never
// chooses.  tests/dsq_move_target_test.cpp checks that the reachable states
// are those of choosing at the call, the target register aside.
uint8_t ExtCore::bpfDsqMoveTarget(uint8_t t, uint8_t c, uint8_t src) {
  uint8_t opts[kMaxMoveTargets];
  const int n = dsqMoveTargets(t, c, src, opts);
  if (n == 0) {  // the argument above failed: p's cpumask changed while it stayed on src
    warn(Warn::MoveTargetsGone, t);
    return makeTarget(TargetKind::Global);
  }
  return opts[ch_->pick(n)];
}

// The dsq_id the BPF program passed to scx_bpf_dsq_insert for @t from
// ops.dispatch on @c, under the policy.  Options honour p->cpus_ptr as a BPF
// scheduler must (task_can_run_on_remote_rq would scx_error, ext.c:2545).
uint8_t ExtCore::bpfDispatchTarget(uint8_t t, uint8_t c) {
  trace::ChoiceReads choosing;  // p->cpus_ptr as the BPF program reads it
  const Policy& pol = cfg_.policy;
  const int nu = pol.only_user_dsq0 ? (cfg_.user_dsqs ? 1 : 0) : cfg_.user_dsqs;
  uint8_t opts[4 + kMaxCpus + kMaxUserDsqs];
  int n = 0;
  if ((pol.dispatch & kDspInsertLocal) && allowed(t, c)) opts[n++] = makeTarget(TargetKind::Local);
  if (pol.dispatch & kDspInsertLocalOn)
    for (uint8_t x = 0; x < cfg_.cpus; ++x)
      if (x != c && allowed(t, x)) opts[n++] = makeTarget(TargetKind::LocalOn, x);
  if (pol.dispatch & kDspInsertGlobal) opts[n++] = makeTarget(TargetKind::Global);
  if (pol.dispatch & kDspInsertUser)
    for (int d = 0; d < nu; ++d) opts[n++] = makeTarget(TargetKind::User, static_cast<uint8_t>(d));
  if (pol.dispatch & kDspInsertHereOrGlobal)
    opts[n++] = allowed(t, c) ? makeTarget(TargetKind::LocalOn, c) : makeTarget(TargetKind::Global);
  if (n == 0) opts[n++] = makeTarget(TargetKind::Global);
  return opts[ch_->pick(n)];
}

void ExtCore::flush() {
  Frame& f = fr();
  CpuState& cs = cpu(f.home);
  if (cs.nbuf) {
    // take the oldest record; dspc->nr_tasks += cursor counts it
    const BufEnt e = cs.buf[0];
    for (int i = 0; i + 1 < cs.nbuf; ++i) cs.buf[i] = cs.buf[i + 1];
    cs.buf[--cs.nbuf] = BufEnt{};
    cs.nr_tasks = 1;
    finishDispatch(e);
    return;
  }
  const Ret r = static_cast<Ret>(f.ret2);
  f.ret2 = 0;
  if (r == Ret::FlushMoveToLocal) {
    f.ret = static_cast<uint8_t>(Ret::ConsumeMoveToLocal);
    // find_user_dsq after the flush (ext.c:9404-9410): --destroy-dsqs, a
    // destroyed DSQ is missed: "invalid DSQ ID" (or found, and empty)
    if (!lookupUserDsq(f.d, kDsqGoneMoveToLocal)) {
      consumeDone(false);
      return;
    }
    goTo(Pc::Consume);
  } else {
    goTo(Pc::AfterFlush);
  }
}

void ExtCore::finishDispatch(const BufEnt& e) {
  site(Site::FinishDispatch);
  const uint8_t t = e.task;
  switch (opss(t)) {
    case Opss::None:
    case Opss::Dispatching:
      return;  // someone else already got to it
    case Opss::Queueing:
      warn(Warn::QueueingSeen, t);  // invisible outside p's rq lock
      return;
    case Opss::Queued:
      if (!claimFresh(e)) return;  // qseq mismatch: no claim
      break;
  }
  const uint8_t home = fr().home;
  const uint8_t target = e.target != kNone ? static_cast<uint8_t>(e.target) : bpfDispatchTarget(t, home);
  emit(Ev::Claim, t, e.fresh, target);
  setOpss(t, Opss::Dispatching);  // cmpxchg QUEUED -> DISPATCHING
  if (!queued(t)) warn(Warn::NotQueuedAtFinish, t);
  const uint8_t d = targetDsq(target, home, tk(t).cpu);
  finishDispatchCustody(t, d);
  if (isLocalDsq(d)) {
    dispatchToLocalDsq(home, d, t);
    return;
  }
  Frame& f = fr();
  f.t = t;
  f.y = d;  // (d holds move_to_local's DSQ across the flush)
  goTo(Pc::FlushLink);
}

void ExtCore::flushLink() {
  Frame& f = fr();
  if (!lockDsq(f.y)) return;  // spin on dsq->lock holding DISPATCHING
  const bool call = dispatchEnqueueLink(f.home, f.y, f.t, /*apply_slice=*/true, /*head=*/false);
  if (blocked_) return;
  // dsq->lock is dropped; ops.dequeue and the NONE store follow while other
  // CPUs can already see p on the DSQ in DISPATCHING.
  f.y = kNone;
  f.tag = call ? 1 : 0;
  // p is on its DSQ now: only the release store is left (locks.hpp)
  lockEvent(Ev::Unlock, static_cast<uint8_t>(LockClass::DispatchingClaim), f.t);
  lockEvent(Ev::Lock, static_cast<uint8_t>(LockClass::DispatchingPublished), f.t);
  pause(Pc::FlushRelease);
}

bool ExtCore::claimFresh(const BufEnt& e) { return e.fresh; }

void ExtCore::flushRelease() {
  Frame& f = fr();
  dispatchEnqueueTail(f.t, f.tag != 0, /*clear_opss=*/true);
  f.t = kNone;
  f.tag = 0;
  goTo(Pc::Flush);
}

void ExtCore::afterFlush() {
  Frame& f = fr();
  if (prevKeepable(cpu(f.home).curr)) { setVerdict(Verdict::Prev); return; }
  if (dq(f.home).n) { setVerdict(Verdict::Local); return; }
  site(Site::ConsumeGlobal);
  f.d = kDsqGlobal;
  f.ret = static_cast<uint8_t>(Ret::ConsumeGlobalLoop);
  goTo(Pc::Consume);
}

void ExtCore::dispatchToLocalDsq(uint8_t rq, uint8_t dst, uint8_t t) {
  site(Site::DispatchToLocal);
  const uint8_t src = tk(t).cpu;
  if (rq == src && rq == dst) {
    dispatchEnqueue(rq, dst, t, /*apply_slice=*/true, /*clear_opss=*/true, /*head=*/false);
    return;
  }
  // The holding_cpu protocol: mark the transfer, release DISPATCHING, then
  // take src's rq lock (never while holding DISPATCHING).
  tk(t).holding = static_cast<uint8_t>(me_);
  setOpss(t, Opss::None);
  Frame& f = fr();
  f.t = t;
  f.y = dst;
  if (rq != src) {
    switchRqLock(src, Pc::DtlSrc);
  } else {
    f.x = src;
    goTo(Pc::DtlSrc);
  }
}

void ExtCore::dispatchToLocalDsqSrc() {
  Frame& f = fr();
  const uint8_t t = f.t, src = f.x, dst = f.y;
  if (!lockRq(src)) return;
  site(Site::DispatchToLocalSrc);
  if (tk(t).holding == me_ && tk(t).cpu == src) {
    if (src == dst) {
      tk(t).holding = kNone;
      dispatchEnqueue(dst, dst, t, /*apply_slice=*/true, /*clear_opss=*/false, /*head=*/false);
    } else if (!taskCanRunOnRemoteRq(t, dst, true)) {
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

// "switch back to @rq lock" at the end of dispatch_to_local_dsq, then the
// caller (flush or deferred processing) continues.
void ExtCore::dtlReturn() {
  fr().t = kNone;
  returnHome(static_cast<Op>(fr().op) == Op::Deferred ? Pc::Deferred : Pc::Flush);
}

void ExtCore::deferred() {
  Frame& f = fr();
  if (!lockRq(f.home)) return;
  f.op = static_cast<uint8_t>(Op::Deferred);
  CpuState& cs = cpu(f.home);
  if (cs.dfn == 0) {
    // (--balance-callbacks: the balance callback is over)
    if (cfg_.bal_cb && me_ == f.home) cs.rqf &= static_cast<uint8_t>(~kRqInBalCb);
    endPath();
    return;
  }
  site(Site::RunDeferred);
  const uint8_t t = cs.dfq[0];
  for (int i = 0; i + 1 < cs.dfn; ++i) cs.dfq[i] = cs.dfq[i + 1];
  cs.dfq[--cs.dfn] = 0;
  tk(t).deferred = kNone;
  const uint8_t target = tk(t).ddsp;
  clearDirectDispatch(t);  // ext.c:4488
  const uint8_t d = targetDsq(target, f.home, tk(t).cpu);
  if (!isLocalDsq(d)) {
    warn(Warn::BadDirectOpss, t);  // WARN_ON_ONCE(dsq->id != SCX_DSQ_LOCAL)
    return;
  }
  dispatchToLocalDsq(f.home, d, t);
}

}  // namespace scxmc
