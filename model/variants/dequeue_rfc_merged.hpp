// dequeue-rfc-merged: the series as merged, commit ebf1ccff79 "sched_ext:
// Fix ops.dequeue() semantics" (v9, LKML 15 Feb 2026: "Ignore internal SCX
// migrations ... Use sticky_cpu to determine when a task is undergoing an
// internal SCX migration").  Not a seed 002 review point: the last change
// between the reviewed posting and the merged form.
// Changes against dequeue-rfc-r4: task_leave_custody (ext.c:1529) keeps
// custody while sticky_cpu marks an SCX-internal migration
// (move_remote_task_to_local_dsq sets it before deactivate_task,
// ext.c:2466), so the source-side dequeue calls no ops.dequeue().
// Every override of the chain now resolves to 7.3.4's code: this variant
// must behave exactly like the baseline (tests/variants_test.cpp).
#pragma once

#include "variants/dequeue_rfc_r4.hpp"

namespace scxmc {

class DequeueRfcMerged : public DequeueRfcR4 {
 public:
  using DequeueRfcR4::DequeueRfcR4;
  const char* name() const override { return "dequeue-rfc-merged"; }

 protected:
  bool leaveCustody(uint8_t t) override { return ExtCore::leaveCustody(t); }
};

}  // namespace scxmc
