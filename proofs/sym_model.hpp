// SymModel: the symbolic transition relation, one action per ExtCore step
// kind, each named after the kernel function it stands for (sites.hpp).
//
// Actions are written as straight-line symbolic code (Builder) that follows
// the ExtCore member of the same name; a variant subclasses SymModel and
// overrides the hooks its ExtCore variant overrides (see proofs/README.md).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "sym.hpp"

namespace scxmc::proofs {

// Symbolic straight-line code: reads and writes on a SymState under a path
// condition; branches merge with ite; obligations and guards are guarded by
// the path condition.
class Builder {
 public:
  Builder(Universe& U, const SymState& pre, const std::string& prefix);

  Universe& U;
  SymState x;
  z3::expr path;   // path condition of the code being built
  z3::expr guard;  // the action is enabled
  std::vector<Obligation> obl;
  std::vector<z3::expr> params;

  z3::expr get(int f, const z3::expr& i) const { return z3::select(x.f[f], i); }
  z3::expr scalar(int f) const { return x.f[f]; }
  void set(int f, const z3::expr& i, const z3::expr& v);
  void setScalar(int f, const z3::expr& v) { x.f[f] = v; }
  // if (c) then(); else otherwise();
  void when(const z3::expr& c, const std::function<void()>& then,
            const std::function<void()>& otherwise = nullptr);
  void require(const z3::expr& c) { guard = guard && z3::implies(path, c); }
  void oblige(const std::string& inv, const std::string& what, const z3::expr& c);
  // A free choice (a BPF decision, an environment choice, or what the
  // abstraction does not track).
  z3::expr choose(const std::string& name, Dom d);
  z3::expr chooseInt(const std::string& name, int lo, int hi);
  z3::expr chooseBool(const std::string& name);
  z3::expr i(int v) { return U.ctx().int_val(v); }
  z3::expr b(bool v) { return U.ctx().bool_val(v); }

 private:
  std::string prefix_;
};

struct ActionKind {
  std::string name;  // e.g. "finish_dispatch"
  std::string site;  // sites.hpp id, e.g. "FinishDispatch"
  bool cpu_only;     // only CPU actors take it
  bool task_only;    // only task actors take it
};

class SymModel {
 public:
  virtual ~SymModel() = default;
  virtual const char* name() const { return "linux-7.3.4"; }
  // Environment events allowed (config.hpp kEnv*); proofs use all of them,
  // the agreement test the configuration's.
  uint32_t env = 0x1f;

  static const std::vector<ActionKind>& kinds();
  // The abstract pc an actor must be at to take action `kind` (build()
  // requires it, so a search may skip the kinds of other pcs).
  static int requiredPc(int kind);
  // Builds action `kind` taken by `actor` from `pre`; fresh choices are named
  // with `prefix`.  `task` receives the task the action is about (for labels).
  ActionInstance build(Universe& U, int kind, const z3::expr& actor, const SymState& pre,
                       const std::string& prefix, z3::expr* task = nullptr);
  // The initial states (model State initial(): every task asleep, CPUs idle).
  z3::expr initial(Universe& U, const SymState& x);

 protected:
  using E = z3::expr;
  // ---- primitive updates (ext_core.cpp) ----
  void setOpss(Builder& b, const E& t, int to);
  E leaveCustody(Builder& b, const E& t);                      // task_leave_custody
  // whether task_leave_custody ends custody (7.3.4: IN_CUSTODY and not an
  // SCX-internal migration, ext.c:1529)
  virtual E custodyEnds(Builder& b, const E& t);
  void emitDequeue(Builder& b, const E& t, const E& flags, const E& op, const E& when);
  void emitEnqueue(Builder& b, const E& t);                    // ops.enqueue (not REENQ)
  void emitRunning(Builder& b, const E& t);
  void enterCustodyGhost(Builder& b, const E& t);
  void listAdd(Builder& b, const E& d, const E& t);
  void listDel(Builder& b, const E& d, const E& t);
  E rqFree(Builder& b, const E& rq, const E& me);              // no other actor holds rq
  E dsqFree(Builder& b, const E& d, const E& me);              // no other actor holds dsq->lock
  E running(Builder& b, const E& t);                           // some rq->curr is t
  E allowed(Builder& b, const E& t, const std::string& why);   // cpumask test (PIN)
  void toIdle(Builder& b, const E& a);
  // The actor pauses at `pc` on task t, keeping rq's lock (AX, the RQH witness).
  void pauseHolding(Builder& b, const E& a, int pc, const E& t, const E& rq);

