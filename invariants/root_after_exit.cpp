// Invariant root-after-exit (--lifecycle; issue 16's "no BPF callback of a
// scheduler after its ops.exit()" for the root: the child's is part of
// sub-callbacks).  scx_root_disable calls the root's ops.exit
// (ext.c:6730-6731) once no task is on ext and every path in flight has
// left: the task loop switched and exited every task (ext.c:6658-6675),
// __scx_enabled is off and synchronize_rcu() waited out the CPUs in ext's
// paths (ext.c:6716-6723).  From then on nothing calls into the root's BPF
// program: no ops.* callback and no kfunc of its ops.dispatch.
//
// Two clauses, both stateless (no state byte):
//   * when the root's ops.exit is called, every task is NONE (or has no
//     task_struct) and every actor is at rest;
//   * no BPF callback of the root after its ops.exit: later in the same
//     step, or in any step from a state where the helper is past it
//     (LifePc::DisUnbypass, Done; a --cycles re-attach loads a new
//     scheduler, Site::Reattach).
// The model calls the root's ops.exit only in the helper's DisExit step, so
// the helper's stage tells whether it ran; a variant that calls it
// elsewhere is held to the first clause at that call.
#include "ext_core.hpp"
#include "format.hpp"
#include "invariants_all.hpp"

namespace scxmc {

namespace {
bool rootBpfCall(const Event& e) {
  if (e.sch != kSchedRoot) return false;
  switch (e.kind) {
    case Ev::OpsSelectCpu: case Ev::OpsEnqueue: case Ev::OpsDequeue: case Ev::OpsDispatch: case Ev::OpsRunnable:
    case Ev::OpsRunning: case Ev::OpsStopping: case Ev::OpsQuiescent: case Ev::OpsSetWeight:
    case Ev::OpsSetCpumask: case Ev::KfInsert: case Ev::KfKick: case Ev::KfMoveToLocal: case Ev::KfDsqMove: case Ev::OpsLife:
      return true;
    default: return false;
  }
}

bool rootExited(uint8_t life_pc) {
  return life_pc == static_cast<uint8_t>(LifePc::DisUnbypass) || life_pc == static_cast<uint8_t>(LifePc::Done);
}

class RootAfterExit final : public Invariant {
 public:
  const char* id() const override { return "root-after-exit"; }
  bool applies(const Config& cfg) const override { return cfg.lifecycle; }
  bool exercisedBy(const Event& e) const override {
    return e.kind == Ev::OpsLife && e.sch == kSchedRoot && static_cast<LifeOp>(e.a) == LifeOp::Exit;
  }
  const char* statement() const override {
    return "the root's ops.exit comes after every task left ext and every path in flight finished; no BPF "
           "callback of the root scheduler after its ops.exit";
  }
  bool onStep(const Config& cfg, const State& prev, const StepLog& log, State&, std::string* why) const override {
    if (!cfg.lifecycle) return true;
    bool exited = rootExited(prev.life_pc);
    uint8_t st[kMaxTasks];
    for (int t = 0; t < kMaxTasks; ++t) st[t] = prev.task[t].scx_state;
    for (const Event& e : log) {
      if (e.kind == Ev::TaskState) st[e.t] = e.b;
      if (e.kind == Ev::Site && static_cast<Site>(e.a) == Site::Reattach) exited = false;
      if (!rootBpfCall(e)) continue;
      if (exited) {
        *why = describeEvent(e) + ": a callback of the root scheduler after its ops.exit()";
        return false;
      }
      if (e.kind != Ev::OpsLife || static_cast<LifeOp>(e.a) != LifeOp::Exit) continue;
      for (uint8_t t = 0; t < cfg.tasks; ++t)
        if (st[t] != static_cast<uint8_t>(ScxTaskState::None) && st[t] != static_cast<uint8_t>(ScxTaskState::Unborn)) {
          *why = "the root's ops.exit() while " + taskName(t) + " is on ext (" + scxTaskStateName(st[t]) + ")";
          return false;
        }
      for (int a = 0; a < cfg.actors(); ++a)
        if (prev.actor[a].pc != static_cast<uint8_t>(Pc::Rest)) {
          *why = "the root's ops.exit() while " +
                 (a < cfg.cpus ? "CPU" + std::to_string(a) : taskName(static_cast<uint8_t>(a - cfg.cpus))) +
                 " is in ext's paths (no synchronize_rcu() before it)";
          return false;
        }
      exited = true;
    }
    return true;
  }
};
}  // namespace

std::unique_ptr<Invariant> makeRootAfterExit() { return std::make_unique<RootAfterExit>(); }

}  // namespace scxmc
