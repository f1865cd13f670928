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

namespace scxmc::proofs {

// dequeue-rfc-merged (model/variants/dequeue_rfc_merged.hpp): every override
// of the chain resolves to 7.3.4's code, so its encoding is the baseline's.
class SymDequeueRfcMerged : public SymModel {
 public:
  const char* name() const override { return "dequeue-rfc-merged"; }
};

// dequeue-rfc-r4 (model/variants/dequeue_rfc_r4.hpp): the merged form
// without v9's sticky_cpu test in task_leave_custody (ext.c:1529): the
// source-side dequeue of an SCX-internal migration ends custody and calls
// ops.dequeue() (with the core's flags).
class SymDequeueRfcR4 : public SymModel {
 public:
  const char* name() const override { return "dequeue-rfc-r4"; }
  E custodyEnds(Builder& b, const E& t) override { return b.get(CUST, t); }
};

// dequeue-rfc-r3 (model/variants/dequeue_rfc_r3.hpp): r4 before the
// ops_dequeue helper (ext.c:2307): a dequeue that had to wait on DISPATCHING
// neither ends custody nor calls ops.dequeue().  (r3's other overrides
// resolve to 7.3.4's code.)
class SymDequeueRfcR3 : public SymDequeueRfcR4 {
 public:
  const char* name() const override { return "dequeue-rfc-r3"; }
  void actDeqWait(Builder& b, const E& a, E* task) override {
    after_wait_ = true;
    SymDequeueRfcR4::actDeqWait(b, a, task);
    after_wait_ = false;
  }
  void dequeueTaskFinish(Builder& b, const E& rq, const E& t, const E& flags, const E& opv,
                         const E& was_queued) override {
    if (!after_wait_) return SymModel::dequeueTaskFinish(b, rq, t, flags, opv, was_queued);
    b.set(QD, t, b.b(false));  // the rest of dequeue_task_scx
    dispatchDequeue(b, t);
  }

 private:
  bool after_wait_ = false;
};

}  // namespace scxmc::proofs
