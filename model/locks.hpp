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

enum class LockKind : uint8_t { Spin, Mutex, Rwsem, Pseudo };

// Instances: Rq = CPU, Dsq = model DSQ number, PiLock / Dispatching* = task,
// global locks = 0.
enum class LockClass : uint8_t {
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
  Count
};

struct LockClassInfo {
  const char* name;    // lockdep-style name
  LockKind kind;
  // Position in the hierarchy the kernel's comments and code state (outer
  // locks first; docs/lock-order.md gives the source of each step).  The
  // lock-order invariant requires every acquisition to go strictly inward.
  int rank;
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
