// dequeue-rfc-r3: dequeue-rfc-r2 after the review point on finish_dispatch
// (seed 002, Tejun Heo: "I can't think of conditions where we'd need to set
// OPS_ENQUEUED from ops.dispatch()" and "scx_bpf_dsq_move() can also move
// tasks from a user DSQ to a terminal DSQ and the above wouldn't cover it.
// Wouldn't it make more sense to do this in dispatch_enqueue()?"; Andrea
// Righi: "Agreed").
// Changes against dequeue-rfc-r2: finish_dispatch (ext.c:2876) leaves the
// flag alone; scx_dispatch_enqueue ends custody for every terminal insert
// the way 7.3.4 does (local: rq_owned_post_enq ext.c:1540; GLOBAL: under
// dsq->lock, ops.dequeue(0) after the unlock, ext.c:1740-1748), which also
// covers move_local_task_to_local_dsq (ext.c:2423) and scx_bpf_dsq_move.
#pragma once

#include "variants/dequeue_rfc_r2.hpp"

namespace scxmc {

class DequeueRfcR3 : public DequeueRfcR2 {
 public:
  using DequeueRfcR2::DequeueRfcR2;
  const char* name() const override { return "dequeue-rfc-r3"; }

 protected:
  void finishDispatchCustody(uint8_t, uint8_t) override {}
  bool dsqInsertCustody(uint8_t d, uint8_t t) override { return ExtCore::dsqInsertCustody(d, t); }
  void rqOwnedPostEnq(uint8_t rq, uint8_t t) override { ExtCore::rqOwnedPostEnq(rq, t); }
  void moveLocalTaskToLocalDsq(uint8_t t, uint8_t dst_rq) override {
    ExtCore::moveLocalTaskToLocalDsq(t, dst_rq);
  }
};

}  // namespace scxmc
