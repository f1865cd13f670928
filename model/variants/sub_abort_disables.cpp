// Variant sub-abort-disables (a reviewer's "symmetry" change in the `abort`
// path of scx_sub_enable_workfn, sub.c:1990-2010): the cancel loop undoes
// the child's init with __scx_disable_and_exit_task(sch, p), as the switch
// loop does for the parent, instead of scx_sub_init_cancel_task(sch, p).
// The comment at sub.c:1994-1997 says why 7.3.4 does not: the child never
// ran ops.enable for the task, which the parent still owns, so the child's
// ops.disable has no matching ops.enable.  Caught by sub-callbacks (implies
// --lifecycle --sub-scheds 1 --sub-enable-fail --sub-cgroup-all).
#include "hook_probe.hpp"
#include "lifecycle_variants.hpp"

namespace scxmc {

namespace {
class SubAbortDisables : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "sub-abort-disables"; }
  void subAbortCancelTask(uint8_t t) override {
    // BUG: __scx_disable_and_exit_task(sch, p) (ext.c:4125-4157): the
    // child's ops.disable if the task is ENABLED (on the parent), then its
    // ops.exit_task (not cancelled)
    site(Site::DisableAndExit);
    if (tk(t).scx_state == static_cast<uint8_t>(ScxTaskState::Enabled))
      lifeOpOn(kSchedChild0, LifeOp::Disable, t);
    lifeOpOn(kSchedChild0, LifeOp::ExitTask, t);
    setFlagBit(t, kTaskSubInit, false);
  }
};
}  // namespace

std::unique_ptr<ExtCore> makeSubAbortDisables(const Config& cfg) {
  return makeVariant<SubAbortDisables>(withSubEnableFail(cfg));
}

}  // namespace scxmc
