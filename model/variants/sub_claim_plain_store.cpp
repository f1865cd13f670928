// Variant sub-claim-plain-store (issue 16's example "an exit claim made
// with a plain store instead of the exit_kind cmpxchg"): scx_claim_exit
// (ext.c:6801-6839) does atomic_set(&sch->exit_kind, kind) and goes on as
// the claimer, instead of atomic_try_cmpxchg(&sch->exit_kind, NONE, kind)
// (ext.c:6810) deciding one claimer.  Every claim then queues the disable
// work: a claim that comes after scx_disable_workfn set DONE (the parent's
// propagation irq_work, the child's own, or userspace's bpf_scx_unreg after
// an error) makes exit_kind non-DONE again, and the disable work runs
// scx_sub_disable a second time: a second ops.exit of the child.  Caught by
// sub-callbacks (a callback of the child after its ops.exit).
#include "hook_probe.hpp"
#include "lifecycle_variants.hpp"

namespace scxmc {

namespace {
class SubClaimPlainStore : public ExtCore {
 public:
  explicit SubClaimPlainStore(const Config& cfg) : ExtCore(cfg) { claim_is_cmpxchg_ = false; }
  const char* name() const override { return "sub-claim-plain-store"; }
  bool claimExitKind(uint8_t sch) override {
    site(Site::ClaimExit);
    setExitKind(sch, ExitKind::Claimed);  // BUG: atomic_set, no cmpxchg against NONE
    return true;
  }
};
}  // namespace

std::unique_ptr<ExtCore> makeSubClaimPlainStore(const Config& cfg) {
  return makeVariant<SubClaimPlainStore>(withSubScheds(cfg));
}

}  // namespace scxmc
