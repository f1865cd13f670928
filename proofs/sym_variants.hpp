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
    after_wait_ = false;  // only the dequeue that waited (not move_queued_task's after it)
    b.set(QD, t, b.b(false));  // the rest of dequeue_task_scx
    dispatchDequeue(b, t);
  }

 private:
  bool after_wait_ = false;
};

}  // namespace scxmc::proofs

namespace scxmc::proofs {

// dequeue-rfc (model/variants/dequeue_rfc.hpp): the posting.  Of its
// overrides, ops_dequeue after a DISPATCHING wait (ext.c:2307) and
// task_leave_custody without the sticky_cpu test (ext.c:1529) are the ones
// r3 still has (SymDequeueRfcR3 above); r3 puts every other one back to
// 7.3.4's code, so the posting's encoding is r3's plus the flag handling
// below, each hook the symbolic form of the ExtCore override of the same
// name.  The ghost bit is the custody monitor's (a user DSQ link enters it),
// the same in every variant.
class SymDequeueRfc : public SymDequeueRfcR3 {
 public:
  const char* name() const override { return "dequeue-rfc"; }

 protected:
  static constexpr int kOpssQueueing = 1;  // OPSS (sym.hpp)
  // "if flag: ops.dequeue(p, 0); clear flag" (DequeueRfc::dequeueIfOwed)
  void dequeueIfOwed(Builder& b, const E& t, const E& opv) {
    const E owed = b.get(CUST, t);
    b.set(CUST, t, b.b(false));
    emitDequeue(b, t, b.i(0), opv, owed);
  }
  // mark_direct_dispatch (ext.c:1882): a user DSQ verdict sets the flag,
  // a terminal one clears it
  void markDirectDispatch(Builder& b, const E& t, const E& dsq) override { b.set(CUST, t, b.U.isUser(dsq)); }
  // direct_dispatch's own block (ext.c:1936)
  virtual void directDispatchFlag(Builder& b, const E& t, const E& dsq, const E& opv) {
    b.when(b.U.isUser(dsq), [&] { b.set(CUST, t, b.b(true)); }, [&] { dequeueIfOwed(b, t, opv); });
  }
  // direct_dispatch (ext.c:1936): an ops.enqueue verdict is marked here
  // (QUEUEING), a select_cpu verdict was marked in actWake
  void directDispatch(Builder& b, const E& rq, const E& t, const E& dsq, const E& opv) override {
    b.when(b.get(OPSS, t) == kOpssQueueing, [&] { markDirectDispatch(b, t, dsq); });
    directDispatchFlag(b, t, dsq, opv);
    SymDequeueRfcR3::directDispatch(b, rq, t, dsq, opv);
  }
  // scx_dispatch_enqueue (ext.c:1608): only a user DSQ touches the flag;
  // GLOBAL and local DSQs neither end custody nor owe ops.dequeue()
  E dsqInsertCustody(Builder& b, const E& d, const E& t, const E&) override {
    b.when(b.U.isUser(d), [&] {
      b.set(CUST, t, b.b(true));
      enterCustodyGhost(b, t);
    });
    return b.b(false);
  }
  void rqOwnedPostEnq(Builder&, const E&, const E&) override {}
  // scx_move_local_task_to_local_dsq (ext.c:2423): ops.dequeue(0) if owed
  void moveLocalTaskToLocalDsq(Builder& b, const E& t, const E& dst, const E& opv) override {
    dequeueIfOwed(b, t, opv);
    SymDequeueRfcR3::moveLocalTaskToLocalDsq(b, t, dst, opv);
  }
  // finish_dispatch (ext.c:2876): user DSQ: set; terminal: ops.dequeue(0) if owed
  void finishDispatchCustody(Builder& b, const E& t, const E& dsq, const E& opv) override {
    b.when(b.U.isUser(dsq), [&] { b.set(CUST, t, b.b(true)); }, [&] { dequeueIfOwed(b, t, opv); });
  }
};

// dequeue-rfc-r1 (model/variants/dequeue_rfc_r1.hpp): mark_direct_dispatch
// (ext.c:1882) no longer touches the flag.
class SymDequeueRfcR1 : public SymDequeueRfc {
 public:
  const char* name() const override { return "dequeue-rfc-r1"; }

 protected:
  void markDirectDispatch(Builder&, const E&, const E&) override {}
};

// dequeue-rfc-r2 (model/variants/dequeue_rfc_r2.hpp): direct_dispatch
// (ext.c:1936) neither sets nor clears the flag nor calls ops.dequeue().
class SymDequeueRfcR2 : public SymDequeueRfcR1 {
 public:
  const char* name() const override { return "dequeue-rfc-r2"; }

 protected:
  void directDispatchFlag(Builder&, const E&, const E&, const E&) override {}
};

}  // namespace scxmc::proofs
