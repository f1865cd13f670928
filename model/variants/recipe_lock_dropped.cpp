// Recipe "a lock dropped or added" (docs/check-your-patch.md, section 8):
// a patch releases a lock in the middle of a section (or takes one).
// Here: process_ddsp_deferred_locals() (ext.c:4465) drops the rq lock after
// taking p off ddsp_deferred_locals and clearing its direct-dispatch state,
// "to call dispatch_to_local_dsq() without rq held", and takes it back:
//
//	 	list_del_init(&p->scx.dsq_list.node);
//	 	clear_direct_dispatch(p);
//	+	raw_spin_rq_unlock(rq);
//	+	...
//	+	raw_spin_rq_lock(rq);
//	 	dsq = find_dsq_for_dispatch(sch, rq, dsq_id, task_cpu(p));
//
// A dropped lock is an interleaving point: the variant ends the step there
// with a pause point of its own ("deferred_relock", its label in traces),
// keeping p and the resolved local DSQ in its frame, and re-takes the lock
// in the next step.  It overrides ExtCore::deferred (dispatch.cpp).  (To
// add a lock instead, call lockRq/lockDsq where the patch takes it: a lock
// another actor holds then blocks the step, and `deadlock` and
// `scxmc locks` see the new order.)
#include <memory>
#include "hook_probe.hpp"

#include "ext_core.hpp"

namespace scxmc {

namespace {
class RecipeLockDropped : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "recipe-lock-dropped"; }

 protected:
  // y keeps the local DSQ across the pause (PauseY::Dsq), t the task
  const PausePoint relock_ = definePause("deferred_relock", "process_ddsp_deferred_locals", "ext.c", 4489,
                                         "(recipe-lock-dropped) rq lock dropped after clear_direct_dispatch",
                                         [this] { relock(); }, PauseY::Dsq);

  void deferred() override {
    Frame& f = fr();
    if (!lockRq(f.home)) return;
    f.op = static_cast<uint8_t>(Op::Deferred);
    CpuState& cs = cpu(f.home);
    if (cs.dfn == 0) {
      endPath();
      return;
    }
    site(Site::RunDeferred);
    const uint8_t t = cs.dfq[0];
    for (int i = 0; i + 1 < cs.dfn; ++i) cs.dfq[i] = cs.dfq[i + 1];
    cs.dfq[--cs.dfn] = 0;
    tk(t).deferred = kNone;
    const uint8_t target = tk(t).ddsp;
    clearDirectDispatch(t);
    f.t = t;
    f.y = targetDsq(target, f.home, tk(t).cpu);
    unlockRq();  // NEW: raw_spin_rq_unlock(rq)
    pauseAt(relock_);
  }
  void relock() {
    Frame& f = fr();
    if (!lockRq(f.home)) return;  // NEW: raw_spin_rq_lock(rq)
    const uint8_t t = f.t, d = f.y;
    f.t = kNone;
    f.y = kNone;
    goTo(Pc::Deferred);  // the loop goes on with the next entry (dispatchToLocalDsq may pause first)
    if (!isLocalDsq(d)) {
      warn(Warn::BadDirectOpss, t);  // WARN_ON_ONCE(dsq->id != SCX_DSQ_LOCAL)
      return;
    }
    dispatchToLocalDsq(f.home, d, t);
  }
};
}  // namespace

std::unique_ptr<ExtCore> makeRecipeLockDropped(const Config& c) { return makeVariant<RecipeLockDropped>(c); }

}  // namespace scxmc
