// DSQ insertion and removal, custody transfer, and the SCX-internal
// migration: scx_dispatch_enqueue, rq_owned_post_enq, task_leave_custody,
// scx_dispatch_dequeue, scx_move_local_task_to_local_dsq,
// move_remote_task_to_local_dsq, task_can_run_on_remote_rq
// (ext.c:1527-1845, 2423-2563).
#include "ext_core.hpp"

namespace scxmc {

bool ExtCore::leaveCustody(uint8_t t) {
  // No custody exit while an SCX-internal migration is in flight.
  if (!custody(t) || tk(t).sticky != kNone) return false;
  setCustody(t, false);
  return true;
}

void ExtCore::rqOwnedPostEnq(uint8_t rq, uint8_t t) {
  (void)rq;  // ops.dequeue runs with this (the local DSQ's) rq locked
  site(Site::RqOwnedPostEnq);
  if (leaveCustody(t)) emit(Ev::OpsDequeue, t, 0);
}

bool ExtCore::dispatchEnqueueLink(uint8_t rq, uint8_t d, uint8_t t, bool apply_slice, bool head) {
  site(Site::DispatchEnqueue);
  TaskState& ts = tk(t);
  if (ts.dsq != kNone || ts.deferred != kNone) warn(Warn::DsqAlreadySet, t);
  if (!lockDsq(d)) return false;
  if (dsqInvalid(d)) {
    // --destroy-dsqs: found before destroy_dsq invalidated it; the id is
    // checked under the lock: scx_error, and the global DSQ instead
    // (scx_dispatch_enqueue ext.c:1627-1633)
    site(Site::DispatchDestroyedDsq);
    scxError(ErrorKind::DsqDestroyed, kDsqGoneInvalidId);
    unlockDsq(d);
    d = kDsqGlobal;
    if (!lockDsq(d)) return false;
  }
  if (apply_slice) ts.slice = 1;  // apply_slice_vtime with the verdict's slice
  listAdd(d, t, head);
  ts.dsq = d;
  if (isLocalDsq(d)) {
    rqOwnedPostEnq(rq, t);
    return false;
  }
  const bool call_dequeue = dsqInsertCustody(d, t);
  unlockDsq(d);
  return call_dequeue;
}

bool ExtCore::dsqInsertCustody(uint8_t d, uint8_t t) {
  if (d == kDsqGlobal) {
    // Terminal: custody ends under dsq->lock, ops.dequeue after the unlock.
    site(Site::GlobalLeaveCustody);
    return leaveCustody(t);
  }
  site(Site::UserEnterCustody);
  setCustody(t, true);
  return false;
}

void ExtCore::dispatchEnqueueTail(uint8_t t, bool call_dequeue, bool clear_opss) {
  if (call_dequeue) emit(Ev::OpsDequeue, t, 0);
  if (clear_opss) {
    site(Site::ClearOpss);
    setOpss(t, Opss::None);
  }
}

void ExtCore::dispatchEnqueue(uint8_t rq, uint8_t d, uint8_t t, bool apply_slice, bool clear_opss,
                              bool head) {
  const bool call = dispatchEnqueueLink(rq, d, t, apply_slice, head);
  if (blocked_) return;
  dispatchEnqueueTail(t, call, clear_opss);
}

void ExtCore::dispatchDequeue(uint8_t rq, uint8_t t) {
  (void)rq;
  site(Site::DispatchDequeue);
  TaskState& ts = tk(t);
  const uint8_t d = ts.dsq;
  if (d == kNone) {
    // On rq's ddsp_deferred_locals: unlinking cancels the direct dispatch.
    if (ts.deferred != kNone) {
      CpuState& cs = cpu(ts.deferred);
      int at = 0;
      while (at < cs.dfn && cs.dfq[at] != t) ++at;
      for (int i = at; i + 1 < cs.dfn; ++i) cs.dfq[i] = cs.dfq[i + 1];
      if (at < cs.dfn) cs.dfq[--cs.dfn] = 0;
      ts.deferred = kNone;
    }
    // A dispatcher moving p under DISPATCHING/holding_cpu loses the race.
    if (ts.holding != kNone) ts.holding = kNone;
    return;
  }
  if (!lockDsq(d)) return;
  if (ts.holding == kNone) {
    listDel(d, t);
  } else {
    // A consumer already unlinked p and is switching rq locks: it lost.
    if (onList(d, t)) warn(Warn::UnlinkedButListed, t);
    ts.holding = kNone;
  }
  ts.dsq = kNone;
  unlockDsq(d);
}

void ExtCore::moveLocalTaskToLocalDsq(uint8_t t, uint8_t dst_rq) {
  site(Site::MoveLocalToLocal);
  if (tk(t).holding != kNone) warn(Warn::HoldingSet, t);
  listAdd(dst_rq, t, false);
  tk(t).dsq = dst_rq;
  rqOwnedPostEnq(dst_rq, t);
}

bool ExtCore::taskCanRunOnRemoteRq(uint8_t t, uint8_t rq, bool enforce) {
  site(Site::CanRunRemote);
  if (tk(t).cpu == rq) warn(Warn::RemoteRqIsTaskCpu, t);  // ext.c:2522
  // (migration-disabled tasks and offline CPUs are not modeled)
  if (!allowed(t, rq)) {
    if (enforce) scxError(ErrorKind::NotAllowed);
    return false;
  }
  return true;
}

void ExtCore::moveRemoteTaskBegin(uint8_t t, uint8_t src, uint8_t dst, Ret then) {
  site(Site::MoveRemoteToLocal);
  // sticky_cpu marks the SCX-internal migration before deactivate_task, so
  // custody survives the dequeue on src and ends on arrival at dst.
  tk(t).sticky = dst;
  site(Site::Deactivate);
  setOnRq(t, OnRq::Migrating);
  const DeqStart r = dequeueTaskBegin(src, t, 0);
  if (r == DeqStart::Spin) warn(Warn::DeqWaitNotNone, t);  // callers waited already
  else if (r == DeqStart::Proceed) dequeueTaskFinish(src, t, dequeueFlags(0));
  setTaskCpu(t, dst);
  Frame& f = fr();
  f.t = t;
  f.tag = static_cast<uint8_t>(then);
  switchRqLock(dst, Pc::MrtDst);
}

void ExtCore::moveRemoteTaskArrive(uint8_t t, uint8_t dst) {
  site(Site::MoveRemoteActivate);
  if (!allowed(t, dst)) warn(Warn::NotAllowedOnDst, t);
  site(Site::Activate);
  enqueueTask(dst, t, 0);
  setOnRq(t, OnRq::Queued);
}

void ExtCore::mrtDst() {
  Frame& f = fr();
  if (!lockRq(f.x)) return;
  moveRemoteTaskArrive(f.t, f.x);
  const Ret then = static_cast<Ret>(f.tag);
  f.tag = 0;
  switch (then) {
    case Ret::MrtConsume:
      f.t = kNone;
      f.x = kNone;
      consumeDone(true);
      break;
    case Ret::MrtDtl:
      dtlReturn();
      break;
    case Ret::MrtDsqMove:
      dsqMoveFinish(true);
      break;
    default:
      break;
  }
}

}  // namespace scxmc
