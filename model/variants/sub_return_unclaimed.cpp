// Variant sub-return-unclaimed (a reviewer's simplification of
// scx_cgroup_return_subtree, sub.c:1447-1449): "every task_group under the
// child's cgroup is the child's", dropping the `tg->scx.sched != sch` test
// of the first pass.  After an enable whose subtree claim failed (or that
// failed before it), the disable then calls the child's ops.cgroup_exit of a
// cgroup it never initialized and the parent's ops.cgroup_init of one it
// still holds.  Caught by sub-pairing (implies --lifecycle --sub-scheds 1
// --sub-early-fail).
#include "hook_probe.hpp"
#include "lifecycle_variants.hpp"

namespace scxmc {

namespace {
class SubReturnUnclaimed : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "sub-return-unclaimed"; }
  void subReturnSubtree(bool) override {
    ExtCore::subReturnSubtree(true);  // BUG: no tg->scx.sched == sch test
  }
};
}  // namespace

std::unique_ptr<ExtCore> makeSubReturnUnclaimed(const Config& cfg) {
  return makeVariant<SubReturnUnclaimed>(withSubEarlyFail(cfg));
}

}  // namespace scxmc
