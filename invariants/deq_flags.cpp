// deq-flags: ops.dequeue() carries SCX_DEQ_SCHED_CHANGE exactly for
// property-change dequeues, SCX_DEQ_SLEEP for sleep, and neither when the
// task leaves custody by being dispatched (ext.c:2316-2321; seed 002).
#include "invariants_all.hpp"
#include "format.hpp"

namespace scxmc {

namespace {
class DeqFlags final : public Invariant {
 public:
  const char* id() const override { return "deq-flags"; }
  bool exercisedBy(const Event& e) const override { return e.kind == Ev::OpsDequeue; }
  const char* statement() const override {
    return "ops.dequeue() flags match the cause: SLEEP for sleep, SCHED_CHANGE for property "
           "changes, neither for dispatch";
  }
  bool onStep(const Config&, const State&, const StepLog& log, State&, std::string* why) const override {
    for (const Event& e : log) {
      if (e.kind != Ev::OpsDequeue) continue;
      const bool sleep = e.a & kDeqSleep, change = e.a & kDeqSchedChange;
      bool ok;
      const char* want;
      switch (e.op) {
        case Op::Sleep: ok = sleep && !change; want = "SLEEP without SCHED_CHANGE"; break;
        case Op::Nice:
        case Op::Affinity:
        case Op::Lifecycle: ok = change && !sleep; want = "SCHED_CHANGE"; break;
        default: ok = e.a == 0; want = "no flags (a dispatch)"; break;
      }
      if (!ok) {
        *why = "ops.dequeue(" + taskName(e.t) + ", " + deqFlagsName(e.a) + ") during " + opName(e.op) +
               ": expected " + want;
        return false;
      }
    }
    return true;
  }
};
}  // namespace

std::unique_ptr<Invariant> makeDeqFlags() { return std::make_unique<DeqFlags>(); }

}  // namespace scxmc
