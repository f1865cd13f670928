// The scheduler's lifecycle (Config::lifecycle): the scx_enable_helper
// kthread running scx_root_enable_workfn (ext.c:7691-8108) and then
// scx_root_disable (ext.c:6605-6768), scx_bypass (ext.c:6275-6405), cgroup
// attach (ext.c:4984-5083), scx_bpf_destroy_dsq (ext.c:9931, 5300-5337),
// fork (ext.c:4236-4313), exit (sched_ext_dead ext.c:4344) and policy
// changes (switching_to_scx / switched_from_scx ext.c:4415-4449),
// concurrently with the tasks and CPUs.
//
// Abstractions (docs/lock-order.md lists them with their effect):
// * one helper step per stage or per task of a loop; the kernel drops locks
//   inside some of them (ops.init_task runs with all locks dropped: the step
//   takes and releases them in the kernel's order, so the lock graph sees
//   each nesting, but no other actor runs inside the step);
// * the per-CPU bypass DSQ is the GLOBAL DSQ (both terminal FIFOs under
//   dsq->lock that the dispatch path consumes first, inl.h:39-48);
// * scx_bypass visits the CPUs in any order (the kernel: ascending), one
//   step per CPU; its cycling's spin in ops_dequeue on a DISPATCHING task
//   ends the step with the rq held (kCpuBypassHeld);
// * a task that is not on the ext class takes no ext path: before the
//   switch it sleeps or is runnable on fair (class_switch.cpp); after the
//   disable loop moved it to fair, its on_rq/curr are no longer tracked;
// * loop order over scx_tasks is any order (a choice), which is what an
//   arbitrary list order allows;
// * destroy_dsq is only offered on an empty DSQ (where 7.3.4 does not
//   scx_error); without --destroy-dsqs it is modeled for its locks only,
//   with it the DSQ's id becomes invalid (Config::destroy_dsqs);
// * --cycles N: after a disable completes, the next attach starts again at
//   the idle stage (the Done step); the model's DSQs are the new
//   scheduler's (the disable left them empty: invariants/cycle_residue.cpp);
// * --task-death: a running task exits (do_task_dead marks it, its final
//   __schedule dequeues it like a sleep); its sched_ext_dead (taskExit) is a
//   later step of its own actor, once it is switched out;
// * fork (--fork-tasks), exit and policy changes to fair act on sleeping
//   tasks in one step each (a change to ext also on a task queued on fair);
//   no sub-schedulers, hotplug, cid or dl_server steps.
#include "access_trace.hpp"
#include "ext_core.hpp"

