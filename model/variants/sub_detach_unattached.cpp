// Variant sub-detach-unattached (a reviewer's simplification of
// scx_sub_disable, sub.c:1640): "the parent always saw the child, so always
// tell it", dropping the `sch->sub_attached` test.  A child whose ops.init
// or whose parent's ops.sub_attach failed (or that backed out of
// scx_link_sched) then gets an ops.sub_detach on its parent that no
// successful ops.sub_attach preceded.  Caught by sub-pairing (implies
// --lifecycle --sub-scheds 1 --sub-early-fail).
#include "hook_probe.hpp"
#include "lifecycle_variants.hpp"

namespace scxmc {

namespace {
class SubDetachUnattached : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "sub-detach-unattached"; }
  void subDetach(bool) override {
    lifeOpOn(kSchedRoot, LifeOp::SubDetach);  // BUG: whether or not sch->sub_attached
  }
};
}  // namespace

std::unique_ptr<ExtCore> makeSubDetachUnattached(const Config& cfg) {
  return makeVariant<SubDetachUnattached>(withSubEarlyFail(cfg));
}

}  // namespace scxmc
