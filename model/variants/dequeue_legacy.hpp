// dequeue-legacy: ops.dequeue() as it was before "sched_ext: Fix
// ops.dequeue() semantics" (Andrea Righi, merged as commit ebf1ccff79,
// Feb 2026).  The patch's changelog (seed 002) states the old behaviour:
// "ops.dequeue() is only invoked when the sched_ext core knows that a task
// resides in BPF-managed data structures ... ops.dequeue() callbacks are
// completely skipped when tasks are dispatched to non-local DSQs from
// ops.select_cpu()".
//
// In the old ops_dequeue() the callback sat in the SCX_OPSS_QUEUED case
// only, with the core's dequeue flags (SCX_DEQ_SCHED_CHANGE did not exist);
// nothing else called it.  Against 7.3.4 this variant changes:
//   ext.c:2307 ops_dequeue          ops.dequeue only if p was QUEUED, core flags only
//   ext.c:1540 rq_owned_post_enq    no ops.dequeue for a local insert
//   ext.c:1741 scx_dispatch_enqueue no ops.dequeue for a GLOBAL insert
// The kernel then had no SCX_TASK_IN_CUSTODY flag.  The model still keeps
// the flag exactly as 7.3.4 does, as bookkeeping that decides nothing here
// (so the kernel-internal `opss` checks on it stay meaningful); only the
// callbacks change.
#pragma once

#include "ext_core.hpp"

namespace scxmc {

class DequeueLegacy : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "dequeue-legacy"; }

 protected:
  bool was_queued_ = false;  // this ops_dequeue found p QUEUED on the BPF side

  bool opsDequeueClaim(uint8_t t) override {
    was_queued_ = opss(t) == Opss::Queued;
    return ExtCore::opsDequeueClaim(t);
  }
  void opsDequeueTail(uint8_t t, uint8_t deq_flags) override {
    leaveCustody(t);  // bookkeeping only
    if (was_queued_) emit(Ev::OpsDequeue, t, static_cast<uint8_t>(deq_flags & ~kDeqSchedChange));
    was_queued_ = false;
  }
  void rqOwnedPostEnq(uint8_t rq, uint8_t t) override {
    site(Site::RqOwnedPostEnq);
    leaveCustody(t);  // bookkeeping only: no ops.dequeue
  }
  bool dsqInsertCustody(uint8_t d, uint8_t t) override {
    ExtCore::dsqInsertCustody(d, t);
    return false;  // no ops.dequeue after a GLOBAL insert
  }
};

}  // namespace scxmc
