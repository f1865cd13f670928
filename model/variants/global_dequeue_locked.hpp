// global-dequeue-locked: a proposed simplification of scx_dispatch_enqueue
// (the worked example of docs/check-your-patch.md): call ops.dequeue(0) for
// a GLOBAL insert right where custody ends, before dsq->lock is dropped,
// instead of carrying call_dequeue past raw_spin_unlock().
// Changes against 7.3.4:
//   ext.c:1741 scx_dispatch_enqueue  ops.dequeue under dsq->lock (was after the unlock, ext.c:1747)
#pragma once

#include "ext_core.hpp"

namespace scxmc {

class GlobalDequeueLocked : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "global-dequeue-locked"; }

 protected:
  bool dsqInsertCustody(uint8_t d, uint8_t t) override {
    if (d != kDsqGlobal) return ExtCore::dsqInsertCustody(d, t);
    site(Site::GlobalLeaveCustody);
    if (leaveCustody(t)) emit(Ev::OpsDequeue, t, 0);  // dsq->lock still held
    return false;                                     // nothing left for after the unlock
  }
};

}  // namespace scxmc
