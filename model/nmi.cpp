// The hardlockup NMI (Config::nmi, docs/architecture.md "The hardlockup
// NMI"): scx_hardlockup (ext.c:5911-5919), called from the hardlockup
// detector's NMI on some CPU -> handle_lockup (ext.c:5794-5816): under RCU,
// scx_root, and for SCX_ENABLING or SCX_ENABLED scx_vexit(root,
// SCX_EXIT_ERROR) (ext.c:7276-7290) -> scx_claim_exit (ext.c:6801-6839):
// the exit_kind cmpxchg, the lockless ->aborting sweep, irq_work_queue of
// the propagation, then scx_finish_exit's irq_work_queue of the disable
// (ext.c:7250-7274).  No lock anywhere: every lock event the actor emits
// runs in LockCtx::Nmi, where lock-context's lock-in-nmi forbids it.
//
// One actor after the helper and the claimer, enabled while its claim can
// win: the root ENABLING or ENABLED and its exit unclaimed (without
// --sub-scheds: no scx_error yet and the root's disable not started).  It
// fires at most once per scheduler, and the checker does not count its
// steps as progress when it looks for deadlocks (harness/checker.cpp).
//
// Granularity (docs/lockless.md).  handle_lockup's reads of scx_root and
// scx_enable_state are lockless and race with the helper; they share the
// cmpxchg's step because every interleaving of them is equivalent to one
// in which they are adjacent: between the read and the cmpxchg the state
// can only go ENABLING -> ENABLED (the NMI's claim commutes with that
// publish: neither reads what the other writes), or to DISABLING, which
// needs an exit claim first, so the cmpxchg fails and the NMI did nothing,
// as if it had read DISABLING.  With --sub-scheds the claim's later
// accesses (smp_store_mb of each ->aborting, the RCU walk of the children,
// the irq_work queues) race with scx_link_sched and the dispatch path as
// the claimer's do, so the NMI goes through the same stages (ClaimPc),
// one step each, as its own actor (kSubClaimNmi): merging them would drop
// the interleavings in which a linker or a consume runs between two of
// them.  Without --sub-scheds the claim is one step: the cmpxchg and the
// root's ->aborting store (State::sub_exit's root exit kind, which the
// consumes read as ->aborting), and the queues are the helper's disable,
// offered once the exit is claimed (the state bpf_scx_unreg's claim
// reaches, lifecycle.cpp).
#include "access_trace.hpp"
#include "ext_core.hpp"

namespace scxmc {

void ExtCore::nmiStep() {
  ctx_ = LockCtx::Nmi;
  if (cfg_.sub_scheds) {
    const auto pc = static_cast<ClaimPc>(s_->sub_claim & kSubClaimPcMask);
    if (pc != ClaimPc::Idle) {
      // a claim in progress: the NMI's own goes on; the claimer's (or the
      // NMI would start one while it runs: one claim at a time, see
      // claimerStep) keeps the NMI out until it is done
      if (!(s_->sub_claim & kSubClaimNmi)) { blocked_ = true; return; }
      claimContinue(pc);
      return;
    }
  }
  bool can_win;
  {
    // handle_lockup's switch on scx_enable_state (ext.c:5806-5815) and the
    // exit still unclaimed (the cmpxchg's outcome, read here to offer only
    // the NMI that claims: one that loses changes nothing)
    trace::ChoiceReads choosing;
    const auto st = static_cast<ScxEnable>(static_cast<uint8_t>(s_->scx_enable));
    can_win = st == ScxEnable::Enabling || st == ScxEnable::Enabled;
    // (without --sub-scheds the root's exit is claimed by bpf_scx_unreg's
    // step at Enabled, lifecycle.cpp, before its disable's scx_bypass)
    can_win = can_win && exitKind(kSchedRoot) == ExitKind::None;
  }
  if (!can_win) { blocked_ = true; return; }
  site(Site::HardLockup);
  handleLockup();
}

void ExtCore::handleLockup() { nmiVexit(); }

void ExtCore::nmiVexit() {
  site(Site::NmiVexit);
  if (!cfg_.sub_scheds) {
    // scx_claim_exit (ext.c:6801-6839): the cmpxchg (ext.c:6810) and, the
    // root having no descendant, smp_store_mb(root->aborting) (ext.c:6829)
    // in one step: the store's readers (consumeAborting) read the claim;
    // scx_finish_exit's disable irq_work is the helper's disable, offered
    // from Enabled once the exit is claimed.  (scx_error is not set: with
    // --lifecycle it is read by nothing but the checker's "scheduler ended"
    // rule, which --nmi turns off; so the claimed state is the one
    // bpf_scx_unreg's claim reaches.)
    setExitKind(kSchedRoot, ExitKind::Claimed);
    emit(Ev::Error, kNone, static_cast<uint8_t>(ErrorKind::Lockup));
    return;
  }
  if (!claimExitKind(kSchedRoot)) return;
  emit(Ev::Error, kNone, static_cast<uint8_t>(ErrorKind::Lockup));
  s_->sub_claim = static_cast<uint8_t>((s_->sub_claim & ~kSubClaimPcMask) |
                                       static_cast<uint8_t>(ClaimPc::RootClaimed) | kSubClaimNmi);
}

}  // namespace scxmc
