// callback-order: ops.runnable/ops.quiescent bracket ops.running/ops.stopping
// (int.h:441-522, ext.c:2204-2350, 3078-3080, 3197-3199), and the
// ops.dequeue() that ends a custody period precedes the task's ops.running
// also across SCX-internal moves to a remote local DSQ (st/dequeue_remote,
// ext.c:1515-1534, 2177-2182).
#include "ghost.hpp"
#include "invariants_all.hpp"
#include "format.hpp"

namespace scxmc {

namespace {
class CallbackOrder final : public Invariant {
 public:
  const char* id() const override { return "callback-order"; }
  bool exercisedBy(const Event& e) const override { return e.kind == Ev::OpsRunnable; }
  const char* statement() const override {
    return "runnable/quiescent bracket running/stopping; a custody period's ops.dequeue precedes "
           "the task's ops.running";
  }
  bool onStep(const Config&, const State&, const StepLog& log, State& next, std::string* why) const override {
    for (const Event& e : log) {
      if (e.t == kNone) continue;
      uint8_t& g = next.task[e.t].ghost;
      auto fail = [&](const std::string& m) { *why = m; return false; };
      switch (e.kind) {
        case Ev::OpsRunnable:
          if (g & kGhostRunnable) return fail("ops.runnable(" + taskName(e.t) + ") twice without ops.quiescent");
          g |= kGhostRunnable;
          break;
        case Ev::OpsQuiescent:
          if (!(g & kGhostRunnable)) return fail("ops.quiescent(" + taskName(e.t) + ") without ops.runnable");
          if (g & kGhostRunning) return fail("ops.quiescent(" + taskName(e.t) + ") while running (no ops.stopping)");
          g &= static_cast<uint8_t>(~kGhostRunnable);
          break;
        case Ev::OpsRunning:
          if (!(g & kGhostRunnable)) return fail("ops.running(" + taskName(e.t) + ") outside runnable/quiescent");
          if (g & kGhostRunning) return fail("ops.running(" + taskName(e.t) + ") twice without ops.stopping");
          if (g & kGhostOwed) return fail("ops.running(" + taskName(e.t) + ") before the ops.dequeue() that ends its custody");
          g |= kGhostRunning;
          break;
        case Ev::OpsStopping:
          if (!(g & kGhostRunning)) return fail("ops.stopping(" + taskName(e.t) + ") without ops.running");
          g &= static_cast<uint8_t>(~kGhostRunning);
          break;
        case Ev::OpsDequeue:
          g &= static_cast<uint8_t>(~kGhostOwed);
          break;
        default:
          break;
      }
      if (entersCustody(e)) g |= kGhostOwed;
    }
    return true;
  }
};
}  // namespace

std::unique_ptr<Invariant> makeCallbackOrder() { return std::make_unique<CallbackOrder>(); }

}  // namespace scxmc
