#include "events.hpp"

namespace scxmc {

const char* opName(Op o) {
  switch (o) {
    case Op::None: return "none";
    case Op::Wakeup: return "wakeup";
    case Op::Sleep: return "sleep";
    case Op::Nice: return "set_user_nice";
    case Op::Affinity: return "sched_setaffinity";
    case Op::Tick: return "tick";
    case Op::Pick: return "schedule";
    case Op::Deferred: return "deferred";
    case Op::Lifecycle: return "lifecycle";
    case Op::Mutex: return "mutex_lock/unlock";
    case Op::Kick: return "kick";
  }
  return "?";
}

const char* lifeOpName(uint8_t op) {
  static const char* const n[] = {"ops.init", "ops.exit", "scx_bpf_create_dsq", "scx_bpf_destroy_dsq",
                                  "ops.cgroup_init", "ops.cgroup_exit", "ops.init_task", "ops.exit_task",
                                  "ops.enable", "ops.disable", "ops.cgroup_prep_move", "ops.cgroup_move",
                                  "ops.cgroup_cancel_move", "ops.sub_attach", "ops.sub_detach"};
  static_assert(sizeof(n) / sizeof(n[0]) == static_cast<size_t>(LifeOp::Count));
  return op < static_cast<uint8_t>(LifeOp::Count) ? n[op] : "?";
}

bool lifeOpSleepable(uint8_t op) {
  switch (static_cast<LifeOp>(op)) {
    case LifeOp::Init: case LifeOp::Exit: case LifeOp::CreateDsq: case LifeOp::CgroupInit:
    case LifeOp::CgroupExit: case LifeOp::InitTask: case LifeOp::CgroupPrepMove: return true;
    default: return false;
  }
}

const char* scxTaskStateName(uint8_t s) {
  static const char* const n[] = {"NONE", "INIT_BEGIN", "INIT", "READY", "ENABLED", "(unborn)", "DEAD"};
  return s < 7 ? n[s] : "?";
}

const char* scxEnableName(uint8_t s) {
  static const char* const n[] = {"DISABLED", "ENABLING", "ENABLED", "DISABLING"};
  return s < 4 ? n[s] : "?";
}

const char* opssName(uint8_t o) {
  switch (static_cast<Opss>(o)) {
    case Opss::None: return "NONE";
    case Opss::Queueing: return "QUEUEING";
    case Opss::Queued: return "QUEUED";
    case Opss::Dispatching: return "DISPATCHING";
  }
  return "?";
}

}  // namespace scxmc
