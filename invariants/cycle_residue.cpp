// cycle-residue (Config::lifecycle): what a scheduler leaves behind is gone
// before the next attach can read it.  A task's task_struct outlives the
// scx_sched that ran it: when scx_root_disable (ext.c:6605-6768) has moved
// every task back to fair, the next bpf_scx_reg (ext.c:8348, modeled with
// --cycles) finds their p->scx fields as they are.  So at the end of every
// disable (LifePc::Done), for every existing task:
//   * ops_state is NONE (nothing of it is in flight: ext.c:1872-2017 edges);
//   * SCX_TASK_QUEUED and SCX_TASK_IN_CUSTODY are clear (p->scx.flags);
//   * p->scx.dsq is unset, and no DSQ lists it (dispatch_dequeue);
//   * holding_cpu and sticky_cpu are -1 (ext.c:1801-1825, 2178-2182);
//   * no direct-dispatch verdict is pending (clear_direct_dispatch,
//     ext.c:4094) and p is on no rq's ddsp_deferred_locals;
// and no CPU has a dispatch buffer entry or a deferred-local entry left.
// A leftover here is what the next cycle would observe (with --cycles 2 it
// does, and the other invariants judge what it does with it).
#include "format.hpp"
#include "invariants_all.hpp"
#include "ext_core.hpp"

namespace scxmc {

namespace {

class CycleResidue final : public Invariant {
 public:
  const char* id() const override { return "cycle-residue"; }
  bool applies(const Config& cfg) const override { return cfg.lifecycle; }
  bool exercisedBy(const Event& e) const override {
    return e.kind == Ev::EnableState && e.b == static_cast<uint8_t>(ScxEnable::Disabled);
  }
  const char* statement() const override {
    return "after every disable no task keeps ops_state, QUEUED/IN_CUSTODY, a DSQ link, holding/sticky cpu or a "
           "direct-dispatch verdict, and no DSQ or dispatch buffer keeps an entry for the next attach to read";
  }
  bool onState(const Config& cfg, const State& s, std::string* why) const override {
    if (!cfg.lifecycle || s.life_pc != static_cast<uint8_t>(LifePc::Done)) return true;
    auto fail = [&](const std::string& w) {
      *why = "after disable (cycle " + std::to_string(s.cycle + 1) + "): " + w;
      return false;
    };
    for (uint8_t t = 0; t < cfg.tasks; ++t) {
      const TaskState& ts = s.task[t];
      if (ts.scx_state == static_cast<uint8_t>(ScxTaskState::Unborn)) continue;
      const std::string p = taskName(t);
      if (ts.opss != static_cast<uint8_t>(Opss::None))
        return fail(p + " has ops_state " + opssName(ts.opss) + " (not NONE)");
      if (ts.flags & kTaskQueued) return fail(p + " keeps SCX_TASK_QUEUED");
      if (ts.flags & kTaskInCustody) return fail(p + " keeps SCX_TASK_IN_CUSTODY");
      if (ts.dsq != kNone) return fail(p + " keeps p->scx.dsq = " + dsqName(ts.dsq));
      if (ts.holding != kNone) return fail(p + " keeps holding_cpu " + std::to_string(ts.holding));
      if (ts.sticky != kNone) return fail(p + " keeps sticky_cpu " + std::to_string(ts.sticky));
      if (ts.ddsp != kNone) return fail(p + " keeps a direct-dispatch verdict (" + dsqName(ts.ddsp) + ")");
      if (ts.deferred != kNone) return fail(p + " is still on CPU" + std::to_string(ts.deferred) + "'s deferred locals");
    }
    for (int d = 0; d < kNumDsqs; ++d)
      if (s.dsq[d].n || s.dsq[d].nr) return fail(dsqName(static_cast<uint8_t>(d)) + " is not empty");
    for (int c = 0; c < cfg.cpus; ++c)
      if (s.cpu[c].nbuf || s.cpu[c].dfn)
        return fail("CPU" + std::to_string(c) + " keeps " + (s.cpu[c].nbuf ? "dispatch buffer" : "deferred-local") +
                    " entries");
    return true;
  }
};

}  // namespace

std::unique_ptr<Invariant> makeCycleResidue() { return std::make_unique<CycleResidue>(); }

}  // namespace scxmc
