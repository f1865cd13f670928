// Cgroup migrations between schedulers (Config::sub_migrations,
// --sub-migrations; docs/sub-sched.md "Cgroup migrations"): a write to
// cgroup.procs that moves one task between the root's cgroup and the
// child's, on a stepper of its own (the writer, Config::migratorActor(),
// no Frame: State::sub_mig).
//
// cgroup_migrate_execute (kernel/cgroup/cgroup.c:2703-2850 of
// linux-source-7.3; the cgroup core is not in the reference tree) runs with
// cgroup_mutex held from before its first step to after its last
// (cgroup_procs_write -> cgroup_kn_lock_live), and for the one task p:
//   can_attach  cpu_cgroup_can_attach -> scx_cgroup_can_attach (cgroup.c:2717,
//               core.c:9638-9653, ext.c:4984-5041): ops.cgroup_prep_move of
//               p's scheduler, unless the move re-homes p (ext.c:5014);
//   MIGRATING   scx_cgroup_task_migrating (cgroup.c:2737-2749,
//               sub.c:2036-2058): a re-homing move initializes p for the
//               destination cgroup's scheduler (__scx_init_task ext.c:3975,
//               no lock but cgroup_mutex); its failure fails the write;
//   commit      css_set_move_task under css_set_lock (cgroup.c:2757-2777);
//   attach      cpu_cgroup_attach -> sched_move_task (cgroup.c:2786-2793,
//               core.c:9656-9663, 9545-9566): task_rq_lock, sched_change,
//               scx_cgroup_move_task (ext.c:5045-5062): ops.cgroup_move
//               for a move that prepared one;
//   MIGRATED    scx_cgroup_task_migrated (cgroup.c:2802-2816,
//               sub.c:2074-2090): task_rq_lock, scx_rehome_task;
// or, when the write fails after p's MIGRATING (another task of the same
// write failed, cgroup.c:2821-2829): CGROUP_TASK_MIGRATE_CANCELED
// (sub.c:2101-2117: task_rq_lock, scx_sub_init_cancel_task ext.c:4159, the
// destination's ops.exit_task(cancelled)), then cancel_attach
// (scx_cgroup_cancel_attach ext.c:5066: ops.cgroup_cancel_move of a
// prepared move).
//
// Granularity (docs/lockless.md): the first step merges can_attach,
// MIGRATING and the commit.  What it reads, p->scx.sched, the cgroups'
// scx_sched and scx_cgroup_enabled, every writer writes under
// cgroup_mutex (scx_rehome_task's callers here and in the sub loops;
// set_cgroup_sched and scx_cgroup_enabled under scx_cgroup_lock; the root
// disable's NULL owner only after scx_cgroup_enabled is off, ext.c:6645-
// 6675), and the cgroup it writes (kTaskSubCgroup) is read only under
// cgroup_mutex; the BPF callbacks between are events, not kernel state.
// The attach and MIGRATED take p's rq lock: a step each, the writer
// pausing between them with cgroup_mutex held (heldLocks).
//
// Abstractions (docs/sub-sched.md gives the argument for each):
// * one task per write (a thread group's write is one such migration per
//   thread under one cgroup_mutex section); the cancel after a successful
//   MIGRATING stands for the failure of any later task of the write;
// * sched_move_task's sched_change dequeue/enqueue of a queued p is the
//   environment's Change event (as for the moves inside a scheduler,
//   ExtCore::cgroupAttach), not repeated here;
// * the re-home of a running task runs while its CPU is at rest (as the
//   sub loops' visits, subChangeBegin);
// * cgroup_threadgroup_rwsem, which the write also holds, is not a
//   modeled lock: no modeled path takes it (no fork with --sub-scheds).
#include "access_trace.hpp"
#include "ext_core.hpp"

