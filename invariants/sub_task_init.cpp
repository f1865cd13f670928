// Invariant sub-task-init (--sub-scheds, docs/invariants.md): per
// scheduler, a task's ops.init_task and ops.exit_task pair up.  A
// scheduler's ops.enable, ops.disable and ops.exit_task of a task come only
// while the task is initialized on that scheduler (a successful
// ops.init_task of it, not yet undone by its ops.exit_task), ops.init_task
// does not run again for a task already initialized there, and a
// scheduler's ops.exit comes only once no task is initialized on it: every
// task it initialized got exactly one ops.exit_task.
//
// The kernel's side: __scx_init_task (ext.c:3975) and the ops.exit_task
// calls of __scx_disable_and_exit_task (ext.c:4125-4152) and
// scx_sub_init_cancel_task (ext.c:4159-4169); a scheduler may hold a task it
// initialized without owning it (sub.c:1903, 1583, 2050: the next owner's
// init while the current one keeps the task), so the record is per
// scheduler (TaskState::ghost2, invariants/ghost.hpp), not the one
// p->scx.flags state the lifecycle invariant follows.  A failed
// ops.init_task (Event::b kInitTaskFailed) initializes nothing.  Scheduling
// callbacks are left to lifecycle, which accepts those a task punted to a
// failed parent makes in SCX_TASK_NONE (sub.c:1274-1277).
#include "ext_core.hpp"
#include "format.hpp"
#include "ghost.hpp"
#include "invariants_all.hpp"

namespace scxmc {

namespace {
const char* schedOf(uint8_t s) { return s == kSchedRoot ? "the root" : "the child"; }
uint8_t bitOf(uint8_t s) { return s == kSchedRoot ? kGhost2InitRoot : kGhost2InitChild; }

class SubTaskInit final : public Invariant {
 public:
  const char* id() const override { return "sub-task-init"; }
  bool applies(const Config& cfg) const override { return cfg.sub_scheds > 0; }
  bool exercisedBy(const Event& e) const override {
    return e.kind == Ev::OpsLife && e.t != kNone && static_cast<LifeOp>(e.a) == LifeOp::ExitTask;
  }
  const char* statement() const override {
    return "per scheduler: ops.enable, ops.disable and ops.exit_task of a task only while it is initialized there "
           "(ops.init_task succeeded, no ops.exit_task since), no second ops.init_task meanwhile, and no ops.exit "
           "while a task is initialized there";
  }
  bool onStep(const Config& cfg, const State& prev, const StepLog& log, State& next, std::string* why) const override {
    if (!cfg.sub_scheds) return true;
    uint8_t init[kMaxTasks];
    for (int t = 0; t < kMaxTasks; ++t) init[t] = prev.task[t].ghost2;
    for (const Event& e : log) {
      if (e.kind != Ev::OpsLife) continue;
      const auto op = static_cast<LifeOp>(e.a);
      if (e.t == kNone) {
        if (op != LifeOp::Exit) continue;
        for (uint8_t t = 0; t < cfg.tasks; ++t)
          if (init[t] & bitOf(e.sch)) {
            *why = describeEvent(e) + " of " + schedOf(e.sch) + " while " + taskName(t) +
                   " is still initialized on it (no ops.exit_task)";
            return false;
          }
        continue;
      }
      const uint8_t bit = bitOf(e.sch);
      switch (op) {
        case LifeOp::InitTask:
          if (e.b == kInitTaskFailed) break;
          if (init[e.t] & bit) {
            *why = describeEvent(e) + ": " + taskName(e.t) + " is already initialized on " + schedOf(e.sch);
            return false;
          }
          init[e.t] |= bit;
          break;
        case LifeOp::Enable:
        case LifeOp::Disable:
        case LifeOp::ExitTask:
          if (!(init[e.t] & bit)) {
            *why = describeEvent(e) + ": " + schedOf(e.sch) + " never initialized " + taskName(e.t) +
                   " (or exited it already)";
            return false;
          }
          if (op == LifeOp::ExitTask) init[e.t] &= static_cast<uint8_t>(~bit);
          break;
        default:
          break;
      }
    }
    for (int t = 0; t < cfg.tasks; ++t) next.task[t].ghost2 = init[t];
    return true;
  }
};
}  // namespace

std::unique_ptr<Invariant> makeSubTaskInit() { return std::make_unique<SubTaskInit>(); }

}  // namespace scxmc
