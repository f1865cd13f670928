// custody: every entry into BPF custody is followed by exactly one
// ops.dequeue() when the task leaves it; no ops.dequeue() outside custody.
// Custody is tracked from the BPF-visible definition (doc:326-384), not from
// the kernel's SCX_TASK_IN_CUSTODY flag, so a kernel that mismanages its flag
// is caught.  Motivated by seed 002 (the LKML review of "sched_ext: Fix
// ops.dequeue() semantics") and the dequeue/dequeue_remote selftests.
#include "ghost.hpp"
#include "invariants_all.hpp"
#include "format.hpp"

namespace scxmc {

namespace {
class Custody final : public Invariant {
 public:
  const char* id() const override { return "custody"; }
  bool exercisedBy(const Event& e) const override { return entersCustody(e); }
  const char* statement() const override {
    return "each entry into BPF custody is followed by exactly one ops.dequeue() before the task "
           "runs, sleeps or is enqueued afresh; no ops.dequeue() outside custody";
  }
  bool onStep(const Config&, const State&, const StepLog& log, State& next, std::string* why) const override {
    for (const Event& e : log) {
      if (e.t == kNone) continue;
      uint8_t& g = next.task[e.t].ghost;
      const bool in = g & kGhostCustody;
      switch (e.kind) {
        case Ev::OpsEnqueue:
          if (in && !(e.a & kEnqReenq)) {
            *why = "ops.enqueue(" + taskName(e.t) + ") while " + taskName(e.t) + " is still in BPF custody: the previous custody period got no ops.dequeue()";
            return false;
          }
          break;
        case Ev::OpsDequeue:
          if (!in) {
            *why = "ops.dequeue(" + taskName(e.t) + ", " + deqFlagsName(e.a) + ") outside BPF custody (spurious or second ops.dequeue)";
            return false;
          }
          g &= static_cast<uint8_t>(~kGhostCustody);
          break;
        case Ev::OpsRunning:
          if (in) {
            *why = taskName(e.t) + " starts running while still in BPF custody: it left custody without ops.dequeue()";
            return false;
          }
          break;
        case Ev::OnRqChange:
          if (e.a == 0 && in) {
            *why = taskName(e.t) + " went to sleep while in BPF custody without ops.dequeue()";
            return false;
          }
          break;
        default:
          break;
      }
      if (entersCustody(e)) g |= kGhostCustody;
    }
    return true;
  }
};
}  // namespace

std::unique_ptr<Invariant> makeCustody() { return std::make_unique<Custody>(); }

}  // namespace scxmc
