// Variant sub-disable-skips-sleepers: a reviewer's shortcut in
// scx_sub_disable's re-home loop (sub.c:1548-1613): only tasks on a
// runqueue are re-homed, a sleeping task "will be re-homed at its next
// wakeup".  Nothing does that, so after the child's ops.exit a sleeping
// task of its cgroup is still owned by it.  Caught by sub-ownership
// (docs/sub-sched.md).
#include "hook_probe.hpp"
#include "lifecycle_variants.hpp"

namespace scxmc {

namespace {
class SubDisableSkipsSleepers : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "sub-disable-skips-sleepers"; }
  bool subDisableVisits(uint8_t t) override {
    return ExtCore::subDisableVisits(t) && tk(t).on_rq != static_cast<uint8_t>(OnRq::No);  // BUG: sleepers skipped
  }
};
}  // namespace

std::unique_ptr<ExtCore> makeSubDisableSkipsSleepers(const Config& cfg) {
  return makeVariant<SubDisableSkipsSleepers>(withSubScheds(cfg));
}

}  // namespace scxmc
