// no-lost-task: a runnable task is always running, on a DSQ, held by the BPF
// scheduler (QUEUED), on a deferred direct-dispatch list that something will
// run, or in transit in a kernel path that will place it.  A task outside
// all of these would never run again: the "stall" the watchdog
// (ext.c:3834-3876) ejects schedulers for.
#include "invariants_all.hpp"
#include "ext_core.hpp"
#include "format.hpp"

namespace scxmc {

namespace {
// A task on rq's ddsp_deferred_locals is placed if something will run that
// list.  Without --balance-callbacks the model's deferred event may run it
// whenever it is not empty.  With it, one of 7.3.4's three mechanisms must be
// armed (schedule_deferred_locked ext.c:1050-1088): the irq_work queued, a
// balance callback pending (SCX_RQ_BAL_CB_PENDING, queued at the end of the
// pick) or queued, or a run_deferred in progress on that rq (the waker's
// task_woken_scx, the balance callback, the irq_work: an actor in its
// deferred path with rq as home).
bool deferredWillRun(const Config& cfg, const State& s, uint8_t rq) {
  if (rq == kNone) return false;
  if (!cfg.bal_cb) return true;
  return (s.cpu[rq].rqf & (kRqIrqWork | kRqBalCbPending | kRqBalCbQueued | kRqInBalCb)) ||
         ExtCore::deferredRunOn(cfg, s, rq);
}

class NoLostTask final : public Invariant {
 public:
  const char* id() const override { return "no-lost-task"; }
  bool exercisedBy(const Event& e) const override { return e.kind == Ev::OnRqChange; }
  const char* statement() const override {
    return "a runnable task is always running, on a DSQ, in BPF custody, or in transit";
  }
  bool onState(const Config& cfg, const State& s, std::string* why) const override {
    for (uint8_t t = 0; t < cfg.tasks; ++t) {
      const TaskState& ts = s.task[t];
      if (ts.on_rq == static_cast<uint8_t>(OnRq::No)) continue;
      // (with the lifecycle a task not on ext may be runnable on fair)
      if (cfg.lifecycle && ts.scx_state != static_cast<uint8_t>(ScxTaskState::Enabled)) continue;
      bool placed = ts.opss == static_cast<uint8_t>(Opss::Queued) || deferredWillRun(cfg, s, ts.deferred) ||
                    inFlight(cfg, s, t);
      for (int c = 0; c < cfg.cpus && !placed; ++c) placed = s.cpu[c].curr == t;
      for (int d = 0; d < kNumDsqs && !placed; ++d)
        for (int i = 0; i < s.dsq[d].n; ++i) placed = placed || s.dsq[d].q[i] == t;
      if (!placed) {
        *why = taskName(t) + " is runnable but nobody will run it: " + describeTask(cfg, s, t);
        return false;
      }
    }
    return true;
  }
};
}  // namespace

std::unique_ptr<Invariant> makeNoLostTask() { return std::make_unique<NoLostTask>(); }

}  // namespace scxmc
