// Taking tasks out of non-local DSQs: scx_consume_dispatch_q with
// consume_remote_task / unlink_dsq_and_switch_rq_lock (ext.c:2595-2749) and
// the iterator move scx_dsq_move / move_task_between_dsqs (ext.c:2650-2702,
// 9208-9312).
#include "access_trace.hpp"
#include "ext_core.hpp"

namespace scxmc {

void ExtCore::consumeDispatchQ() {
  Frame& f = fr();
  const uint8_t d = f.d, home = f.home;
  if (!lockRq(home)) return;
  site(Site::ConsumeDsq);
  // list_empty(&dsq->list) without dsq->lock (ext.c:2714).  A non-empty
  // answer is checked again under the lock before anything is done with
  // it (a validated read); an empty one ends the consume.
  bool empty;
  {
    trace::ValidatedReads validated;
    empty = dq(d).n == 0;
  }
  if (empty && dq(d).n == 0) {  // (the second test records the empty answer as the kernel's read)
    lockless();  // an empty answer is this step's one racy access
    consumeDone(false);
    return;
  }
  if (!lockDsq(d)) return;
  if (consumeAborting(d)) {
    unlockDsq(d);
    consumeDone(false);
    return;
  }
  for (int i = 0; i < dq(d).n; ++i) {
    const uint8_t t = dq(d).q[i];
    const uint8_t trq = tk(t).cpu;
    if (trq == home) {
      listDel(d, t);  // scx_task_unlink_from_dsq (p->scx.dsq left stale)
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
      if (tk(t).holding != kNone) warn(Warn::HoldingSet, t);
      listDel(d, t);
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

// The scan's live-lock break (ext.c:2724-2731): if (READ_ONCE(sch->aborting)
// && dsq->id != SCX_DSQ_BYPASS) break; -- read on every task of the scan,
// under dsq->lock, which its writer (scx_claim_exit's stores, ext.c:6815,
// 6829, lockless, any context) does not take.  The read is the step's commit
// access (docs/lockless.md S5): the DSQ lock taken before it is a right
// mover and the scan's accesses under it are protected, so the claimer may
// run just before the read or after the step; except that a false answer
// on the local branch shares the step with the read of p's ops_state (an
// open merge, argued in docs/lockless.md S5).  A scan that passes tasks
// before the read answers true ends as one that read true at the first task:
// the passed tasks were left where they were.  sch is the dispatching
// scheduler, the root (the model's ops.dispatch stands for the root's,
// docs/sub-sched.md "Dispatch routing").  The model's GLOBAL is also the
// bypass DSQ (lifecycle.cpp): on a bypassing CPU it stands for the bypass
// DSQ, which an aborting scheduler still consumes (an over-approximation
// for tasks of the real global DSQ there).  Without --sub-scheds the
// root's ->aborting is set in the step of its exit claim (bpf_scx_unreg's,
// lifecycle.cpp, or the NMI's), so it is the root's exit_kind claimed; without
// --lifecycle nothing claims and nothing is read.
bool ExtCore::consumeAborting(uint8_t d) {
  if (!cfg_.lifecycle) return false;
  if (d == kDsqGlobal && bypassing(fr().home)) return false;  // SCX_DSQ_BYPASS
  site(Site::ConsumeAborting);
  lockless();
  if (!cfg_.sub_scheds) return exitKind(kSchedRoot) != ExitKind::None;
  return s_->sub_exit & kSubAbortingRoot;
}

// scx_dsq_move's live-lock break (ext.c:9235-9240): if the BPF scheduler
// keeps moving tasks, READ_ONCE(sch->aborting) makes the kfunc return false
// before it reads task_rq(p) or takes a lock.  Both reads are lockless; they
// read locations with different writers (the claims; p's migrations under
// rq locks), so each commutes with the other's writers and the two share
// the action's step.  sch is the source DSQ's scheduler, the root (as for
// consumeAborting).  No bypass exemption: the iterator's DSQs are user DSQs.
bool ExtCore::dsqMoveAborting() {
  if (!cfg_.lifecycle) return false;
  site(Site::DsqMoveAborting);
  if (!cfg_.sub_scheds) return exitKind(kSchedRoot) != ExitKind::None;
  return s_->sub_exit & kSubAbortingRoot;
}

void ExtCore::consumeLocalWait() {
  Frame& f = fr();
  if (opss(f.t) == Opss::Dispatching) { blocked_ = true; return; }
  moveLocalTaskToLocalDsq(f.t, f.home);
  f.t = kNone;
  consumeDone(true);
}

void ExtCore::consumeSrc() {
  Frame& f = fr();
  const uint8_t t = f.t, src = f.x;
  if (f.pc == static_cast<uint8_t>(Pc::ConsumeSrc)) {
    if (!lockRq(src)) return;
    site(Site::ConsumeRemote);
    if (!(tk(t).holding == me_ && tk(t).cpu == src)) {
      if (tk(t).holding == me_) warn(Warn::HoldingWrongRq, t);
      // Lost to a dequeue: back to this rq and rescan (goto retry).
      f.t = kNone;
      returnHome(Pc::Consume);
      return;
    }
    site(Site::WaitDispatching);
    if (opss(t) == Opss::Dispatching) {
      spinWaitDispatching(t);
      pause(Pc::ConsumeSrcWait);
      return;
    }
  } else if (opss(t) == Opss::Dispatching) {
    blocked_ = true;
    return;
  }
  if (!consumeRecheck(t, src)) return;  // (a proxy-exec variant put it back)
  moveRemoteTaskBegin(t, src, f.home, Ret::MrtConsume);
}

void ExtCore::consumeDone(bool ok) {
  Frame& f = fr();
  CpuState& cs = cpu(f.home);
  const Ret r = static_cast<Ret>(f.ret);
  f.ret = 0;
  switch (r) {
    case Ret::ConsumeGlobalFirst:
      f.d = kNone;
      if (ok) setVerdict(Verdict::Local); else goTo(Pc::DispatchSched);
      return;
    case Ret::ConsumeGlobalLoop:
      f.d = kNone;
      if (ok) { setVerdict(Verdict::Local); return; }
      // the ops.dispatch loop (inl.h:92-130)
      if (cfg_.dispatch_loops == 0) {
        // Any number of rounds: after each that dispatched something, loop
        // again or take the SCX_DSP_MAX_LOOPS cut (self-kick and break).
        // A new round is a new step (the rq lock stays held), so that one
        // step stays finite.  Only "a later round" is kept, and only for the
        // bypass monitor (invariants/lifecycle.cpp): nothing else reads the
        // count.
        if (cfg_.lifecycle) cs.loops = 1;
        if (!cs.nr_tasks) {
          goTo(Pc::NoneTail);
        } else if (ch_->pick(2) == 0) {
          pause(Pc::CallDispatch);
        } else {
          site(Site::DspMaxLoops);
          goTo(Pc::NoneTail);
        }
      } else if (++cs.loops >= cfg_.dispatch_loops) {
        site(Site::DspMaxLoops);
        goTo(Pc::NoneTail);  // SCX_DSP_MAX_LOOPS: self-kick and break
      } else if (cs.nr_tasks) {
        goTo(Pc::CallDispatch);
      } else {
        goTo(Pc::NoneTail);
      }
      return;
    case Ret::ConsumeMoveToLocal:
      emit(Ev::KfMoveToLocal, kNone, static_cast<uint8_t>(f.d - kDsqUser0), ok ? 1 : 0);
      if (ok) cs.nr_tasks = 1;
      f.d = kNone;
      // Back in ops.dispatch with this rq locked: a pause point only if the
      // kfunc dropped the lock, and then the relock step already was one.
      goTo(Pc::BpfDispatch);
      return;
    default:
      return;
  }
}

// scx_dsq_move under p's rq: lock the source DSQ and validate.
void ExtCore::dsqMoveAtSrc() {
  Frame& f = fr();
  const uint8_t t = f.t, x = f.x, d = f.d;
  if (!lockRq(x)) return;
  if (!lockDsq(d)) return;
  site(Site::CursorLost);
  // nldsq_cursor_lost_task: left the DSQ, re-inserted after the iterator
  // saw it (tag), or being consumed (holding_cpu).
  if (tk(t).dsq != d || f.tag || tk(t).holding != kNone) {
    unlockDsq(d);
    dsqMoveFinish(false);
    return;
  }
  // ... and a task that kept its place on d kept its rq (ext.c:620)
  if (tk(t).cpu != x) warn(Warn::CursorRqChanged, t);
  site(Site::MoveBetweenDsqs);
  site(Site::WaitDispatching);
  if (opss(t) == Opss::Dispatching) {
    spinWaitDispatching(t);
    pause(Pc::DsqMoveWait);
    return;
  }
  dsqMoveBetween();
}

void ExtCore::dsqMoveWait() {
  if (opss(fr().t) == Opss::Dispatching) { blocked_ = true; return; }
  dsqMoveBetween();
}

// move_task_between_dsqs with p's rq (x) and the source DSQ (d) locked.
void ExtCore::dsqMoveBetween() {
  Frame& f = fr();
  const uint8_t t = f.t, x = f.x, src = f.d;
  if (f.y == kNone) f.y = bpfDsqMoveTarget(t, f.home, src);
  uint8_t dst = targetDsq(f.y, f.home, tk(t).cpu);
  uint8_t dst_rq = x;
  if (isLocalDsq(dst)) {
    dst_rq = dst;
    if (x != dst && !taskCanRunOnRemoteRq(t, dst, true)) {
      dst = kDsqGlobal;  // SCX_ENQ_GDSQ_FALLBACK
      dst_rq = x;
    }
  }
  if (isLocalDsq(dst)) {
    if (x == dst_rq) {
      listDel(src, t);
      unlockDsq(src);
      moveLocalTaskToLocalDsq(t, x);
      dsqMoveFinish(true);
    } else {
      // p stays linked; deactivate_task's dequeue unlinks it (ext.c:1808)
      // after src's lock is dropped here (ext.c:2687): another CPU may
      // unlink p and mark it with its holding_cpu in between.
      unlockDsq(src);
      emit(Ev::KfDsqMove, t, src, f.y, 1);
      f.tag = 0;
      goTo(Pc::DsqMoveRemote);
    }
    return;
  }
  site(Site::DispatchDequeueLocked);
  listDel(src, t);
  tk(t).dsq = kNone;
  unlockDsq(src);
  dispatchEnqueue(x, dst, t, /*apply_slice=*/false, /*clear_opss=*/false, /*head=*/false);
  if (blocked_) return;
  dsqMoveFinish(true);
}

// move_task_between_dsqs's remote case after the unlock (ext.c:2687-2689):
// move_remote_task_to_local_dsq to the target's rq, p's rq (x) still held.
void ExtCore::dsqMoveRemote() {
  Frame& f = fr();
  const uint8_t dst_rq = targetDsq(f.y, f.home, tk(f.t).cpu);
  moveRemoteTaskBegin(f.t, f.x, dst_rq, Ret::MrtDsqMove);
}

void ExtCore::dsqMoveFinish(bool dispatched) {
  Frame& f = fr();
  // (the remote-local case emitted its event before the lock switch)
  if (!(dispatched && f.pc == static_cast<uint8_t>(Pc::MrtDst)))
    emit(Ev::KfDsqMove, f.t, f.d, f.y, dispatched ? 1 : 0);
  f.t = kNone;
  f.d = kNone;
  f.tag = 0;
  returnHome(Pc::BpfDispatch);
}

}  // namespace scxmc
