// Variant switching-from-disables (issue 17, "Task death and class"): a
// patch that gives ext a ->switching_from callback doing switched_from_scx's
// work, scx_disable_task, "so that the BPF scheduler hears of the switch
// before the task is taken off its queue".  sched_change_begin calls
// ->switching_from before the dequeue (core.c:11277-11278, then
// dequeue_task 11295-11296 and ->switched_from 11300-11301), so a runnable
// task still in the BPF scheduler's custody gets ops.disable before its
// ops.dequeue: scx_disable_task's WARN (ext.c:4122) and callbacks of a
// disabled task.  A sleeping task is not queued: there the order changes
// nothing.  Needs --lifecycle --switch-runnable: the factory switches them on.
#include <memory>

#include "hook_probe.hpp"

namespace scxmc {

namespace {
class SwitchingFromDisables : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "switching-from-disables"; }
  DeqStart dequeueTaskBegin(uint8_t rq, uint8_t t, uint8_t core_flags) override {
    // BUG: ->switching_from_scx runs scx_disable_task before dequeue_task
    if (fr().y == kChangeToFair && tk(t).scx_state == static_cast<uint8_t>(ScxTaskState::Enabled))
      scxDisableTask(t);
    return ExtCore::dequeueTaskBegin(rq, t, core_flags);
  }
  // switched_from_scx no longer disables what ->switching_from did
  void switchedFromScx(uint8_t t) override {
    if (tk(t).scx_state == static_cast<uint8_t>(ScxTaskState::Enabled)) ExtCore::switchedFromScx(t);
  }
};
}  // namespace

std::unique_ptr<ExtCore> makeSwitchingFromDisables(const Config& cfg) {
  Config c = cfg;
  c.lifecycle = true;
  c.switch_runnable = true;
  return makeVariant<SwitchingFromDisables>(c);
}

}  // namespace scxmc
