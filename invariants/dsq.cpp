// dsq: DSQ membership is consistent: a task is linked on at most one DSQ,
// dsq->nr matches the list, p->scx.dsq names the DSQ p is on (it may be stale
// only while a consumer holds p via holding_cpu or p is in flight), a running
// task is on no DSQ, and a local DSQ only holds tasks of its own rq
// (ext.c:1952-1979, 2789-2842; seed 000's DSQ lock review); with
// --destroy-dsqs, a destroyed DSQ holds no task (destroy_dsq frees it after
// an RCU grace period, ext.c:5276-5329: a task linked there is lost).
#include "invariants_all.hpp"
#include "format.hpp"

namespace scxmc {

namespace {
class DsqMembership final : public Invariant {
 public:
  const char* id() const override { return "dsq"; }
  bool exercisedBy(const Event& e) const override { return e.kind == Ev::DsqLink; }
  const char* statement() const override {
    return "a task is on at most one DSQ; counts match membership; a running task is on no DSQ; a "
           "local DSQ holds only tasks of its rq; a destroyed DSQ holds none";
  }
  bool onState(const Config& cfg, const State& s, std::string* why) const override {
    uint8_t where[kMaxTasks];
    for (auto& w : where) w = kNone;
    for (uint8_t d = 0; d < kNumDsqs; ++d) {
      const bool used = (isLocalDsq(d) && d < cfg.cpus) || d == kDsqGlobal ||
                        (isUserDsq(d) && d - kDsqUser0 < cfg.user_dsqs);
      if (!used) continue;
      const DsqState& q = s.dsq[d];
      if (isUserDsq(d) && s.dsq_invalid[d - kDsqUser0] && q.n) {
        *why = taskName(q.q[0]) + " is linked on " + dsqName(d) + ", which scx_bpf_destroy_dsq destroyed (freed after an RCU grace period)";
        return false;
      }
      if (q.nr != q.n) {
        *why = dsqName(d) + " nr=" + std::to_string(q.nr) + " but " + std::to_string(q.n) + " tasks are linked";
        return false;
      }
      for (int i = 0; i < q.n; ++i) {
        const uint8_t t = q.q[i];
        if (where[t] != kNone) {
          *why = taskName(t) + " is linked on both " + dsqName(where[t]) + " and " + dsqName(d);
          return false;
        }
        where[t] = d;
        if (s.task[t].dsq != d) {
          *why = taskName(t) + " is linked on " + dsqName(d) + " but p->scx.dsq says " + dsqName(s.task[t].dsq);
          return false;
        }
        if (isLocalDsq(d) && s.task[t].cpu != d) {
          *why = taskName(t) + " is on " + dsqName(d) + " but its rq is CPU" + std::to_string(s.task[t].cpu);
          return false;
        }
      }
    }
    for (uint8_t t = 0; t < cfg.tasks; ++t) {
      const TaskState& ts = s.task[t];
      if (ts.dsq != kNone && where[t] == kNone && ts.holding == kNone && !inFlight(cfg, s, t)) {
        *why = "p->scx.dsq of " + taskName(t) + " names " + dsqName(ts.dsq) + " but it is not linked there";
        return false;
      }
    }
    for (int c = 0; c < cfg.cpus; ++c) {
      const uint8_t cur = s.cpu[c].curr;
      if (cur != kNone && where[cur] != kNone) {
        *why = taskName(cur) + " runs on CPU" + std::to_string(c) + " but is linked on " + dsqName(where[cur]);
        return false;
      }
    }
    return true;
  }
};
}  // namespace

std::unique_ptr<Invariant> makeDsq() { return std::make_unique<DsqMembership>(); }

}  // namespace scxmc
