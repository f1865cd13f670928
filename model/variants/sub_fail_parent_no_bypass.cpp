// Variant sub-fail-parent-no-bypass (a reviewer's simplification of
// scx_fail_parent, sub.c:1291-1317): drop scx_bypass(parent, true)
// (sub.c:1306), "the parent's exit is claimed, its disable bypasses it
// anyway".  But the punted tasks reach the parent in SCX_TASK_NONE before
// that disable runs, and only bypass keeps the parent's scheduling
// decisions (ops.select_cpu, ops.enqueue, ops.dispatch) away from tasks it
// never initialized: scx_punt_task's WARN_ON_ONCE(!to->bypass_depth)
// (sub.c:1283) fires.  Caught by kernel-warn (implies --lifecycle
// --sub-scheds 1 --sub-fail-parent).
#include "hook_probe.hpp"
#include "lifecycle_variants.hpp"

namespace scxmc {

namespace {
class SubFailParentNoBypass : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "sub-fail-parent-no-bypass"; }
  bool scxBypass(bool on) override {
    if (s_->life_pc == static_cast<uint8_t>(LifePc::SubDisFail)) return true;  // BUG: the parent is not bypassed
    return ExtCore::scxBypass(on);
  }
};
}  // namespace

std::unique_ptr<ExtCore> makeSubFailParentNoBypass(const Config& cfg) {
  Config c = withSubScheds(cfg);
  c.sub_fail_parent = true;
  return makeVariant<SubFailParentNoBypass>(c);
}

}  // namespace scxmc
