// Variant sub-rehome-keeps-sched (issue 16's example "punting tasks to the
// parent without rehoming their scheduler pointer"): scx_rehome_task
// (sub.c:1250-1265) exits the task from the disabling child and enables it
// on the parent, but never calls scx_set_task_sched(p, to) (sub.c:1261), so
// scx_task_sched(p) keeps returning the child: the parent's ops.enable is
// made for a task the kernel routes to the child.  Caught by
// sub-callbacks (docs/sub-sched.md).
#include "hook_probe.hpp"
#include "lifecycle_variants.hpp"

namespace scxmc {

namespace {
class SubRehomeKeepsSched : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "sub-rehome-keeps-sched"; }
  void setTaskSched(uint8_t t, uint8_t sch) override {
    if (sch == kSchedRoot && s_->life_pc == static_cast<uint8_t>(LifePc::SubDisTasks)) return;  // BUG: not re-pointed
    ExtCore::setTaskSched(t, sch);
  }
};
}  // namespace

std::unique_ptr<ExtCore> makeSubRehomeKeepsSched(const Config& cfg) {
  return makeVariant<SubRehomeKeepsSched>(withSubScheds(cfg));
}

}  // namespace scxmc
