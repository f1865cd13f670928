// dequeue-rfc: "[PATCH 1/2] sched_ext: Fix ops.dequeue() semantics" as posted
// on 4 Feb 2026 and reviewed by Tejun Heo (seed 002, Message-ID
// <aYRiM5leoHcWiXw3@gpd4>).  Its flag SCX_TASK_OPS_ENQUEUED ("an
// ops.dequeue() is owed"; later NEED_DEQ, then 7.3.4's SCX_TASK_IN_CUSTODY)
// is the model's custody flag.  The posting sets and clears it in several
// places instead of in the insertion primitive:
//   mark_direct_dispatch (ext.c:1882)  user DSQ verdict: set; terminal: clear
//   direct_dispatch      (ext.c:1936)  user DSQ: set; terminal: ops.dequeue(0) if set, clear
//   scx_dispatch_enqueue (ext.c:1740)  user DSQ: set; GLOBAL and local: nothing
//   move_local_task_to_local_dsq (ext.c:2423)  ops.dequeue(0) if set, clear
//   finish_dispatch      (ext.c:2876)  user DSQ: set; terminal: ops.dequeue(0) if set, clear
//   ops_dequeue          (ext.c:2230)  QUEUED, or NONE with the flag: ops.dequeue(flags),
//                                      clear; nothing after waiting on DISPATCHING
// and it predates the sticky_cpu test of task_leave_custody (ext.c:1529,
// v9 of the series): an SCX-internal migration's deactivate on the source
// rq is an ordinary dequeue.  Where the quoted hunks do not show a line
// (the flag set when ops.enqueue keeps the task, ext.c:2102), the model
// keeps 7.3.4's.  Each review point that changed this code is the next
// variant: dequeue-rfc-r1 ... dequeue-rfc-merged.
#pragma once

#include "ext_core.hpp"

namespace scxmc {

class DequeueRfc : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "dequeue-rfc"; }

 protected:
  // is_terminal_dsq(): local DSQs and SCX_DSQ_GLOBAL
  static bool terminal(uint8_t d) { return !isUserDsq(d); }
  // "if flag: ops.dequeue(p, 0); clear flag" (direct_dispatch, finish_dispatch,
  // move_local_task_to_local_dsq in the posting)
  void dequeueIfOwed(uint8_t t) {
    if (custody(t)) {
      emit(Ev::OpsDequeue, t, 0);
      setCustody(t, false);
    }
  }

  // mark_direct_dispatch: the verdict sets or clears the flag.  The model
  // records select_cpu verdicts in select_task_rq_scx and ops.enqueue
  // verdicts right before direct_dispatch; both reach here first.
  virtual void markDirectDispatchFlag(uint8_t t) {
    setCustody(t, targetKind(tk(t).ddsp) == TargetKind::User);
  }
  // direct_dispatch's own block
  virtual void directDispatchFlag(uint8_t t, uint8_t rq) {
    const uint8_t d = targetDsq(tk(t).ddsp, rq, tk(t).cpu);
    if (!terminal(d)) setCustody(t, true);
    else dequeueIfOwed(t);
  }
  uint8_t selectTaskRq(uint8_t t, uint8_t prev_cpu) override {
    const uint8_t c = ExtCore::selectTaskRq(t, prev_cpu);
    if (tk(t).ddsp != kNone) markDirectDispatchFlag(t);
    return c;
  }
  void directDispatch(uint8_t rq, uint8_t t) override {
    if (opss(t) == Opss::Queueing) markDirectDispatchFlag(t);  // an ops.enqueue verdict
    directDispatchFlag(t, rq);
    ExtCore::directDispatch(rq, t);
  }
  // dispatch_enqueue: only a user DSQ touches the flag
  bool dsqInsertCustody(uint8_t d, uint8_t t) override {
    if (isUserDsq(d)) setCustody(t, true);
    return false;
  }
  void rqOwnedPostEnq(uint8_t rq, uint8_t t) override { site(Site::RqOwnedPostEnq); }
  void moveLocalTaskToLocalDsq(uint8_t t, uint8_t dst_rq) override {
    dequeueIfOwed(t);
    ExtCore::moveLocalTaskToLocalDsq(t, dst_rq);
  }
  void finishDispatchCustody(uint8_t t, uint8_t d) override {
    if (!terminal(d)) setCustody(t, true);
    else dequeueIfOwed(t);
  }
  // ops_dequeue: a dequeue that had to wait on DISPATCHING calls nothing
  // (only that one: a later dequeue in the same step, like the one of
  // move_queued_task after an affinity change, did not wait)
  void opsDequeueTail(uint8_t t, uint8_t deq_flags) override {
    if (waited_dequeue_) return;
    ExtCore::opsDequeueTail(t, deq_flags);
  }
  // no task_scx_migrating() exception yet
  bool leaveCustody(uint8_t t) override {
    if (!custody(t)) return false;
    setCustody(t, false);
    return true;
  }
};

}  // namespace scxmc
