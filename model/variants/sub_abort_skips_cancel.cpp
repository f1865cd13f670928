// Variant sub-abort-skips-cancel (a reviewer's shortcut in the `abort` path
// of scx_sub_enable_workfn, sub.c:1990-2010): "the child is about to be
// disabled and its ops.exit frees everything", so the cancel loop only
// clears SCX_TASK_SUB_INIT and leaves out scx_sub_init_cancel_task(sch, p)
// (sub.c:2005).  The child's ops.init_task of every task it initialized
// before the failing one then never gets its ops.exit_task.  Caught by
// sub-task-init at the child's ops.exit (implies --lifecycle --sub-scheds 1
// --sub-enable-fail --sub-cgroup-all: the loop cancels only with a second
// task in the child's cgroup).
#include "hook_probe.hpp"
#include "lifecycle_variants.hpp"

namespace scxmc {

namespace {
class SubAbortSkipsCancel : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "sub-abort-skips-cancel"; }
  void subAbortCancelTask(uint8_t t) override {
    setFlagBit(t, kTaskSubInit, false);  // BUG: no scx_sub_init_cancel_task(sch, p)
  }
};
}  // namespace

std::unique_ptr<ExtCore> makeSubAbortSkipsCancel(const Config& cfg) {
  return makeVariant<SubAbortSkipsCancel>(withSubEnableFail(cfg));
}

}  // namespace scxmc
