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
// pause point.  The lockless accesses of this area (->aborting in
// scx_link_sched, the exit_kind cmpxchg) belong to exit claiming, which
// this slice does not model yet (docs/sub-sched.md, "Not built yet").
//
// Abstractions of this slice (docs/sub-sched.md gives the argument for each):
// * ops.init_task of the loops runs in the same step as the iterator's
//   lock/unlock/relock: the window matters only to sched_ext_dead and
//   cgroup migrations, which --sub-scheds does not offer yet;
// * a task that is running, migrating or DISPATCHING is visited by a loop
//   only once it is not (the step waits), so a re-home never meets a
//   running task: an under-approximation, lifted in the next slice;
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
    case Ev::OpsSelectCpu: case Ev::OpsEnqueue: case Ev::OpsDequeue: case Ev::OpsRunnable:
    case Ev::OpsRunning: case Ev::OpsStopping: case Ev::OpsQuiescent: case Ev::OpsSetWeight:
    case Ev::OpsSetCpumask: case Ev::KfInsert: case Ev::KfDsqMove: case Ev::OpsLife:
      return taskSched(t);
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
  // the helper bypasses the root, and it is here), children list add,
  // linked = true (ext.c:6502-6547)
  site(Site::SubEnable);
  lock(LockClass::EnableMutex);
  lock(LockClass::SchedLock);
  unlock(LockClass::SchedLock);
  site(Site::LinkSched);
  lock(LockClass::BypassLock);
  lock(LockClass::SchedLock);
  unlock(LockClass::SchedLock);
  unlock(LockClass::BypassLock);
  // ops.init of the child under cpus_read_lock for its arena objects
  // (sub.c:1805-1818), the parent's ops.sub_attach (sub.c:1826)
  lifeOpOn(kSchedChild0, LifeOp::Init);
  lifeOpOn(kSchedRoot, LifeOp::SubAttach);
  // fork rwsem, scx_cgroup_lock (sub.c:1841-1842), set_cgroup_sched
  // (sub.c:1848), scx_cgroup_claim_subtree (sub.c:1859): the child's
  // ops.cgroup_init, then the parent's ops.cgroup_exit (sub.c:1346-1400)
  lock(LockClass::ForkRwsem);
  lock(LockClass::CgroupMutex);
  lock(LockClass::CgroupOpsRwsem);
  site(Site::ClaimSubtree);
  lifeOpOn(kSchedChild0, LifeOp::CgroupInit);
  lifeOpOn(kSchedRoot, LifeOp::CgroupExit);
  s_->life_pc = static_cast<uint8_t>(LifePc::SubEnInit);
}

bool ExtCore::subChangeBegin(uint8_t t, bool* queued) {
  // the loops visit a task once it is not running (see the header)
  for (int c = 0; c < cfg_.cpus; ++c)
    if (cpu(c).curr == t) { blocked_ = true; return false; }
  lock(LockClass::ScxTasks);
  if (!taskRqLock(t)) return false;
  const uint8_t rq = tk(t).cpu;
  *queued = onExt(t) && tk(t).on_rq == static_cast<uint8_t>(OnRq::Queued);
  if (*queued) {
    const DeqStart r = dequeueTaskBegin(rq, t, kDeqSave);
    if (r == DeqStart::Spin) { blocked_ = true; return false; }
    if (r == DeqStart::Proceed) dequeueTaskFinish(rq, t, dequeueFlags(kDeqSave));
  }
  return !blocked_;
}

bool ExtCore::subChangeEnd(uint8_t t, bool queued) {
  if (queued) enqueueTask(tk(t).cpu, t, kEnqRestore);
  if (blocked_) return false;
  unlockRq();
  unlock(LockClass::PiLock, t);
  unlock(LockClass::ScxTasks);
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
  lifeOpOn(kSchedChild0, LifeOp::InitTask, t);
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
  bool queued = false;
  if (!subChangeBegin(t, &queued)) return;
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
  subChangeEnd(t, queued);
}

void ExtCore::subDisableLock() {
  // scx_sub_disable (reached through the child's disable work,
  // scx_disable_workfn ext.c:6836-6855): drain_descendants (no grandchild),
  // scx_enable_mutex, fork rwsem, scx_cgroup_lock (sub.c:1525-1527); linked:
  // set_cgroup_sched to the parent (sub.c:1540); scx_cgroup_return_subtree:
  // the child's ops.cgroup_exit, the parent's ops.cgroup_init (sub.c:1546)
  site(Site::SubDisable);
  lock(LockClass::EnableMutex);
  lock(LockClass::ForkRwsem);
  lock(LockClass::CgroupMutex);
  lock(LockClass::CgroupOpsRwsem);
  site(Site::ReturnSubtree);
  lifeOpOn(kSchedChild0, LifeOp::CgroupExit);
  lifeOpOn(kSchedRoot, LifeOp::CgroupInit);
  s_->life_pc = static_cast<uint8_t>(LifePc::SubDisTasks);
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
  lifeOpOn(kSchedRoot, LifeOp::InitTask, t);
  bool queued = false;
  if (!subChangeBegin(t, &queued)) return;
  subRehomeTask(t, kSchedRoot);
  if (blocked_) return;
  subChangeEnd(t, queued);
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
    case LifePc::SubEnabled:
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
      lifeOpOn(kSchedRoot, LifeOp::SubDetach);  // sub.c:1645
      lifeOpOn(kSchedChild0, LifeOp::Exit);     // sub.c:1652
      s_->life_pc = static_cast<uint8_t>(LifePc::SubGone);
      break;
    default:
      break;
  }
}

}  // namespace scxmc
