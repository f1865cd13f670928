// Dequeue: dequeue_task_scx and ops_dequeue (ext.c:2230-2369).
#include "access_trace.hpp"
#include "ext_core.hpp"

namespace scxmc {

uint8_t dequeueFlags(uint8_t core_flags) {
  // SCX_DEQ_SCHED_CHANGE when the dequeue is not a sleep (ext.c:2320-2321)
  uint8_t f = core_flags;
  if (!(f & kDeqSleep)) f |= kDeqSchedChange;
  return f;
}

DeqStart ExtCore::dequeueTaskBegin(uint8_t rq, uint8_t t, uint8_t core_flags) {
  (void)rq;
  (void)core_flags;
  site(Site::DequeueTask);
  if (!queued(t)) return DeqStart::NotQueued;
  site(Site::OpsDequeue);
  // clr_task_runnable(p, false): runnable_list membership is derived
  return opsDequeueClaim(t) ? DeqStart::Proceed : DeqStart::Spin;
}

bool ExtCore::opsDequeueClaim(uint8_t t) {
  switch (opss(t)) {
    case Opss::None:
      return true;
    case Opss::Queueing:
      // QUEUEING is entered and left under p's rq lock, which we hold.
      warn(Warn::QueueingSeen, t);
      return true;
    case Opss::Queued: {
      // QUEUED without custody: finish_dispatch passed task_leave_custody
      // but has not stored NONE yet; retry (ext.c:2265-2268).  The flag is
      // read with READ_ONCE and validated by the cmpxchg below (a claim in
      // between makes it fail), docs/lockless.md "Validated reads".
      bool in_custody;
      {
        trace::ValidatedReads validated;
        in_custody = custody(t);
      }
      if (!in_custody) return false;
      setOpss(t, Opss::None);  // cmpxchg QUEUED -> NONE
      return true;
    }
    case Opss::Dispatching:
      return false;  // wait_ops_state(p, DISPATCHING)
  }
  return true;
}

void ExtCore::opsDequeueTail(uint8_t t, uint8_t deq_flags) {
  // ops_dequeue tail: ops.dequeue if still in custody (ext.c:2307-2308)
  if (leaveCustody(t)) emit(Ev::OpsDequeue, t, deq_flags);
}

void ExtCore::dequeueTaskFinish(uint8_t rq, uint8_t t, uint8_t deq_flags) {
  opsDequeueTail(t, deq_flags);
  // a running task stops before it goes quiescent (ext.c:2342-2347)
  if (cpu(rq).curr == t) opsStopping(t, false);
  if (tk(t).on_rq != static_cast<uint8_t>(OnRq::Migrating)) emit(Ev::OpsQuiescent, t, deq_flags);
  setFlagBit(t, kTaskQueued, false);
  dispatchDequeue(rq, t);
  clearDirectDispatch(t);  // ext.c:2367
}

}  // namespace scxmc
