// Variant link-sched-irqs-on (issue 17, a reviewer's variant for lock
// contexts): scx_link_sched takes scx_bypass_lock with a plain
// raw_spin_lock instead of raw_spin_lock_irqsave, so scx_sched_lock (taken
// inside it, ext.c:6505) is held with hardirqs enabled.
//
// 7.3.4 counterpart: scx_link_sched (ext.c:6502-6505) takes
// scoped_guard(raw_spinlock_irqsave, &scx_bypass_lock) and then
// scoped_guard(raw_spinlock, &scx_sched_lock) with irqs off.  scx_sched_lock
// must be hardirq-safe: scx_bypass takes it under rq locks (ext.c:6299-6310,
// 6333-6350), and the rq lock is taken in hardirq (sched_tick core.c:5797;
// in the kernel also scx_propagate_exit_irq_workfn takes scx_sched_lock
// itself from an irq_work, ext.c:6786).  Lockdep reports the variant as
// "HARDIRQ-safe -> HARDIRQ-unsafe lock order detected": a tick on the CPU
// inside scx_link_sched, while another CPU in scx_bypass holds its rq lock
// and spins on scx_sched_lock, deadlocks.  Caught by `scxmc locks` (the
// per-class irq usage over every execution); no single acquisition is wrong,
// so the lock-context invariant holds.
#include "hook_probe.hpp"
#include "lifecycle_variants.hpp"

namespace scxmc {

namespace {
class LinkSchedIrqsOn : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "link-sched-irqs-on"; }
  bool acquiresWithIrqsOn(LockClass cls, uint8_t inst) override {
    // the helper's first stage is root enable's scx_link_sched (lifecycle.cpp)
    if (isHelper(me_) && lifeStage(s_->life_pc) == LifePc::Idle &&
        (cls == LockClass::BypassLock || cls == LockClass::SchedLock))
      return true;  // BUG: raw_spin_lock(&scx_bypass_lock) without _irqsave
    return ExtCore::acquiresWithIrqsOn(cls, inst);
  }
};
}  // namespace

std::unique_ptr<ExtCore> makeLinkSchedIrqsOn(const Config& cfg) {
  return makeVariant<LinkSchedIrqsOn>(withLifecycle(cfg));
}

}  // namespace scxmc
