// Recipe "a moved block" (docs/check-your-patch.md, section 8): a patch
// moves a few lines within a function.  Here: finish_dispatch's transfer
// to a non-local DSQ releases DISPATCHING first -- the SCX_ENQ_CLEAR_OPSS
// store of scx_dispatch_enqueue (ext.c:1755) moved up to before
// raw_spin_lock(&dsq->lock) (ext.c:1632) -- "so that nobody waits on us
// while we take the DSQ lock".
//
// A moved lockless store is a new interleaving point: other CPUs see
// ops_state NONE from the moment it is made, before p is linked.  The
// variant says so with a pause point of its own ("clear_opss_early"): the
// store, then the pause, then (next step) the lock, the link and the rest.
// It overrides ExtCore::flushLink (dispatch.cpp), the step that starts
// there.
#include <memory>
#include "hook_probe.hpp"

#include "ext_core.hpp"

namespace scxmc {

namespace {
class RecipeMovedBlock : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "recipe-moved-block"; }

 protected:
  // y keeps the target DSQ across the pause (PauseY::Dsq)
  const PausePoint link_ = definePause("clear_opss_early", "scx_dispatch_enqueue", "ext.c", 1632,
                                       "(recipe-moved-block) ops_state NONE stored, p not linked yet",
                                       [this] { linkAfterRelease(); }, PauseY::Dsq);

  // finish_dispatch -> scx_dispatch_enqueue for a non-local DSQ (f.y)
  void flushLink() override {
    Frame& f = fr();
    site(Site::ClearOpss);
    setOpss(f.t, Opss::None);  // MOVED: was after the unlock (ext.c:1755)
    pauseAt(link_);
  }
  void linkAfterRelease() {
    Frame& f = fr();
    if (!lockDsq(f.y)) return;
    const bool call = dispatchEnqueueLink(f.home, f.y, f.t, /*apply_slice=*/true, /*head=*/false);
    if (blocked_) return;
    dispatchEnqueueTail(f.t, call, /*clear_opss=*/false);  // (the store moved up)
    f.t = kNone;
    f.y = kNone;
    goTo(Pc::Flush);
  }
};
}  // namespace

std::unique_ptr<ExtCore> makeRecipeMovedBlock(const Config& c) { return makeVariant<RecipeMovedBlock>(c); }

}  // namespace scxmc
