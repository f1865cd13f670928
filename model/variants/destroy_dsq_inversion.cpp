// Variant destroy-dsq-inversion (seed 000, patch 39): scx_bpf_destroy_dsq()
// takes its locks in the opposite order to the disable path when both run
// concurrently.  Disable walks scx_tasks holding scx_tasks_lock, then each
// task's pi_lock and rq lock, and dequeues it under dsq->lock
// (scx_tasks_lock -> ... -> dsq->lock, ext.c:6658-6675 via
// scx_dispatch_dequeue ext.c:1808); the variant's destroy takes dsq->lock
// and then scx_tasks_lock (dsq->lock -> scx_tasks_lock).
//
// 7.3.4 counterpart: none.  destroy_dsq (ext.c:5300-5337) takes only RCU
// and that DSQ's lock and defers freeing through irq_work "to avoid nesting
// RCU operations inside scheduler locks" (ext.c:5323-5328).  The seed does
// not say why destroy would need scx_tasks_lock; the variant models its
// description literally (as a walk of scx_tasks to find tasks still queued
// on the DSQ) and nothing else.
#include "hook_probe.hpp"
#include "lifecycle_variants.hpp"

namespace scxmc {

namespace {
class DestroyDsqInversion : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "destroy-dsq-inversion"; }
  void destroyDsq(uint8_t d) override {
    site(Site::DestroyDsq);
    lifeOp(LifeOp::DestroyDsq, kNone, d);
    if (!lockDsq(d)) return;
    lock(LockClass::ScxTasks);  // BUG: scx_tasks_lock inside dsq->lock
    unlock(LockClass::ScxTasks);
    unlockDsq(d);
  }
};
}  // namespace

std::unique_ptr<ExtCore> makeDestroyDsqInversion(const Config& cfg) {
  return makeVariant<DestroyDsqInversion>(withLifecycle(cfg));
}

}  // namespace scxmc
