// Invariant sub-exit (--sub-scheds, docs/sub-sched.md "Exit claiming"): a
// child is never left linked under a parent whose exit was claimed once the
// propagation completed.  When the root's exit_kind has been claimed
// (scx_claim_exit ext.c:6810), its claim has finished (the sweep and the
// irq_work_queue, ext.c:6827-6832) and its propagation irq_work has run
// (scx_propagate_exit_irq_workfn ext.c:6780-6790), a child that is linked
// (sch->linked: scx_link_sched ext.c:6546 .. scx_unlink_sched ext.c:6564)
// has its own exit claimed, so its disable work will unlink it.  This is
// what scx_link_sched's smp_mb + ->aborting read (ext.c:6537-6543) and
// scx_claim_exit's smp_store_mb (ext.c:6829) are for: either the linker
// backs out or the exit path sees it.
#include "ext_core.hpp"
#include "format.hpp"
#include "invariants_all.hpp"

namespace scxmc {

namespace {
class SubExit final : public Invariant {
 public:
  const char* id() const override { return "sub-exit"; }
  bool applies(const Config& cfg) const override { return cfg.sub_scheds > 0; }
  bool exercisedBy(const Event& e) const override {
    return e.kind == Ev::Site && (static_cast<Site>(e.a) == Site::PropagateExit ||
                                  static_cast<Site>(e.a) == Site::LinkAborting);
  }
  const char* statement() const override {
    return "once a parent's exit is claimed and its propagation has completed, no child is linked under it "
           "without its own exit claimed";
  }
  bool onState(const Config& cfg, const State& s, std::string* why) const override {
    if (!cfg.sub_scheds) return true;
    const auto root = static_cast<ExitKind>((s.sub_exit >> kSubExitRootShift) & 3);
    const auto child = static_cast<ExitKind>((s.sub_exit >> kSubExitChildShift) & 3);
    const auto claim = static_cast<ClaimPc>(s.sub_claim & kSubClaimPcMask);
    const bool root_claiming = claim == ClaimPc::RootClaimed || claim == ClaimPc::RootSwept ||
                               claim == ClaimPc::RootQueue;
    if (root == ExitKind::None || root_claiming || (s.sub_exit & kSubPropagateRoot)) return true;
    if (!subLive(s.life_pc) || child != ExitKind::None) return true;
    *why = std::string("the root's exit was claimed and propagated, but the child is linked with no exit claimed "
                       "(helper: ") + lifePcName(s.life_pc) + ")";
    return false;
  }
};
}  // namespace

std::unique_ptr<Invariant> makeSubExit() { return std::make_unique<SubExit>(); }

}  // namespace scxmc
