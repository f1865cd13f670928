// Variant switching-to-skips-none: a proposed fix for what --sub-fail-parent
// finds in 7.3.4 (docs/sub-sched.md, "Failure paths").  scx_punt_task
// (sub.c:1279-1289) leaves a task of the failed child in SCX_TASK_NONE on
// the parent; while the parent is still ENABLED, task_should_scx
// (ext.c:5733-5760) lets such a task that is on fair switch to ext, and
// switching_to_scx (ext.c:4415-4431) calls scx_enable_task on it: the
// parent's ops.enable for a task whose ops.init_task on it failed, and
// scx_set_task_state's WARN_ONCE on NONE -> ENABLED (ext.c:682-683).
// switched_from_scx already returns for NONE (ext.c:4438-4446, "e.g.
// scx_fail_parent() handed @p back to the parent at NONE"); the fix gives
// switching_to_scx the same check, so the task joins ext in NONE like a
// punted task that was on ext, and the parent's disable switches it out.
// Expected: every invariant holds where 7.3.4 violates lifecycle and
// sub-task-init (implies --lifecycle --sub-scheds 1 --sub-fail-parent).
#include "hook_probe.hpp"
#include "lifecycle_variants.hpp"

namespace scxmc {

namespace {
class SwitchingToSkipsNone : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "switching-to-skips-none"; }
  void switchingToScx(uint8_t t) override {
    if (tk(t).scx_state == static_cast<uint8_t>(ScxTaskState::None)) {
      site(Site::SwitchingTo);
      setFlagBit(t, kTaskPunted, true);  // FIX: on ext in NONE, nothing enabled
      return;
    }
    ExtCore::switchingToScx(t);
  }
};
}  // namespace

std::unique_ptr<ExtCore> makeSwitchingToSkipsNone(const Config& cfg) {
  Config c = withSubScheds(cfg);
  c.sub_fail_parent = true;
  return makeVariant<SwitchingToSkipsNone>(c);
}

}  // namespace scxmc