namespace scxmc {

const char* migPcName(uint8_t pc) {
  static const char* const n[] = {"idle", "committed", "attached", "canceled after MIGRATING"};
  static_assert(sizeof(n) / sizeof(n[0]) == static_cast<size_t>(MigPc::Count));
  return pc < static_cast<uint8_t>(MigPc::Count) ? n[pc] : "?";
}

bool ExtCore::scxCgroupEnabled() const {
  const LifePc st = lifeStage(s_->life_pc);
  return st >= LifePc::EnInitTask && st <= LifePc::DisLock;
}

uint8_t ExtCore::cgroupSched(bool child_cgroup) const {
  const auto pc = static_cast<LifePc>(static_cast<uint8_t>(s_->life_pc));
  // set_cgroup_sched(cgrp, sch) (sub.c:1848) .. set_cgroup_sched(cgrp,
  // parent) in the disable (sub.c:1540); an aborted enable keeps it until
  // its disable (--sub-enable-fail)
  // (--sub-early-fail) and a claim of the subtree that failed keeps it too
  // (sub.c:1848-1859)
  const bool child_owns = pc == LifePc::SubEnInit || pc == LifePc::SubEnSwitch || pc == LifePc::SubEnabled ||
                          subAborting(s_->life_pc) || pc == LifePc::SubEnErrClaim || pc == LifePc::SubEnErrClaimed;
  return child_cgroup && child_owns ? kSchedChild0 : kSchedRoot;
}

void ExtCore::setMig(MigPc pc, uint8_t t, bool prepared) {
  s_->sub_mig = pc == MigPc::Idle ? 0
                                  : static_cast<uint8_t>(static_cast<uint8_t>(pc) | (prepared ? kSubMigPrepared : 0) |
                                                         t << kSubMigTaskShift);
}

void ExtCore::migratorStep() {
  const auto pc = static_cast<MigPc>(s_->sub_mig & kSubMigPcMask);
  const uint8_t t = static_cast<uint8_t>(s_->sub_mig >> kSubMigTaskShift);
  switch (pc) {
    case MigPc::Idle: migrateBegin(); return;
    case MigPc::Attach:
      if (!migrateAttach(t, s_->sub_mig & kSubMigPrepared)) return;  // (blocked, or a re-home follows)
      break;
    case MigPc::Migrated:
      cgroupTaskMigrated(t);
      break;
    case MigPc::Canceled:
      cgroupTaskMigrateCanceled(t);
      if (blocked_) return;
      // cancel_attach (cgroup.c:2831-2840): scx_cgroup_cancel_attach
      // (ext.c:5066-5080): ops.cgroup_cancel_move if p's move prepared one
      site(Site::CgroupCancelAttach);
      if (s_->sub_mig & kSubMigPrepared) lifeOp(LifeOp::CgroupCancelMove, t);
      break;
    default:
      return;
  }
  if (blocked_) return;
  unlock(LockClass::CgroupMutex);
  setMig(MigPc::Idle, 0);
}

void ExtCore::migrateBegin() {
  // cgroup_kn_lock_live -> cgroup_lock: wait while the helper holds
  // cgroup_mutex (scx_cgroup_lock in its loops)
  if (cgroupMutexHeldByOther()) { blocked_ = true; return; }
  // Which task moves, and how the write ends: committed; for a move that
  // prepares a cgroup_move, failed after ops.cgroup_prep_move (another
  // controller's can_attach, cgroup.c:2717-2721); for a re-homing move,
  // failed in ops.init_task, or after p's MIGRATING.  With
  // scx_cgroup_enabled off, ext is not called: the write commits.
  enum End : uint8_t { Commit, FailPrepared, FailInit, CancelLater };
  struct Opt { uint8_t t; End end; };
  Opt opt[kMaxTasks * 3];
  int n = 0;
  bool hooks;
  {
    trace::ChoiceReads choosing;  // (the write the user makes)
    hooks = scxCgroupEnabled();
    for (uint8_t t = 0; t < cfg_.tasks; ++t) {
      opt[n++] = {t, Commit};
      if (!hooks) continue;
      // (the write's failure after p's MIGRATING: for a re-homing move,
      // the notifier's CANCELED follows; for a prepared one it is the same
      // as a later controller's failure, FailPrepared)
      if (taskSched(t) == cgroupSched(!inSubCgroup(t))) {
        opt[n++] = {t, FailPrepared};
      } else {
        opt[n++] = {t, FailInit};
        opt[n++] = {t, CancelLater};
      }
    }
  }
  const Opt o = opt[n == 1 ? 0 : ch_->pick(n)];
  const uint8_t t = o.t;
  bool prepared = false;
  lock(LockClass::CgroupMutex);
  const bool to_child = !inSubCgroup(t);
  if (hooks) {
    const uint8_t to = cgroupSched(to_child);
    // scx_cgroup_can_attach (ext.c:4984-5041), p's scheduler
    // (scx_cgroup_task_sched, stable under cgroup_mutex, ext.c:4974-4982)
    site(Site::CgroupCanAttach);
    prepared = taskSched(t) == to;  // not a re-homing move (ext.c:5014)
    if (prepared) lifeOp(LifeOp::CgroupPrepMove, t);
    if (o.end == FailPrepared) {
      // cancel_attach: ops.cgroup_cancel_move (ext.c:5066-5080)
      site(Site::CgroupCancelAttach);
      lifeOp(LifeOp::CgroupCancelMove, t);
      unlock(LockClass::CgroupMutex);
      return;
    }
    // CGROUP_TASK_MIGRATING (cgroup.c:2737-2749)
    if (!cgroupTaskMigrating(t, to, o.end == FailInit)) {
      // out_cancel_migrating: no CANCELED for the failing task itself
      // (list_for_each_entry_continue_reverse, cgroup.c:2822), and
      // cancel_attach calls nothing for a re-homing move
      site(Site::CgroupCancelAttach);
      unlock(LockClass::CgroupMutex);
      return;
    }
    if (o.end == CancelLater) {
      setMig(MigPc::Canceled, t, prepared);
      return;
    }
  }
  // the commit: css_set_move_task under css_set_lock (cgroup.c:2757-2777)
  lock(LockClass::CssSetLock);
  setFlagBit(t, kTaskSubCgroup, to_child);
  unlock(LockClass::CssSetLock);
  setMig(MigPc::Attach, t, prepared);
}

bool ExtCore::migrateAttach(uint8_t t, bool prepared) {
  // cpu_cgroup_attach -> sched_move_task (core.c:9545-9566): task_rq_lock,
  // sched_change (its dequeue/enqueue: the environment's Change event, see
  // the header), scx_cgroup_move_task (ext.c:5045-5062): ops.cgroup_move if
  // p->scx.cgrp_moving_from was set, which it clears
  if (!taskRqLock(t)) return false;
  site(Site::CgroupMoveTask);
  if (prepared) lifeOp(LifeOp::CgroupMove, t);
  unlockRq();
  unlock(LockClass::PiLock, t);
  // CGROUP_TASK_MIGRATED's early returns (sub.c:2081-2086) read what only
  // cgroup_mutex holders write: decided here, the re-home is the next step
  const bool rehome = scxCgroupEnabled() && taskSched(t) != cgroupSched(inSubCgroup(t));
  if (rehome) {
    setMig(MigPc::Migrated, t);
    return false;
  }
  // CGROUP_TASK_MIGRATED: scx_cgroup_task_migrated returns at once (hooks
  // off, or p already on its cgroup's scheduler, sub.c:2081-2086): the
  // write ends here
  return true;
}

bool ExtCore::cgroupTaskMigrating(uint8_t t, uint8_t to, bool fail) {
  // scx_task_on_sched(to, p): nothing to prepare, NOTIFY_OK (sub.c:2051-2052).
  // Else __scx_init_task(to, p, dst, false) (sub.c:2054-2056): ops.init_task
  // of the destination's scheduler, which may fail; p stays READY/ENABLED
  // on its owner meanwhile
  site(Site::CgroupTaskMigrating);
  if (taskSched(t) == to) return true;
  site(Site::InitTask);
  lifeOpOn(to, LifeOp::InitTask, t, fail ? kInitTaskFailed : kNone);
  return !fail;
}

void ExtCore::cgroupTaskMigrated(uint8_t t) {
  // scx_cgroup_task_migrated (sub.c:2074-2090): to = the scheduler of p's
  // new cgroup, task_rq_lock, scx_rehome_task (sub.c:1250-1265) inside its
  // sched_change(DEQUEUE_SAVE | DEQUEUE_MOVE)
  site(Site::CgroupTaskMigrated);
  rehomeInSchedChange(t, cgroupSched(inSubCgroup(t)), false);
}

void ExtCore::cgroupTaskMigrateCanceled(uint8_t t) {
  // scx_cgroup_task_migrate_canceled (sub.c:2101-2117): p stayed in its
  // cgroup; to = the scheduler of the destination cgroup; task_rq_lock;
  // scx_sub_init_cancel_task (ext.c:4159-4169): the destination's
  // ops.exit_task with args.cancelled
  site(Site::CgroupTaskMigrateCanceled);
  const uint8_t to = cgroupSched(!inSubCgroup(t));
  if (!taskRqLock(t)) return;
  site(Site::DisableAndExit);
  lifeOpOn(to, LifeOp::ExitTask, t, kExitTaskInitCancel);
  unlockRq();
  unlock(LockClass::PiLock, t);
}

}  // namespace scxmc
