// Variant bypass-clear-early (seed 000, patch 40): scx_ops_enable() leaves
// bypass mode before the scheduler's per-task state is fully initialized,
// so tasks reach ops.select_cpu/enqueue/dispatch of a partially initialized
// scheduler.  The fix the seed describes clears bypass "as the very last
// step, after all data structures are fully initialized".
//
// 7.3.4 counterpart: scx_root_enable_workfn leaves bypass at ext.c:8040,
// after the init loop (ext.c:7943-8003) and the switch loop (ext.c:8019-8038)
// and just before publishing ENABLED (ext.c:8042); there is no
// scx_ops_enable().  The variant moves scx_bypass(false) to between the two
// loops: every task has run ops.init_task, but not all have been switched
// to ext (ops.enable) when scheduling callbacks resume.
#include "hook_probe.hpp"
#include "lifecycle_variants.hpp"

namespace scxmc {

namespace {
class BypassClearEarly : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "bypass-clear-early"; }
  uint8_t enableNext(uint8_t done) override {
    switch (static_cast<LifePc>(done)) {
      case LifePc::EnInitTask: return static_cast<uint8_t>(LifePc::EnUnbypass);  // BUG: before the switch loop
      case LifePc::EnUnbypass: return static_cast<uint8_t>(LifePc::EnSwitchLock);
      case LifePc::EnSwitchTask: return static_cast<uint8_t>(LifePc::EnPublish);
      default: return ExtCore::enableNext(done);
    }
  }
};
}  // namespace

std::unique_ptr<ExtCore> makeBypassClearEarly(const Config& cfg) { return makeVariant<BypassClearEarly>(withLifecycle(cfg)); }

}  // namespace scxmc
