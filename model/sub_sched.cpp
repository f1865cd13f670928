// Sub-schedulers (Config::sub_scheds, docs/sub-sched.md): one child
// scheduler bound to a cgroup under the root, its enable
// (scx_sub_enable_workfn, sub.c:1708-1989) and its disable (scx_sub_disable,
// sub.c:1505-1668), and which scheduler owns each task (p->scx.sched:
// scx_task_sched internal.h:2421, scx_set_task_sched sub.c:101).
//
// Both run on the lifecycle helper, between the root's enable and its
// disable: the root's disable waits for the child to unlink first
// (drain_descendants sub.c:1229, called from scx_root_disable ext.c:6614),
// and the child's enable and the root's enable are serialized by
// scx_enable_mutex and the one scx_enable_helper worker (ext.c:8142).
//
// Granularity (docs/lockless.md): every step below runs under locks that
// every other writer of what it touches must hold.  p->scx.sched is written
// only under p's pi_lock and rq lock (scx_rehome_task, the switch loop's
// sched_change: lockdep_assert_held, sub.c:1252-1253) and read under one of
// them (scx_task_sched's rcu_dereference_protected), so no read of it is a
// pause point.  The lockless accesses of this area are exit claiming's
// (docs/sub-sched.md section 2, "Exit claiming"): the exit_kind cmpxchg,
// each smp_store_mb(->aborting), the children-list walk of the sweep,
// scx_disable_workfn's cmpxchg to DONE and scx_link_sched's ->aborting
// read are each the commit access of a step of its own.
//
// Abstractions of this slice (docs/sub-sched.md gives the argument for each):
// * ops.init_task of the loops runs in the same step as the iterator's
//   lock/unlock/relock: the window matters only to sched_ext_dead and
//   cgroup migrations, which --sub-scheds does not offer yet;
// * a running task is changed (sched_change's put_prev/set_next) only while
//   its CPU is at rest, not inside __schedule with its rq lock dropped in
//   balance_one: as the environment's sched_change of a running task;
// * the child's own bypass (scx_bypass(sch, ...), sub.c:1517, 1835, 1974)
//   is not modeled: the child's tasks keep the non-bypass paths;
// * scx_disable_and_exit_task's transient NULL owner (ext.c:4185) is not
//   stored: it is invisible outside the step's pi_lock + rq lock.
#include "access_trace.hpp"
#include "ext_core.hpp"

