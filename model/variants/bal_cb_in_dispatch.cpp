// Variant bal-cb-in-dispatch (issue 17, "Balance callbacks and rq flags"):
// schedule_deferred_locked as it was before SCX_RQ_BAL_CB_PENDING existed.
// A deferral made while the rq's CPU is inside dispatch_one queues the
// balance callback at once (queue_balance_callback), trusting that the
// callbacks run before the rq lock is released.  But ops.dispatch drops
// that lock (switch_rq_lock ext.c:430, dispatch_to_local_dsq), so another
// path locks the rq and rq_pin_lock finds the callback queued: the
// WARN_ON_ONCE in assert_balance_callbacks_empty (sched.h:1920, 1941).
// 7.3.4's comment at ext.c:1066-1076 gives that reason for the flag; here
// the flag is never set, so maybe_queue_balance_callback (ext.c:2959) finds
// nothing to do and the queued callback runs from __balance_callbacks as
// before.  Needs --balance-callbacks: the factory switches it on.
#include <memory>

#include "hook_probe.hpp"

namespace scxmc {

namespace {
class BalCbInDispatch : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "bal-cb-in-dispatch"; }
  void scheduleDeferredLocked(uint8_t rq) override {
    site(Site::ScheduleDeferredLocked);
    if (in_wakeup_) return;
    CpuState& cs = cpu(rq);
    if (cs.rqf & kRqInDispatch) {
      cs.rqf |= kRqBalCbQueued;  // BUG: visible while dispatch_one has the lock dropped
      return;
    }
    site(Site::ScheduleDeferred);
    cs.rqf |= kRqIrqWork;
  }
};
}  // namespace

std::unique_ptr<ExtCore> makeBalCbInDispatch(const Config& cfg) {
  Config c = cfg;
  c.bal_cb = true;
  return makeVariant<BalCbInDispatch>(c);
}

}  // namespace scxmc
