// Invariant sub-pairing (--sub-scheds, docs/invariants.md): the
// scheduler-level callbacks of a child's attach pair up, whichever way its
// enable ends (--sub-early-fail: ops.init, the parent's ops.sub_attach or
// the subtree claim's ops.cgroup_init failing).
//  * The parent's ops.sub_detach of the child comes only after a successful
//    ops.sub_attach of it, once (sch->sub_attached, sub.c:1833, 1640).
//  * Per scheduler, ops.cgroup_init and ops.cgroup_exit of the child's
//    cgroup alternate, starting with a successful ops.cgroup_init
//    (SCX_TG_INITED and tg->scx.sched: scx_cgroup_claim_subtree
//    sub.c:1346-1411, scx_cgroup_return_subtree sub.c:1435-1497), and after
//    a step at most one scheduler holds it (the claim's both-inited
//    transient is inside scx_cgroup_lock, sub.c:1331-1333).
//  * At the child's ops.exit it is neither attached nor holding the cgroup
//    (scx_sub_disable returns the subtree and detaches before ops.exit,
//    sub.c:1546, 1640-1652).
// A failed callback (Event::b kLifeOpFailed) attaches or initializes
// nothing.  The record is State::ghost_sched (invariants/ghost.hpp); the
// root's enable and disable init and exit every cgroup, which for this
// record is the child's cgroup.
#include "ext_core.hpp"
#include "format.hpp"
#include "ghost.hpp"
#include "invariants_all.hpp"

namespace scxmc {

namespace {
const char* schedOf(uint8_t s) { return s == kSchedRoot ? "the root" : "the child"; }

class SubPairing final : public Invariant {
 public:
  const char* id() const override { return "sub-pairing"; }
  bool applies(const Config& cfg) const override { return cfg.sub_scheds > 0; }
  bool exercisedBy(const Event& e) const override {
    if (e.kind != Ev::OpsLife || e.t != kNone) return false;
    const auto op = static_cast<LifeOp>(e.a);
    return op == LifeOp::SubDetach || (op == LifeOp::CgroupExit && e.sch == kSchedChild0) ||
           (op == LifeOp::Exit && e.sch == kSchedChild0);
  }
  const char* statement() const override {
    return "the parent's ops.sub_detach of a child only after its successful ops.sub_attach, once; per scheduler, "
           "ops.cgroup_init and ops.cgroup_exit of the child's cgroup alternate from a successful ops.cgroup_init, "
           "at most one scheduler holds it; at the child's ops.exit it is neither attached nor holding it";
  }
  bool onStep(const Config& cfg, const State& prev, const StepLog& log, State& next, std::string* why) const override {
    if (!cfg.sub_scheds) return true;
    uint8_t g = prev.ghost_sched;
    for (const Event& e : log) {
      if (e.kind != Ev::OpsLife || e.t != kNone) continue;
      const auto op = static_cast<LifeOp>(e.a);
      const bool failed = e.b == kLifeOpFailed;
      const uint8_t cg = e.sch == kSchedRoot ? kGhostSchedRootCg : kGhostSchedChildCg;
      switch (op) {
        case LifeOp::SubAttach:
          if (failed) break;
          if (g & kGhostSchedAttached) {
            *why = describeEvent(e) + ": the child is already attached (no ops.sub_detach since)";
            return false;
          }
          g |= kGhostSchedAttached;
          break;
        case LifeOp::SubDetach:
          if (!(g & kGhostSchedAttached)) {
            *why = describeEvent(e) + ": the child is not attached (its ops.sub_attach failed, never ran, or was "
                                      "already detached)";
            return false;
          }
          g &= static_cast<uint8_t>(~kGhostSchedAttached);
          break;
        case LifeOp::CgroupInit:
          if (failed) break;
          if (g & cg) {
            *why = describeEvent(e) + ": " + schedOf(e.sch) + " has initialized the child's cgroup already (no "
                                      "ops.cgroup_exit since)";
            return false;
          }
          g |= cg;
          break;
        case LifeOp::CgroupExit:
          if (!(g & cg)) {
            *why = describeEvent(e) + ": " + schedOf(e.sch) + " has not initialized the child's cgroup (no "
                                      "successful ops.cgroup_init of it since its last ops.cgroup_exit)";
            return false;
          }
          g &= static_cast<uint8_t>(~cg);
          break;
        case LifeOp::Exit:
          if (e.sch != kSchedChild0) break;
          if (g & (kGhostSchedAttached | kGhostSchedChildCg)) {
            *why = describeEvent(e) + " of the child while it is still " +
                   ((g & kGhostSchedAttached) ? "attached (no ops.sub_detach)" : "holding its cgroup (no ops.cgroup_exit)");
            return false;
          }
          break;
        default:
          break;
      }
    }
    if ((g & kGhostSchedRootCg) && (g & kGhostSchedChildCg)) {
      *why = "both the root and the child hold the child's cgroup after the step (helper: " +
             std::string(lifePcName(next.life_pc)) + ")";
      return false;
    }
    next.ghost_sched = g;
    return true;
  }
};
}  // namespace

std::unique_ptr<Invariant> makeSubPairing() { return std::make_unique<SubPairing>(); }

}  // namespace scxmc
