#include "locks.hpp"

#include "ext_core.hpp"
#include "format.hpp"

namespace scxmc {

namespace {
// Ranks: outer locks first (see docs/lock-order.md for each ordering's source).
const LockClassInfo kInfo[] = {
    {"&p->pi_lock", LockKind::Spin, 80},
    {"&rq->__lock", LockKind::Spin, 90},
    {"ops_state:DISPATCHING", LockKind::Pseudo, 100},
    {"ops_state:DISPATCHING(published)", LockKind::Pseudo, 115},
    {"&dsq->lock", LockKind::Spin, 110},
    {"scx_tasks_lock", LockKind::Spin, 70},
    {"scx_enable_mutex", LockKind::Mutex, 10},
    {"scx_fork_rwsem", LockKind::Rwsem, 20},
    {"scx_bypass_lock", LockKind::Spin, 60},
    {"scx_sched_lock", LockKind::Spin, 120},
    {"scx_cgroup_ops_rwsem", LockKind::Rwsem, 40},
    {"cgroup_mutex", LockKind::Mutex, 30},
    {"cpu_hotplug_lock", LockKind::Rwsem, 50},
    {"css_set_lock", LockKind::Spin, 75},
};
static_assert(sizeof(kInfo) / sizeof(kInfo[0]) == static_cast<size_t>(LockClass::Count));
}  // namespace

const LockClassInfo& lockClassInfo(LockClass c) { return kInfo[static_cast<int>(c)]; }

const char* lockClassName(uint8_t c) {
  return c < static_cast<uint8_t>(LockClass::Count) ? kInfo[c].name : "?";
}

std::string lockInstanceName(uint8_t cls, uint8_t inst) {
  switch (static_cast<LockClass>(cls)) {
    case LockClass::Rq: return "rq" + std::to_string(inst);
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
  if (actor >= cfg.actors()) {
    // the scx_enable_helper's sleeping locks, by stage (LifePc comments)
    const LifePc pc = lifeStage(s.life_pc);  // (ops.init_task's window keeps the loop's locks)
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