namespace scxmc {

uint8_t ExtCore::eventSched(Ev k, uint8_t t) {
  if (!cfg_.sub_scheds) return kSchedRoot;
  if (sch_override_ != kNone) return sch_override_;
  if (t == kNone || t >= cfg_.tasks) return kSchedRoot;
  switch (k) {
    case Ev::KfInsert: case Ev::KfDsqMove: {
      // the kfuncs act for the calling program's scheduler (scx_prog_sched);
      // the model's ops.dispatch stands for every scheduler's, and tags the
      // event with the task's owner for the monitors (docs/sub-sched.md,
      // "Dispatch routing"): no kernel read of p->scx.sched
      trace::Bookkeeping tag;
      return taskSched(t);
    }
    case Ev::OpsSelectCpu: case Ev::OpsEnqueue: case Ev::OpsDequeue: case Ev::OpsRunnable:
    case Ev::OpsRunning: case Ev::OpsStopping: case Ev::OpsQuiescent: case Ev::OpsSetWeight:
    case Ev::OpsSetCpumask: case Ev::OpsLife:
      return taskSched(t);  // scx_task_sched(p) (internal.h:2421), under p's pi_lock or rq lock
    default:
      return kSchedRoot;
  }
}

void ExtCore::lifeOpOn(uint8_t sch, LifeOp op, uint8_t t, uint8_t arg) {
  const uint8_t saved = sch_override_;
  sch_override_ = sch;
  lifeOp(op, t, arg);
  sch_override_ = saved;
}

void ExtCore::setTaskSched(uint8_t t, uint8_t sch) {
  site(Site::SetTaskSched);
  emit(Ev::SetSched, t, sch);
  setFlagBit(t, kTaskSubOwned, sch == kSchedChild0);
}

void ExtCore::subEnableLink() {
  // scx_sub_enable_workfn: scx_enable_mutex (sub.c:1718); find_parent_sched
  // under scx_sched_lock (sub.c:1737-1745); scx_link_sched (sub.c:1790):
  // scx_bypass_lock, scx_sched_lock, the parent's bypass_depth (0 here: only
  // the helper bypasses the root, and it is here), the hash insert, and
  // list_add_tail_rcu on the parent's children (ext.c:6502-6531): the walk
  // of a concurrent scx_claim_exit reads that list without a lock, so the
  // step ends there (SubEnLinked), keeping the two spinlocks
  site(Site::SubEnable);
  lock(LockClass::EnableMutex);
  lock(LockClass::SchedLock);
  unlock(LockClass::SchedLock);
  site(Site::LinkSched);
  lock(LockClass::BypassLock);
  lock(LockClass::SchedLock);
  s_->life_pc = static_cast<uint8_t>(LifePc::SubEnLinked);
}

void ExtCore::subLinkCheck() {
  // smp_mb(); READ_ONCE(parent->aborting) (ext.c:6537-6538): the step's
  // commit access; it pairs with scx_claim_exit's smp_store_mb (ext.c:6829)
  site(Site::LinkAborting);
  if (s_->sub_exit & kSubAbortingRoot) {
    // back out: hash remove, list_del_rcu, scx_error(sch, "parent
    // disabled") (ext.c:6539-6543), unlock; scx_sub_enable_workfn's
    // err_disable (sub.c:2015-2023): mutex unlock, scx_error(sch) again (a
    // no-op once claimed), scx_flush_disable_work waits for the child's
    // disable (SubEnFailed).  The child is on no list an ancestor walks,
    // so its claim (scx_vexit -> scx_claim_exit -> scx_finish_exit) races
    // only with the claimer's claim of the child, decided by the cmpxchg;
    // its ->aborting store and irq_work queues are one step with it (the
    // child's ->aborting has no reader in the model: no grandchild links
    // under it, and the dispatch path reads the root's, consume.cpp).
    subChildErrorClaim();
    unlock(LockClass::SchedLock);
    unlock(LockClass::BypassLock);
    site(Site::SubEnableFailed);
    unlock(LockClass::EnableMutex);
    s_->life_pc = static_cast<uint8_t>(LifePc::SubEnFailed);
    return;
  }
  // sch->linked = true, scx_sched_all, unlock (ext.c:6546-6553)
  unlock(LockClass::SchedLock);
  unlock(LockClass::BypassLock);
  // (--sub-early-fail) ops.init, ops.sub_attach and ops.cgroup_init below
  // may return an error: a failing BPF callback (the choice is the
  // program's).  The error's scx_error(sch) is the helper's next step: its
  // exit_kind cmpxchg is a lockless access the claimer races with.
  const auto fails = [&] { return cfg_.sub_early_fail && ch_->pick(2) == 1; };
  const auto failEarly = [&](Site where) {
    // goto err_disable: scx_enable_mutex unlock (sub.c:2016).  The model
    // unlocks it before the claim that precedes it in the kernel
    // (sub.c:1815, 1830): no other actor of the model takes the mutex and
    // the claim takes no lock, so the order of the two is not observable;
    // it lets SubEnErrEarly's next step be the claim exactly while the
    // child's exit_kind is NONE.
    site(where);
    unlock(LockClass::EnableMutex);
    s_->life_pc = static_cast<uint8_t>(LifePc::SubEnErrEarly);
  };
  // ops.init of the child (sub.c:1811-1818; cpus_read_lock only around its
  // arena objects, sub.c:1805-1809), the parent's ops.sub_attach (sub.c:1826)
  if (fails()) {
    lifeOpOn(kSchedChild0, LifeOp::Init, kNone, kLifeOpFailed);
    failEarly(Site::SubInitFailed);
    return;
  }
  lifeOpOn(kSchedChild0, LifeOp::Init);
  if (fails()) {
    lifeOpOn(kSchedRoot, LifeOp::SubAttach, kNone, kLifeOpFailed);
    failEarly(Site::SubAttachFailed);
    return;
  }
  lifeOpOn(kSchedRoot, LifeOp::SubAttach);
  // fork rwsem, scx_cgroup_lock (sub.c:1841-1842), set_cgroup_sched
  // (sub.c:1848), scx_cgroup_claim_subtree (sub.c:1859): the child's
  // ops.cgroup_init, then the parent's ops.cgroup_exit (sub.c:1346-1400)
  lock(LockClass::ForkRwsem);
  lock(LockClass::CgroupMutex);
  lock(LockClass::CgroupOpsRwsem);
  site(Site::ClaimSubtree);
  if (fails()) {
    // the child's ops.cgroup_init of the subtree's one task_group failed
    // (sub.c:1369-1371): the claim's scx_error is the next step, with the
    // locks held
    lifeOpOn(kSchedChild0, LifeOp::CgroupInit, kNone, kLifeOpFailed);
    s_->life_pc = static_cast<uint8_t>(LifePc::SubEnErrClaim);
    return;
  }
  lifeOpOn(kSchedChild0, LifeOp::CgroupInit);
  lifeOpOn(kSchedRoot, LifeOp::CgroupExit);
  s_->life_pc = static_cast<uint8_t>(LifePc::SubEnInit);
}

bool ExtCore::subChangeBegin(uint8_t t, SubChange* c, bool iter) {
  if (iter) lock(LockClass::ScxTasks);
  if (!taskRqLock(t)) return false;
  const uint8_t rq = tk(t).cpu;
  c->queued = onExt(t) && tk(t).on_rq == static_cast<uint8_t>(OnRq::Queued);
  c->running = cpu(rq).curr == t;  // (the model's curr is an ext task)
  if (c->running) {
    // A running task is changed while its CPU is at rest, as the
    // environment's sched_change of a running task (TaskEv::Change): not
    // while that CPU is inside __schedule with its rq lock dropped in
    // balance_one (the model's restriction, docs/sub-sched.md section 3;
    // the actor's pc and the proxy donor are the model's, not a kernel read)
    trace::Bookkeeping guard;
    if (s_->actor[rq].pc != static_cast<uint8_t>(Pc::Rest) || s_->proxy_exec[rq] != kNone) {
      blocked_ = true;
      return false;
    }
  }
  if (c->queued) {
    // dequeue_task_scx (ext.c:2311): ops_dequeue, and for the current task
    // ops.stopping(false) and ops.quiescent (ext.c:2342-2350)
    const DeqStart r = dequeueTaskBegin(rq, t, kDeqSave);
    if (r == DeqStart::Spin) { blocked_ = true; return false; }
    if (r == DeqStart::Proceed) dequeueTaskFinish(rq, t, dequeueFlags(kDeqSave));
    if (blocked_) return false;
  }
  // put_prev_task_scx (ext.c:3175): p is no longer QUEUED, so only the
  // kick_sync store (ext.c:3182)
  if (c->running) putPrevTask(rq, t, kNone);
  return !blocked_;
}

bool ExtCore::subChangeEnd(uint8_t t, const SubChange& c, bool iter) {
  const uint8_t rq = tk(t).cpu;
  // enqueue_task_scx with ENQUEUE_RESTORE: a running task is sent to its
  // local DSQ (sticky_cpu, ext.c:2199-2201), set_next_task_scx takes it off
  // again and calls the new owner's ops.running (ext.c:3063-3080)
  if (c.queued) enqueueTask(rq, t, kEnqRestore);
  if (blocked_) return false;
  if (c.running) setNextTask(rq, t);
  unlockRq();
  unlock(LockClass::PiLock, t);
  if (iter) unlock(LockClass::ScxTasks);
  return true;
}

void ExtCore::subEnableInitTask(uint8_t t) {
  // scx_task_iter_next_locked, unlock, __scx_init_task(sch) with no lock
  // (sub.c:1903: the task stays READY/ENABLED on the parent), task_rq_lock,
  // SCX_TASK_SUB_INIT (sub.c:1930)
  site(Site::SubInitLoop);
  lock(LockClass::ScxTasks);
  if (!taskRqLock(t)) return;
  unlockRq();
  unlock(LockClass::PiLock, t);
  unlock(LockClass::ScxTasks);
  site(Site::InitTask);
  // --sub-enable-fail: the child's ops.init_task may fail (sub.c:1903-1905):
  // `goto abort` (put_task_struct, scx_task_iter_stop, sub.c:1990-1992)
  const bool fail = cfg_.sub_enable_fail && ch_->pick(2) == 1;
  lifeOpOn(kSchedChild0, LifeOp::InitTask, t, fail ? kInitTaskFailed : kNone);
  if (fail) {
    site(Site::SubEnableAbort);
    s_->life_pc = static_cast<uint8_t>(LifePc::SubEnAbort);
    return;
  }
  if (!taskRqLock(t)) return;
  setFlagBit(t, kTaskSubInit, true);
  unlockRq();
  unlock(LockClass::PiLock, t);
}

void ExtCore::subEnableSwitchTask(uint8_t t) {
  // sched_change(SAVE|MOVE) (sub.c:1944): the parent's disable and
  // exit_task (__scx_disable_and_exit_task, ext.c:4125: the task stays
  // READY), the owner becomes the child (sub.c:1960), the child's
  // ops.enable if on ext (sub.c:1961-1962), SUB_INIT cleared (sub.c:1964)
  site(Site::SubSwitchLoop);
  SubChange change;
  if (!subChangeBegin(t, &change)) return;
  const bool enabled = tk(t).scx_state == static_cast<uint8_t>(ScxTaskState::Enabled);
  if (enabled) scxDisableTask(t);  // the parent's: the owner still
  site(Site::DisableAndExit);
  lifeOpOn(kSchedRoot, LifeOp::ExitTask, t);
  setTaskSched(t, kSchedChild0);
  if (enabled) {
    site(Site::SwitchingTo);
    lifeOpOn(kSchedChild0, LifeOp::Enable, t);
    setTaskState(t, ScxTaskState::Enabled);
  }
  setFlagBit(t, kTaskSubInit, false);
  subChangeEnd(t, change);
}

void ExtCore::subDisableLock(bool claimed) {
  // scx_sub_disable (reached through the child's disable work,
  // scx_disable_workfn ext.c:6841-6862): drain_descendants (no grandchild),
  // scx_enable_mutex, fork rwsem, scx_cgroup_lock (sub.c:1525-1527); linked:
  // set_cgroup_sched to the parent (sub.c:1540); scx_cgroup_return_subtree:
  // the child's ops.cgroup_exit, the parent's ops.cgroup_init (sub.c:1546)
  site(Site::SubDisable);
  lock(LockClass::EnableMutex);
  lock(LockClass::ForkRwsem);
  lock(LockClass::CgroupMutex);
  lock(LockClass::CgroupOpsRwsem);
  subReturnSubtree(claimed);
  s_->life_pc = static_cast<uint8_t>(LifePc::SubDisTasks);
}

void ExtCore::subReturnSubtree(bool claimed) {
  // only a task_group the child holds (tg->scx.sched == sch, sub.c:1447):
  // after a failed scx_cgroup_claim_subtree it is still the parent's
  // (--sub-early-fail)
  site(Site::ReturnSubtree);
  if (!claimed) return;
  lifeOpOn(kSchedChild0, LifeOp::CgroupExit);
  lifeOpOn(kSchedRoot, LifeOp::CgroupInit);
}

void ExtCore::subDetach(bool attached) {
  if (attached) lifeOpOn(kSchedRoot, LifeOp::SubDetach);
}

void ExtCore::subDisableTask(uint8_t t) {
  // the iterator's visit (sub.c:1549-1580), __scx_init_task(parent) with
  // no lock (sub.c:1583), task_rq_lock (sub.c:1590), scx_rehome_task
  // (sub.c:1606)
  site(Site::SubDisableLoop);
  lock(LockClass::ScxTasks);
  if (!taskRqLock(t)) return;
  unlockRq();
  unlock(LockClass::PiLock, t);
  unlock(LockClass::ScxTasks);
  site(Site::InitTask);
  // --sub-fail-parent: the parent's ops.init_task may fail (sub.c:1583-1587)
  const bool fail = cfg_.sub_fail_parent && ch_->pick(2) == 1;
  lifeOpOn(kSchedRoot, LifeOp::InitTask, t, fail ? kInitTaskFailed : kNone);
  if (fail) {
    subFailParent(t);
    return;
  }
  rehomeInSchedChange(t, kSchedRoot, true);
}

void ExtCore::subFailParent(uint8_t t) {
  // scx_fail_parent (sub.c:1291-1317), still inside scx_sub_disable's loop
  // and its locks: scx_error(parent) (sub.c:1298) -> scx_vexit ->
  // scx_claim_exit(parent, SCX_EXIT_ERROR): the exit_kind cmpxchg
  // (ext.c:6810) is this step's last access.  A claim that wins goes on
  // with the sweep and the irq_work queues as the claimer's stages do
  // (ClaimPc), on this helper (kSubClaimHelper): scx_fail_parent's
  // scx_bypass waits for scx_error to return.  (No other claim is in
  // progress when this one wins: the claimer, or the NMI, claims only the
  // root, which it would then have claimed; the child's own claim has
  // ended, since its disable runs.)
  site(Site::SubFailParent);
  scxError(ErrorKind::InitTaskFailed, t);
  if (claimExitKind(kSchedRoot))
    s_->sub_claim = static_cast<uint8_t>((s_->sub_claim & ~kSubClaimPcMask) |
                                         static_cast<uint8_t>(ClaimPc::RootClaimed) | kSubClaimHelper);
  s_->life_pc = static_cast<uint8_t>(LifePc::SubDisFail);
}

void ExtCore::subChildErrorClaim() {
  // scx_error(child) -> scx_vexit -> scx_claim_exit(child, SCX_EXIT_ERROR):
  // the exit_kind cmpxchg (ext.c:6810), the step's commit access; if it
  // wins, smp_store_mb(child->aborting) with the (empty: no grandchild)
  // walk, and scx_finish_exit's irq_work queues (ext.c:6829-6832, 7273).
  // They share the step: the child's ->aborting has no reader in the model
  // (no grandchild links under it, the dispatch path reads the root's,
  // consume.cpp) and the root's sweep only ever stores true to it; each
  // irq_work queue is an atomic whose only other accessor is that work's
  // run, a step of its own that needs it queued.  A claim that loses
  // (the claimer or the root's propagation claimed the child first)
  // changes nothing.
  if (claimExitKind(kSchedChild0)) {
    s_->sub_exit |= kSubAbortingChild;
    s_->sub_claim |= static_cast<uint8_t>(kSubPropagateChild | kSubDisableChild);
  }
}

void ExtCore::subAbortVisit(uint8_t t) {
  // scx_task_iter_next_locked (task_rq_lock under scx_tasks_lock), the
  // SUB_INIT task's undo, the iterator's unlock (sub.c:2003-2007)
  site(Site::SubAbortLoop);
  lock(LockClass::ScxTasks);
  if (!taskRqLock(t)) return;
  subAbortCancelTask(t);
  unlockRq();
  unlock(LockClass::PiLock, t);
  unlock(LockClass::ScxTasks);
}

void ExtCore::subAbortCancelTask(uint8_t t) {
  // scx_sub_init_cancel_task(sch, p) (ext.c:4159-4169: the child's
  // ops.exit_task with args.cancelled; p stays on the parent) and SUB_INIT
  // cleared (sub.c:2004-2006).  No scx_disable_task: the child never
  // enabled p (sub.c:1994-1997).
  site(Site::DisableAndExit);
  lifeOpOn(kSchedChild0, LifeOp::ExitTask, t, kExitTaskInitCancel);
  setFlagBit(t, kTaskSubInit, false);
}

void ExtCore::subPuntTask(uint8_t t) {
  // scx_punt_task (sub.c:1279-1289) inside its sched_change: exit from the
  // current owner (scx_disable_and_exit_task ext.c:4171: disable if
  // enabled, exit_task, owner NULL, NONE), then owner = the parent; the
  // task stays in NONE, on ext if it was (kTaskPunted), and its
  // sched_change's enqueue goes to the parent, which is bypassed
  site(Site::PuntTask);
  if (!(s_->bypass_depth & ~kBypassInLoop)) warn(Warn::PuntNotBypassed, t);  // sub.c:1283
  const bool enabled = tk(t).scx_state == static_cast<uint8_t>(ScxTaskState::Enabled);
  if (enabled) scxDisableTask(t);
  site(Site::DisableAndExit);
  lifeOp(LifeOp::ExitTask, t);  // scx_task_sched(p): the child
  setTaskState(t, ScxTaskState::None);
  setTaskSched(t, kSchedRoot);
  if (enabled) setFlagBit(t, kTaskPunted, true);
}

void ExtCore::subRehomeTask(uint8_t t, uint8_t to) {
  // scx_rehome_task sub.c:1250-1265, inside its sched_change: exit from the
  // current owner (scx_disable_and_exit_task ext.c:4171: disable if
  // enabled, exit_task, NONE), INIT_BEGIN, INIT, the new owner, READY, and
  // the new owner's ops.enable (the task is on ext)
  site(Site::RehomeTask);
  const bool enabled = tk(t).scx_state == static_cast<uint8_t>(ScxTaskState::Enabled);
  if (enabled) scxDisableTask(t);
  site(Site::DisableAndExit);
  lifeOp(LifeOp::ExitTask, t);  // scx_task_sched(p)
  setTaskState(t, ScxTaskState::None);
  setTaskState(t, ScxTaskState::InitBegin);
  setTaskState(t, ScxTaskState::Init);
  setTaskSched(t, to);
  setTaskState(t, ScxTaskState::Ready);
  if (enabled) {
    site(Site::SwitchingTo);
    lifeOpOn(to, LifeOp::Enable, t);
    setTaskState(t, ScxTaskState::Enabled);
  }
}

// ---- exit claiming ---------------------------------------------------------

const char* claimPcName(uint8_t pc) {
  static const char* const n[] = {"idle", "root claimed", "root swept", "root: queue irq_works", "child claimed"};
  static_assert(sizeof(n) / sizeof(n[0]) == static_cast<size_t>(ClaimPc::Count));
  return pc < static_cast<uint8_t>(ClaimPc::Count) ? n[pc] : "?";
}

ExitKind ExtCore::exitKind(uint8_t sch) {
  const int sh = sch == kSchedRoot ? kSubExitRootShift : kSubExitChildShift;
  return static_cast<ExitKind>((s_->sub_exit >> sh) & 3);
}

void ExtCore::setExitKind(uint8_t sch, ExitKind k) {
  const int sh = sch == kSchedRoot ? kSubExitRootShift : kSubExitChildShift;
  s_->sub_exit = static_cast<uint8_t>((s_->sub_exit & ~(3u << sh)) | (static_cast<unsigned>(k) << sh));
}

bool ExtCore::claimExitKind(uint8_t sch) {
  // atomic_try_cmpxchg(&sch->exit_kind, &none, kind) (ext.c:6810)
  site(Site::ClaimExit);
  if (exitKind(sch) != ExitKind::None) return false;
  setExitKind(sch, ExitKind::Claimed);
  return true;
}

void ExtCore::disableParentClaim(uint8_t sch) {
  // scx_disable (ext.c:6864-6869) -> scx_claim_exit(sch, SCX_EXIT_PARENT):
  // only WRITE_ONCE(sch->aborting, true) (ext.c:6813-6815), then
  // irq_work_queue(&sch->disable_irq_work) (ext.c:6868)
  if (!claimExitKind(sch)) return;
  s_->sub_exit |= sch == kSchedRoot ? kSubAbortingRoot : kSubAbortingChild;
  s_->sub_claim |= sch == kSchedRoot ? kSubDisableRoot : kSubDisableChild;
}

void ExtCore::propagateExit(uint8_t sch) {
  // scx_propagate_exit_irq_workfn (ext.c:6780-6790), in hardirq: under
  // scx_sched_lock (irqsave), scx_disable(pos, SCX_EXIT_PARENT) for every
  // pos of scx_for_each_descendant_pre(pos, sch), sch itself first.  The
  // children list is written only under scx_sched_lock (scx_link_sched,
  // scx_unlink_sched), so the walk is exact; the one lockless access is
  // each claim's cmpxchg, of which only the child's can race (the root's
  // was claimed before its irq_work was queued), so the step has one.
  if (s_->life_pc == static_cast<uint8_t>(LifePc::SubEnLinked)) { blocked_ = true; return; }  // held by scx_link_sched
  site(Site::PropagateExit);
  ctx_ = LockCtx::Hardirq;
  lock(LockClass::SchedLock);
  s_->sub_exit &= static_cast<uint8_t>(sch == kSchedRoot ? ~kSubPropagateRoot : 0xff);
  s_->sub_claim &= static_cast<uint8_t>(sch == kSchedRoot ? 0xff : ~kSubPropagateChild);
  disableParentClaim(sch);
  if (sch == kSchedRoot && subListed(s_->life_pc)) disableParentClaim(kSchedChild0);
  unlock(LockClass::SchedLock);
}

bool ExtCore::disableWorkfn(uint8_t sch) {
  // the work is off its queue once it runs; atomic_read, then
  // atomic_try_cmpxchg(&sch->exit_kind, &kind, SCX_EXIT_DONE) until it
  // succeeds (ext.c:6846-6854): the step's commit access
  site(Site::DisableWorkfn);
  s_->sub_claim &= static_cast<uint8_t>(~(sch == kSchedRoot ? kSubDisableRoot : kSubDisableChild));
  if (exitKind(sch) == ExitKind::Done) return false;  // already disabled
  setExitKind(sch, ExitKind::Done);
  return true;
}

void ExtCore::subDisableOwningNothing(bool linked) {
  // scx_sub_disable (sub.c:1505-1652) of a child that owns no task and no
  // task_group and was not attached.  Its own bypass is not modeled
  // (docs/sub-sched.md section 3); drain_descendants: no grandchild.  The
  // mutex, the fork rwsem, scx_cgroup_lock (sub.c:1525-1527), then:
  //  * not linked (the link's back-out): goto dump (sub.c:1537-1538, 1612);
  //    synchronize_rcu_expedited has nothing of it in flight;
  //    scx_unlink_sched removes it from scx_sched_all only (ext.c:6557);
  //  * linked (--sub-early-fail: its ops.init or ops.sub_attach failed):
  //    set_cgroup_sched never pointed its cgroup at it (sub.c:1848), so
  //    set_cgroup_sched to the parent (sub.c:1540) is a no-op,
  //    scx_cgroup_return_subtree (sub.c:1546) skips the parent's task_group
  //    and the re-home loop's filter (sub.c:1555) every task (the
  //    iterator's task_rq_lock per task is taken and dropped with no
  //    access, and adds no lock-order edge the re-home loop's own visits do
  //    not: not modeled); synchronize_rcu_expedited (sub.c:1626, as
  //    SubDisExit: every path in flight has left), scx_unlink_sched
  //    (sub.c:1629).
  // Then unlock (sub.c:1616-1617), the mutex, no ops.sub_detach
  // (sub_attached is false, sub.c:1640), ops.exit (sub.c:1652), even without
  // ops.init.  One step: its only lockless access is the unlink's
  // list_del_rcu, the last one.
  if (linked)
    for (int a = 0; a < cfg_.actors(); ++a)
      if (s_->actor[a].pc != static_cast<uint8_t>(Pc::Rest)) { blocked_ = true; return; }
  site(linked ? Site::SubDisableUnattached : Site::SubDisableUnlinked);
  lock(LockClass::EnableMutex);
  lock(LockClass::ForkRwsem);
  lock(LockClass::CgroupMutex);
  if (blocked_) return;  // (a cgroup.procs write holds cgroup_mutex: the step is discarded whole)
  lock(LockClass::CgroupOpsRwsem);
  if (linked) subReturnSubtree(false);
  unlock(LockClass::CgroupOpsRwsem);
  unlock(LockClass::CgroupMutex);
  unlock(LockClass::ForkRwsem);
  site(Site::UnlinkSched);
  lock(LockClass::SchedLock);
  unlock(LockClass::SchedLock);
  unlock(LockClass::EnableMutex);
  site(Site::SubExit);
  subDetach(false);
  lifeOpOn(kSchedChild0, LifeOp::Exit);
  s_->life_pc = static_cast<uint8_t>(LifePc::SubGone);
}

void ExtCore::claimContinue(ClaimPc pc) {
  auto setPc = [&](ClaimPc to) {
    s_->sub_claim = static_cast<uint8_t>((s_->sub_claim & ~kSubClaimPcMask) | static_cast<uint8_t>(to));
    // (--nmi, --sub-fail-parent: the claim is over)
    if (to == ClaimPc::Idle) s_->sub_claim &= static_cast<uint8_t>(~(kSubClaimNmi | kSubClaimHelper));
  };
  // irq_work_queue(&sch->propagate_exit_irq_work) (ext.c:6832), then
  // scx_vexit's scx_finish_exit: irq_work_queue(disable_irq_work)
  // (ext.c:7273; scx_disable: ext.c:6868).  Each is an atomic on its own
  // irq_work whose only other accessor is that work's run (a step of its
  // own that needs it queued), so the two share a step.
  auto queue = [&](uint8_t sch) {
    site(Site::ClaimQueue);
    if (sch == kSchedRoot) {
      s_->sub_exit |= kSubPropagateRoot;
      s_->sub_claim |= kSubDisableRoot;
    } else {
      s_->sub_claim |= static_cast<uint8_t>(kSubPropagateChild | kSubDisableChild);
    }
    setPc(ClaimPc::Idle);
  };
  // Where no link is ahead (the child's enable is past scx_link_sched or
  // cannot start), the root's ->aborting is read only by the dispatch
  // path's consume (ExtCore::consumeAborting), which reads nothing the
  // rest of the sweep touches, and the walk decides only the child's
  // ->aborting, which has no reader in the model (liveness.cpp): the
  // rest of the root's sweep and its queues share the step
  // (docs/sub-sched.md, "Exit claiming").
  const bool link_ahead = s_->life_pc == static_cast<uint8_t>(LifePc::Enabled) ||
                          s_->life_pc == static_cast<uint8_t>(LifePc::SubEnLinked);
  auto walkToChild = [&] {
    // scx_next_descendant_pre reads the root's children list under RCU
    // only: the child is there from scx_link_sched's list_add until its
    // back-out or scx_unlink_sched
    site(Site::ClaimSweep);
    if (subListed(s_->life_pc)) s_->sub_exit |= kSubAbortingChild;
    setPc(ClaimPc::RootQueue);
  };
  switch (pc) {
    case ClaimPc::RootClaimed:  // the sweep's first node: the root itself (ext.c:6828-6829)
      site(Site::ClaimSweep);
      s_->sub_exit |= kSubAbortingRoot;
      setPc(ClaimPc::RootSwept);
      if (link_ahead) break;
      walkToChild();
      queue(kSchedRoot);
      break;
    case ClaimPc::RootSwept:
      walkToChild();
      if (!link_ahead) queue(kSchedRoot);
      break;
    case ClaimPc::RootQueue:
      queue(kSchedRoot);
      break;
    case ClaimPc::ChildClaimed:
      // the child's sweep (itself; no grandchild) and its queues: its
      // ->aborting has no reader in the model (liveness.cpp), so the
      // store shares the step with the irq_work_queue calls
      site(Site::ClaimSweep);
      s_->sub_exit |= kSubAbortingChild;
      queue(kSchedChild0);
      break;
    default:
      break;
  }
}

void ExtCore::claimerStep() {
  // The options: go on with the claim in progress, or start one (on a
  // scheduler that exists: the root while it is enabled, the child from
  // its allocation on); run a queued propagation irq_work.  One claim is
  // in progress at a time: a second context's claim of the other
  // scheduler interleaved with this one's sweep is equivalent to it
  // following the sweep (the sweeps' accesses are the root's and the
  // child's ->aborting, both only ever set to true; the child's exit_kind
  // is claimed by a root claim only later, in the propagation irq_work).
  // (--nmi: a claim the NMI started is the NMI actor's to go on with,
  // kSubClaimNmi; the claimer still runs the irq_works meanwhile.)
  enum Opt : uint8_t { Continue, ClaimRoot, ClaimChild, PropRoot, PropChild };
  uint8_t opt[5];
  int n = 0;
  const auto pc = static_cast<ClaimPc>(s_->sub_claim & kSubClaimPcMask);
  {
    trace::ChoiceReads choosing;  // which contexts have something to do
    if (pc != ClaimPc::Idle) {
      if (!(s_->sub_claim & (kSubClaimNmi | kSubClaimHelper))) opt[n++] = Continue;
    } else {
      // A claim whose cmpxchg (ext.c:6810) must fail (exit_kind no longer NONE) only
      // passes through scx_claim_exit and changes nothing: not offered.
      // Exact (it was a step back to the same state, with only the site
      // in its log), and a state where such claims were the only steps is
      // now seen by the deadlock check, which they used to hide.  With the
      // plain store of sub-claim-plain-store every claim writes.
      const auto unclaimed = [&](uint8_t sch) { return !claim_is_cmpxchg_ || exitKind(sch) == ExitKind::None; };
      if (lifeStage(s_->life_pc) == LifePc::Enabled && !lifeInBypassLoop(s_->life_pc, s_->bypass_depth) &&
          unclaimed(kSchedRoot))
        opt[n++] = ClaimRoot;
      if (isSubPc(s_->life_pc) && unclaimed(kSchedChild0)) opt[n++] = ClaimChild;
    }
    if (s_->sub_exit & kSubPropagateRoot) opt[n++] = PropRoot;
    if (s_->sub_claim & kSubPropagateChild) opt[n++] = PropChild;
  }
  if (n == 0) { blocked_ = true; return; }
  const uint8_t o = opt[n == 1 ? 0 : ch_->pick(n)];
  auto setPc = [&](ClaimPc to) {
    s_->sub_claim = static_cast<uint8_t>((s_->sub_claim & ~kSubClaimPcMask) | static_cast<uint8_t>(to));
  };
  switch (o) {
    case ClaimRoot:  // scx_vexit / scx_disable (guard(preempt)) -> scx_claim_exit(root, kind)
      if (claimExitKind(kSchedRoot)) setPc(ClaimPc::RootClaimed);
      break;
    case ClaimChild:
      if (claimExitKind(kSchedChild0)) setPc(ClaimPc::ChildClaimed);
      break;
    case PropRoot: propagateExit(kSchedRoot); break;
    case PropChild: propagateExit(kSchedChild0); break;
    case Continue: claimContinue(pc); break;
    default:
      break;
  }
}

void ExtCore::subStep(LifePc pc) {
  // a task of the child's cgroup matching `want`, in any list order, or kNone
  auto pickTask = [&](auto want) -> uint8_t {
    uint8_t c[kMaxTasks];
    int n = 0;
    {
      trace::ChoiceReads choosing;  // the task iterator's order is any order
      for (uint8_t t = 0; t < cfg_.tasks; ++t)
        if (inSubCgroup(t) && want(t)) c[n++] = t;
    }
    return n ? c[ch_->pick(n)] : kNone;
  };
  auto unlockLoop = [&] {
    unlock(LockClass::CgroupOpsRwsem);
    unlock(LockClass::CgroupMutex);
    unlock(LockClass::ForkRwsem);
  };
  switch (pc) {
    case LifePc::SubEnInit: {
      // tasks READY or ENABLED on the parent, not yet SUB_INIT
      const uint8_t t = pickTask([&](uint8_t u) {
        const auto st = static_cast<ScxTaskState>(tk(u).scx_state);
        return (st == ScxTaskState::Ready || st == ScxTaskState::Enabled) && !flagBit(u, kTaskSubInit) &&
               taskSched(u) == kSchedRoot;
      });
      if (t != kNone) {
        subEnableInitTask(t);
        break;
      }
      s_->life_pc = static_cast<uint8_t>(LifePc::SubEnSwitch);
      break;
    }
    case LifePc::SubEnSwitch: {
      const uint8_t t = pickTask([&](uint8_t u) { return flagBit(u, kTaskSubInit); });
      if (t != kNone) {
        subEnableSwitchTask(t);
        break;
      }
      // scx_cgroup_unlock, fork rwsem (sub.c:1971-1972), scx_enable_mutex (sub.c:1987)
      site(Site::SubEnabled);
      unlockLoop();
      unlock(LockClass::EnableMutex);
      s_->life_pc = static_cast<uint8_t>(LifePc::SubEnabled);
      break;
    }
    case LifePc::SubEnLinked:
      subLinkCheck();
      break;
    case LifePc::SubEnAbort: {
      // (--sub-enable-fail) the abort's loop over the child's cgroup
      // (sub.c:2002-2009); then err_unlock_and_disable: scx_cgroup_unlock,
      // the fork rwsem, scx_enable_mutex (sub.c:2011-2016), and scx_error
      // (sub.c:2022).  The unlocks share the step with the error's claim:
      // what they let run (a cgroup.procs write's steps; no other actor
      // takes scx_enable_mutex or the fork rwsem) touches neither the
      // child's exit_kind nor ->aborting, so it commutes with the claim.
      const uint8_t t = pickTask([&](uint8_t u) { return flagBit(u, kTaskSubInit); });
      if (t != kNone) {
        subAbortVisit(t);
        break;
      }
      site(Site::SubEnableErrUnlock);
      unlockLoop();
      unlock(LockClass::EnableMutex);
      subChildErrorClaim();
      s_->life_pc = static_cast<uint8_t>(LifePc::SubEnAborted);
      break;
    }
    case LifePc::SubEnErrEarly:
      // (--sub-early-fail) the failed ops.init's or ops.sub_attach's
      // scx_error(sch) while the child's exit is unclaimed; a claim made
      // after the claimer's (or the root's propagation's) would lose the
      // cmpxchg and change nothing, so from then on the helper is in
      // scx_flush_disable_work (sub.c:2023), waiting for the disable work
      // that claim queued; it runs the disable of a child that owns nothing
      if (exitKind(kSchedChild0) == ExitKind::None) {
        site(Site::EarlyErrorClaim);
        subChildErrorClaim();
        break;
      }
      if (!(s_->sub_claim & kSubDisableChild)) { blocked_ = true; return; }
      if (!disableWorkfn(kSchedChild0)) break;
      subDisableOwningNothing(true);  // (a blocked step is discarded whole)
      break;
    case LifePc::SubEnErrClaim:
      // (--sub-early-fail) scx_cgroup_claim_subtree's scx_error(sch)
      // (sub.c:1371), its unwind (sub.c:1398-1409), and
      // err_unlock_and_disable: scx_cgroup_unlock, the fork rwsem,
      // scx_enable_mutex (sub.c:2011-2016); err_disable's scx_error
      // (sub.c:2022) is a no-op after the first.  The unlocks share the step
      // with the claim, as in SubEnAbort: what they let run touches neither
      // the child's exit_kind nor its ->aborting.
      site(Site::ClaimSubtreeFailed);
      subChildErrorClaim();
      subClaimSubtreeUnwind();
      site(Site::SubEnableErrUnlock);
      unlockLoop();
      unlock(LockClass::EnableMutex);
      s_->life_pc = static_cast<uint8_t>(LifePc::SubEnErrClaimed);
      break;
    case LifePc::SubEnErrClaimed:
      // (--sub-early-fail) scx_flush_disable_work (sub.c:2023): the
      // child's disable, as after the abort but with no task_group to
      // return (the claim failed); tasks a cgroup.procs write moved into
      // its cgroup meanwhile are the child's and are re-homed
      if (!(s_->sub_claim & kSubDisableChild)) { blocked_ = true; return; }
      if (!disableWorkfn(kSchedChild0)) break;
      subDisableLock(false);
      break;
    case LifePc::SubEnFailed:
      // scx_flush_disable_work (ext.c:6879-6887) waits for the child's
      // disable work, queued by whichever claim won (the back-out's
      // scx_error or the claimer's); that work runs scx_disable_workfn on
      // the child's helper, which the model runs here, on this actor
      if (!(s_->sub_claim & kSubDisableChild)) { blocked_ = true; return; }
      if (disableWorkfn(kSchedChild0)) subDisableOwningNothing(false);
      break;
    case LifePc::SubEnabled:
    case LifePc::SubEnAborted:
      // the child's disable_work (scx_disable_workfn ext.c:6841, queued by
      // its exit claim) runs scx_sub_disable once the enable released the
      // mutex (sub.c:1525).  (--sub-enable-fail) After the abort,
      // scx_flush_disable_work(sch) (sub.c:2023, ext.c:6879-6887) waits for
      // that work, queued by whichever claim won (the abort's, the
      // claimer's, the root's propagation); the model runs it here, on this
      // helper: the child is linked, so the whole disable
      if (!(s_->sub_claim & kSubDisableChild)) { blocked_ = true; return; }
      if (!disableWorkfn(kSchedChild0)) break;
      subDisableLock();
      break;
    case LifePc::SubDisTasks: {
      // tasks not yet on the parent (scx_task_on_sched filter, sub.c:1555)
      const uint8_t t = pickTask([&](uint8_t u) { return subDisableVisits(u); });
      if (t != kNone) {
        subDisableTask(t);
        break;
      }
      unlockLoop();  // sub.c:1616-1617
      s_->life_pc = static_cast<uint8_t>(LifePc::SubDisExit);
      break;
    }
    case LifePc::SubDisFail:
      // scx_error(parent)'s claim, if it won, goes on; then scx_fail_parent's
      // scx_bypass(parent, true) (sub.c:1306), one CPU a step
      {
        bool claiming;
        {
          trace::Bookkeeping bookkeeping;  // (the helper's own place: still inside scx_error's claim)
          claiming = s_->sub_claim & kSubClaimHelper;
        }
        if (claiming) {
          claimContinue(static_cast<ClaimPc>(s_->sub_claim & kSubClaimPcMask));
          break;
        }
      }
      if (!scxBypass(true)) return;
      s_->sub_exit |= kSubRootFailBypass;
      s_->life_pc = static_cast<uint8_t>(LifePc::SubDisPunt);
      break;
    case LifePc::SubDisPunt: {
      // scx_task_iter over the child's cgroup from its start, every task not
      // on the parent (sub.c:1308-1315): task_rq_lock (the iterator's
      // scx_task_iter_next_locked, ext.c:874), scx_punt_task in its
      // sched_change.  Then the loop's break: scx_task_iter_stop, `dump`
      // (sub.c:1587-1588, 1613-1618): the cgroup locks and the fork rwsem go
      const uint8_t t = pickTask([&](uint8_t u) { return taskSched(u) != kSchedRoot; });
      if (t != kNone) {
        inSchedChange(t, true, [&] { subPuntTask(t); });
        break;
      }
      unlockLoop();
      s_->life_pc = static_cast<uint8_t>(LifePc::SubDisExit);
      break;
    }
    case LifePc::SubDisExit:
      // synchronize_rcu_expedited (sub.c:1626): every scheduler path in
      // flight has left
      for (int a = 0; a < cfg_.actors(); ++a)
        if (s_->actor[a].pc != static_cast<uint8_t>(Pc::Rest)) { blocked_ = true; return; }
      site(Site::UnlinkSched);
      lock(LockClass::SchedLock);  // scx_unlink_sched (sub.c:1629, ext.c:6557)
      unlock(LockClass::SchedLock);
      unlock(LockClass::EnableMutex);  // sub.c:1631
      site(Site::SubExit);
      subDetach(true);  // sub.c:1640-1650: attached on every path to here
      lifeOpOn(kSchedChild0, LifeOp::Exit);     // sub.c:1652
      s_->life_pc = static_cast<uint8_t>(LifePc::SubGone);
      break;
    default:
      break;
  }
}

}  // namespace scxmc
