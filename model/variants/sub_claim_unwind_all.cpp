// Variant sub-claim-unwind-all (a reviewer's simplification of
// scx_cgroup_claim_subtree's `err` unwind, sub.c:1398-1409): "undo the
// whole subtree", dropping the SCX_TG_SUB_INIT test, so the child's
// ops.cgroup_exit also runs for the task_group whose ops.cgroup_init just
// failed.  Caught by sub-pairing (implies --lifecycle --sub-scheds 1
// --sub-early-fail).
#include "hook_probe.hpp"
#include "lifecycle_variants.hpp"

namespace scxmc {

namespace {
class SubClaimUnwindAll : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "sub-claim-unwind-all"; }
  void subClaimSubtreeUnwind() override {
    lifeOpOn(kSchedChild0, LifeOp::CgroupExit);  // BUG: the failed task_group is not SCX_TG_SUB_INIT
  }
};
}  // namespace

std::unique_ptr<ExtCore> makeSubClaimUnwindAll(const Config& cfg) {
  return makeVariant<SubClaimUnwindAll>(withSubEarlyFail(cfg));
}

}  // namespace scxmc
