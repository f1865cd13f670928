// Recipe "a lockless read split in two" (docs/check-your-patch.md,
// section 8): a patch replaces one atomic access by two (a read, then a
// store or a second read), assuming nothing changes in between.  Here:
// ops_dequeue()'s claim of a QUEUED task, atomic_long_try_cmpxchg(QUEUED ->
// NONE) at ext.c:2270, becomes a read and a plain store:
//
//	-		if (atomic_long_try_cmpxchg(&p->scx.ops_state, &opss,
//	-					    SCX_OPSS_NONE))
//	-			break;
//	+		atomic_long_set(&p->scx.ops_state, SCX_OPSS_NONE);
//	+		break;
//
// (the read is the switch's atomic_long_read_acquire, ext.c:2244).
// finish_dispatch() on another CPU claims QUEUED -> DISPATCHING without
// p's rq lock (ext.c:2876), so it can run between the two: each lockless
// access is an interleaving point of its own.  The variant makes the
// second one a pause point ("opss_store", its label in traces) inside the
// dequeue: dequeue_task_scx's callers expect a pause there (DeqWait), and
// a value-y pause keeps DeqWait's registers (d the dequeue flags).  It
// overrides ExtCore::dequeueTask (environment.cpp).
#include <memory>
#include "hook_probe.hpp"

#include "ext_core.hpp"

namespace scxmc {

namespace {
class RecipeSplitRead : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "recipe-split-read"; }

 protected:
  const PausePoint store_ = definePause("opss_store", "ops_dequeue", "ext.c", 2270,
                                        "(recipe-split-read) QUEUED read, the NONE store not made yet",
                                        [this] { storeNone(); });

  // dequeue_task_scx as a core path calls it (f.t = t, f.x = rq, f.tag = continuation)
  void dequeueTask(uint8_t rq, uint8_t t, uint8_t core_flags) override {
    if (!queued(t) || opss(t) != Opss::Queued || !custody(t))
      return ExtCore::dequeueTask(rq, t, core_flags);
    site(Site::DequeueTask);
    site(Site::OpsDequeue);
    fr().d = dequeueFlags(core_flags);
    lockless();  // the read: QUEUED, in custody
    pauseAt(store_);
  }
  void storeNone() {
    Frame& f = fr();
    setOpss(f.t, Opss::None);  // SPLIT: a plain store, whatever ops_state is now
    dequeueTaskFinish(f.x, f.t, f.d);
    deqContinue();
  }
};
}  // namespace

std::unique_ptr<ExtCore> makeRecipeSplitRead(const Config& c) { return makeVariant<RecipeSplitRead>(c); }

}  // namespace scxmc
