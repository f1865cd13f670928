// Lock classes the model records (lockdep-style: one class per lock
// definition, instances kept as a byte), and the locks an actor holds in a
// state.  The model emits Ev::Lock / Ev::Unlock / Ev::Wait events from the
// places it takes, drops and spins on locks (ext_core.cpp: lockRq, lockDsq,
// unlock*, endPath, setOpss; the spin pauses); heldLocks() gives what an
// actor holds when a step starts.  The lock-order graph (harness/lock_graph)
// and the lock-order invariant read only these.
#pragma once

#include <cstdint>
#include <string>

#include "config.hpp"
#include "events.hpp"
#include "state.hpp"

namespace scxmc {

// The lock's kind (its definition's type; lockdep's wait type follows from
// it, Documentation/locking/lockdep-design.rst "wait context"):
// raw_spinlock_t spins everywhere (LD_WAIT_SPIN); spinlock_t sleeps on
// PREEMPT_RT (LD_WAIT_CONFIG); mutexes and (percpu) rw semaphores sleep
// (LD_WAIT_SLEEP).  Pseudo: the ops_state DISPATCHING wait (a spin).
enum class LockKind : uint8_t { RawSpin, Spin, Mutex, Rwsem, PercpuRwsem, Pseudo };
const char* lockKindName(LockKind k);   // "raw_spinlock_t", "spinlock_t", "mutex", ...
// lockdep's wait types, innermost first: what a context or a held lock
// allows to be taken inside it (a lock may be taken only if its wait type is
// at most the minimum over the held locks and the context).
enum class WaitType : uint8_t { Spin = 2, Config = 3, Sleep = 4, Max = 5 };
WaitType waitType(LockKind k);
inline bool sleepingKind(LockKind k) { return k == LockKind::Mutex || k == LockKind::Rwsem || k == LockKind::PercpuRwsem; }

// The context an acquisition runs in (lockdep's irq_context; the model has
// no softirq paths).  Task: process context (a syscall, a kworker, the
// schedule() of a CPU).  Hardirq: the tick's sched_tick part and the
// deferred irq_work (ExtCore::ctx_).  Nmi: no 7.3.4 path of the model takes
// a lock there (scx_hardlockup, ext.c:5895-5919, claims the exit lock-free).
enum class LockCtx : uint8_t { Task = 0, Hardirq = 1, Nmi = 2 };
const char* lockCtxName(LockCtx c);
// Ev::Lock / Ev::Wait carry the acquisition's context in Event::c: bits 0-1
// the LockCtx, bit 2 set when hardirqs were enabled at the acquisition.  No
// state cost: the step's log only.
inline uint8_t lockCtxBits(LockCtx c, bool irqs_on) {
  return static_cast<uint8_t>(static_cast<uint8_t>(c) | (irqs_on ? 4 : 0));
}
inline LockCtx lockCtxOf(uint8_t c) { return c == kNone ? LockCtx::Task : static_cast<LockCtx>(c & 3); }
inline bool lockIrqsOnOf(uint8_t c) { return c != kNone && (c & 4) != 0; }

// Instances: Rq = CPU, Dsq = model DSQ number, PiLock / Dispatching* = task,
// global locks = 0.
enum class LockClass : uint8_t {
  // (kinds and definitions: LockClassInfo::defined, model/locks.cpp)
  PiLock = 0,          // p->pi_lock (core.c:566-575: outside rq->lock)
  Rq,                  // rq->__lock (rq1 before rq2 when rq1 < rq2, core.c:573-574)
  DispatchingClaim,    // pseudo: p->scx.ops_state DISPATCHING, claimed by finish_dispatch, p not yet on a DSQ
  DispatchingPublished,// pseudo: ... p already linked on its DSQ, only the release store left
  Dsq,                 // dsq->lock (ext.c:5222 raw_spin_lock_init)
  ScxTasks,            // scx_tasks_lock ext.c:69
  EnableMutex,         // scx_enable_mutex ext.c:73
  ForkRwsem,           // scx_fork_rwsem ext.c:75
  BypassLock,          // scx_bypass_lock ext.c:77
  SchedLock,           // scx_sched_lock ext.c:25
  CgroupOpsRwsem,      // scx_cgroup_ops_rwsem ext.c:4852
  CgroupMutex,         // cgroup_mutex (kernel/cgroup, not in the reference tree)
  CpusRead,            // cpus_read_lock (kernel/cpu.c, not in the reference tree)
  CssSetLock,          // css_set_lock (kernel/cgroup, not in the reference tree; variant cgroup-attach-holds-lock)
  KickSync,            // pseudo (--kicks): rq->scx.kick_sync of CPU inst, spun on until that CPU schedules
  Count
};

struct LockClassInfo {
  const char* name;    // lockdep-style name
  LockKind kind;
  // Position in the hierarchy the kernel's comments and code state (outer
  // locks first; docs/lock-order.md gives the source of each step).  The
  // lock-order invariant requires every acquisition to go strictly inward.
  int rank;
  const char* defined;   // the definition (file:LINE of 7.3.4, or where it lives outside the tree)
  // How the modeled acquisitions find hardirqs: every 7.3.4 site the model
  // takes a spinlock class at runs with irqs disabled (an _irq/_irqsave
  // primitive, under an irq-disabling lock, or in hardirq context); a
  // sleeping lock is taken with them enabled.  `irqs` cites the primitives.
  const char* irqs;
};

const LockClassInfo& lockClassInfo(LockClass c);
const char* lockClassName(uint8_t c);
// "rq1", "USER0", "p2"; "*" for a global lock.
std::string lockInstanceName(uint8_t cls, uint8_t inst);

struct HeldLock {
  uint8_t cls = 0;   // LockClass
  uint8_t inst = 0;
};

inline constexpr int kMaxHeld = 8;

// The locks `actor` holds in `s` (what it keeps across a pause), outermost
// first.  Returns the count.
int heldLocks(const Config& cfg, const State& s, int actor, HeldLock out[kMaxHeld]);

// Which DISPATCHING pseudo-lock p is in (its owner's phase), for a waiter.
uint8_t dispatchingClass(const Config& cfg, const State& s, uint8_t t);

// Same-class nesting rule: rq locks only in double_rq_lock's order (the
// lower CPU first, core.c:573-574; the kernel orders by address); any other
// class never nests with itself in the modeled paths.
bool sameClassAllowed(uint8_t cls, uint8_t from_inst, uint8_t to_inst);

// One acquisition (or spin-wait) as lockdep sees it: the lock, the locks
// held at that point (outermost first), the context, and the irq and
// preemption state (preemption is off under any spinlock, with irqs off, or
// in interrupt context).
struct LockAcquisition {
  HeldLock lock;
  bool wait = false;
  LockCtx ctx = LockCtx::Task;
  bool irqs_on = false;
  bool preempt_on = false;
  const HeldLock* held = nullptr;
  int n_held = 0;
  const Event* ev = nullptr;
};

// The lockdep checks beyond order that one acquisition decides alone:
// InvalidWait: a lock of a weaker kind than the context or a held lock
// allows (a mutex or rwsem under a spinlock or in irq context, a spinlock_t
// under a raw spinlock or in hardirq context), or a sleeping lock with irqs
// or preemption disabled ("BUG: sleeping function called from invalid
// context"); Nmi: any lock (raw spinlocks included) or spin-wait in NMI
// context.  *culprit is the held lock that forbids it (cls kNone: the
// context).  Ok when allowed, else the check and *why its text.
enum class CtxCheck : uint8_t { Ok = 0, InvalidWait, Nmi };
CtxCheck checkLockContext(const LockAcquisition& a, HeldLock* culprit, std::string* why);
const char* ctxCheckName(CtxCheck c);  // "invalid-wait-context", "lock-in-nmi"

// Calls fn(const LockAcquisition&) for every Lock and Wait event of the
// step, with what the actor holds at that point.
template <class Log, class F>
void forEachLockAcquisition(const Config& cfg, const State& s, int actor, const Log& log, F&& fn) {
  HeldLock held[kMaxHeld + 8];
  // irqs_off[i]: held[i] keeps hardirqs disabled (a spinlock taken with
  // them off: an _irq/_irqsave primitive or inside such a lock; the locks
  // held from earlier steps count as their class's modeled acquisitions do,
  // LockClassInfo::irqs)
  bool irqs_off[kMaxHeld + 8];
  int n = heldLocks(cfg, s, actor, held);
  for (int i = 0; i < n; ++i) irqs_off[i] = !sleepingKind(lockClassInfo(static_cast<LockClass>(held[i].cls)).kind);
  for (const auto& e : log) {
    if (e.kind == Ev::Lock || e.kind == Ev::Wait) {
      LockAcquisition a;
      a.lock = HeldLock{e.a, e.b};
      a.wait = e.kind == Ev::Wait;
      a.ctx = lockCtxOf(e.c);
      a.irqs_on = a.ctx == LockCtx::Task && lockIrqsOnOf(e.c);
      for (int i = 0; i < n; ++i)
        if (irqs_off[i]) a.irqs_on = false;
      a.preempt_on = a.irqs_on;
      for (int i = 0; i < n && a.preempt_on; ++i) {
        const LockKind k = lockClassInfo(static_cast<LockClass>(held[i].cls)).kind;
        if (!sleepingKind(k)) a.preempt_on = false;
      }
      a.held = held;
      a.n_held = n;
      a.ev = &e;
      fn(a);
      if (e.kind == Ev::Lock && n < kMaxHeld + 8) {
        irqs_off[n] = !a.irqs_on && !sleepingKind(lockClassInfo(static_cast<LockClass>(e.a)).kind);
        held[n++] = a.lock;
      }
    } else if (e.kind == Ev::Unlock) {
      for (int i = n; i-- > 0;) {
        if (held[i].cls != e.a || held[i].inst != e.b) continue;
        for (int j = i; j + 1 < n; ++j) {
          held[j] = held[j + 1];
          irqs_off[j] = irqs_off[j + 1];
        }
        --n;
        break;
      }
    }
  }
}

// Calls fn(held, acquired, wait, event) for every dependency one step
// creates: the locks `actor` holds when the step starts (heldLocks) followed
// through the step's Lock / Unlock / Wait events.
template <class Log, class F>
void forEachLockDependency(const Config& cfg, const State& s, int actor, const Log& log, F&& fn) {
  HeldLock held[kMaxHeld + 8];
  int n = heldLocks(cfg, s, actor, held);
  for (const auto& e : log) {
    if (e.kind == Ev::Lock || e.kind == Ev::Wait) {
      const HeldLock to{e.a, e.b};
      for (int i = 0; i < n; ++i) fn(held[i], to, e.kind == Ev::Wait, &e);
      if (e.kind == Ev::Lock && n < kMaxHeld + 8) held[n++] = to;
    } else if (e.kind == Ev::Unlock) {
      for (int i = n; i-- > 0;) {
        if (held[i].cls != e.a || held[i].inst != e.b) continue;
        for (int j = i; j + 1 < n; ++j) held[j] = held[j + 1];
        --n;
        break;
      }
    }
  }
}

}  // namespace scxmc
