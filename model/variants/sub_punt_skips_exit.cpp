// Variant sub-punt-skips-exit (a reviewer's shortcut in scx_punt_task,
// sub.c:1279-1289): "the child is exiting and the parent will re-home the
// task in its own teardown", so the punt only re-points p->scx.sched
// (scx_set_task_sched(p, to), sub.c:1287) and leaves out
// scx_disable_and_exit_task(child, p) (sub.c:1286).  The task keeps its
// ENABLED state from the child: the child never gets its ops.disable and
// ops.exit_task, and the parent, which never initialized the task, later
// disables and exits it.  Caught by sub-callbacks and lifecycle (implies
// --lifecycle --sub-scheds 1 --sub-fail-parent).
#include "hook_probe.hpp"
#include "lifecycle_variants.hpp"

namespace scxmc {

namespace {
class SubPuntSkipsExit : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "sub-punt-skips-exit"; }
  void subPuntTask(uint8_t t) override {
    site(Site::PuntTask);
    setTaskSched(t, kSchedRoot);  // BUG: no scx_disable_and_exit_task(child, p) first
  }
};
}  // namespace

std::unique_ptr<ExtCore> makeSubPuntSkipsExit(const Config& cfg) {
  Config c = withSubScheds(cfg);
  c.sub_fail_parent = true;
  return makeVariant<SubPuntSkipsExit>(c);
}

}  // namespace scxmc
