// Invariant sub-callbacks (--sub-scheds, docs/sub-sched.md): a task's
// BPF callbacks come only from the scheduler that owns it (Event::sch is
// the scheduler whose ops the kernel called: scx_task_sched(p), or the one
// the code names); the only exceptions are ops.init_task, which prepares a
// task for its next owner while the current one keeps it (sub.c:1903,
// 1583, 2050-2055), and the ops.exit_task(cancelled) that undoes it when
// that owner change is called off (scx_sub_init_cancel_task ext.c:4159,
// from sub.c:2115; Event::b kExitTaskInitCancel).  The owner changes only
// out of custody: custody entered under one scheduler ends with that
// scheduler's ops.dequeue() (the kernel's IN_CUSTODY flag is clear at
// scx_set_task_sched), so with the custody
// invariant (exactly one ops.dequeue per custody) custody is paired per
// scheduler.  No callback of the child before its ops.init or after its
// ops.exit (an enable that backed out of scx_link_sched gets its ops.exit
// without ops.init, once).
#include "ext_core.hpp"
#include "format.hpp"
#include "invariants_all.hpp"

namespace scxmc {

namespace {
bool taskCallback(const Event& e) {
  switch (e.kind) {
    case Ev::OpsSelectCpu: case Ev::OpsEnqueue: case Ev::OpsDequeue: case Ev::OpsRunnable:
    case Ev::OpsRunning: case Ev::OpsStopping: case Ev::OpsQuiescent: case Ev::OpsSetWeight:
    case Ev::OpsSetCpumask: case Ev::KfInsert: case Ev::KfDsqMove: case Ev::OpsLife: return e.t != kNone;
    default: return false;
  }
}
bool bpfCall(const Event& e) {
  switch (e.kind) {
    case Ev::OpsSelectCpu: case Ev::OpsEnqueue: case Ev::OpsDequeue: case Ev::OpsDispatch: case Ev::OpsRunnable:
    case Ev::OpsRunning: case Ev::OpsStopping: case Ev::OpsQuiescent: case Ev::OpsSetWeight:
    case Ev::OpsSetCpumask: case Ev::KfInsert: case Ev::KfKick: case Ev::KfMoveToLocal: case Ev::KfDsqMove: case Ev::OpsLife:
      return true;
    default: return false;
  }
}
const char* schedName(uint8_t s) { return s == kSchedRoot ? "the root" : "the child"; }

class SubCallbackOwner final : public Invariant {
 public:
  const char* id() const override { return "sub-callbacks"; }
  bool applies(const Config& cfg) const override { return cfg.sub_scheds > 0; }
  bool exercisedBy(const Event& e) const override { return e.kind == Ev::SetSched || e.sch != kSchedRoot; }
  const char* statement() const override {
    return "a task's BPF callbacks come only from its owner (ops.init_task for the next owner excepted); the owner "
           "changes only out of custody; no callback of the child before its ops.init or after its ops.exit";
  }
  bool onStep(const Config& cfg, const State& prev, const StepLog& log, State&, std::string* why) const override {
    if (!cfg.sub_scheds) return true;
    uint8_t owner[kMaxTasks], custody[kMaxTasks];
    for (int t = 0; t < kMaxTasks; ++t) {
      owner[t] = (prev.task[t].flags & kTaskSubOwned) ? kSchedChild0 : kSchedRoot;
      custody[t] = (prev.task[t].flags & kTaskInCustody) ? 1 : 0;
    }
    bool alive = subLive(prev.life_pc);
    // an enable that backed out of scx_link_sched never called ops.init,
    // and its disable still calls ops.exit (sub.c:1652): once
    bool exit_only = prev.life_pc == static_cast<uint8_t>(LifePc::SubEnFailed);
    for (const Event& e : log) {
      if (e.kind == Ev::Custody) {
        custody[e.t] = e.a;
      } else if (e.kind == Ev::SetSched) {
        if (custody[e.t]) {
          *why = taskName(e.t) + " moves from " + schedName(owner[e.t]) + " to " + schedName(e.a) +
                 " while in " + schedName(owner[e.t]) + "'s custody (no ops.dequeue from it first)";
          return false;
        }
        owner[e.t] = e.a;
      }
      if (!bpfCall(e)) continue;
      const bool init = e.kind == Ev::OpsLife && static_cast<LifeOp>(e.a) == LifeOp::Init;
      if (e.sch == kSchedChild0 && init) alive = true;
      const bool exit = e.kind == Ev::OpsLife && static_cast<LifeOp>(e.a) == LifeOp::Exit;
      if (e.sch == kSchedChild0 && exit && exit_only) {
        exit_only = false;
        continue;
      }
      if (e.sch == kSchedChild0 && !alive) {
        *why = describeEvent(e) + ": a callback of the child scheduler outside its ops.init .. ops.exit";
        return false;
      }
      if (e.sch == kSchedChild0 && exit) alive = false;
      if (!taskCallback(e)) continue;
      if (e.kind == Ev::OpsLife && static_cast<LifeOp>(e.a) == LifeOp::InitTask) continue;
      if (e.kind == Ev::OpsLife && static_cast<LifeOp>(e.a) == LifeOp::ExitTask && e.b == kExitTaskInitCancel &&
          e.sch != owner[e.t])
        continue;
      if (e.sch != owner[e.t]) {
        *why = describeEvent(e) + " is a callback of " + schedName(e.sch) + " but " + taskName(e.t) +
               " is owned by " + schedName(owner[e.t]);
        return false;
      }
    }
    return true;
  }
};
}  // namespace

std::unique_ptr<Invariant> makeSubCallbackOwner() { return std::make_unique<SubCallbackOwner>(); }

}  // namespace scxmc
