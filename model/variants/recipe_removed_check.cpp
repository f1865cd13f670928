// Recipe "a removed check" (docs/check-your-patch.md, section 8): a patch
// deletes a test it believes redundant.  Here: scx_dsq_move() without the
// nldsq_cursor_lost_task() test (ext.c:9268), i.e. "the task was on the
// iterator's DSQ a moment ago, the locks we take now keep it there".
// They do not: between bpf_iter_scx_dsq_next() returning p (which drops
// the DSQ lock) and scx_dsq_move() taking p's rq and the DSQ lock again,
// another CPU may consume p or its owner may dequeue it.
//
// The override is the whole of ExtCore::dsqMoveAtSrc (consume.cpp) without
// that one test.
#include <memory>
#include "hook_probe.hpp"

#include "ext_core.hpp"

namespace scxmc {

namespace {
class RecipeRemovedCheck : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "recipe-removed-check"; }

 protected:
  // scx_dsq_move ext.c:9208, under p's rq (x) and the source DSQ (d)
  void dsqMoveAtSrc() override {
    Frame& f = fr();
    const uint8_t t = f.t, x = f.x, d = f.d;
    if (!lockRq(x)) return;
    if (!lockDsq(d)) return;
    // REMOVED: if (nldsq_cursor_lost_task(...)) { unlock; goto out; }  (ext.c:9268)
    site(Site::MoveBetweenDsqs);
    site(Site::WaitDispatching);
    if (opss(t) == Opss::Dispatching) {
      spinWaitDispatching(t);
      pause(Pc::DsqMoveWait);
      return;
    }
    dsqMoveBetween();
  }
};
}  // namespace

std::unique_ptr<ExtCore> makeRecipeRemovedCheck(const Config& c) { return makeVariant<RecipeRemovedCheck>(c); }

}  // namespace scxmc
