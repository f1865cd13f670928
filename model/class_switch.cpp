// Class switches into ext at lock granularity (Config::lifecycle): the
// sched_change (core.c:11259-11346) that __sched_setscheduler
// (syscalls.c:682) and the root-enable switch loop (ext.c:8019-8038) wrap
// around a task's move from fair to ext, for a task that sleeps or that is
// runnable on fair.
//
// The fair class is abstract: a task on fair that is runnable ("queued on
// another class") has p->on_rq QUEUED and no ext state; it wakes up and
// blocks there without any ext code running (otherClassWake/Sleep).  Its
// running on fair is folded into being queued there: a task running on fair
// when it switches is modeled as a queued one (the running case, with
// put_prev_task/set_next_task_scx, is not modeled).
#include "ext_core.hpp"

namespace scxmc {

void ExtCore::otherClassWake(uint8_t t) {
  // try_to_wake_up (core.c:4274): p->pi_lock, select_task_rq_fair picks an
  // allowed CPU, activate_task on fair under that rq's lock
  site(Site::TryToWakeUp);
  lock(LockClass::PiLock, t);
  if (blocked_) return;
  uint8_t cand[kMaxCpus];
  int k = 0;
  for (uint8_t x = 0; x < cfg_.cpus; ++x)
    if (allowed(t, x)) cand[k++] = x;
  const uint8_t c = cand[ch_->pick(k)];
  setTaskCpu(t, c, /*waking=*/true);
  if (!lockRq(c)) return;
  site(Site::Activate);
  setOnRq(t, OnRq::Queued);
  unlockRq();
  unlock(LockClass::PiLock, t);
}

void ExtCore::otherClassSleep(uint8_t t) {
  // the task ran on fair and blocked: try_to_block_task -> deactivate_task
  site(Site::Schedule);
  if (!lockRq(tk(t).cpu)) return;
  site(Site::Deactivate);
  setOnRq(t, OnRq::No);
  unlockRq();
}

void ExtCore::switchingToScx(uint8_t t) {
  site(Site::SwitchingTo);
  if (custody(t)) warn(Warn::EnableInCustody, t);  // __scx_enable_task ext.c:4042
  lifeOp(LifeOp::Enable, t);  // scx_enable_task: ops.enable, then ENABLED (ext.c:4081-4085)
  setTaskState(t, ScxTaskState::Enabled);
  emit(Ev::OpsSetCpumask, t, tk(t).affinity);  // ext.c:4428-4430
}

void ExtCore::schedChangeToExt(uint8_t t) {
  const uint8_t rq = tk(t).cpu;
  // sched_change_begin: ctx->queued = task_on_rq_queued(p); dequeue_task on
  // fair (p->on_rq stays QUEUED); switched_from_fair
  const bool queued = tk(t).on_rq == static_cast<uint8_t>(OnRq::Queued);
  site(Site::SchedChangeBegin);
  // the body: p->sched_class = &ext_sched_class; sched_change_end:
  site(Site::SchedChangeEnd);
  switchingToScx(t);
  if (queued) {
    enqueueTask(rq, t, kEnqRestore);  // enqueue_task(rq, p, ctx->flags): DEQUEUE_SAVE == ENQUEUE_RESTORE
    if (blocked_) return;
  }
  switchedToScx(t);
  // then wakeup_preempt: it only reschedules the rq's current task
}

}  // namespace scxmc
