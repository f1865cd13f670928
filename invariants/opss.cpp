// opss: ops_state moves only along the kernel's edges (int.h:1884-2017:
// T1 NONE->QUEUEING, T2 QUEUEING->QUEUED, T3 QUEUEING->NONE,
// T4 QUEUED->DISPATCHING, T5 QUEUED->NONE, T6 DISPATCHING->NONE); no stale
// dispatch is applied (finish_dispatch's qseq check, ext.c:2901); QUEUEING is
// never visible outside the enqueuing rq lock; QUEUED implies custody; and
// the custody flag is only set in the transient windows 7.3.4 tolerates
// (docs/invariants.md lists them).
#include "invariants_all.hpp"
#include "format.hpp"

namespace scxmc {

namespace {
bool edgeOk(uint8_t from, uint8_t to) {
  const auto f = static_cast<Opss>(from), t = static_cast<Opss>(to);
  switch (f) {
    case Opss::None: return t == Opss::Queueing;
    case Opss::Queueing: return t == Opss::Queued || t == Opss::None;
    case Opss::Queued: return t == Opss::Dispatching || t == Opss::None;
    case Opss::Dispatching: return t == Opss::None;
  }
  return false;
}

bool onUserDsq(const Config& cfg, const State& s, uint8_t t) {
  for (int d = kDsqUser0; d < kDsqUser0 + cfg.user_dsqs; ++d)
    for (int i = 0; i < s.dsq[d].n; ++i)
      if (s.dsq[d].q[i] == t) return true;
  return false;
}

class OpsState final : public Invariant {
 public:
  const char* id() const override { return "opss"; }
  bool exercisedBy(const Event& e) const override { return e.kind == Ev::OpssWrite; }
  const char* statement() const override {
    return "ops_state moves only along the kernel's edges; no stale dispatch is applied; QUEUED "
           "implies custody; custody outside BPF only in the tolerated transient windows";
  }
  bool onStep(const Config&, const State&, const StepLog& log, State&, std::string* why) const override {
    for (const Event& e : log) {
      if (e.kind == Ev::OpssWrite && !edgeOk(e.a, e.b)) {
        *why = taskName(e.t) + " ops_state " + opssName(e.a) + " -> " + opssName(e.b) +
               " is not an edge of the ops_state machine";
        return false;
      }
      if (e.kind == Ev::Claim && !e.a) {
        *why = "finish_dispatch claimed " + taskName(e.t) +
               " from a stale scx_bpf_dsq_insert record (the task was re-enqueued since: qseq differs)";
        return false;
      }
    }
    return true;
  }
  bool onState(const Config& cfg, const State& s, std::string* why) const override {
    for (uint8_t t = 0; t < cfg.tasks; ++t) {
      const TaskState& ts = s.task[t];
      const auto o = static_cast<Opss>(ts.opss);
      const bool custody = ts.flags & kTaskInCustody;
      const bool flying = inFlight(cfg, s, t);
      if (o == Opss::Queueing) {
        *why = taskName(t) + " is QUEUEING between steps (only visible under its rq lock)";
        return false;
      }
      if (o == Opss::Queued && (!custody || !(ts.flags & kTaskQueued))) {
        *why = taskName(t) + " is QUEUED on the BPF side but " +
               (!custody ? "not in custody" : "not SCX_TASK_QUEUED");
        return false;
      }
      if (o == Opss::Dispatching && !flying) {
        *why = taskName(t) + " is DISPATCHING but no CPU is dispatching it";
        return false;
      }
      if (custody && o != Opss::Queued && !onUserDsq(cfg, s, t) && !flying && ts.sticky == kNone) {
        *why = taskName(t) + " has SCX_TASK_IN_CUSTODY but is neither QUEUED on BPF, on a user DSQ, "
               "nor in a dispatch/migration window";
        return false;
      }
    }
    return true;
  }
};
}  // namespace

std::unique_ptr<Invariant> makeOpss() { return std::make_unique<OpsState>(); }

}  // namespace scxmc
