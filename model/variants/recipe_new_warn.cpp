// Recipe "a new WARN" (docs/check-your-patch.md, section 8): a patch adds
// a WARN_ON_ONCE() for a condition its author believes impossible.  Here:
// dequeue_task_scx() asserting that a task it dequeues has no pending
// direct dispatch, just before its clear_direct_dispatch() (ext.c:2367):
//
//	+	WARN_ON_ONCE(p->scx.ddsp_dsq_id != SCX_DSQ_INVALID);
//	 	clear_direct_dispatch(p);
//
// The variant registers the check by name with its line (defineWarn): no
// enum Warn value, no format.cpp entry.  `kernel-warn` reports it when the
// checker reaches the condition, with this name and citation.
#include <memory>
#include "hook_probe.hpp"

#include "ext_core.hpp"

namespace scxmc {

namespace {
class RecipeNewWarn : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "recipe-new-warn"; }

 protected:
  const WarnCheck ddsp_pending_ = defineWarn("dequeue_ddsp_pending", "ext.c", 2367,
                                             "dequeue_task_scx: WARN_ON_ONCE(p->scx.ddsp_dsq_id != SCX_DSQ_INVALID)");

  // dequeue_task_scx ext.c:2311, its tail after ops_dequeue
  void dequeueTaskFinish(uint8_t rq, uint8_t t, uint8_t deq_flags) override {
    if (tk(t).ddsp != kNone) warn(ddsp_pending_, t);  // NEW
    ExtCore::dequeueTaskFinish(rq, t, deq_flags);
  }
};
}  // namespace

std::unique_ptr<ExtCore> makeRecipeNewWarn(const Config& c) { return makeVariant<RecipeNewWarn>(c); }

}  // namespace scxmc
