// dequeue-rfc-r2: dequeue-rfc-r1 after the review point on direct_dispatch
// (seed 002, Tejun Heo: "And when would direct_dispatch() need to call
// ops.dequeue()? ... A task being enqueued shouldn't have the OPS_ENQUEUED
// set"; Andrea Righi: "I'll remove all the flag management from
// direct_dispatch() and centralize it in dispatch_enqueue()").
// Changes against dequeue-rfc-r1: direct_dispatch (ext.c:1936) neither sets
// nor clears the flag nor calls ops.dequeue(); scx_dispatch_enqueue sets it
// for a user DSQ as before.
#pragma once

#include "variants/dequeue_rfc_r1.hpp"

namespace scxmc {

class DequeueRfcR2 : public DequeueRfcR1 {
 public:
  using DequeueRfcR1::DequeueRfcR1;
  const char* name() const override { return "dequeue-rfc-r2"; }

 protected:
  void directDispatchFlag(uint8_t, uint8_t) override {}
};

}  // namespace scxmc
