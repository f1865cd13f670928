// dequeue-rfc-r4: dequeue-rfc-r3 after the review point on ops_dequeue
// (seed 002, Tejun Heo on the NONE and QUEUED blocks that each call
// ops.dequeue(): "I wonder whether this and the above block can be factored
// somehow"; Andrea Righi: "Ack, we can add a helper for this").  As merged
// the helper is one call after the ops_state switch (ext.c:2307), so it also
// runs after waiting on DISPATCHING ("after waiting on SCX_OPSS_DISPATCHING
// we see NONE but the task may still have SCX_TASK_IN_CUSTODY set",
// ext.c:2303-2305), which the two posted blocks missed.
// Changes against dequeue-rfc-r3: ops_dequeue's tail (ext.c:2307) as 7.3.4.
#pragma once

#include "variants/dequeue_rfc_r3.hpp"

namespace scxmc {

class DequeueRfcR4 : public DequeueRfcR3 {
 public:
  using DequeueRfcR3::DequeueRfcR3;
  const char* name() const override { return "dequeue-rfc-r4"; }

 protected:
  void opsDequeueTail(uint8_t t, uint8_t deq_flags) override { ExtCore::opsDequeueTail(t, deq_flags); }
};

}  // namespace scxmc
