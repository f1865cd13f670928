#include "locks.hpp"

#include "ext_core.hpp"
#include "format.hpp"

namespace scxmc {

namespace {
// Ranks: outer locks first (see docs/lock-order.md for each ordering's source).
const LockClassInfo kInfo[] = {
    {"&p->pi_lock", LockKind::RawSpin, 80, "raw_spinlock_t pi_lock, include/linux/sched.h (not in the reference tree)",
     "raw_spin_lock_irqsave: try_to_wake_up core.c:4315, task_rq_lock core.c:770"},
    {"&rq->__lock", LockKind::RawSpin, 90, "raw_spinlock_t __lock, sched.h:1193",
     "under p->pi_lock (task_rq_lock core.c:772), after local_irq_disable (__schedule core.c:7137/7158), "
     "in hardirq (sched_tick core.c:5797, deferred_irq_workfn ext.c:1012), rq_lock_irqsave elsewhere"},
    {"ops_state:DISPATCHING", LockKind::Pseudo, 100, "p->scx.ops_state (a spin-wait, not a lock)",
     "spun on under an rq lock (ops_dequeue ext.c:2288, scx_wait_dispatching ext.c:4554)"},
    {"ops_state:DISPATCHING(published)", LockKind::Pseudo, 115, "p->scx.ops_state (a spin-wait, not a lock)",
     "as DISPATCHING"},
    {"&dsq->lock", LockKind::RawSpin, 110, "raw_spinlock_t lock, include/linux/sched/ext.h:84 (init ext.c:5222)",
     "raw_spin_lock under an rq lock (ext.c:1632, 1808, 2717), raw_spin_lock_irqsave in destroy_dsq ext.c:5311"},
    {"scx_tasks_lock", LockKind::RawSpin, 70, "DEFINE_RAW_SPINLOCK ext.c:69",
     "raw_spin_lock_irq (scx_task_iter ext.c:731, 768; scx_post_fork ext.c:4291), _irqsave in sched_ext_dead ext.c:4352"},
    {"scx_enable_mutex", LockKind::Mutex, 10, "DEFINE_MUTEX ext.c:73", "mutex_lock in process context"},
    {"scx_fork_rwsem", LockKind::PercpuRwsem, 20, "DEFINE_PERCPU_RWSEM ext.c:75", "percpu_down_write/read in process context"},
    {"scx_bypass_lock", LockKind::RawSpin, 60, "DEFINE_RAW_SPINLOCK ext.c:77",
     "raw_spin_lock_irqsave (scx_bypass ext.c:6282, scx_link_sched ext.c:6504)"},
    {"scx_sched_lock", LockKind::RawSpin, 120, "DEFINE_RAW_SPINLOCK ext.c:25",
     "raw_spin_lock under scx_bypass_lock (ext.c:6299, 6333, 6505), raw_spin_lock_irq/_irqsave elsewhere (ext.c:6559, 6786)"},
    {"scx_cgroup_ops_rwsem", LockKind::PercpuRwsem, 40, "DEFINE_STATIC_PERCPU_RWSEM ext.c:4852",
     "percpu_down_write in process context (scx_cgroup_lock)"},
    {"cgroup_mutex", LockKind::Mutex, 30, "DEFINE_MUTEX, kernel/cgroup/cgroup.c (not in the reference tree)",
     "mutex_lock in process context"},
    {"cpu_hotplug_lock", LockKind::PercpuRwsem, 50, "DEFINE_STATIC_PERCPU_RWSEM, kernel/cpu.c (not in the reference tree)",
     "cpus_read_lock in process context"},
    {"css_set_lock", LockKind::Spin, 75, "DEFINE_SPINLOCK (spinlock_t), kernel/cgroup/cgroup.c (not in the reference tree)",
     "spin_lock_irq (cgroup migration)"},
    {"rq->scx.kick_sync", LockKind::Pseudo, 130, "unsigned long kick_sync, sched.h:838 (struct scx_rq; a spin-wait, not a lock)",
     "spun on with the rq lock dropped and irqs on (kick_sync_wait_bal_cb ext.c:3321-3327, --kicks); a CPU that "
     "cannot schedule while it spins holds its own"},
};
static_assert(sizeof(kInfo) / sizeof(kInfo[0]) == static_cast<size_t>(LockClass::Count));
}  // namespace

const char* lockKindName(LockKind k) {
  switch (k) {
    case LockKind::RawSpin: return "raw_spinlock_t";
    case LockKind::Spin: return "spinlock_t";
    case LockKind::Mutex: return "mutex";
    case LockKind::Rwsem: return "rw_semaphore";
    case LockKind::PercpuRwsem: return "percpu_rw_semaphore";
    case LockKind::Pseudo: return "spin-wait";
  }
  return "?";
}

WaitType waitType(LockKind k) {
  switch (k) {
    case LockKind::RawSpin:
    case LockKind::Pseudo: return WaitType::Spin;
    case LockKind::Spin: return WaitType::Config;
    default: return WaitType::Sleep;
  }
}

const char* lockCtxName(LockCtx c) {
  switch (c) {
    case LockCtx::Task: return "process";
    case LockCtx::Hardirq: return "hardirq";
    case LockCtx::Nmi: return "NMI";
  }
  return "?";
}

const char* ctxCheckName(CtxCheck c) {
  switch (c) {
    case CtxCheck::Ok: return "ok";
    case CtxCheck::InvalidWait: return "invalid-wait-context";
    case CtxCheck::Nmi: return "lock-in-nmi";
  }
  return "?";
}

CtxCheck checkLockContext(const LockAcquisition& a, HeldLock* culprit, std::string* why) {
  const LockClassInfo& li = lockClassInfo(static_cast<LockClass>(a.lock.cls));
  const std::string what = std::string(a.wait ? "spins on " : "takes ") + li.name + " [" +
                           lockInstanceName(a.lock.cls, a.lock.inst) + "] (" + lockKindName(li.kind) + ")";
  *culprit = HeldLock{kNone, kNone};
  if (a.ctx == LockCtx::Nmi) {
    // an NMI may interrupt the holder on this CPU: no lock is NMI-safe
    *why = what + " in NMI context";
    return CtxCheck::Nmi;
  }
  const WaitType next = waitType(li.kind);
  // check_wait_context: the context's inner wait type, then every held lock's
  WaitType inner = a.ctx == LockCtx::Hardirq ? WaitType::Spin : WaitType::Max;
  for (int i = 0; i < a.n_held; ++i) {
    const WaitType w = waitType(lockClassInfo(static_cast<LockClass>(a.held[i].cls)).kind);
    if (w < inner) {
      inner = w;
      *culprit = a.held[i];
    }
  }
  if (next > inner) {
    *why = what + (culprit->cls == kNone ? std::string(" in ") + lockCtxName(a.ctx) + " context"
                                         : std::string(" while holding ") + lockClassName(culprit->cls) + " [" +
                                               lockInstanceName(culprit->cls, culprit->inst) + "] (" +
                                               lockKindName(lockClassInfo(static_cast<LockClass>(culprit->cls)).kind) + ")");
    return CtxCheck::InvalidWait;
  }
  if (sleepingKind(li.kind) && (!a.irqs_on || !a.preempt_on)) {
    *why = what + " with " + (!a.irqs_on ? "irqs" : "preemption") + " disabled";
    return CtxCheck::InvalidWait;
  }
  return CtxCheck::Ok;
}

const LockClassInfo& lockClassInfo(LockClass c) { return kInfo[static_cast<int>(c)]; }

const char* lockClassName(uint8_t c) {
  return c < static_cast<uint8_t>(LockClass::Count) ? kInfo[c].name : "?";
}

std::string lockInstanceName(uint8_t cls, uint8_t inst) {
  switch (static_cast<LockClass>(cls)) {
    case LockClass::Rq: return "rq" + std::to_string(inst);
    case LockClass::KickSync: return "cpu" + std::to_string(inst);
    case LockClass::Dsq: return dsqName(inst);
    case LockClass::PiLock:
    case LockClass::DispatchingClaim:
    case LockClass::DispatchingPublished: return taskName(inst);
    default: return "*";
  }
}

bool sameClassAllowed(uint8_t cls, uint8_t from_inst, uint8_t to_inst) {
  if (static_cast<LockClass>(cls) == LockClass::Rq) return from_inst < to_inst;
  return false;
}

uint8_t dispatchingClass(const Config& cfg, const State& s, uint8_t t) {
  for (int a = 0; a < cfg.actors(); ++a) {
    const Frame& f = s.actor[a];
    if (f.t == t && f.pc == static_cast<uint8_t>(Pc::FlushRelease))
      return static_cast<uint8_t>(LockClass::DispatchingPublished);
  }
  return static_cast<uint8_t>(LockClass::DispatchingClaim);
}

int heldLocks(const Config& cfg, const State& s, int actor, HeldLock out[kMaxHeld]) {
  int n = 0;
  auto add = [&](LockClass c, uint8_t inst) { out[n++] = HeldLock{static_cast<uint8_t>(c), inst}; };
  // the exit claimer (--sub-scheds) holds nothing between its steps: its
  // claim is lockless (ext.c:6799), its irq_works take scx_sched_lock within one step;
  // nor does the hardlockup NMI (--nmi, the last actor): it takes no lock
  // --sub-migrations: the cgroup.procs writer holds cgroup_mutex from its
  // first step to its last (model/sub_migrate.cpp)
  if (actor == cfg.migratorActor()) {
    if (untraced(s.sub_mig) & kSubMigPcMask) add(LockClass::CgroupMutex, 0);  // (lock bookkeeping)
    return n;
  }
  if (actor > cfg.actors()) return 0;
  if (actor >= cfg.actors()) {
    // the scx_enable_helper's sleeping locks, by stage (LifePc comments)
    // --sub-scheds: the child's loops keep scx_enable_mutex, the fork rwsem
    // and scx_cgroup_lock (sub.c:1718, 1841-1842, 1525-1527); its exit
    // stage the mutex only (sub.c:1616-1631)
    if (isSubPc(s.life_pc)) {
      const auto sp = static_cast<LifePc>(static_cast<uint8_t>(s.life_pc));
      // scx_link_sched between its list_add and its ->aborting read: the
      // mutex, scx_bypass_lock, scx_sched_lock (sub.c:1718, ext.c:6504-6505)
      if (sp == LifePc::SubEnLinked) {
        add(LockClass::EnableMutex, 0);
        add(LockClass::BypassLock, 0);
        add(LockClass::SchedLock, 0);
        return n;
      }
      // (--sub-fail-parent: scx_fail_parent runs inside the re-home loop)
      const bool loop = sp == LifePc::SubEnInit || sp == LifePc::SubEnSwitch || sp == LifePc::SubDisTasks ||
                        subFailing(s.life_pc) || sp == LifePc::SubEnAbort || sp == LifePc::SubEnErrClaim;
      if (loop || sp == LifePc::SubDisExit) add(LockClass::EnableMutex, 0);
      if (loop) {
        add(LockClass::ForkRwsem, 0);
        add(LockClass::CgroupMutex, 0);
        add(LockClass::CgroupOpsRwsem, 0);
      }
      // (SubGone: the root's disable, SubDisFail: scx_fail_parent's
      // scx_bypass, may be inside its CPU loop: below)
    }
    const LifePc pc = isSubPc(s.life_pc) ? LifePc::Count  // (the sub stages' locks are above)
                                         : lifeStage(s.life_pc);  // (ops.init_task's window keeps the loop's locks)
    const bool mutex = (pc >= LifePc::EnBypass && pc <= LifePc::EnPublish) || pc == LifePc::DisTasks ||
                       pc == LifePc::DisExit;
    if (mutex) add(LockClass::EnableMutex, 0);
    if (pc == LifePc::EnInitTask || pc == LifePc::EnSwitchTask || pc == LifePc::DisTasks)
      add(LockClass::ForkRwsem, 0);
    if (pc == LifePc::EnInitTask) {
      add(LockClass::CgroupMutex, 0);
      add(LockClass::CgroupOpsRwsem, 0);
    }
    // inside scx_bypass's CPU loop: scx_bypass_lock, and the rq it spins on
    // in the cycling (lifecycle.cpp, scxBypassCpu)
    // (the helper's place: the model's lock bookkeeping, read untraced)
    if (lifeInBypassLoop(untraced(s.life_pc), untraced(s.bypass_depth))) {
      add(LockClass::BypassLock, 0);
      for (int c = 0; c < cfg.cpus; ++c)
        if (untraced(s.cpu[c].bypassing) & kCpuBypassHeld) add(LockClass::Rq, static_cast<uint8_t>(c));
    }
    return n;
  }
  const Frame& f = s.actor[actor];
  // A task actor (try_to_wake_up, set_user_nice, sched_setaffinity) holds
  // p->pi_lock for its whole path (task_rq_lock / ttwu).
  if (actor >= cfg.cpus && f.pc != static_cast<uint8_t>(Pc::Rest))
    add(LockClass::PiLock, static_cast<uint8_t>(actor - cfg.cpus));
  if (f.holds_rq != kNone) add(LockClass::Rq, f.holds_rq);
  // finish_dispatch owns p's DISPATCHING from its claim to the release store.
  if (f.t != kNone && s.task[f.t].opss == static_cast<uint8_t>(Opss::Dispatching)) {
    if (f.pc == static_cast<uint8_t>(Pc::FlushLink)) add(LockClass::DispatchingClaim, f.t);
    if (f.pc == static_cast<uint8_t>(Pc::FlushRelease)) add(LockClass::DispatchingPublished, f.t);
  }
  if (f.holds_dsq != kNone) add(LockClass::Dsq, f.holds_dsq);
  return n;
}

}  // namespace scxmc
