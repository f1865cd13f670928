// Variant no-switching-to (seed 001_57aee346dae7f8a2.txt, patch 04
// "switching_to() and check_class_changing/changed()"): class switching as
// it was before that patch.  There was no sched_class->switching_to(), so
// sched_ext enabled a task (ops.enable) from switched_to_scx(), which the
// core calls only after the task was enqueued in its new class.  A runnable
// task switched to ext therefore reached enqueue_task_scx() -- ops.runnable,
// and ops.enqueue unless bypassing -- before ops.enable had set up its BPF
// state: the "uninitialized BPF task state" the seed says patch 04 removed.
//
// The seed has no diff: it describes the ordering only.  The variant stands
// against 7.3.4's sched_change_end (core.c:11306-11346), which calls
// switching_to_scx (ext.c:4415; scx_enable_task at ext.c:4422) before
// enqueue_task and switched_to_scx (ext.c:4451, empty) after it: here
// switching_to_scx does nothing and switched_to_scx runs what it did.  Both
// class switches the model has go through it: __sched_setscheduler
// (syscalls.c:682) and the root-enable switch loop (ext.c:8032).
//
// It needs the lifecycle (a task switches class only there): the factory
// switches Config::lifecycle on, like the seed-000 variants.
#include "hook_probe.hpp"
#include "lifecycle_variants.hpp"

namespace scxmc {

namespace {
class NoSwitchingTo : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "no-switching-to"; }
  void switchingToScx(uint8_t) override {}  // the hook does not exist yet
  void switchedToScx(uint8_t t) override {
    // switched_to_scx: scx_enable_task, then set_cpumask, as switching_to_scx does in 7.3.4
    site(Site::SwitchedTo);
    lifeOp(LifeOp::Enable, t);  // BUG: after the first enqueue_task_scx of a runnable task
    setTaskState(t, ScxTaskState::Enabled);
    emit(Ev::OpsSetCpumask, t, tk(t).affinity);
  }
};
}  // namespace

std::unique_ptr<ExtCore> makeNoSwitchingTo(const Config& cfg) { return makeVariant<NoSwitchingTo>(withLifecycle(cfg)); }

}  // namespace scxmc
