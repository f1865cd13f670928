// Variant hardlockup-takes-sched-lock (issue 17 part 2, "the hardlockup/NMI
// path"): handle_lockup (ext.c:5794-5816) serialises its exit with the
// other scheduler-tree writers by taking scx_sched_lock (raw_spinlock_irqsave,
// as scx_propagate_exit_irq_workfn does at ext.c:6786) around scx_vexit,
// instead of relying on scx_claim_exit's lock-free cmpxchg and sweep
// (ext.c:6801-6839, "Lock-free and safe to call from any context including
// NMI").  scx_hardlockup (ext.c:5911-5919) runs in NMI context, where no
// lock is safe (raw spinlocks included: the NMI may have interrupted the
// lock's holder on its own CPU).  Caught by lock-context's lock-in-nmi and
// `scxmc locks`.  Needs --lifecycle --nmi: the factory switches them on.
#include <memory>

#include "hook_probe.hpp"
#include "lifecycle_variants.hpp"

namespace scxmc {

namespace {
class HardlockupTakesSchedLock : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "hardlockup-takes-sched-lock"; }
  void handleLockup() override {
    lock(LockClass::SchedLock);  // BUG: a raw spinlock in NMI context
    nmiVexit();
    unlock(LockClass::SchedLock);
  }
};
}  // namespace

std::unique_ptr<ExtCore> makeHardlockupTakesSchedLock(const Config& cfg) {
  Config c = withLifecycle(cfg);
  c.nmi = true;
  return makeVariant<HardlockupTakesSchedLock>(c);
}

}  // namespace scxmc
