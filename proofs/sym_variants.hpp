// Symbolic counterparts of the executable model's variants
// (model/variants/): each overrides only the symbolic actions its patch
// changes, as the executable variant overrides the ExtCore members.
#pragma once

#include "sym_model.hpp"

namespace scxmc::proofs {

// dequeue-legacy (model/variants/dequeue_legacy.hpp): before the custody
// fix, ops_dequeue called ops.dequeue() only for a task still QUEUED on the
// BPF side (ext.c:2307 in 7.3.4 calls it whenever the task leaves custody).
class SymDequeueLegacy : public SymModel {
 public:
  const char* name() const override { return "dequeue-legacy"; }
  E opsDequeueCalled(Builder&, const E&, const E& left_custody, const E& was_queued) override {
    return left_custody && was_queued;
  }
};

}  // namespace scxmc::proofs
