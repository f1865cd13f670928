// Variant sub-enable-before-set-sched: scx_sub_enable_workfn's switch loop
// (sub.c:1944-1965) with its two lines swapped: scx_enable_task(sch, p)
// before scx_set_task_sched(p, sch).  The child's ops.enable then runs for
// a task the kernel still routes to the parent (ops.enable of one
// scheduler, the task's callbacks until the store from another).  Caught
// by sub-callbacks (docs/sub-sched.md).
#include "hook_probe.hpp"
#include "lifecycle_variants.hpp"

namespace scxmc {

namespace {
class SubEnableBeforeSetSched : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "sub-enable-before-set-sched"; }
  void subEnableSwitchTask(uint8_t t) override {
    site(Site::SubSwitchLoop);
    SubChange change;
    if (!subChangeBegin(t, &change)) return;
    const bool enabled = tk(t).scx_state == static_cast<uint8_t>(ScxTaskState::Enabled);
    if (enabled) scxDisableTask(t);
    site(Site::DisableAndExit);
    lifeOpOn(kSchedRoot, LifeOp::ExitTask, t);
    if (enabled) {  // BUG: before the owner is the child
      site(Site::SwitchingTo);
      lifeOpOn(kSchedChild0, LifeOp::Enable, t);
      setTaskState(t, ScxTaskState::Enabled);
    }
    setTaskSched(t, kSchedChild0);
    setFlagBit(t, kTaskSubInit, false);
    subChangeEnd(t, change);
  }
};
}  // namespace

std::unique_ptr<ExtCore> makeSubEnableBeforeSetSched(const Config& cfg) {
  return makeVariant<SubEnableBeforeSetSched>(withSubScheds(cfg));
}

}  // namespace scxmc
