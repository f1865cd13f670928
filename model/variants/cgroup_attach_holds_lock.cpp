// Variant cgroup-attach-holds-lock (seed 000, patch 41): scx_cgroup_can_attach()
// calls into BPF (ops.cgroup_prep_move, which may sleep) with the cgroup
// lock held; the fix releases the lock before the BPF call.
//
// 7.3.4 counterpart: none.  scx_cgroup_can_attach (ext.c:4984-5043) calls
// ops.cgroup_prep_move with the caller's cgroup_mutex held -- a mutex, under
// which sleeping is allowed, and which scx_cgroup_task_sched() requires
// (ext.c:4979-4982) -- and no scx-private lock spans can_attach -> attach.
// A BPF call that may sleep is only wrong under a spinning lock, so the
// variant models the seed's "cgroup lock" as cgroup's spinlock,
// css_set_lock, held across the call.
#include "hook_probe.hpp"
#include "lifecycle_variants.hpp"

namespace scxmc {

namespace {
class CgroupAttachHoldsLock : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "cgroup-attach-holds-lock"; }
  void cgroupAttach(uint8_t t, bool fail) override {
    lock(LockClass::CgroupMutex);
    lock(LockClass::CssSetLock);  // BUG: a spinning cgroup lock across the BPF call
    site(Site::CgroupCanAttach);
    lifeOp(LifeOp::CgroupPrepMove, t);
    unlock(LockClass::CssSetLock);
    unlock(LockClass::CgroupMutex);
    // the rest (attach or cancel_attach) as in 7.3.4, under cgroup_mutex again
    ExtCore::cgroupAttach(t, fail);
  }
};
}  // namespace

std::unique_ptr<ExtCore> makeCgroupAttachHoldsLock(const Config& cfg) {
  return makeVariant<CgroupAttachHoldsLock>(withLifecycle(cfg));
}

}  // namespace scxmc
