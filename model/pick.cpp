// Picking the next task: do_pick_task_scx, dispatch_one's entry and tail,
// put_prev_task_scx and set_next_task_scx (ext.c:2972-3275, 3412-3521).
#include "ext_core.hpp"

namespace scxmc {

void ExtCore::setVerdict(Verdict v) {
  cpu(fr().home).verdict = static_cast<uint8_t>(v);
  // dispatch_one returns: SCX_RQ_IN_DISPATCH off (ext.c:3042, 3059)
  if (cfg_.bal_cb) cpu(fr().home).rqf &= static_cast<uint8_t>(~kRqInDispatch);
  goTo(Pc::PickFinish);
}

bool ExtCore::prevKeepable(uint8_t prev) {
  // prev is QUEUED and has slice left (ext.c:3009-3010, inl.h:110)
  return prev != kNone && queued(prev) && tk(prev).slice;
}

void ExtCore::pick() {
  Frame& f = fr();
  f.home = static_cast<uint8_t>(me_);
  if (!lockRq(f.home)) return;
  f.op = static_cast<uint8_t>(Op::Pick);
  site(Site::PickTask);
  kickSyncAdvance(f.home);  // --kicks: smp_store_release(&rq->scx.kick_sync, +1) (ext.c:3420)
  CpuState& cs = cpu(f.home);
  if ((cfg_.env & kEnvOthers) && f.tag == 0 && ch_->pick(2)) {
    // Validation environment: balancing another task (consume_remote_task
    // for a task of another CPU) drops this rq lock in switch_rq_lock
    // (ext.c:430) before this CPU settles its pick.
    f.tag = 1;
    f.y = static_cast<uint8_t>(Pc::Pick);
    site(Site::SwitchRqLock);
    unlockRq();
    pause(Pc::RelockHome);
    return;
  }
  f.tag = 0;
  site(Site::DispatchOne);
  if (cfg_.bal_cb) cs.rqf |= kRqInDispatch;  // ext.c:2979
  // dispatch_one keeps prev only when its CPU does not bypass
  // (ext.c:3009-3010; docs/lockless.md D4)
  if (prevKeepable(cs.curr) && !bypassing(f.home)) { setVerdict(Verdict::Prev); return; }
  if (dq(f.home).n) { setVerdict(Verdict::Local); return; }
  site(Site::DispatchSched);
  site(Site::ConsumeGlobal);
  f.d = kDsqGlobal;
  f.ret = static_cast<uint8_t>(Ret::ConsumeGlobalFirst);
  goTo(Pc::Consume);
}

void ExtCore::noneTail() {
  // Nothing found: keep prev unless its scheduler set SCX_OPS_ENQ_LAST
  // (ext.c:3026-3041; the model's schedulers do not set it).
  const uint8_t prev = cpu(fr().home).curr;
  setVerdict(prev != kNone && queued(prev) ? Verdict::Prev : Verdict::None);
}

void ExtCore::pickFinish() {
  Frame& f = fr();
  const uint8_t c = f.home;
  CpuState& cs = cpu(c);
  uint8_t prev = cs.curr;  // (a proxy-exec variant's pickProxy may switch once itself)
  uint8_t next;
  if (static_cast<Verdict>(cs.verdict) == Verdict::Prev) {
    next = prev;
  } else {
    // first_local_task: whatever heads the local DSQ now, whatever the
    // verdict (tasks may have arrived while the lock was dropped)
    next = dq(c).n ? static_cast<uint8_t>(dq(c).q[0]) : kNone;
  }
  // Validation environment: another task heads the local DSQ (or a higher
  // class has work) and runs instead; the task stays queued.
  bool retry = false;
  if ((cfg_.env & kEnvOthers) && prev == kNone && next != kNone && ch_->pick(2)) {
    next = kNone;
    retry = true;
  }
  next = pickProxy(c, prev, next);
  if (cfg_.bal_cb) {
    // do_pick_task_scx's out: label (ext.c:3482-3513).  The validation
    // environment's "another task runs instead" stands for a higher class
    // that enqueued while dispatch_one dropped the lock: RETRY_TASK, so a
    // pending callback becomes the irq_work.  Every other pick is final.
    if (retry) {
      if (cs.rqf & kRqBalCbPending) {
        cs.rqf &= static_cast<uint8_t>(~kRqBalCbPending);
        site(Site::ScheduleDeferred);
        cs.rqf |= kRqIrqWork;
      }
    } else {
      maybeQueueBalanceCallback(c);
    }
  }
  if (cfg_.kicks) {
    // (a retry leaves the kick sync wait pending for the next pick, ext.c:3486-3492)
    if (!retry) maybeQueueKickSync(c);
    // __schedule: clear_tsk_need_resched(prev) after the pick (core.c:7239)
    cs.ksync &= static_cast<uint8_t>(~kSyncResched);
  }
  if (next != kNone && !tk(next).slice) tk(next).slice = 1;  // refill_task_slice_dfl
  cs.verdict = 0;
  cs.loops = 0;
  cs.nr_tasks = 0;
  cs.actions = 0;
  if (next != prev) {
    // put_prev_set_next_task (sched.h:2796-2808), no lock drop
    if (prev != kNone) putPrevTask(c, prev, next);
    if (next != kNone) setNextTask(c, next);
    cs.curr = next;
    emit(Ev::Switch, kNone, prev, next, c);
  }
  // __schedule's tail, still under the rq lock: finish_lock_switch after a
  // switch (core.c:5262), or rq_unpin_lock + __balance_callbacks without
  // one (core.c:7286-7287).  The splice empties rq->balance_callback; then
  // deferred_bal_cb_workfn -> run_deferred (ext.c:1003-1006), in process
  // context, may drop and retake the rq lock (kRqInBalCb until it ends).
  // --kicks: kick_sync_bal_cb was queued last, so it heads the list and
  // runs first (queue_balance_callback pushes at the head, sched.h:2163-2164)
  if (cfg_.kicks && (cs.kick & kKickSyncBalCbQueued)) {
    site(Site::BalanceCallbacks);
    cs.kick &= static_cast<uint8_t>(~kKickSyncBalCbQueued);
    f.d = kNone;
    if (cfg_.bal_cb && (cs.rqf & kRqBalCbQueued)) {
      cs.rqf &= static_cast<uint8_t>(~kRqBalCbQueued);  // spliced with it
      f.d = 1;
    }
    f.op = static_cast<uint8_t>(Op::Kick);
    f.t = kNone;
    goTo(Pc::KickSyncWait);
    return;
  }
  if (cfg_.bal_cb && (cs.rqf & kRqBalCbQueued)) {
    site(Site::BalanceCallbacks);
    cs.rqf = static_cast<uint8_t>((cs.rqf & ~kRqBalCbQueued) | kRqInBalCb);
    f.op = static_cast<uint8_t>(Op::Deferred);
    f.t = kNone;
    goTo(Pc::Deferred);
    return;
  }
  endPath();
}

// maybe_queue_balance_callback (ext.c:2959-2970): queue_balance_callback
// (sched.h:2148-2162; balance_push is not modeled: CPUs stay online) once
// dispatch_one is over, so no other path sees the callback while the lock
// was dropped.
void ExtCore::maybeQueueBalanceCallback(uint8_t rq) {
  CpuState& cs = cpu(rq);
  if (!(cs.rqf & kRqBalCbPending)) return;
  site(Site::MaybeQueueBalanceCallback);
  cs.rqf = static_cast<uint8_t>((cs.rqf & ~kRqBalCbPending) | kRqBalCbQueued);
}

void ExtCore::putPrevTask(uint8_t rq, uint8_t t, uint8_t next) {
  site(Site::PutPrevTask);
  kickSyncAdvance(rq);  // --kicks: smp_store_release(&rq->scx.kick_sync, +1) (ext.c:3182)
  if (!queued(t)) return;  // stopping was already called by dequeue
  opsStopping(t, true);
  // set_task_runnable; slice left (preempted): back to the local DSQ head,
  // unless the CPU bypasses (ext.c:3214-3215; docs/lockless.md D3): then
  // scx_do_enqueue_task, which takes the bypass DSQ
  if (tk(t).slice && !bypassing(rq)) {
    dispatchEnqueue(rq, rq, t, /*apply_slice=*/false, /*clear_opss=*/false, /*head=*/true);
    return;
  }
  if (next == kNone) warn(Warn::EnqLastWithoutFlag, t);
  // The still-current task goes back to the BPF scheduler (ext.c:3268).
  doEnqueueTask(rq, t, 0, kNone);
}

void ExtCore::setNextTask(uint8_t rq, uint8_t t) {
  site(Site::SetNextTask);
  if (queued(t)) {
    // Core-sched might run p before it was dispatched: ops_dequeue with
    // SCX_DEQ_CORE_SCHED_EXEC (ext.c:3067-3073); normally a no-op.
    if (!opsDequeueClaim(t)) warn(Warn::SetNextBlocked, t);
    else if (leaveCustody(t)) emit(Ev::OpsDequeue, t, kDeqCoreSchedExec);
    dispatchDequeue(rq, t);
  }
  if (queued(t)) opsRunning(t);
}

}  // namespace scxmc
