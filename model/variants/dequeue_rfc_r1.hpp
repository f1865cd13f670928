// dequeue-rfc-r1: dequeue-rfc after the review point on mark_direct_dispatch
// (seed 002, Tejun Heo: "I'm a bit confused on why this needs to be in
// mark_direct_dispatch() AND dispatch_enqueue() ... Both cases can be
// reliably captured in do_enqueue_task(), no?"; Andrea Righi: "All paths go
// through do_enqueue_task() which funnels to dispatch_enqueue(), so we can
// handle it all in one place").
// Changes against dequeue-rfc: mark_direct_dispatch (ext.c:1882) no longer
// touches the flag.
#pragma once

#include "variants/dequeue_rfc.hpp"

namespace scxmc {

class DequeueRfcR1 : public DequeueRfc {
 public:
  using DequeueRfc::DequeueRfc;
  const char* name() const override { return "dequeue-rfc-r1"; }

 protected:
  void markDirectDispatchFlag(uint8_t) override {}
};

}  // namespace scxmc
