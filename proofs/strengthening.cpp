// The protocol invariant: the strengthening that makes custody, deq-flags,
// opss and dsq inductive.  Every conjunct is universally quantified over
// tasks (and actors / CPUs / DSQs where it says so); proofs/README.md states
// each in words.
#include "events.hpp"
#include "ext_core.hpp"
#include "theorems.hpp"

namespace scxmc::proofs {

namespace {
using E = z3::expr;
constexpr int kNone_ = 0, kQueued = 2, kDispatching = 3;
constexpr int kOnRqNo = 0, kOnRqQueued = 1, kOnRqMigrating = 2;
int op(Op o) { return static_cast<int>(o); }
int ret(Ret r) { return static_cast<int>(r); }

struct V {  // reads of one state
  Universe& U;
  const SymState& x;
  E t(int f, const E& i) const { return z3::select(x.f[f], i); }
  E pc(const E& a) const { return t(APC, a); }
  // an actor's in-flight path names task tk
  E infl(const E& tk) const {
    return U.any(Dom::Actor, [&](E a) { return pc(a) != apc::Idle && t(AT, a) == tk; });
  }
  E at(const E& a, int p, const E& tk) const { return pc(a) == p && t(AT, a) == tk; }
  E some(int p, const E& tk) const { return U.any(Dom::Actor, [&](E a) { return at(a, p, tk); }); }
  E dispatching(const E& a) const { return pc(a) == apc::FlushLink() || pc(a) == apc::FlushRelease(); }
  // witnesses (ghost fields the projection computes from the frames)
  E owed(const E& tk) const {
    const E w = t(DSPA, tk);
    return t(OPSS, tk) == kDispatching && pc(w) == apc::FlushRelease() && t(AFLAG, w) == 1;
  }
  E clw(const E& tk) const {
    const E w = U.cpuActor(t(CPU, tk));
    return pc(w) == apc::ConsumeLocalWait() && t(AT, w) == tk;
  }
  E runningW(const E& tk) const { return t(HC, t(CPU, tk)) && t(CUR, t(CPU, tk)) == tk; }
  E holdsAny(const E& a) const {
    const E p = pc(a);
    return p == apc::DeqWait() || p == apc::ConsumeSrcWait() || p == apc::DsqMoveWait() ||
           p == apc::DsqMoveRemote() || p == apc::ChangeEnqueue() || p == apc::MqtBegin() ||
           p == apc::ConsumeLocalWait() ||
           p == apc::FlushLink() || p == apc::FlushRelease();
  }
  E rqOf(const E& a) const {
    const E p = pc(a);
    return z3::ite(p == apc::DeqWait() || p == apc::ConsumeSrcWait() || p == apc::DsqMoveWait() ||
                       p == apc::DsqMoveRemote() || p == apc::ChangeEnqueue() || p == apc::MqtBegin(),
                   t(AX, a), U.acpu(a));
  }
  // the rq locks a paused actor keeps (as the encoding's rqFree)
  E holds(const E& o, const E& rq) const {
    const E p = pc(o), x = t(AX, o);
    return ((p == apc::DeqWait() || p == apc::ConsumeSrcWait() || p == apc::DsqMoveWait() ||
             p == apc::DsqMoveRemote() || p == apc::ChangeEnqueue() || p == apc::MqtBegin()) && x == rq) ||
           ((p == apc::ConsumeLocalWait() || p == apc::FlushLink() || p == apc::FlushRelease()) && U.acpu(o) == rq);
  }
  E running(const E& tk) const {
    return U.any(Dom::Cpu, [&](E c) { return t(HC, c) && t(CUR, c) == tk; });
  }
};

Conjunct perTask(const std::string& id, const std::string& words, std::function<E(const V&, const E&)> f) {
  return {id, words, [f](Universe& U, const SymState& x) {
            V v{U, x};
            return U.all(Dom::Task, [&](E t) { return f(v, t); });
          }};
}
Conjunct perActor(const std::string& id, const std::string& words, std::function<E(const V&, const E&)> f) {
  return {id, words, [f](Universe& U, const SymState& x) {
            V v{U, x};
            return U.all(Dom::Actor, [&](E a) { return f(v, a); });
          }};
}
Conjunct perCpu(const std::string& id, const std::string& words, std::function<E(const V&, const E&)> f) {
  return {id, words, [f](Universe& U, const SymState& x) {
            V v{U, x};
            return U.all(Dom::Cpu, [&](E c) { return f(v, c); });
          }};
}
}  // namespace

// ---- the theorems' own statements (targets) ---------------------------------

namespace {
Conjunct queuedHasCustody() {
  return perTask("queued-custody", "a task QUEUED on the BPF side has SCX_TASK_QUEUED and IN_CUSTODY",
                 [](const V& v, const E& t) {
                   return z3::implies(v.t(OPSS, t) == kQueued, v.t(CUST, t) && v.t(QD, t));
                 });
}
Conjunct noQueueing() {
  return perTask("no-queueing", "QUEUEING is never visible between steps",
                 [](const V& v, const E& t) { return v.t(OPSS, t) != 1; });
}
Conjunct derived(Conjunct c) {
  c.derived = true;
  return c;
}
Conjunct dispatchingInFlight() {
  return derived(perTask("dispatching-in-flight", "a DISPATCHING task is named by a CPU's in-flight path",
                 [](const V& v, const E& t) { return z3::implies(v.t(OPSS, t) == kDispatching, v.infl(t)); }));
}
Conjunct custodyTolerated() {
  return derived(perTask("custody-tolerated",
                 "IN_CUSTODY only while QUEUED on BPF, on a user DSQ, in flight or migrating",
                 [](const V& v, const E& t) {
                   return z3::implies(v.t(CUST, t), v.t(OPSS, t) == kQueued ||
                                                        (v.t(LK, t) && v.U.isUser(v.t(LD, t))) || v.infl(t) ||
                                                        v.t(STICKY, t));
                 }));
}
Conjunct nrMatches() {
  return {"nr-matches", "dsq->nr equals the list length", [](Universe& U, const SymState& x) {
            return U.all(Dom::Dsq, [&](E d) { return z3::select(x.f[NR], d) == z3::select(x.f[N], d); });
          }};
}
Conjunct dsqNamesList() {
  return perTask("dsq-names-list", "p->scx.dsq names the DSQ whose list links p",
                 [](const V& v, const E& t) {
                   return z3::implies(v.t(LK, t), v.t(HP, t) && v.t(PD, t) == v.t(LD, t));
                 });
}
Conjunct staleDsq() {
  return derived(perTask("stale-dsq", "a stale p->scx.dsq only while a consumer holds p or a path is in flight on it",
                 [](const V& v, const E& t) {
                   return z3::implies(v.t(HP, t) && !v.t(LK, t), v.t(HH, t) || v.infl(t));
                 }));
}
Conjunct runningUnlinked() {
  return perCpu("running-unlinked", "a running task is on no DSQ",
                [](const V& v, const E& c) { return z3::implies(v.t(HC, c), !v.t(LK, v.t(CUR, c))); });
}
Conjunct localOwnRq() {
  return perTask("local-own-rq", "a local DSQ holds only tasks of its rq", [](const V& v, const E& t) {
    return z3::implies(v.t(LK, t) && v.U.isLocal(v.t(LD, t)), v.U.owner(v.t(LD, t)) == v.t(CPU, t));
  });
}
}  // namespace

const std::vector<Theorem>& theorems() {
  static const std::vector<Theorem> th = {
      {"custody",
       "ops.dequeue() is called exactly for the tasks in BPF custody: never outside it, and a task in custody "
       "is never enqueued afresh, started, or put to sleep without one",
       "the abstraction of proofs/README.md (any number of tasks, CPUs and user DSQs; any BPF decisions "
       "the kfunc contract allows; locks only as far as the spin-waits hold them)",
       {}},
      {"deq-flags",
       "every ops.dequeue() carries SCX_DEQ_SLEEP for a sleep, SCX_DEQ_SCHED_CHANGE for a property change, and "
       "no flag when the task leaves custody by being dispatched (so SCX_DEQ_CORE_SCHED_EXEC never appears)",
       "as for custody", {}},
      {"opss",
       "ops_state moves only along its edges, no stale dispatch record is claimed, QUEUEING is never visible, "
       "QUEUED implies SCX_TASK_QUEUED and custody, DISPATCHING implies a CPU's path names the task, and "
       "IN_CUSTODY is set only in the tolerated windows",
       "as for custody",
       {noQueueing(), queuedHasCustody(), dispatchingInFlight(), custodyTolerated()}},
      {"dsq",
       "a task is linked on at most one DSQ, dsq->nr equals the list length, p->scx.dsq names p's DSQ (stale "
       "only while held or in flight), a running task is on no DSQ, a local DSQ holds only its rq's tasks",
       "as for custody; the list length is the number of tasks whose LD names the DSQ (the encoding adds and "
       "removes a task only when the obligation 'at most one DSQ' holds)",
       {nrMatches(), dsqNamesList(), staleDsq(), runningUnlinked(), localOwnRq()}},
  };
  return th;
}

// ---- the strengthening ------------------------------------------------------------

const std::vector<Conjunct>& strengthening() {
  static const std::vector<Conjunct> s = [] {
    std::vector<Conjunct> v;
    for (const Theorem& th : theorems())
      for (const Conjunct& c : th.targets)
        if (!c.derived) v.push_back(c);
    auto add = [&](Conjunct c) { v.push_back(std::move(c)); };
    add(perTask("ranges", "ops_state and on_rq are in range", [](const V& v, const E& t) {
      return v.t(OPSS, t) >= 0 && v.t(OPSS, t) <= 3 && v.t(ONRQ, t) >= 0 && v.t(ONRQ, t) <= 2;
    }));
    add(perActor("pc-range", "an actor's abstract pc is idle or a pc that names a task",
                 [](const V& v, const E& a) {
                   const E pc = v.pc(a);
                   const E cpuPcs = pc == apc::ConsumeLocalWait() || pc == apc::ConsumeSrc() ||
                                    pc == apc::ConsumeSrcWait() || pc == apc::FlushLink() ||
                                    pc == apc::FlushRelease() || pc == apc::DsqMoveSrc() || pc == apc::DsqMoveWait() ||
                                    pc == apc::DsqMoveRemote();
                   const E both = pc == apc::Idle || pc == apc::MrtDst() || pc == apc::DtlSrc() || pc == apc::DeqWait();
                   return both || (v.U.isCpuA(a) && cpuPcs) ||
                          (!v.U.isCpuA(a) &&
                           (pc == apc::MqtDst() || pc == apc::ChangeEnqueue() || pc == apc::MqtBegin()));
                 }));
    add(perActor("rq-holder", "an rq lock has at most one holder (the witness RQH names it)",
                 [](const V& v, const E& a) { return z3::implies(v.holdsAny(a), v.t(RQH, v.rqOf(a)) == a); }));
    add(perTask("custody-where",
                "IN_CUSTODY: QUEUED on BPF, on a user DSQ, migrating, held, DISPATCHING, or unlinked by a waiting consumer",
                [](const V& v, const E& t) {
                  return z3::implies(v.t(CUST, t), v.t(OPSS, t) == kQueued || v.t(OPSS, t) == kDispatching ||
                                                       (v.t(LK, t) && v.U.isUser(v.t(LD, t))) || v.t(STICKY, t) ||
                                                       v.t(HH, t) || v.clw(t));
                }));
    add(perTask("stale-why", "a stale p->scx.dsq: a consumer holds p or waits for its DISPATCHING to end",
                [](const V& v, const E& t) {
                  return z3::implies(v.t(HP, t) && !v.t(LK, t), v.t(HH, t) || v.clw(t));
                }));
    add(perTask("ghost-is-custody",
                "the BPF-visible custody equals IN_CUSTODY, or an ops.dequeue() is owed by a GLOBAL insert",
                [](const V& v, const E& t) { return v.t(G, t) == (v.t(CUST, t) || v.owed(t)); }));
    add(perTask("owed-not-custody", "an owed ops.dequeue() means IN_CUSTODY is already clear",
                [](const V& v, const E& t) { return z3::implies(v.owed(t), !v.t(CUST, t)); }));
    add(perTask("dispatching-claimed", "DISPATCHING: the witness CPU is between finish_dispatch's claim and release",
                [](const V& v, const E& t) {
                  const E w = v.t(DSPA, t);
                  return z3::implies(v.t(OPSS, t) == kDispatching, v.dispatching(w) && v.t(AT, w) == t);
                }));
    add(perActor("dispatcher", "a CPU between claim and release holds its task's DISPATCHING claim",
                 [](const V& v, const E& a) {
                   const E t = v.t(AT, a);
                   return z3::implies(v.dispatching(a), v.t(OPSS, t) == kDispatching && v.t(DSPA, t) == a);
                 }));
    add(perTask("record-queued", "a live dispatch record exists only for a QUEUED task",
                [](const V& v, const E& t) { return z3::implies(v.t(REC, t), v.t(OPSS, t) == kQueued); }));
    add(perTask("bpf-queued", "a task QUEUED on the BPF side is runnable, unlinked, not held, not migrating",
                [](const V& v, const E& t) {
                  return z3::implies(v.t(OPSS, t) == kQueued,
                                     v.t(QD, t) && v.t(G, t) && !v.t(LK, t) && !v.t(HP, t) && !v.t(HH, t) &&
                                         !v.t(STICKY, t) && !v.t(DFR, t) && v.t(ONRQ, t) == kOnRqQueued &&
                                         !v.runningW(t));
                }));
    add(perTask("dequeued", "a task off the runqueue (not migrating) is in no queue and no custody",
                [](const V& v, const E& t) {
                  return z3::implies(!v.t(QD, t) && !v.t(STICKY, t),
                                     !v.t(CUST, t) && !v.t(G, t) && v.t(OPSS, t) == kNone_ && !v.t(LK, t) &&
                                         !v.t(HP, t) && !v.t(DFR, t) && !v.t(HH, t) && !v.t(REC, t));
                }));
    add(perTask("sticky-migrating", "sticky_cpu is set exactly while move_remote_task_to_local_dsq is between rqs",
                [](const V& v, const E& t) {
                  const E w = v.t(MIG, t);
                  return z3::implies(v.t(STICKY, t), v.pc(w) == apc::MrtDst() && v.t(AT, w) == t);
                }));
    add(perActor("migrator", "move_remote_task_to_local_dsq between rqs: its task is sticky and names it",
                 [](const V& v, const E& a) {
                   const E t = v.t(AT, a);
                   return z3::implies(v.pc(a) == apc::MrtDst(), v.t(STICKY, t) && v.t(MIG, t) == a);
                 }));
    add(perTask("migrating", "a migrating task is off its rq, in no queue, unheld",
                [](const V& v, const E& t) {
                  return z3::implies(v.t(STICKY, t), !v.t(QD, t) && v.t(ONRQ, t) == kOnRqMigrating &&
                                                         v.t(OPSS, t) == kNone_ && !v.t(LK, t) && !v.t(HP, t) &&
                                                         !v.t(HH, t) && !v.t(DFR, t) && !v.runningW(t));
                }));
    add(perTask("local-linked", "a task on a local DSQ is runnable, out of custody, NONE",
                [](const V& v, const E& t) {
                  return z3::implies(v.t(LK, t) && v.U.isLocal(v.t(LD, t)),
                                     v.t(QD, t) && !v.t(CUST, t) && !v.t(G, t) && v.t(OPSS, t) == kNone_ &&
                                         !v.t(STICKY, t) && !v.t(DFR, t) && v.t(ONRQ, t) == kOnRqQueued);
                }));
    add(perTask("global-linked", "a task on the global DSQ is runnable and out of IN_CUSTODY",
                [](const V& v, const E& t) {
                  return z3::implies(v.t(LK, t) && v.t(LD, t) == v.U.gdsq(),
                                     v.t(QD, t) && !v.t(CUST, t) && !v.t(STICKY, t) && !v.t(DFR, t) &&
                                         v.t(ONRQ, t) == kOnRqQueued);
                }));
    add(perTask("user-linked", "a task on a user DSQ is runnable and in custody",
                [](const V& v, const E& t) {
                  return z3::implies(v.t(LK, t) && v.U.isUser(v.t(LD, t)),
                                     v.t(QD, t) && v.t(CUST, t) && !v.t(STICKY, t) && !v.t(DFR, t) &&
                                         v.t(ONRQ, t) == kOnRqQueued);
                }));
    add(perTask("linked-unheld", "a linked task is not held by a consumer",
                [](const V& v, const E& t) { return z3::implies(v.t(LK, t), !v.t(HH, t)); }));
    add(perTask("deferred", "a deferred direct dispatch: runnable, NONE, out of custody, unlinked, on its rq",
                [](const V& v, const E& t) {
                  return z3::implies(v.t(DFR, t), v.t(QD, t) && v.t(OPSS, t) == kNone_ && !v.t(CUST, t) &&
                                                      !v.t(G, t) && !v.t(LK, t) && !v.t(HP, t) && !v.t(HH, t) &&
                                                      v.t(DFRQ, t) == v.t(CPU, t) && v.t(ONRQ, t) == kOnRqQueued);
                }));
    add(perTask("holder", "holding_cpu names an actor consuming or dispatching the task",
                [](const V& v, const E& t) {
                  const E h = v.t(HD, t);
                  return z3::implies(v.t(HH, t), (v.pc(h) == apc::ConsumeSrc() || v.pc(h) == apc::ConsumeSrcWait() ||
                                                  v.pc(h) == apc::DtlSrc()) &&
                                                     v.t(AT, h) == t && v.t(QD, t) && !v.t(LK, t) &&
                                                     v.t(ONRQ, t) == kOnRqQueued && v.t(CPU, t) == v.t(AX, h) &&
                                                     !v.t(STICKY, t) && !v.t(DFR, t) &&
                                                     z3::implies(v.pc(h) == apc::DtlSrc(),
                                                                 !v.t(HP, t) && v.t(OPSS, t) == kNone_) &&
                                                     z3::implies(v.pc(h) != apc::DtlSrc(),
                                                                 v.t(HP, t) && !v.U.isLocal(v.t(PD, t))));
                }));
    add(perCpu("running", "a running task is its CPU's, NONE, out of custody, unlinked",
               [](const V& v, const E& c) {
                 const E t = v.t(CUR, c);
                 return z3::implies(v.t(HC, c), v.t(CPU, t) == c && v.t(OPSS, t) == kNone_ && !v.t(CUST, t) &&
                                                    v.t(ONRQ, t) != kOnRqMigrating &&
                                                    z3::implies(v.t(ONRQ, t) == kOnRqQueued, v.t(QD, t)) &&
                                                    !v.t(G, t) && !v.t(LK, t) && !v.t(HP, t) && !v.t(HH, t) &&
                                                    !v.t(DFR, t) && !v.t(STICKY, t));
               }));
    add(perTask("asleep", "a task with on_rq == 0 is dequeued unless its CPU's sleep is still spinning",
                [](const V& v, const E& t) {
                  const E w = v.U.cpuActor(v.t(CPU, t));
                  return z3::implies(v.t(ONRQ, t) == kOnRqNo && v.t(QD, t),
                                     v.pc(w) == apc::DeqWait() && v.t(AT, w) == t &&
                                         v.t(ATAG, w) == ret(Ret::DeqThenPick));
                }));
    add(perActor("deq-wait", "a spinning dequeue: its flags, op, continuation and rq agree",
                 [](const V& v, const E& a) {
                   const E t = v.t(AT, a), U_op = v.t(AOP, a), fl = v.t(AFLAG, a), tag = v.t(ATAG, a);
                   const E sleep = U_op == op(Op::Sleep) && fl == kDeqSleep && tag == ret(Ret::DeqThenPick) &&
                                   v.U.isCpuA(a) && v.t(AX, a) == v.U.acpu(a) && v.t(HC, v.U.acpu(a)) &&
                                   v.t(CUR, v.U.acpu(a)) == t && v.t(ONRQ, t) == kOnRqNo;
                   const E change = (U_op == op(Op::Nice) || U_op == op(Op::Affinity)) &&
                                    fl == (kDeqSave | kDeqSchedChange) && tag == ret(Ret::DeqThenChange) &&
                                    !v.U.isCpuA(a) && v.U.atask(a) == t && v.t(ONRQ, t) == kOnRqQueued;
                   const E mig = U_op == op(Op::Affinity) && fl == kDeqSchedChange &&
                                 tag == ret(Ret::DeqThenMigrate) && !v.U.isCpuA(a) && v.U.atask(a) == t &&
                                 v.t(ONRQ, t) == kOnRqMigrating;
                   return z3::implies(v.pc(a) == apc::DeqWait(),
                                      v.t(QD, t) && v.t(AX, a) == v.t(CPU, t) && (sleep || change || mig));
                 }));
    add(perActor("mqt", "move_queued_task between rqs: the task is dequeued, migrating, out of custody",
                 [](const V& v, const E& a) {
                   const E t = v.t(AT, a);
                   return z3::implies(v.pc(a) == apc::MqtDst(),
                                      !v.U.isCpuA(a) && v.U.atask(a) == t && !v.t(QD, t) && !v.t(STICKY, t) &&
                                          v.t(CPU, t) == v.t(AX, a) &&
                                          v.t(ONRQ, t) == kOnRqMigrating);
                 }));
    add(perTask("migrating-onrq", "on_rq is MIGRATING only during a migration",
                [](const V& v, const E& t) {
                  const E k = v.U.taskActor(t);
                  return z3::implies(v.t(ONRQ, t) == kOnRqMigrating,
                                     v.t(STICKY, t) ||
                                         (v.t(AT, k) == t &&
                                          (v.pc(k) == apc::MqtDst() ||
                                           (v.pc(k) == apc::DeqWait() && v.t(ATAG, k) == ret(Ret::DeqThenMigrate)))));
                }));
    add(perActor("flush", "a CPU between claim and release: the task is DISPATCHING, runnable, unheld",
                 [](const V& v, const E& a) {
                   const E t = v.t(AT, a), d = v.t(AD, a);
                   return z3::implies(
                       v.dispatching(a),
                       v.U.isCpuA(a) && v.t(QD, t) && v.t(ONRQ, t) == kOnRqQueued && !v.t(STICKY, t) &&
                           !v.t(DFR, t) && !v.U.isLocal(d) &&
                           z3::implies(v.pc(a) == apc::FlushLink(),
                                       v.t(CUST, t) && !v.t(LK, t) && !v.t(HP, t) && !v.t(HH, t)) &&
                           z3::implies(v.pc(a) == apc::FlushRelease(),
                                       v.t(HP, t) && v.t(PD, t) == d &&
                                           (v.t(AFLAG, a) == 0 || v.t(AFLAG, a) == 1) &&
                                           z3::implies(v.t(LK, t), v.t(LD, t) == d) &&
                                           z3::implies(v.t(AFLAG, a) == 1, d == v.U.gdsq()) &&
                                           z3::implies(v.U.isUser(d), v.t(CUST, t)) &&
                                           z3::implies(d == v.U.gdsq(), !v.t(CUST, t))));
                 }));
    add(perActor("consume-wait", "a consumer waiting on DISPATCHING holds the task's rq and owns the unlinked task",
                 [](const V& v, const E& a) {
                   const E t = v.t(AT, a);
                   return z3::implies(v.pc(a) == apc::ConsumeLocalWait(),
                                      v.U.isCpuA(a) && v.t(CPU, t) == v.U.acpu(a) && !v.t(LK, t) && v.t(HP, t) &&
                                          !v.U.isLocal(v.t(PD, t)) &&
                                          !v.t(HH, t) && v.t(QD, t) && v.t(ONRQ, t) == kOnRqQueued);
                 }));
    add(perActor("consume-src-wait", "a remote consumer spinning holds the task",
                 [](const V& v, const E& a) {
                   const E t = v.t(AT, a);
                   return z3::implies(v.pc(a) == apc::ConsumeSrcWait(),
                                      v.U.isCpuA(a) && v.t(HH, t) && v.t(HD, t) == a && v.t(CPU, t) == v.t(AX, a));
                 }));
    add(perActor("mrt", "move_remote_task_to_local_dsq between rqs",
                 [](const V& v, const E& a) {
                   const E t = v.t(AT, a);
                   return z3::implies(v.pc(a) == apc::MrtDst(), v.t(CPU, t) == v.t(AX, a));
                 }));
    add(perActor("dsq-move-wait", "scx_dsq_move spinning holds p's rq and p is on its source DSQ",
                 [](const V& v, const E& a) {
                   const E t = v.t(AT, a);
                   return z3::implies(v.pc(a) == apc::DsqMoveWait(),
                                      v.U.isCpuA(a) && v.t(CPU, t) == v.t(AX, a) && v.t(HP, t) &&
                                          v.t(PD, t) == v.t(AD, a) && v.t(LK, t) && v.t(LD, t) == v.t(AD, a) && v.U.isUser(v.t(AD, a)) && v.t(QD, t) &&
                                          !v.t(HH, t) && v.t(ONRQ, t) == kOnRqQueued);
                 }));
    add(perActor("dsq-move-remote",
                 "scx_dsq_move past the source DSQ's unlock holds p's rq; p, NONE and queued there, is still on "
                 "the source DSQ or was unlinked by a consumer that marked it",
                 [](const V& v, const E& a) {
                   const E t = v.t(AT, a), d = v.t(AD, a);
                   return z3::implies(v.pc(a) == apc::DsqMoveRemote(),
                                      v.U.isCpuA(a) && v.t(CPU, t) == v.t(AX, a) && v.U.isUser(d) && v.t(QD, t) &&
                                          v.t(ONRQ, t) == kOnRqQueued && v.t(OPSS, t) == kNone_ && v.t(HP, t) &&
                                          v.t(PD, t) == d &&
                                          z3::ite(v.t(LK, t), v.t(LD, t) == d && !v.t(HH, t), v.t(HH, t)));
                 }));
    add(perActor("change-enqueue",
                 "a sched_change between its dequeue and its enqueue holds p's rq; p is off every DSQ and out "
                 "of BPF custody, NONE and still on_rq",
                 [](const V& v, const E& a) {
                   const E t = v.t(AT, a);
                   return z3::implies(v.pc(a) == apc::ChangeEnqueue(),
                                      !v.U.isCpuA(a) && v.U.atask(a) == t && v.t(CPU, t) == v.t(AX, a) &&
                                          !v.t(QD, t) && v.t(OPSS, t) == kNone_ && !v.t(LK, t) && !v.t(HP, t) &&
                                          !v.t(HH, t) && !v.t(CUST, t) && !v.t(G, t) && !v.t(STICKY, t) &&
                                          !v.t(DFR, t) && v.t(ONRQ, t) == kOnRqQueued);
                 }));
    add(perActor("mqt-begin",
                 "an affinity change about to migrate its task holds the task's rq; the task, NONE and queued there, is "
                 "on the shared DSQ its enqueue chose, or was unlinked from it by a consumer that marked it",
                 [](const V& v, const E& a) {
                   const E t = v.t(AT, a);
                   return z3::implies(v.pc(a) == apc::MqtBegin(),
                                      !v.U.isCpuA(a) && v.U.atask(a) == t && v.t(CPU, t) == v.t(AX, a) &&
                                          v.t(QD, t) && v.t(ONRQ, t) == kOnRqQueued && v.t(PIN, t) &&
                                          v.t(OPSS, t) == kNone_ && v.t(HP, t) && !v.U.isLocal(v.t(PD, t)) &&
                                          z3::ite(v.t(LK, t), v.t(LD, t) == v.t(PD, t) && !v.t(HH, t), v.t(HH, t)));
                 }));
    add(perActor("dsq-move-src", "scx_dsq_move's source is a user DSQ",
                 [](const V& v, const E& a) {
                   const E t = v.t(AT, a);
                   return z3::implies(v.pc(a) == apc::DsqMoveSrc(),
                                      v.U.isCpuA(a) && v.U.isUser(v.t(AD, a)) &&
                                          (v.t(AFLAG, a) == 0 || v.t(AFLAG, a) == 1) &&
                                          z3::implies(v.t(AFLAG, a) == 0 && v.t(HP, t) && v.t(PD, t) == v.t(AD, a),
                                                      v.t(CPU, t) == v.t(AX, a)));
                 }));
    return v;
  }();
  return s;
}

}  // namespace scxmc::proofs
