// running-pairing: per task, ops.running and ops.stopping strictly alternate,
// starting with ops.running: never ops.stopping without a preceding
// ops.running, never ops.running twice without ops.stopping (int.h:441-522;
// seed 003 patch 06: "ops.stopping() is only called when ops.running() was
// emitted", also for proxy-exec donors).
//
// callback-order checks the same alternation as part of its runnable ..
// quiescent bracket (and fails on the same step); running-pairing is the
// pairing alone, independent of ops.runnable/ops.quiescent and custody, so
// that it can be selected and reported on its own.  It shares callback-order's
// running bit (kGhostRunning) without depending on it: it computes the bit
// from `prev` and writes the result, which is the value callback-order
// writes whenever neither is violated.
#include "ghost.hpp"
#include "invariants_all.hpp"
#include "format.hpp"

namespace scxmc {

namespace {
class RunningPairing final : public Invariant {
 public:
  const char* id() const override { return "running-pairing"; }
  bool exercisedBy(const Event& e) const override { return e.kind == Ev::OpsRunning; }
  const char* statement() const override {
    return "per task, ops.running and ops.stopping strictly alternate, each ops.stopping after an ops.running";
  }
  bool onStep(const Config& cfg, const State& prev, const StepLog& log, State& next, std::string* why) const override {
    bool run[kMaxTasks];
    for (int t = 0; t < kMaxTasks; ++t) run[t] = prev.task[t].ghost & kGhostRunning;
    bool ok = true;
    for (const Event& e : log) {
      if (e.t == kNone || !ok) continue;
      if (e.kind == Ev::OpsRunning) {
        if (run[e.t]) { *why = "ops.running(" + taskName(e.t) + ") twice without ops.stopping"; ok = false; }
        run[e.t] = true;
      } else if (e.kind == Ev::OpsStopping) {
        if (!run[e.t]) { *why = "ops.stopping(" + taskName(e.t) + ") without a preceding ops.running"; ok = false; }
        run[e.t] = false;
      }
    }
    for (int t = 0; t < cfg.tasks; ++t) {
      uint8_t& g = next.task[t].ghost;
      g = static_cast<uint8_t>(run[t] ? (g | kGhostRunning) : (g & ~kGhostRunning));
    }
    return ok;
  }
};
}  // namespace

std::unique_ptr<Invariant> makeRunningPairing() { return std::make_unique<RunningPairing>(); }

}  // namespace scxmc