  // ---- kernel functions (the ExtCore members of the same names) ----
  virtual void enqueueTask(Builder& b, const E& a, const E& rq, const E& t, bool restore, const E& op);
  virtual void doEnqueueTask(Builder& b, const E& a, const E& rq, const E& t, const E& sticky_local,
                             const E& op);
  virtual void bpfEnqueue(Builder& b, const E& a, const E& rq, const E& t, const E& op);
  virtual void directDispatch(Builder& b, const E& rq, const E& t, const E& target_dsq, const E& op);
  virtual void dispatchEnqueue(Builder& b, const E& rq, const E& d, const E& t, bool clear_opss, const E& op);
  virtual E dispatchEnqueueLink(Builder& b, const E& rq, const E& d, const E& t, const E& op);
  // The custody part of scx_dispatch_enqueue once p is linked on d
  // (ExtCore::rqOwnedPostEnq for a local DSQ ext.c:1536, ::dsqInsertCustody
  // for GLOBAL / a user DSQ ext.c:1740-1743); returns "ops.dequeue owed after
  // the unlock".  The dequeue-rfc chain overrides it.
  virtual E dsqInsertCustody(Builder& b, const E& d, const E& t, const E& op);
  // rq_owned_post_enq (ext.c:1536) of scx_move_local_task_to_local_dsq
  virtual void rqOwnedPostEnq(Builder& b, const E& t, const E& op);
  // Custody hooks 7.3.4 does not have (no-ops here): the dequeue-rfc posting
  // sets / clears its flag where a direct-dispatch verdict is recorded
  // (mark_direct_dispatch ext.c:1882, from select_task_rq_scx: actWake; from
  // ops.enqueue: its directDispatch) and in finish_dispatch (ext.c:2876,
  // after the DISPATCHING claim, `dsq` the target DSQ).
  virtual void markDirectDispatch(Builder& b, const E& t, const E& dsq) {}
  virtual void finishDispatchCustody(Builder& b, const E& t, const E& dsq, const E& op) {}
  virtual void dispatchDequeue(Builder& b, const E& t);
  // dequeue_task_scx: returns "proceeds" (false = spins on ops_state)
  virtual void dequeueTask(Builder& b, const E& a, const E& rq, const E& t, int core_flags, const E& op,
                           int cont, const E& mig_dst);
  virtual E opsDequeueClaim(Builder& b, const E& t);           // true: proceed
  // was_queued: ops_dequeue's claim found the task QUEUED on the BPF side
  virtual void dequeueTaskFinish(Builder& b, const E& rq, const E& t, const E& deq_flags, const E& op,
                                 const E& was_queued);
  // Whether ops_dequeue calls ops.dequeue() (7.3.4: whenever the task leaves
  // custody).  dequeue-legacy overrides it.
  virtual E opsDequeueCalled(Builder& b, const E& t, const E& left_custody, const E& was_queued) {
    return left_custody;
  }
  virtual void moveLocalTaskToLocalDsq(Builder& b, const E& t, const E& dst, const E& op);
  virtual void moveRemoteTaskBegin(Builder& b, const E& a, const E& t, const E& src, const E& dst);
  virtual void dispatchToLocalDsq(Builder& b, const E& a, const E& rq, const E& dst, const E& t, const E& op);
  virtual void dtlSrc(Builder& b, const E& a, const E& t, const E& src, const E& dst, const E& op);
  virtual void putPrevTask(Builder& b, const E& a, const E& rq, const E& t, const E& op);
  virtual void setNextTask(Builder& b, const E& rq, const E& t, const E& op);
  virtual void changeAndEnqueue(Builder& b, const E& a, const E& t, const E& rq, const E& op);
  void moveQueuedTask(Builder& b, const E& a, const E& rq, const E& t, const E& op);
  void changeAfterDequeue(Builder& b, const E& a, const E& t, const E& rq, const E& op, const E& shared);
  virtual void dsqMoveBetween(Builder& b, const E& a, const E& t, const E& op);

  // ---- the actions ----
  virtual void actWake(Builder& b, const E& a, E* task);
  virtual void actSleep(Builder& b, const E& a, E* task);
  virtual void actChange(Builder& b, const E& a, E* task);
  virtual void actDeqWait(Builder& b, const E& a, E* task);
  virtual void actMqtArrive(Builder& b, const E& a, E* task);
  virtual void actConsumeLocal(Builder& b, const E& a, E* task);
  virtual void actConsumeLocalWait(Builder& b, const E& a, E* task);
  virtual void actConsumeUnlink(Builder& b, const E& a, E* task);
  virtual void actConsumeRemote(Builder& b, const E& a, E* task);
  virtual void actConsumeRemoteWait(Builder& b, const E& a, E* task);
  virtual void actMrtArrive(Builder& b, const E& a, E* task);
  virtual void actInsert(Builder& b, const E& a, E* task);
  virtual void actClaim(Builder& b, const E& a, E* task);
  virtual void actFlushLink(Builder& b, const E& a, E* task);
  virtual void actFlushRelease(Builder& b, const E& a, E* task);
  virtual void actDtlSrc(Builder& b, const E& a, E* task);
  virtual void actRunDeferred(Builder& b, const E& a, E* task);
  virtual void actSwitch(Builder& b, const E& a, E* task);
  virtual void actDsqMoveStart(Builder& b, const E& a, E* task);
  virtual void actDsqMove(Builder& b, const E& a, E* task);
  virtual void actDsqMoveWait(Builder& b, const E& a, E* task);
  virtual void actDsqMoveRemote(Builder& b, const E& a, E* task);
  virtual void actChangeEnd(Builder& b, const E& a, E* task);
  virtual void actMqtBegin(Builder& b, const E& a, E* task);
};

// Named symbolic variants (the baseline is "linux-7.3.4").  A variant of the
// executable model registers its symbolic counterpart here.
using SymFactory = std::function<std::unique_ptr<SymModel>()>;
std::unique_ptr<SymModel> makeSymModel(const std::string& variant);
void registerSymVariant(const std::string& name, SymFactory make);
std::vector<std::string> symVariants();

}  // namespace scxmc::proofs