namespace scxmc {

const char* lifePcName(uint8_t pc) {
  static const char* const n[] = {"idle", "enable: bypass", "enable: lock fork+cgroup", "enable: init tasks",
                                  "enable: lock fork", "enable: switch tasks", "enable: unbypass",
                                  "enable: publish", "enabled", "disable: lock", "disable: tasks",
                                  "disable: exit", "disable: unbypass", "done",
                                  "enable: ops.init_task(p0)", "enable: ops.init_task(p1)",
                                  "enable: ops.init_task(p2)", "enable: ops.init_task(p3)",
                                  "sub enable: init tasks", "sub enable: switch tasks", "sub enabled",
                                  "sub disable: re-home tasks", "sub disable: unlink, exit", "sub gone",
                                  "sub enable: linked, reading parent->aborting", "sub enable: backed out",
                                  "sub disable: scx_fail_parent (error, bypass the parent)",
                                  "sub disable: scx_fail_parent (punt tasks)",
                                  "sub enable: abort (cancel the child's inits)",
                                  "sub enable: aborted, waiting for the child's disable",
                                  "sub enable: ops.init or ops.sub_attach failed (error, then the child's disable)",
                                  "sub enable: the subtree claim's ops.cgroup_init failed (locks held)",
                                  "sub enable: the subtree claim failed, waiting for the child's disable"};
  static_assert(sizeof(n) / sizeof(n[0]) == static_cast<size_t>(LifePc::Count));
  return pc < static_cast<uint8_t>(LifePc::Count) ? n[pc] : "?";
}

bool ExtCore::onExt(uint8_t t) const {
  return !cfg_.lifecycle || s_->task[t].scx_state == static_cast<uint8_t>(ScxTaskState::Enabled) ||
         punted(t);
}

void ExtCore::lifeOp(LifeOp op, uint8_t t, uint8_t arg) { emit(Ev::OpsLife, t, static_cast<uint8_t>(op), arg); }

void ExtCore::setTaskState(uint8_t t, ScxTaskState to) {
  const uint8_t from = tk(t).scx_state;
  emit(Ev::TaskState, t, from, static_cast<uint8_t>(to));
  tk(t).scx_state = static_cast<uint8_t>(to);
}

void ExtCore::setEnable(ScxEnable to) {
  emit(Ev::EnableState, kNone, s_->scx_enable, static_cast<uint8_t>(to));
  s_->scx_enable = static_cast<uint8_t>(to);
}

void ExtCore::lock(LockClass c, uint8_t inst) {
  // p->pi_lock is held by p's actor whenever it is inside a path
  if (c == LockClass::PiLock && s_->actor[cfg_.cpus + inst].pc != static_cast<uint8_t>(Pc::Rest)) {
    blocked_ = true;
    return;
  }
  // cgroup_mutex is held across steps by the helper (scx_cgroup_lock in its
  // loops) and, with --sub-migrations, by the cgroup.procs writer
  // (State::sub_mig): everyone else's mutex_lock waits for them
  if (c == LockClass::CgroupMutex && cgroupMutexHeldByOther()) {
    blocked_ = true;
    return;
  }
  lockEvent(Ev::Lock, static_cast<uint8_t>(c), inst);
}

bool ExtCore::cgroupMutexHeldByOther() const {
  // (the mutex word: the model's lock bookkeeping, read untraced)
  if (cfg_.lifecycle && !isHelper(me_) && helperHoldsCgroupMutex(untraced(s_->life_pc))) return true;
  return cfg_.sub_migrations && !isMigrator(me_) && (untraced(s_->sub_mig) & kSubMigPcMask);
}

bool ExtCore::taskRqLock(uint8_t t) {
  lock(LockClass::PiLock, t);
  // task_rq_lock waits while p is migrating and takes task_rq(p)'s lock,
  // reading both without it and checking them again once it holds it
  // (core.c:708-738): validated reads (docs/lockless.md)
  uint8_t rq;
  {
    trace::ValidatedReads validated;
    if (tk(t).on_rq == static_cast<uint8_t>(OnRq::Migrating)) blocked_ = true;
    rq = tk(t).cpu;
  }
  return !blocked_ && lockRq(rq);
}

void ExtCore::unlock(LockClass c, uint8_t inst) { lockEvent(Ev::Unlock, static_cast<uint8_t>(c), inst); }

uint8_t ExtCore::enableNext(uint8_t done) {
  switch (static_cast<LifePc>(done)) {
    case LifePc::Idle: return static_cast<uint8_t>(LifePc::EnBypass);
    case LifePc::EnBypass: return static_cast<uint8_t>(LifePc::EnInitLock);
    case LifePc::EnInitLock: return static_cast<uint8_t>(LifePc::EnInitTask);
    case LifePc::EnInitTask: return static_cast<uint8_t>(LifePc::EnSwitchLock);
    case LifePc::EnSwitchLock: return static_cast<uint8_t>(LifePc::EnSwitchTask);
    case LifePc::EnSwitchTask: return static_cast<uint8_t>(LifePc::EnUnbypass);
    case LifePc::EnUnbypass: return static_cast<uint8_t>(LifePc::EnPublish);
    default: return static_cast<uint8_t>(LifePc::Enabled);
  }
}

namespace {
// __scx_enabled (the static branch that routes picks to ext): on from
// ext.c:8012 to ext.c:6714 (the sub stages: Enabled's, lifeStage).
bool staticEnabled(LifePc pc) {
  pc = lifeStage(static_cast<uint8_t>(pc));
  return pc == LifePc::EnSwitchLock || pc == LifePc::EnSwitchTask || pc == LifePc::EnUnbypass ||
         pc == LifePc::EnPublish || pc == LifePc::Enabled || pc == LifePc::DisLock || pc == LifePc::DisTasks;
}
}  // namespace

// scx_bypass (ext.c:6275-6405), one step per CPU.  The kernel takes
// scx_bypass_lock once (ext.c:6282) and, inside, each CPU's rq lock in turn
// (ext.c:6332, dropped at 6392-6393 or 6358-6359), so other CPUs run between
// two CPUs' visits; the helper keeps scx_bypass_lock across its steps (no
// modeled path other than the helper takes it).  Steps: the depth change
// (ext.c:6282-6317), one per CPU (or more, scxBypassCpu), the end
// (ext.c:6396-6404); each takes scx_sched_lock once.
bool ExtCore::scxBypass(bool on) {
  site(Site::Bypass);
  if (!lifeInBypassLoop(s_->life_pc, s_->bypass_depth)) {
    lock(LockClass::BypassLock);  // ext.c:6282
    uint8_t d = static_cast<uint8_t>(s_->bypass_depth & ~kBypassInLoop);
    if (!on && d == 0) warn(Warn::BypassDepthUnderflow);  // dec_bypass_depth ext.c:6140
    d = static_cast<uint8_t>((on ? d + 1 : d - 1) & ~kBypassInLoop);
    lock(LockClass::SchedLock);  // propagate to descendants (ext.c:6299-6310)
    unlock(LockClass::SchedLock);
    const bool change = on ? d == 1 : d == 0;
    s_->bypass_depth = static_cast<uint8_t>(d | (change ? kBypassInLoop : 0));
    if (change) return false;  // the CPU loop follows (ext.c:6328)
    unlock(LockClass::BypassLock);  // ext.c:6316-6317 -> 6404
    return !blocked_;
  }
  if (!scxBypassCpu(on)) return false;
  // every CPU visited: disarm the bypass DSQs (ext.c:6396-6401), unlock
  // scx_bypass_lock (ext.c:6404)
  if (!on) {
    lock(LockClass::SchedLock);
    unlock(LockClass::SchedLock);
  }
  s_->bypass_depth &= static_cast<uint8_t>(~kBypassInLoop);
  unlock(LockClass::BypassLock);
  return !blocked_;
}

bool ExtCore::scxBypassCpu(bool on) {
  // The CPU: the one whose rq the helper holds inside its cycling, else any
  // CPU not visited yet.  for_each_possible_cpu (ext.c:6328) walks them in
  // ascending order; the model takes any order (a choice), which includes
  // it and keeps the step relation invariant under renaming CPUs.
  uint8_t c = kNone, cycled = 0;  // tasks of rq c whose sched_change has begun
  {
    trace::Bookkeeping bookkeeping;  // (the helper's own place, not kernel state)
    for (uint8_t k = 0; k < cfg_.cpus; ++k)
      if (cpu(k).bypassing & kCpuBypassHeld) c = k;
    if (c != kNone) {
      cycled = static_cast<uint8_t>(cpu(c).bypassing >> kCpuBypassCycledShift);
      cpu(c).bypassing &= kCpuBypassing;
    }
  }
  bool progress = c == kNone;
  if (c != kNone) {
    fr().holds_rq = c;  // held since an earlier step
  } else {
    uint8_t cand[kMaxCpus];
    int n = 0;
    {
      trace::Bookkeeping bookkeeping;  // (written only by the helper: which CPUs it visited)
      for (uint8_t k = 0; k < cfg_.cpus; ++k)
        if (bypassing(k) != on) cand[n++] = k;
    }
    if (n == 0) return true;
    c = cand[n == 1 ? 0 : ch_->pick(n)];
    if (!lockRq(c)) return false;  // raw_spin_rq_lock ext.c:6332
    lock(LockClass::SchedLock);    // ext.c:6333
    cpu(c).bypassing = on ? kCpuBypassing : 0;  // ext.c:6339-6343
    emit(Ev::BypassFlag, kNone, on ? 1 : 0, 0, c);
    unlock(LockClass::SchedLock);  // ext.c:6352
  }
  // The helper keeps rq c and ends the step here (the next one goes on).
  auto hold = [&] {
    cpu(c).bypassing |= static_cast<uint8_t>(kCpuBypassHeld | cycled << kCpuBypassCycledShift);
    return false;
  };
  // !scx_enabled(): no task to cycle (ext.c:6357-6361).  Else every
  // runnable ext task of this rq goes through sched_change(SAVE|MOVE)
  // (ext.c:6370-6386), all under rq c; the running one is only rescheduled
  // (ext.c:6389-6390).  Where a DSQ lock was dropped (unlockDsq: other CPUs
  // may take it) the step ends before the next dequeue or enqueue, as for
  // any sched_change (Pc::ChangeEnqueue); ops_dequeue's spin (ext.c:2288)
  // on a DISPATCHING task ends it too.
  const bool cycle = staticEnabled(static_cast<LifePc>(s_->life_pc));
  // The kernel walks rq c's runnable_list (ext.c:6370), which only rq c's
  // lock holders change; the model derives its members from the task
  // fields.  A task's cpu and on_rq are read for every task, also for one
  // on another rq or asleep, whose fields other rqs' lock holders may
  // change meanwhile; but "queued on rq c" changes only under rq c's lock
  // (a queued task moves rq only under both rq locks; a waking one is not
  // queued until its enqueue on its new rq under that rq's lock), so the
  // answer is the list's and is protected by the lock the helper holds.
  // The reads are the model's stand-in for the list walk, not the
  // kernel's accesses (Footprint.LifecycleSubEnableFail, the first with two
  // tasks and the lifecycle, saw them).
  auto eligible = [&](uint8_t t) {
    trace::Bookkeeping list_walk;
    return tk(t).cpu == c && onExt(t) && tk(t).on_rq == static_cast<uint8_t>(OnRq::Queued) && cpu(c).curr != t;
  };
  for (uint8_t t = 0; cycle && t < cfg_.tasks; ++t) {
    // a sched_change whose dequeue an earlier step did: its enqueue
    // (while the helper holds rq c only it dequeues the rq's tasks)
    if (((cycled >> t) & 1) && eligible(t) && !queued(t)) {
      progress = true;
      enqueueTask(c, t, kEnqRestore);
      if (blocked_) return false;
    }
  }
  for (uint8_t t = 0; cycle && t < cfg_.tasks; ++t) {
    if (((cycled >> t) & 1) || !eligible(t)) continue;
    if (committed_) return hold();
    const DeqStart r = dequeueTaskBegin(c, t, kDeqSave);
    if (r == DeqStart::Spin) {
      if (!progress) { blocked_ = true; return false; }  // still spinning: no step
      site(Site::OpsDequeueWait);
      spinWaitDispatching(t);
      return hold();
    }
    progress = true;
    cycled |= static_cast<uint8_t>(1u << t);
    if (r == DeqStart::Proceed) dequeueTaskFinish(c, t, dequeueFlags(kDeqSave));
    if (blocked_) return false;
    if (committed_) return hold();
    enqueueTask(c, t, kEnqRestore);
    if (blocked_) return false;
  }
  unlockRq();  // ext.c:6392-6393
  return false;  // the end of scx_bypass is a step of its own
}

void ExtCore::enableInitTask(uint8_t t) {
  site(Site::EnableInitLoop);
  // scx_task_iter_next_locked: scx_tasks_lock, then task_rq_lock; INIT_BEGIN
  // under them (ext.c:7963), then everything is dropped for
  // ops.init_task (scx_task_iter_unlock, ext.c:7964): a pause, in which
  // sched_ext_dead may find the task in INIT_BEGIN (taskExit)
  lock(LockClass::ScxTasks);
  if (!taskRqLock(t)) return;
  setTaskState(t, ScxTaskState::InitBegin);
  unlockRq();
  unlock(LockClass::PiLock, t);
  unlock(LockClass::ScxTasks);
  s_->life_pc = static_cast<uint8_t>(static_cast<uint8_t>(LifePc::EnInitCall0) + t);
}

void ExtCore::enableInitTaskCall(uint8_t t) {
  // __scx_init_task(fork=false) with no lock held (ext.c:7966), then
  // scx_task_iter_relock (ext.c:7968): scx_tasks_lock and task_rq_lock.
  // ops.init_task touches no state other actors read, so it shares the
  // step with the relock.
  site(Site::InitTask);
  lifeOp(LifeOp::InitTask, t);
  lock(LockClass::ScxTasks);
  if (!taskRqLock(t)) return;
  if (tk(t).scx_state == static_cast<uint8_t>(ScxTaskState::Dead)) {
    // sched_ext_dead saw INIT_BEGIN and set DEAD without calling ops:
    // scx_sub_init_cancel_task calls ops.exit_task(cancelled) for it
    // (ext.c:7980-7986, 4159-4169); the task is then gone (freed)
    site(Site::DisableAndExit);
    lifeOp(LifeOp::ExitTask, t);
    freeTask(t);
  } else {
    setTaskState(t, ScxTaskState::Init);
    setTaskState(t, ScxTaskState::Ready);
  }
  unlockRq();
  unlock(LockClass::PiLock, t);
  unlock(LockClass::ScxTasks);
  s_->life_pc = static_cast<uint8_t>(LifePc::EnInitTask);
}

void ExtCore::disableTask(uint8_t t) {
  lock(LockClass::ScxTasks);
  if (!taskRqLock(t)) return;
  const uint8_t rq = tk(t).cpu;
  // sched_change(SAVE|MOVE|CLASS) to fair: dequeue, put_prev if running
  if (onExt(t) && tk(t).on_rq == static_cast<uint8_t>(OnRq::Queued)) {
    const DeqStart r = dequeueTaskBegin(rq, t, kDeqSave);
    if (r == DeqStart::Spin) { blocked_ = true; return; }
    if (r == DeqStart::Proceed) dequeueTaskFinish(rq, t, dequeueFlags(kDeqSave));
    if (blocked_) return;
  }
  if (cpu(rq).curr == t) {
    putPrevTask(rq, t, kNone);
    emit(Ev::Switch, kNone, t, kNone, rq);
    cpu(rq).curr = kNone;
  }
  if (punted(t)) {
    // (--sub-fail-parent) punted in NONE: switched_from_scx returns
    // (ext.c:4445), and so does __scx_disable_and_exit_task (ext.c:4134-4135)
    site(Site::DisableAndExit);
    setFlagBit(t, kTaskPunted, false);
  } else {
    if (tk(t).scx_state == static_cast<uint8_t>(ScxTaskState::Enabled)) scxDisableTask(t);
    site(Site::DisableAndExit);
    lifeOp(LifeOp::ExitTask, t);
    setTaskState(t, ScxTaskState::None);
  }
  tk(t).on_rq = 0;  // on fair now: outside the model
  unlockRq();
  unlock(LockClass::PiLock, t);
  unlock(LockClass::ScxTasks);
}

// scx_disable_task ext.c:4086: the pending direct-dispatch verdict is
// dropped (clear_direct_dispatch, ext.c:4094), ops.disable, READY.
void ExtCore::scxDisableTask(uint8_t t) {
  site(Site::SwitchedFrom);
  clearDirectDispatch(t);
  lifeOp(LifeOp::Disable, t);
  setTaskState(t, ScxTaskState::Ready);
  if (custody(t)) warn(Warn::DisableInCustody, t);  // ext.c:4122
}

void ExtCore::destroyDsq(uint8_t d) {
  site(Site::DestroyDsq);
  lifeOp(LifeOp::DestroyDsq, kNone, d);
  if (!lockDsq(d)) return;  // rcu_read_lock + raw_spin_lock_irqsave(&dsq->lock)
  // --destroy-dsqs: out of sch->dsq_hash and dsq->id = SCX_DSQ_INVALID
  // under the lock (ext.c:5318-5327); freeing it (the irq_work and
  // call_rcu, ext.c:5328-5329, 5276-5294) changes nothing an RCU reader
  // that found it can see
  if (cfg_.destroy_dsqs) s_->dsq_invalid[d - kDsqUser0] = 1;
  unlockDsq(d);
}

void ExtCore::cgroupAttach(uint8_t t, bool fail) {
  // cgroup core: cgroup_mutex held across can_attach and attach
  lock(LockClass::CgroupMutex);
  site(Site::CgroupCanAttach);
  lifeOp(LifeOp::CgroupPrepMove, t);
  if (fail) {
    site(Site::CgroupCancelAttach);
    lifeOp(LifeOp::CgroupCancelMove, t);
  } else {
    // sched_move_task: task_rq_lock, then scx_cgroup_move_task
    lockEvent(Ev::Lock, static_cast<uint8_t>(LockClass::PiLock), t);
    uint8_t rq;
    {
      trace::ValidatedReads validated;  // task_rq(p), checked again under the lock
      rq = tk(t).cpu;
    }
    if (!lockRq(rq)) return;
    site(Site::CgroupMoveTask);
    lifeOp(LifeOp::CgroupMove, t);
    unlockRq();
    lockEvent(Ev::Unlock, static_cast<uint8_t>(LockClass::PiLock), t);
  }
  unlock(LockClass::CgroupMutex);
}

namespace {
// scx_init_task_enabled: set at ext.c:7915 (with the fork rwsem held for
// writing), cleared at ext.c:6656.
bool initTaskEnabled(LifePc pc) {
  pc = lifeStage(static_cast<uint8_t>(pc));
  return pc >= LifePc::EnInitTask && pc <= LifePc::DisLock;
}
}  // namespace

void ExtCore::forkTask(uint8_t t) {
  // scx_pre_fork: percpu_down_read(&scx_fork_rwsem) (ext.c:4241); the helper
  // holds it for writing in its loops
  HeldLock h[kMaxHeld];
  const int n = heldLocks(cfg_, *s_, cfg_.actors(), h);
  for (int i = 0; i < n && cfg_.lifecycle; ++i)
    if (h[i].cls == static_cast<uint8_t>(LockClass::ForkRwsem)) { blocked_ = true; return; }
  site(Site::ScxFork);
  lock(LockClass::ForkRwsem);
  setTaskState(t, ScxTaskState::None);  // dup_task_struct: a new task, NONE
  const bool init = initTaskEnabled(static_cast<LifePc>(s_->life_pc));
  bool ok = true;
  if (init) {
    setTaskState(t, ScxTaskState::InitBegin);
    ok = ch_->pick(2) == 0;  // ops.init_task may fail
    lifeOp(LifeOp::InitTask, t, ok ? kNone : kInitTaskFailed);  // __scx_init_task(fork=true), no rq lock
    setTaskState(t, ok ? ScxTaskState::Init : ScxTaskState::None);
  }
  // a later step of copy_process may fail too: sched_cancel_fork
  if (ok && ch_->pick(2) == 1) ok = false;
  if (!ok) {
    site(Site::ScxCancelFork);
    if (init) {
      if (!taskRqLock(t)) return;
      if (tk(t).scx_state != static_cast<uint8_t>(ScxTaskState::None)) {
        site(Site::DisableAndExit);
        lifeOp(LifeOp::ExitTask, t);  // cancelled
        setTaskState(t, ScxTaskState::None);
      }
      unlockRq();
      unlock(LockClass::PiLock, t);
    }
    unlock(LockClass::ForkRwsem);
    setTaskState(t, ScxTaskState::Unborn);  // the task is freed
    return;
  }
  site(Site::ScxPostFork);
  if (init) {
    setTaskState(t, ScxTaskState::Ready);
    // on ext right away if the class is ext (switching_all once __scx_enabled)
    const LifePc pc = static_cast<LifePc>(s_->life_pc);
    if (pc >= LifePc::EnSwitchLock && pc <= LifePc::DisLock) {
      if (!taskRqLock(t)) return;
      site(Site::PostForkEnable);
      if (custody(t)) warn(Warn::EnableInCustody, t);  // __scx_enable_task ext.c:4042
      lifeOp(LifeOp::Enable, t);
      setTaskState(t, ScxTaskState::Enabled);
      unlockRq();
      unlock(LockClass::PiLock, t);
    }
  }
  lock(LockClass::ScxTasks);  // list_add_tail(&p->scx.tasks_node, &scx_tasks)
  unlock(LockClass::ScxTasks);
  unlock(LockClass::ForkRwsem);
}

void ExtCore::taskExit(uint8_t t) {
  site(Site::SchedExtDead);
  lock(LockClass::ScxTasks);  // list_del_init(&p->scx.tasks_node)
  unlock(LockClass::ScxTasks);
  if (tk(t).scx_state != static_cast<uint8_t>(ScxTaskState::None)) {
    if (!taskRqLock(t)) return;
    if (tk(t).scx_state == static_cast<uint8_t>(ScxTaskState::InitBegin)) {
      // ops.init_task is running for it: no ops, DEAD; the enable loop's
      // relock unwinds it (ext.c:4369-4380)
      setTaskState(t, ScxTaskState::Dead);
      unlockRq();
      unlock(LockClass::PiLock, t);
      return;
    }
    if (tk(t).scx_state == static_cast<uint8_t>(ScxTaskState::Enabled)) scxDisableTask(t);
    site(Site::DisableAndExit);
    lifeOp(LifeOp::ExitTask, t);
    setTaskState(t, ScxTaskState::None);  // scx_disable_and_exit_task ends in NONE (ext.c:4171-4212)
    // ... and sched_ext_dead then marks it DEAD, still under task_rq_lock:
    // NONE -> DEAD, which scx_set_task_state allows (ext.c:4383-4385,
    // 672-674).  (A task found in NONE is left NONE, ext.c:4367.)
    setTaskState(t, ScxTaskState::Dead);
    unlockRq();
    unlock(LockClass::PiLock, t);
  }
  // The task_struct is released later (the last put_task_struct); nothing
  // the model has can reach it in between: it is off scx_tasks
  // (ext.c:4354), restTask offers a dead task nothing, and the sub-sched
  // cgroup iteration skips DEAD tasks (scx_task_iter_next_locked, the
  // comment at ext.c:4361-4366), as it skips a freed slot.  So the release
  // shares the step.
  freeTask(t);
}

// The task_struct freed (from NONE: a task that died with no scheduler
// attached, or from DEAD): its slot may hold a new task (a fork), which is
// not TASK_DEAD.
void ExtCore::freeTask(uint8_t t) {
  setTaskState(t, ScxTaskState::Unborn);
  if (cfg_.task_death && flagBit(t, kTaskDead)) setFlagBit(t, kTaskDead, false);
  // (a task forked into the slot gets SCHED_EXT, the model's forks' policy)
  if (policyOther(t)) setFlagBit(t, kTaskPolicyOther, false);
}

void ExtCore::setScheduler(uint8_t t, bool policy_only) {
  site(Site::SetScheduler);
  if (!taskRqLock(t)) return;
  if (policy_only) {
    // p->policy changes, the class stays (--switch-during-walks)
    setPolicyOther(t, !flagBit(t, kTaskPolicyOther));
  } else if (tk(t).scx_state == static_cast<uint8_t>(ScxTaskState::Enabled) ||
             punted(t)) {
    setPolicyOther(t, true);
    if (cfg_.sub_fail_parent) setFlagBit(t, kTaskPunted, false);  // p->sched_class = fair
    switchedFromScx(t);  // to a fair policy (asleep: no dequeue)
  } else {
    setPolicyOther(t, false);
    schedChangeToExt(t);  // to SCHED_EXT (class_switch.cpp)
    if (blocked_) return;
  }
  unlockRq();
  unlock(LockClass::PiLock, t);
}

void ExtCore::setPolicyOther(uint8_t t, bool other) {
  if (!cfg_.switch_walks) return;
  emit(Ev::Policy, t, other ? 1 : 0);
  setFlagBit(t, kTaskPolicyOther, other);
}

bool ExtCore::shouldScxNow() const {
  if (!cfg_.switch_walks) return s_->scx_enable == static_cast<uint8_t>(ScxEnable::Enabled);
  switch (static_cast<LifePc>(s_->life_pc)) {
    case LifePc::EnSwitchTask:  // after static_branch_enable(&__scx_enabled) (ext.c:8012)
    case LifePc::EnUnbypass:
    case LifePc::EnPublish:
    case LifePc::DisLock:  // DISABLING, but scx_switching_all not yet cleared (ext.c:6639)
      return true;
    default:
      return s_->scx_enable == static_cast<uint8_t>(ScxEnable::Enabled);
  }
}

void ExtCore::helperStep() {
  paused_ = true;
  const LifePc pc = static_cast<LifePc>(s_->life_pc);
  auto next = [&](LifePc done) { s_->life_pc = enableNext(static_cast<uint8_t>(done)); };
  // one of the tasks in scx state `st` (any list order), or kNone
  auto pickTask = [&](bool (*want)(uint8_t)) -> uint8_t {
    uint8_t c[kMaxTasks];
    int n = 0;
    {
      trace::ChoiceReads choosing;  // the task iterator's order is any order
      for (uint8_t t = 0; t < cfg_.tasks; ++t) {
        // the switch loop's visit of a task that is dead and switched out
        // changes nothing for ext: switching_to_scx returns at
        // task_dead_and_done (ext.c:4419; switched_to_scx is empty,
        // ext.c:4451), the task stays READY until its sched_ext_dead; the
        // model skips that visit (its locks are those of any other visit)
        if (pc == LifePc::EnSwitchTask && taskDeadAndDone(t)) continue;
        // (--switch-during-walks) likewise the visit of a task whose policy
        // is another class: scx_setscheduler_class (ext.c:8023) keeps it on
        // fair, READY; the sched_change calls no ext callback
        if (pc == LifePc::EnSwitchTask && enableSwitchSkips(t)) continue;
        // (--sub-fail-parent) the disable's visit of a task punted to the
        // root: NONE, but on ext until this visit's sched_change
        if (pc == LifePc::DisTasks && punted(t)) {
          c[n++] = t;
          continue;
        }
        if (want(tk(t).scx_state)) c[n++] = t;
      }
    }
    return n ? c[ch_->pick(n)] : kNone;
  };
  switch (pc) {
    case LifePc::Idle:
      site(Site::RootEnable);
      lock(LockClass::EnableMutex);
      setEnable(ScxEnable::Enabling);
      lock(LockClass::CpusRead);
      lock(LockClass::BypassLock);  // scx_link_sched ext.c:6504-6505
      lock(LockClass::SchedLock);
      unlock(LockClass::SchedLock);
      unlock(LockClass::BypassLock);
      site(Site::OpsInitCall);
      lifeOp(LifeOp::Init);
      for (int d = 0; d < cfg_.user_dsqs; ++d) {
        site(Site::CreateDsq);
        lifeOp(LifeOp::CreateDsq, kNone, static_cast<uint8_t>(kDsqUser0 + d));
        if (cfg_.destroy_dsqs) s_->dsq_invalid[d] = 0;  // the new scx_sched's DSQ (--cycles)
      }
      unlock(LockClass::CpusRead);
      next(pc);
      break;
    case LifePc::EnBypass:
    case LifePc::EnUnbypass:
      if (!scxBypass(pc == LifePc::EnBypass)) return;
      next(pc);
      break;
    case LifePc::EnInitLock:
      site(Site::EnableInitLoop);
      lock(LockClass::ForkRwsem);
      lock(LockClass::CgroupMutex);  // scx_cgroup_lock ext.c:5152-5158
      lock(LockClass::CgroupOpsRwsem);
      lifeOp(LifeOp::CgroupInit);
      next(pc);
      break;
    case LifePc::EnInitTask: {
      const uint8_t t = pickTask([](uint8_t st) { return st == static_cast<uint8_t>(ScxTaskState::None); });
      if (t != kNone) {
        enableInitTask(t);
        break;
      }
      unlock(LockClass::CgroupOpsRwsem);
      unlock(LockClass::CgroupMutex);
      unlock(LockClass::ForkRwsem);
      next(pc);
      break;
    }
    case LifePc::EnSwitchLock:
      site(Site::EnableSwitchLoop);
      lock(LockClass::ForkRwsem);
      next(pc);
      break;
    case LifePc::EnSwitchTask: {
      const uint8_t t = pickTask([](uint8_t st) { return st == static_cast<uint8_t>(ScxTaskState::Ready); });
      if (t == kNone) {
        unlock(LockClass::ForkRwsem);
        next(pc);
        break;
      }
      site(Site::EnableSwitchLoop);
      lock(LockClass::ScxTasks);
      lock(LockClass::PiLock, t);
      if (blocked_ || !lockRq(tk(t).cpu)) return;
      // sched_change to ext of a sleeping or fair-queued task (class_switch.cpp)
      site(Site::EnableSwitchTask);
      schedChangeToExt(t);
      if (blocked_) return;
      unlockRq();
      unlock(LockClass::PiLock, t);
      unlock(LockClass::ScxTasks);
      break;
    }
    case LifePc::EnPublish:
      site(Site::EnablePublish);
      setEnable(ScxEnable::Enabled);
      unlock(LockClass::EnableMutex);
      s_->life_pc = static_cast<uint8_t>(LifePc::Enabled);
      break;
    case LifePc::SubEnInit:
    case LifePc::SubEnSwitch:
    case LifePc::SubEnabled:
    case LifePc::SubDisTasks:
    case LifePc::SubDisExit:
    case LifePc::SubEnLinked:
    case LifePc::SubEnFailed:
    case LifePc::SubDisFail:
    case LifePc::SubDisPunt:
    case LifePc::SubEnAbort:
    case LifePc::SubEnAborted:
    case LifePc::SubEnErrEarly:
    case LifePc::SubEnErrClaim:
    case LifePc::SubEnErrClaimed:
      subStep(pc);  // sub_sched.cpp
      break;
    case LifePc::Enabled:
    case LifePc::SubGone:
      // --sub-scheds: at Enabled, userspace may attach the child
      // (bpf_scx_reg -> scx_enable queues scx_sub_enable_workfn on this
      // helper, ext.c:8134-8142); the root's disable is its disable_work,
      // queued by its exit claim (scx_disable_workfn ext.c:6841 ->
      // scx_root_disable), and at SubGone a disable_work of the child queued
      // again (a second claim after DONE: unreachable while the claim is the
      // cmpxchg) runs scx_disable_workfn and scx_sub_disable once more.  Not
      // once the root's disable is in scx_bypass's CPU loop.
      if (cfg_.sub_scheds && !lifeInBypassLoop(s_->life_pc, s_->bypass_depth)) {
        uint8_t opt[3];
        int n = 0;
        if (pc == LifePc::Enabled) opt[n++] = 0;                 // the child's enable
        if (s_->sub_claim & kSubDisableRoot) opt[n++] = 1;       // the root's disable work
        if (pc == LifePc::SubGone && (s_->sub_claim & kSubDisableChild)) opt[n++] = 2;  // the child's
        if (n == 0) { blocked_ = true; return; }
        const uint8_t o = opt[n == 1 ? 0 : ch_->pick(n)];
        if (o == 0) {
          subEnableLink();
          break;
        }
        if (o == 2) {
          // (sch->sub_attached is not kept: the parent's second
          // ops.sub_detach is not emitted, the child's second ops.exit is)
          if (disableWorkfn(kSchedChild0)) subDisableOwningNothing(false);
          s_->life_pc = static_cast<uint8_t>(LifePc::SubGone);
          break;
        }
        if (!disableWorkfn(kSchedRoot)) break;
      }
      if (!cfg_.sub_scheds && exitKind(kSchedRoot) == ExitKind::None) {
        // Without --sub-scheds the root's exit claim is this step: userspace
        // detaches (bpf_scx_unreg ext.c:8408-8413 -> scx_disable ext.c:6864-6869
        // -> scx_claim_exit ext.c:6801-6839: the exit_kind cmpxchg, then,
        // the root having no descendant, smp_store_mb(root->aborting) and the
        // irq_work queues).  No lock; the disable work (the next step, when
        // the exit is claimed: the claim queued it, whoever made it) runs
        // later on the helper, and between the two every CPU's consume of a
        // non-bypass DSQ breaks on ->aborting (ext.c:2730, consumeAborting).
        // One step: nothing but claims reads exit_kind here, and the sweep's
        // one store is the only other access (docs/architecture.md, "The
        // root's exit claim").
        site(Site::RootExitClaim);
        setExitKind(kSchedRoot, ExitKind::Claimed);
        break;
      }
      site(Site::RootDisable);
      if (!scxBypass(true)) return;
      setEnable(ScxEnable::Disabling);
      s_->life_pc = static_cast<uint8_t>(LifePc::DisLock);
      break;
    case LifePc::DisLock:
      lock(LockClass::EnableMutex);
      lock(LockClass::CgroupMutex);
      lock(LockClass::CgroupOpsRwsem);
      lifeOp(LifeOp::CgroupExit);
      unlock(LockClass::CgroupOpsRwsem);
      unlock(LockClass::CgroupMutex);
      lock(LockClass::ForkRwsem);
      s_->life_pc = static_cast<uint8_t>(LifePc::DisTasks);
      break;
    case LifePc::DisTasks: {
      const uint8_t t = pickTask([](uint8_t st) {
        return st != static_cast<uint8_t>(ScxTaskState::None) && st != static_cast<uint8_t>(ScxTaskState::Unborn);
      });
      if (t != kNone) {
        disableTask(t);
        break;
      }
      unlock(LockClass::ForkRwsem);
      s_->life_pc = static_cast<uint8_t>(LifePc::DisExit);
      break;
    }
    case LifePc::DisExit:
      // __scx_enabled off, then synchronize_rcu (ext.c:6714-6722): every
      // scheduler path in flight (preemption disabled) has left
      for (int a = 0; a < cfg_.actors(); ++a)
        if (s_->actor[a].pc != static_cast<uint8_t>(Pc::Rest)) { blocked_ = true; return; }
      site(Site::OpsExitCall);
      lifeOp(LifeOp::Exit);
      lock(LockClass::SchedLock);  // scx_unlink_sched
      unlock(LockClass::SchedLock);
      lock(LockClass::CpusRead);   // scx_root = NULL (ext.c:6743)
      unlock(LockClass::CpusRead);
      unlock(LockClass::EnableMutex);
      setEnable(ScxEnable::Disabled);
      s_->life_pc = static_cast<uint8_t>(LifePc::DisUnbypass);
      break;
    case LifePc::DisUnbypass:
      if (!scxBypass(false)) return;
      s_->life_pc = static_cast<uint8_t>(LifePc::Done);
      break;
    case LifePc::EnInitCall0:
    case LifePc::EnInitCall1:
    case LifePc::EnInitCall2:
    case LifePc::EnInitCall3:
      enableInitTaskCall(lifeInitTask(s_->life_pc));
      break;
    case LifePc::Done:
      // With --cycles, userspace attaches a scheduler again: bpf_scx_reg
      // (ext.c:8348) -> scx_enable (ext.c:8110-8144) queues
      // scx_root_enable_workfn on this helper, which starts from the tasks
      // as the last disable left them (their task_structs persist; the
      // scx_sched, its DSQs and its state are new).
      if (s_->cycle + 1 < cfg_.cycles) {
        site(Site::Reattach);
        s_->scx_error = 0;  // an scx_error() ended the previous scx_sched, not the new one
        if (!cfg_.sub_scheds) s_->sub_exit = 0;  // and its exit claim (a new sch->exit_kind, ->aborting)
        ++s_->cycle;
        s_->life_pc = static_cast<uint8_t>(LifePc::Idle);
      }
      break;  // else disabled for good: the machine runs on fair (a step that changes nothing)
    case LifePc::Count:
      break;
  }
}

}  // namespace scxmc
