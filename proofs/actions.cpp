// The symbolic actions.  Each follows the ExtCore member named in its
// comment, with the abstraction documented in proofs/README.md: locks are
// modeled only where a spinning actor keeps an rq lock (the waits), FIFO
// order, slices, the dispatch-loop bounds and the BPF policy are free
// choices, and the cpumask is reduced to "every CPU or not" (PIN).
#include <map>
#include <mutex>

#include "config.hpp"
#include "events.hpp"
#include "ext_core.hpp"
#include "sym_model.hpp"
#include "sym_variants.hpp"

namespace scxmc::proofs {

namespace {
constexpr int kNone_ = 0, kQueueing = 1, kQueued = 2, kDispatching = 3;
constexpr int kOnRqNo = 0, kOnRqQueued = 1, kOnRqMigrating = 2;
constexpr int op(Op o) { return static_cast<int>(o); }
constexpr int ret(Ret r) { return static_cast<int>(r); }

z3::expr edgeOk(const z3::expr& from, int to) {
  z3::context& c = from.ctx();
  switch (to) {
    case kQueueing: return from == kNone_;
    case kQueued: return from == kQueueing;
    case kDispatching: return from == kQueued;
    default: return from == kQueueing || from == kQueued || from == kDispatching || c.bool_val(false);
  }
}

z3::expr hasBit(const z3::expr& v, int bit) { return z3::mod(v / bit, 2) == 1; }

// deq-flags: SLEEP for a sleep, SCHED_CHANGE for a property change, neither
// otherwise (the monitor's rule, invariants/deq_flags.cpp).
z3::expr flagsOk(const z3::expr& opv, const z3::expr& flags) {
  const z3::expr sleep = hasBit(flags, kDeqSleep), change = hasBit(flags, kDeqSchedChange);
  return z3::ite(opv == op(Op::Sleep), sleep && !change,
                 z3::ite(opv == op(Op::Nice) || opv == op(Op::Affinity), change && !sleep, flags == 0));
}
}  // namespace

// ---- Builder ------------------------------------------------------------------

Builder::Builder(Universe& u, const SymState& pre, const std::string& prefix)
    : U(u), x(pre), path(u.ctx().bool_val(true)), guard(u.ctx().bool_val(true)), prefix_(prefix) {}

void Builder::set(int f, const z3::expr& i, const z3::expr& v) { x.f[f] = z3::store(x.f[f], i, v); }

void Builder::when(const z3::expr& c, const std::function<void()>& then, const std::function<void()>& otherwise) {
  if (U.finite()) {
    // a concrete state (the agreement test, CTI matching): a decided
    // condition runs one branch only, which keeps the terms small
    const z3::expr cs = c.simplify();
    if (cs.is_true()) {
      then();
      return;
    }
    if (cs.is_false()) {
      if (otherwise) otherwise();
      return;
    }
  }
  const SymState before = x;
  const z3::expr saved = path;
  path = saved && c;
  then();
  const SymState xt = x;
  x = before;
  path = saved && !c;
  if (otherwise) otherwise();
  const SymState xe = x;
  path = saved;
  for (int f = 0; f < NF; ++f) x.f[f] = z3::eq(xt.f[f], xe.f[f]) ? xt.f[f] : z3::ite(c, xt.f[f], xe.f[f]);
}

void Builder::oblige(const std::string& inv, const std::string& what, const z3::expr& c) {
  obl.push_back({inv, what, z3::implies(path, c)});
}

z3::expr Builder::choose(const std::string& name, Dom d) {
  z3::expr v = U.fresh(prefix_ + "." + name, U.sortOf(d));
  params.push_back(v);
  return v;
}

z3::expr Builder::chooseInt(const std::string& name, int lo, int hi) {
  z3::expr v = U.fresh(prefix_ + "." + name, U.ctx().int_sort());
  params.push_back(v);
  guard = guard && v >= lo && v <= hi;
  return v;
}

z3::expr Builder::chooseBool(const std::string& name) {
  z3::expr v = U.fresh(prefix_ + "." + name, U.ctx().bool_sort());
  params.push_back(v);
  return v;
}

// ---- primitives (ext_core.cpp) ------------------------------------------------------

void SymModel::setOpss(Builder& b, const E& t, int to) {
  const E from = b.get(OPSS, t);
  b.oblige("opss", "ops_state moves along an edge of its state machine", from == to || edgeOk(from, to));
  // records of a QUEUED instance die when it leaves QUEUED (qseq, ext.c:2081-2083)
  if (to != kQueued) b.when(from == kQueued, [&] { b.set(REC, t, b.b(false)); });
  b.set(OPSS, t, b.i(to));
}

SymModel::E SymModel::custodyEnds(Builder& b, const E& t) { return b.get(CUST, t) && !b.get(STICKY, t); }

SymModel::E SymModel::leaveCustody(Builder& b, const E& t) {
  const E c = custodyEnds(b, t);
  b.when(c, [&] { b.set(CUST, t, b.b(false)); });
  return c;
}

void SymModel::emitDequeue(Builder& b, const E& t, const E& flags, const E& opv, const E& when) {
  b.oblige("custody", "ops.dequeue() is called only for a task in BPF custody", z3::implies(when, b.get(G, t)));
  b.oblige("deq-flags", "ops.dequeue() flags match its cause", z3::implies(when, flagsOk(opv, flags)));
  b.set(G, t, b.get(G, t) && !when);
}

void SymModel::emitEnqueue(Builder& b, const E& t) {
  b.oblige("custody", "ops.enqueue() is called only for a task outside BPF custody", !b.get(G, t));
}

void SymModel::emitRunning(Builder& b, const E& t) {
  b.oblige("custody", "a task starts running only outside BPF custody", !b.get(G, t));
}

void SymModel::enterCustodyGhost(Builder& b, const E& t) { b.set(G, t, b.b(true)); }

void SymModel::listAdd(Builder& b, const E& d, const E& t) {
  b.oblige("dsq", "a task is linked on at most one DSQ", !b.get(LK, t));
  b.set(LK, t, b.b(true));
  b.set(LD, t, d);
  b.set(N, d, b.get(N, d) + 1);
  b.set(NR, d, b.get(NR, d) + 1);  // dsq_inc_nr
  // an iterator that saw t before this insertion lost it (ext.c:617-620)
  z3::expr o = b.U.fresh("o", b.U.sortOf(Dom::Actor));
  b.x.f[AFLAG] = z3::lambda(o, z3::ite(z3::select(b.x.f[APC], o) == apc::DsqMoveSrc() &&
                                           z3::select(b.x.f[AT], o) == t,
                                       b.i(1), z3::select(b.x.f[AFLAG], o)));
}

void SymModel::listDel(Builder& b, const E& d, const E& t) {
  b.when(b.get(LK, t) && b.get(LD, t) == d, [&] {
    b.set(LK, t, b.b(false));
    b.set(N, d, b.get(N, d) - 1);
    b.set(NR, d, b.get(NR, d) - 1);  // dsq_dec_nr
  });
}

// Locks an actor keeps while it spins (a superset of nothing: the abstraction
// keeps only these, so guards are weaker than the model's).
static z3::expr holdsRq(Builder& b, const z3::expr& o, const z3::expr& rq) {
  const z3::expr pc = z3::select(b.x.f[APC], o), x = z3::select(b.x.f[AX], o);
  Universe& U = b.U;
  return ((pc == apc::DeqWait() || pc == apc::ConsumeSrcWait() || pc == apc::DsqMoveWait() ||
           pc == apc::DsqMoveRemote() || pc == apc::ChangeEnqueue() || pc == apc::MqtBegin()) && x == rq) ||
         (pc == apc::DsqMoveSrc() && x == rq && U.acpu(o) == rq) ||
         ((pc == apc::ConsumeLocalWait() || pc == apc::FlushLink() || pc == apc::FlushRelease()) &&
          U.acpu(o) == rq);
}

SymModel::E SymModel::rqFree(Builder& b, const E& rq, const E& me) {
  return b.U.all(Dom::Actor, [&](z3::expr o) { return z3::implies(o != me, !holdsRq(b, o, rq)); });
}

SymModel::E SymModel::dsqFree(Builder& b, const E& d, const E& me) {
  return b.U.all(Dom::Actor, [&](z3::expr o) {
    return z3::implies(o != me, !(z3::select(b.x.f[APC], o) == apc::DsqMoveWait() && z3::select(b.x.f[AD], o) == d));
  });
}

SymModel::E SymModel::running(Builder& b, const E& t) {
  return b.U.any(Dom::Cpu, [&](z3::expr c) { return b.get(HC, c) && b.get(CUR, c) == t; });
}

SymModel::E SymModel::allowed(Builder& b, const E& t, const std::string& why) {
  return !b.get(PIN, t) || b.chooseBool(why);
}

void SymModel::toIdle(Builder& b, const E& a) { b.set(APC, a, b.i(apc::Idle)); }

void SymModel::pauseHolding(Builder& b, const E& a, int pc, const E& t, const E& rq) {
  b.set(APC, a, b.i(pc));
  b.set(AT, a, t);
  b.set(AX, a, rq);
  b.set(RQH, rq, a);
}

// ---- kernel functions --------------------------------------------------------------

// enqueue_task_scx ext.c:2171
void SymModel::enqueueTask(Builder& b, const E& a, const E& rq, const E& t, bool restore, const E& opv) {
  const E stk = b.get(STICKY, t);
  b.set(STICKY, t, b.b(false));  // an SCX-internal migration ends on arrival
  E local = stk;
  if (restore) local = local || (b.get(HC, rq) && b.get(CUR, rq) == t);
  b.when(!b.get(QD, t), [&] {
    b.set(QD, t, b.b(true));
    doEnqueueTask(b, a, rq, t, local, opv);
  });
}

// scx_do_enqueue_task ext.c:2002 (no pending direct dispatch: only a wakeup has one)
void SymModel::doEnqueueTask(Builder& b, const E& a, const E& rq, const E& t, const E& sticky_local, const E& opv) {
  b.when(sticky_local, [&] { dispatchEnqueue(b, rq, b.U.local(rq), t, false, opv); },
         [&] { bpfEnqueue(b, a, rq, t, opv); });
}

// scx_do_enqueue_task's BPF path ext.c:2076-2108: qseq++, QUEUEING, ops.enqueue
void SymModel::bpfEnqueue(Builder& b, const E& a, const E& rq, const E& t, const E& opv) {
  b.set(REC, t, b.b(false));
  setOpss(b, t, kQueueing);
  emitEnqueue(b, t);
  const E k = b.chooseInt("enqueue_verdict", 0, 3);  // keep, LOCAL/LOCAL_ON, GLOBAL, user DSQ
  const E x = b.choose("enqueue_cpu", Dom::Cpu);
  const E d = b.choose("enqueue_dsq", Dom::Dsq);
  b.when(k == 0,
         [&] {
           b.set(CUST, t, b.b(true));  // ext.c:2102
           enterCustodyGhost(b, t);
           setOpss(b, t, kQueued);
         },
         [&] {
           b.require(k != 1 || x == rq || allowed(b, t, "enqueue_allowed"));
           b.require(k != 3 || b.U.isUser(d));
           const E dsq = z3::ite(k == 1, b.U.local(x), z3::ite(k == 2, b.U.gdsq(), d));
           directDispatch(b, rq, t, dsq, opv);
         });
}

// direct_dispatch ext.c:1936
void SymModel::directDispatch(Builder& b, const E& rq, const E& t, const E& dsq, const E& opv) {
  Universe& U = b.U;
  b.when(U.isLocal(dsq) && U.owner(dsq) != rq,
         [&] {
           // ext.c:1952: defer to the rq's ddsp_deferred_locals
           b.when(b.get(OPSS, t) != kNone_, [&] { setOpss(b, t, kNone_); });
           b.set(DFR, t, b.b(true));
           b.set(DFRQ, t, rq);
           b.set(DDST, t, U.owner(dsq));
         },
         [&] { dispatchEnqueue(b, rq, dsq, t, true, opv); });
}

// scx_dispatch_enqueue ext.c:1608 up to the dsq unlock; returns "ops.dequeue owed"
SymModel::E SymModel::dispatchEnqueueLink(Builder& b, const E& rq, const E& d, const E& t, const E& opv) {
  listAdd(b, d, t);
  b.set(HP, t, b.b(true));
  b.set(PD, t, d);
  return dsqInsertCustody(b, d, t, opv);
}

SymModel::E SymModel::dsqInsertCustody(Builder& b, const E& d, const E& t, const E& opv) {
  Universe& U = b.U;
  const E lc = custodyEnds(b, t);
  b.when(U.isLocal(d),
         [&] {
           // rq_owned_post_enq ext.c:1536
           b.set(CUST, t, b.get(CUST, t) && !lc);
           emitDequeue(b, t, b.i(0), opv, lc);
         },
         [&] {
           b.when(d == U.gdsq(), [&] { b.set(CUST, t, b.get(CUST, t) && !lc); },  // ext.c:1740
                  [&] {
                    b.set(CUST, t, b.b(true));  // ext.c:1743
                    enterCustodyGhost(b, t);
                  });
         });
  return !U.isLocal(d) && d == U.gdsq() && lc;
}

void SymModel::dispatchEnqueue(Builder& b, const E& rq, const E& d, const E& t, bool clear_opss, const E& opv) {
  const E call = dispatchEnqueueLink(b, rq, d, t, opv);
  emitDequeue(b, t, b.i(0), opv, call);
  if (clear_opss) setOpss(b, t, kNone_);  // ext.c:1755
}

// scx_dispatch_dequeue ext.c:1780
void SymModel::dispatchDequeue(Builder& b, const E& t) {
  b.when(!b.get(HP, t),
         [&] {
           b.set(DFR, t, b.b(false));
           b.set(HH, t, b.b(false));
         },
         [&] {
           b.when(!b.get(HH, t), [&] { listDel(b, b.get(PD, t), t); }, [&] { b.set(HH, t, b.b(false)); });
           b.set(HP, t, b.b(false));
         });
}

// ops_dequeue's state switch ext.c:2242-2291; true = proceed
SymModel::E SymModel::opsDequeueClaim(Builder& b, const E& t) {
  const E o = b.get(OPSS, t);
  const E proceed = o == kNone_ || o == kQueueing || (o == kQueued && b.get(CUST, t));
  b.when(o == kQueued && b.get(CUST, t), [&] { setOpss(b, t, kNone_); });
  return proceed;
}

// the rest of ops_dequeue + dequeue_task_scx ext.c:2307-2367
void SymModel::dequeueTaskFinish(Builder& b, const E& rq, const E& t, const E& flags, const E& opv,
                                 const E& was_queued) {
  const E lc = leaveCustody(b, t);
  emitDequeue(b, t, flags, opv, opsDequeueCalled(b, t, lc, was_queued));
  b.set(QD, t, b.b(false));
  dispatchDequeue(b, t);
}

// A core path's dequeue_task(rq, p, core_flags) with ops_dequeue's spin, then
// the path's continuation (Ret::DeqThenPick / DeqThenChange / DeqThenMigrate).
void SymModel::dequeueTask(Builder& b, const E& a, const E& rq, const E& t, int core_flags, const E& opv, int cont,
                           const E& mig_dst) {
  const int flags = dequeueFlags(static_cast<uint8_t>(core_flags));
  // the dequeue drops a shared DSQ's lock (scx_dispatch_dequeue)
  const E shared = b.get(QD, t) && b.get(HP, t) && !b.U.isLocal(b.get(PD, t));
  auto next = [&] {
    if (cont == ret(Ret::DeqThenPick)) {
      toIdle(b, a);
    } else if (cont == ret(Ret::DeqThenChange)) {
      changeAfterDequeue(b, a, t, rq, opv, shared);
    } else {
      b.set(CPU, t, mig_dst);  // move_queued_task: set_task_cpu, unlock src
      b.set(APC, a, b.i(apc::MqtDst()));
      b.set(AT, a, t);
      b.set(AX, a, mig_dst);
    }
  };
  b.when(b.get(QD, t),
         [&] {
           const E wasq = b.get(OPSS, t) == kQueued;
           const E proceed = opsDequeueClaim(b, t);
           b.when(proceed,
                  [&] {
                    dequeueTaskFinish(b, rq, t, b.i(flags), opv, wasq);
                    next();
                  },
                  [&] {
                    // spin on DISPATCHING holding rq (ext.c:2288)
                    pauseHolding(b, a, apc::DeqWait(), t, rq);
                    b.set(AY, a, mig_dst);
                    b.set(AFLAG, a, b.i(flags));
                    b.set(ATAG, a, b.i(cont));
                    b.set(AOP, a, opv);
                  });
         },
         next);
}

// scx_move_local_task_to_local_dsq ext.c:2423
void SymModel::moveLocalTaskToLocalDsq(Builder& b, const E& t, const E& dst, const E& opv) {
  const E d = b.U.local(dst);
  listAdd(b, d, t);
  b.set(HP, t, b.b(true));
  b.set(PD, t, d);
  rqOwnedPostEnq(b, t, opv);
}

// rq_owned_post_enq ext.c:1536
void SymModel::rqOwnedPostEnq(Builder& b, const E& t, const E& opv) {
  const E lc = leaveCustody(b, t);
  emitDequeue(b, t, b.i(0), opv, lc);
}

// move_remote_task_to_local_dsq ext.c:2456, first half
void SymModel::moveRemoteTaskBegin(Builder& b, const E& a, const E& t, const E& src, const E& dst) {
  b.set(STICKY, t, b.b(true));
  b.set(MIG, t, a);
  b.set(ONRQ, t, b.i(kOnRqMigrating));
  b.when(b.get(QD, t), [&] {
    const E wasq = b.get(OPSS, t) == kQueued;
    const E proceed = opsDequeueClaim(b, t);
    b.when(proceed, [&] { dequeueTaskFinish(b, src, t, b.i(dequeueFlags(0)), b.i(op(Op::Pick)), wasq); });
  });
  b.set(CPU, t, dst);
  b.set(APC, a, b.i(apc::MrtDst()));
  b.set(AT, a, t);
  b.set(AX, a, dst);
}

// dispatch_to_local_dsq ext.c:2775
void SymModel::dispatchToLocalDsq(Builder& b, const E& a, const E& rq, const E& dst, const E& t, const E& opv) {
  const E src = b.get(CPU, t);
  b.when(rq == src && rq == dst, [&] { dispatchEnqueue(b, rq, b.U.local(dst), t, true, opv); },
         [&] {
           b.set(HH, t, b.b(true));
           b.set(HD, t, a);
           setOpss(b, t, kNone_);
           b.set(APC, a, b.i(apc::DtlSrc()));
           b.set(AT, a, t);
           b.set(AX, a, src);
           b.set(AY, a, dst);
           // already holding src's rq: the part under src follows at once
           b.when(rq == src, [&] { dtlSrc(b, a, t, src, dst, opv); });
         });
}

// dispatch_to_local_dsq under src ext.c:2818
void SymModel::dtlSrc(Builder& b, const E& a, const E& t, const E& src, const E& dst, const E& opv) {
  const E ok = b.get(HH, t) && b.get(HD, t) == a && b.get(CPU, t) == src;
  b.when(ok,
         [&] {
           b.when(src == dst,
                  [&] {
                    b.set(HH, t, b.b(false));
                    dispatchEnqueue(b, dst, b.U.local(dst), t, false, opv);
                    toIdle(b, a);
                  },
                  [&] {
                    const E al = allowed(b, t, "dtl_allowed");
                    b.when(al, [&] { moveRemoteTaskBegin(b, a, t, src, dst); },
                           [&] {
                             b.setScalar(ERR, b.b(true));  // task_can_run_on_remote_rq: scx_error
                             b.set(HH, t, b.b(false));
                             dispatchEnqueue(b, src, b.U.gdsq(), t, false, opv);
                             toIdle(b, a);
                           });
                  });
         },
         [&] { toIdle(b, a); });
}

// put_prev_task_scx ext.c:3175
void SymModel::putPrevTask(Builder& b, const E& a, const E& rq, const E& t, const E& opv) {
  b.when(b.get(QD, t), [&] {
    const E slice = b.chooseBool("slice_left");
    b.when(slice, [&] { dispatchEnqueue(b, rq, b.U.local(rq), t, false, opv); },
           [&] { doEnqueueTask(b, a, rq, t, b.b(false), opv); });
  });
}

// set_next_task_scx ext.c:3063
void SymModel::setNextTask(Builder& b, const E& rq, const E& t, const E& opv) {
  b.when(b.get(QD, t), [&] {
    const E proceed = opsDequeueClaim(b, t);
    b.when(proceed, [&] {
      const E lc = leaveCustody(b, t);
      emitDequeue(b, t, b.i(kDeqCoreSchedExec), opv, lc);
    });
    dispatchDequeue(b, t);
  });
  b.when(b.get(QD, t), [&] { emitRunning(b, t); });
}

// After sched_change_begin's dequeue: its body and end, in a step of their
// own (sched_change_end) when the dequeue dropped a shared DSQ's lock, as the
// executable model pauses at Pc::ChangeEnqueue then.
void SymModel::changeAfterDequeue(Builder& b, const E& a, const E& t, const E& rq, const E& opv, const E& shared) {
  b.when(shared,
         [&] {
           pauseHolding(b, a, apc::ChangeEnqueue(), t, rq);
           b.set(AOP, a, opv);
         },
         [&] { changeAndEnqueue(b, a, t, rq, opv); });
}

// sched_change body and end (core.c:11259-11346), then move_queued_task
void SymModel::changeAndEnqueue(Builder& b, const E& a, const E& t, const E& rq, const E& opv) {
  const E run = b.get(HC, rq) && b.get(CUR, rq) == t;
  b.when(run, [&] { putPrevTask(b, a, rq, t, opv); });
  const E mask = b.chooseBool("new_mask_pins");
  b.when(opv == op(Op::Affinity), [&] { b.set(PIN, t, mask); });
  enqueueTask(b, a, rq, t, true, opv);
  b.when(run, [&] { setNextTask(b, rq, t, opv); });
  const E off = b.chooseBool("rq_not_allowed");
  const E mig = opv == op(Op::Affinity) && !run && b.get(PIN, t) && off;
  // the enqueue dropped a shared DSQ's lock: the migration is a step of its
  // own (move_queued_task_begin), as the executable model pauses at
  // Pc::MqtBegin then
  const E shared = b.get(LK, t) && !b.U.isLocal(b.get(LD, t));
  b.when(mig,
         [&] {
           b.when(shared,
                  [&] { pauseHolding(b, a, apc::MqtBegin(), t, rq); },
                  [&] { moveQueuedTask(b, a, rq, t, opv); });
         },
         [&] { toIdle(b, a); });
}

// move_queued_task core.c:2556 of t, queued on rq, to another CPU: its first
// half (deactivate, dequeue)
void SymModel::moveQueuedTask(Builder& b, const E& a, const E& rq, const E& t, const E& opv) {
  const E y = b.choose("mqt_dst", Dom::Cpu);
  b.require(y != rq);
  b.set(ONRQ, t, b.i(kOnRqMigrating));
  dequeueTask(b, a, rq, t, 0, opv, ret(Ret::DeqThenMigrate), y);
}

// move_task_between_dsqs ext.c:2650 with p's rq (AX) and the source DSQ (AD) locked
void SymModel::dsqMoveBetween(Builder& b, const E& a, const E& t, const E& opv) {
  Universe& U = b.U;
  const E x = b.get(AX, a), src = b.get(AD, a);
  // the dsq_id, chosen where scx_dsq_move first reads it (find_dsq_for_dispatch
  // ext.c:9285), as the executable model does (ExtCore::bpfDsqMoveTarget)
  const E e = b.choose("target", Dom::Dsq);
  b.require((U.isLocal(e) && allowed(b, t, "target_allowed")) || e == U.gdsq() || (U.isUser(e) && e != src));
  auto nonLocal = [&](const E& d) {
    listDel(b, src, t);
    b.set(HP, t, b.b(false));
    dispatchEnqueue(b, x, d, t, false, opv);
    toIdle(b, a);
  };
  b.when(U.isLocal(e),
         [&] {
           const E dc = U.owner(e);
           const E al = x == dc || allowed(b, t, "move_allowed");
           b.when(al,
                  [&] {
                    b.when(x == dc,
                           [&] {
                             listDel(b, src, t);
                             moveLocalTaskToLocalDsq(b, t, x, opv);
                             toIdle(b, a);
                           },
                           [&] {
                             // src's lock is dropped first (ext.c:2687): the
                             // move goes on in scx_dsq_move_remote
                             pauseHolding(b, a, apc::DsqMoveRemote(), t, x);  // p's rq stays locked
                             b.set(AY, a, dc);
                           });
                  },
                  [&] {
                    b.setScalar(ERR, b.b(true));  // SCX_ENQ_GDSQ_FALLBACK after scx_error
                    nonLocal(U.gdsq());
                  });
         },
         [&] { nonLocal(e); });
}

// ---- actions --------------------------------------------------------------------------

namespace {
const std::vector<ActionKind>& kindTable() {
  static const std::vector<ActionKind> k = {
      {"try_to_wake_up", "TryToWakeUp", false, true},
      {"schedule_sleep", "Schedule", true, false},
      {"sched_change", "SetUserNice", false, true},
      {"ops_dequeue_wait", "OpsDequeueWait", false, false},
      {"move_queued_task_arrive", "MoveQueuedTask", false, true},
      {"consume_local", "MoveLocalToLocal", true, false},
      {"consume_local_wait", "WaitDispatching", true, false},
      {"unlink_dsq_and_switch_rq_lock", "UnlinkSwitch", true, false},
      {"consume_remote_task", "ConsumeRemote", true, false},
      {"consume_remote_wait", "WaitDispatching", true, false},
      {"move_remote_task_arrive", "MoveRemoteActivate", false, false},
      {"scx_dsq_insert_commit", "InsertCommit", true, false},
      {"finish_dispatch", "FinishDispatch", true, false},
      {"finish_dispatch_link", "DispatchEnqueue", true, false},
      {"finish_dispatch_release", "ClearOpss", true, false},
      {"dispatch_to_local_dsq_src", "DispatchToLocalSrc", false, false},
      {"process_ddsp_deferred_locals", "RunDeferred", false, false},
      {"put_prev_set_next", "PickTask", true, false},
      {"scx_dsq_move_start", "DsqMove", true, false},
      {"scx_dsq_move", "MoveBetweenDsqs", true, false},
      {"scx_dsq_move_wait", "WaitDispatching", true, false},
      {"scx_dsq_move_remote", "MoveRemoteToLocal", true, false},
      {"sched_change_end", "SchedChangeEnd", false, true},
      {"move_queued_task_begin", "MoveQueuedTask", false, true},
  };
  return k;
}
}  // namespace

const std::vector<ActionKind>& SymModel::kinds() { return kindTable(); }

int SymModel::requiredPc(int kind) {
  switch (kind) {
    case 3: return apc::DeqWait();
    case 4: return apc::MqtDst();
    case 6: return apc::ConsumeLocalWait();
    case 8: return apc::ConsumeSrc();
    case 9: return apc::ConsumeSrcWait();
    case 10: return apc::MrtDst();
    case 13: return apc::FlushLink();
    case 14: return apc::FlushRelease();
    case 15: return apc::DtlSrc();
    case 19: return apc::DsqMoveSrc();
    case 20: return apc::DsqMoveWait();
    case 21: return apc::DsqMoveRemote();
    case 22: return apc::ChangeEnqueue();
    case 23: return apc::MqtBegin();
    default: return apc::Idle;
  }
}

ActionInstance SymModel::build(Universe& U, int kind, const z3::expr& a, const SymState& pre,
                               const std::string& prefix, z3::expr* task) {
  Builder b(U, pre, prefix);
  b.require(!b.scalar(ERR));  // the scheduler is being ejected: nothing moves
  const ActionKind& k = kinds().at(kind);
  if (k.cpu_only) b.require(U.isCpuA(a));
  if (k.task_only) b.require(!U.isCpuA(a));
  b.require(b.get(APC, a) == requiredPc(kind));
  E t = U.ctx().bool_val(false);
  switch (kind) {
    case 0: actWake(b, a, &t); break;
    case 1: actSleep(b, a, &t); break;
    case 2: actChange(b, a, &t); break;
    case 3: actDeqWait(b, a, &t); break;
    case 4: actMqtArrive(b, a, &t); break;
    case 5: actConsumeLocal(b, a, &t); break;
    case 6: actConsumeLocalWait(b, a, &t); break;
    case 7: actConsumeUnlink(b, a, &t); break;
    case 8: actConsumeRemote(b, a, &t); break;
    case 9: actConsumeRemoteWait(b, a, &t); break;
    case 10: actMrtArrive(b, a, &t); break;
    case 11: actInsert(b, a, &t); break;
    case 12: actClaim(b, a, &t); break;
    case 13: actFlushLink(b, a, &t); break;
    case 14: actFlushRelease(b, a, &t); break;
    case 15: actDtlSrc(b, a, &t); break;
    case 16: actRunDeferred(b, a, &t); break;
    case 17: actSwitch(b, a, &t); break;
    case 18: actDsqMoveStart(b, a, &t); break;
    case 19: actDsqMove(b, a, &t); break;
    case 20: actDsqMoveWait(b, a, &t); break;
    case 21: actDsqMoveRemote(b, a, &t); break;
    case 22: actChangeEnd(b, a, &t); break;
    case 23: actMqtBegin(b, a, &t); break;
    default: break;
  }
  if (task) *task = t;
  return ActionInstance{k.name, k.site, b.guard, b.x, b.obl, b.params};
}

// try_to_wake_up core.c:4274 -> select_task_rq_scx ext.c:3628 -> activate_task
// -> enqueue_task_scx ext.c:2171 (the deferred work it kicks is its own action)
void SymModel::actWake(Builder& b, const E& a, E* task) {
  Universe& U = b.U;
  const E t = U.atask(a);
  *task = t;
  b.require(b.get(APC, a) == apc::Idle && b.get(ONRQ, t) == kOnRqNo);
  b.require(!running(b, t));  // ttwu waits for p->on_cpu
  b.require(b.b((env & kEnvWake) != 0));
  const E pins = b.chooseBool("mask_pins");
  b.set(PIN, t, (env & kEnvAffinity) ? pins : b.b(false));  // an affinity change while asleep
  const E c = b.choose("cpu", Dom::Cpu);
  b.require(allowed(b, t, "cpu_allowed"));
  b.require(rqFree(b, c, a));
  b.set(CPU, t, c);
  const E k = b.chooseInt("select_verdict", 0, 3);  // none, LOCAL/LOCAL_ON, GLOBAL, user DSQ
  const E x = b.choose("select_cpu_target", Dom::Cpu);
  const E d = b.choose("select_dsq", Dom::Dsq);
  b.require(k != 1 || x == c || allowed(b, t, "target_allowed"));
  b.require(k != 3 || U.isUser(d));
  b.when(k != 0, [&] { markDirectDispatch(b, t, z3::ite(k == 1, U.local(x), z3::ite(k == 2, U.gdsq(), d))); });
  const E opv = b.i(op(Op::Wakeup));
  b.set(STICKY, t, b.b(false));
  b.when(!b.get(QD, t), [&] {
    b.set(QD, t, b.b(true));
    b.when(k == 0, [&] { bpfEnqueue(b, a, c, t, opv); },
           [&] { directDispatch(b, c, t, z3::ite(k == 1, U.local(x), z3::ite(k == 2, U.gdsq(), d)), opv); });
  });
  b.set(ONRQ, t, b.i(kOnRqQueued));
}

// __schedule -> try_to_block_task core.c:6748 -> dequeue_task_scx(DEQUEUE_SLEEP)
void SymModel::actSleep(Builder& b, const E& a, E* task) {
  const E c = b.U.acpu(a);
  b.require(b.get(APC, a) == apc::Idle && b.get(HC, c) && rqFree(b, c, a));
  b.require(b.b((env & kEnvSleep) != 0));
  const E t = b.get(CUR, c);
  *task = t;
  b.oblige("custody", "a task goes to sleep only outside BPF custody", !b.get(G, t));
  b.set(ONRQ, t, b.i(kOnRqNo));
  dequeueTask(b, a, c, t, kDeqSleep, b.i(op(Op::Sleep)), ret(Ret::DeqThenPick), c);
}

// set_user_nice syscalls.c:65 / do_set_cpus_allowed core.c:2803: sched_change
void SymModel::actChange(Builder& b, const E& a, E* task) {
  const E t = b.U.atask(a);
  *task = t;
  b.require(b.get(APC, a) == apc::Idle && b.get(ONRQ, t) == kOnRqQueued);
  const E rq = b.get(CPU, t);
  b.require(rqFree(b, rq, a));
  const E aff = b.chooseBool("affinity");
  if (!(env & kEnvAffinity)) b.require(!aff);
  if (!(env & kEnvNice)) b.require(aff);
  const E opv = z3::ite(aff, b.i(op(Op::Affinity)), b.i(op(Op::Nice)));
  dequeueTask(b, a, rq, t, kDeqSave, opv, ret(Ret::DeqThenChange), rq);
}

// ops_dequeue's wait ends (ext.c:2288), then the path continues
void SymModel::actDeqWait(Builder& b, const E& a, E* task) {
  b.require(b.get(APC, a) == apc::DeqWait());
  const E t = b.get(AT, a), rq = b.get(AX, a), opv = b.get(AOP, a), tag = b.get(ATAG, a), y = b.get(AY, a);
  *task = t;
  const E wasq = b.get(OPSS, t) == kQueued;
  const E proceed = opsDequeueClaim(b, t);
  b.require(proceed);
  const E shared = b.get(HP, t) && !b.U.isLocal(b.get(PD, t));
  dequeueTaskFinish(b, rq, t, b.get(AFLAG, a), opv, wasq);
  b.when(tag == ret(Ret::DeqThenPick), [&] { toIdle(b, a); },
         [&] {
           b.when(tag == ret(Ret::DeqThenChange), [&] { changeAfterDequeue(b, a, t, rq, opv, shared); },
                  [&] {
                    b.set(CPU, t, y);
                    b.set(APC, a, b.i(apc::MqtDst()));
                    b.set(AT, a, t);
                    b.set(AX, a, y);
                  });
         });
}

// move_queued_task core.c:2556, second half: activate on the new rq
void SymModel::actMqtArrive(Builder& b, const E& a, E* task) {
  b.require(b.get(APC, a) == apc::MqtDst());
  const E t = b.get(AT, a), dst = b.get(AX, a);
  *task = t;
  b.require(rqFree(b, dst, a));
  enqueueTask(b, a, dst, t, false, b.i(op(Op::Affinity)));
  b.set(ONRQ, t, b.i(kOnRqQueued));
  toIdle(b, a);
}

// scx_consume_dispatch_q ext.c:2704 finds a task of this rq:
// scx_move_local_task_to_local_dsq ext.c:2423 (after scx_wait_dispatching)
void SymModel::actConsumeLocal(Builder& b, const E& a, E* task) {
  const E c = b.U.acpu(a);
  b.require(b.get(APC, a) == apc::Idle && rqFree(b, c, a));
  const E t = b.choose("task", Dom::Task);
  *task = t;
  b.require(b.get(LK, t) && !b.U.isLocal(b.get(LD, t)) && b.get(CPU, t) == c);
  b.require(dsqFree(b, b.get(LD, t), a));
  listDel(b, b.get(LD, t), t);  // p->scx.dsq is left stale
  b.when(b.get(OPSS, t) == kDispatching,
         [&] {
           b.set(APC, a, b.i(apc::ConsumeLocalWait()));
           b.set(RQH, c, a);
           b.set(AT, a, t);
         },
         [&] { moveLocalTaskToLocalDsq(b, t, c, b.i(op(Op::Pick))); });
}

void SymModel::actConsumeLocalWait(Builder& b, const E& a, E* task) {
  b.require(b.get(APC, a) == apc::ConsumeLocalWait());
  const E t = b.get(AT, a);
  *task = t;
  b.require(b.get(OPSS, t) != kDispatching);
  moveLocalTaskToLocalDsq(b, t, b.U.acpu(a), b.i(op(Op::Pick)));
  toIdle(b, a);
}

// unlink_dsq_and_switch_rq_lock ext.c:2595
void SymModel::actConsumeUnlink(Builder& b, const E& a, E* task) {
  const E c = b.U.acpu(a);
  b.require(b.get(APC, a) == apc::Idle && rqFree(b, c, a));
  const E t = b.choose("task", Dom::Task);
  *task = t;
  b.require(b.get(LK, t) && !b.U.isLocal(b.get(LD, t)) && b.get(CPU, t) != c);
  b.require(dsqFree(b, b.get(LD, t), a));
  b.require(allowed(b, t, "consumer_allowed"));
  listDel(b, b.get(LD, t), t);
  b.set(HH, t, b.b(true));
  b.set(HD, t, a);
  b.set(APC, a, b.i(apc::ConsumeSrc()));
  b.set(AT, a, t);
  b.set(AX, a, b.get(CPU, t));
}

// consume_remote_task ext.c:2621 under the source rq
void SymModel::actConsumeRemote(Builder& b, const E& a, E* task) {
  b.require(b.get(APC, a) == apc::ConsumeSrc());
  const E t = b.get(AT, a), src = b.get(AX, a);
  *task = t;
  b.require(rqFree(b, src, a));
  const E ok = b.get(HH, t) && b.get(HD, t) == a && b.get(CPU, t) == src;
  b.when(ok,
         [&] {
           b.when(b.get(OPSS, t) == kDispatching,
                  [&] {
                    b.set(APC, a, b.i(apc::ConsumeSrcWait()));
                    b.set(RQH, src, a);
                  },
                  [&] { moveRemoteTaskBegin(b, a, t, src, b.U.acpu(a)); });
         },
         [&] { toIdle(b, a); });
}

void SymModel::actConsumeRemoteWait(Builder& b, const E& a, E* task) {
  b.require(b.get(APC, a) == apc::ConsumeSrcWait());
  const E t = b.get(AT, a);
  *task = t;
  b.require(b.get(OPSS, t) != kDispatching);
  moveRemoteTaskBegin(b, a, t, b.get(AX, a), b.U.acpu(a));
}

// move_remote_task_to_local_dsq ext.c:2483: activate_task on dst
void SymModel::actMrtArrive(Builder& b, const E& a, E* task) {
  b.require(b.get(APC, a) == apc::MrtDst());
  const E t = b.get(AT, a), dst = b.get(AX, a);
  *task = t;
  b.require(rqFree(b, dst, a));
  enqueueTask(b, a, dst, t, false, b.i(op(Op::Pick)));
  b.set(ONRQ, t, b.i(kOnRqQueued));
  toIdle(b, a);
}

// scx_dsq_insert_commit ext.c:8993 from ops.dispatch (a QUEUED task: fresh)
void SymModel::actInsert(Builder& b, const E& a, E* task) {
  const E c = b.U.acpu(a);
  b.require(b.get(APC, a) == apc::Idle && rqFree(b, c, a));
  const E t = b.choose("task", Dom::Task);
  *task = t;
  b.require(b.get(OPSS, t) == kQueued);
  b.set(REC, t, b.b(true));
}

// finish_dispatch ext.c:2876: qseq check, QUEUED -> DISPATCHING, the target
void SymModel::actClaim(Builder& b, const E& a, E* task) {
  Universe& U = b.U;
  const E c = U.acpu(a);
  b.require(b.get(APC, a) == apc::Idle && rqFree(b, c, a));
  const E t = b.choose("task", Dom::Task);
  *task = t;
  b.require(b.get(OPSS, t) == kQueued && b.get(REC, t));
  b.oblige("opss", "finish_dispatch claims only a record of the task's current qseq", b.get(REC, t));
  setOpss(b, t, kDispatching);
  b.set(DSPA, t, a);
  const E k = b.chooseInt("dispatch_target", 1, 3);  // LOCAL/LOCAL_ON, GLOBAL, user DSQ
  const E x = b.choose("dispatch_cpu", Dom::Cpu);
  const E d = b.choose("dispatch_dsq", Dom::Dsq);
  b.require(k != 1 || allowed(b, t, "dispatch_allowed"));
  b.require(k != 3 || U.isUser(d));
  finishDispatchCustody(b, t, z3::ite(k == 1, U.local(x), z3::ite(k == 2, U.gdsq(), d)), b.i(op(Op::Pick)));
  b.when(k == 1, [&] { dispatchToLocalDsq(b, a, c, x, t, b.i(op(Op::Pick))); },
         [&] {
           b.set(APC, a, b.i(apc::FlushLink()));
           b.set(RQH, c, a);
           b.set(AT, a, t);
           b.set(AD, a, z3::ite(k == 2, U.gdsq(), d));
         });
}

// scx_dispatch_enqueue ext.c:1608 from finish_dispatch, under dsq->lock
void SymModel::actFlushLink(Builder& b, const E& a, E* task) {
  b.require(b.get(APC, a) == apc::FlushLink());
  const E t = b.get(AT, a);
  *task = t;
  b.require(dsqFree(b, b.get(AD, a), a));
  const E owe = dispatchEnqueueLink(b, b.U.acpu(a), b.get(AD, a), t, b.i(op(Op::Pick)));
  b.set(APC, a, b.i(apc::FlushRelease()));
  b.set(AFLAG, a, z3::ite(owe, b.i(1), b.i(0)));
}

// ... after the unlock: ops.dequeue if owed, SCX_ENQ_CLEAR_OPSS ext.c:1755
void SymModel::actFlushRelease(Builder& b, const E& a, E* task) {
  b.require(b.get(APC, a) == apc::FlushRelease());
  const E t = b.get(AT, a);
  *task = t;
  emitDequeue(b, t, b.i(0), b.i(op(Op::Pick)), b.get(AFLAG, a) == 1);
  setOpss(b, t, kNone_);
  toIdle(b, a);
}

void SymModel::actDtlSrc(Builder& b, const E& a, E* task) {
  b.require(b.get(APC, a) == apc::DtlSrc());
  const E t = b.get(AT, a), src = b.get(AX, a);
  *task = t;
  b.require(rqFree(b, src, a));
  dtlSrc(b, a, t, src, b.get(AY, a), b.i(op(Op::Pick)));
}

// process_ddsp_deferred_locals ext.c:4465 (a CPU's balance callback, or the
// waker's task_woken_scx on the rq it enqueued on)
void SymModel::actRunDeferred(Builder& b, const E& a, E* task) {
  Universe& U = b.U;
  const E pick = b.choose("rq", Dom::Cpu);
  const E c = z3::ite(U.isCpuA(a), U.acpu(a), pick);
  b.require(b.get(APC, a) == apc::Idle && rqFree(b, c, a));
  const E t = b.choose("task", Dom::Task);
  *task = t;
  b.require(b.get(DFR, t) && b.get(DFRQ, t) == c);
  b.set(DFR, t, b.b(false));
  dispatchToLocalDsq(b, a, c, b.get(DDST, t), t, b.i(op(Op::Deferred)));
}

// do_pick_task_scx ext.c:3412 switching rq->curr: put_prev_task_scx ext.c:3175,
// set_next_task_scx ext.c:3063
void SymModel::actSwitch(Builder& b, const E& a, E* task) {
  Universe& U = b.U;
  const E c = U.acpu(a);
  b.require(b.get(APC, a) == apc::Idle && rqFree(b, c, a));
  const E has = b.chooseBool("has_next");
  const E next = b.choose("next", Dom::Task);
  *task = next;
  b.require(z3::implies(has, b.get(LK, next) && b.get(LD, next) == U.local(c)));
  const E prev = b.get(CUR, c), hadPrev = b.get(HC, c);
  b.require(!(hadPrev == has && z3::implies(has, next == prev)));
  const E opv = b.i(op(Op::Pick));
  b.when(hadPrev, [&] { putPrevTask(b, a, c, prev, opv); });
  b.when(has, [&] { setNextTask(b, c, next, opv); });
  b.set(HC, c, has);
  b.when(has, [&] { b.set(CUR, c, next); });
}

// scx_dsq_move ext.c:9208 from ops.dispatch: the iterator's task (the target
// is chosen in dsqMoveBetween)
void SymModel::actDsqMoveStart(Builder& b, const E& a, E* task) {
  Universe& U = b.U;
  const E c = U.acpu(a);
  b.require(b.get(APC, a) == apc::Idle && rqFree(b, c, a));
  const E t = b.choose("task", Dom::Task);
  *task = t;
  const E src = b.get(LD, t);
  b.require(b.get(LK, t) && U.isUser(src));
  b.set(APC, a, b.i(apc::DsqMoveSrc()));
  b.set(AT, a, t);
  b.set(AD, a, src);
  b.set(AX, a, b.get(CPU, t));
  b.set(AFLAG, a, b.i(0));
  // p's rq is this rq: the CPU keeps its rq lock and pauses, since the
  // iterator dropped the DSQ lock after returning p (model/dispatch.cpp)
  b.when(b.get(CPU, t) == c, [&] { b.set(RQH, c, a); });
}

// scx_dsq_move under p's rq: nldsq_cursor_lost_task ext.c:603, then
// move_task_between_dsqs ext.c:2650
void SymModel::actDsqMove(Builder& b, const E& a, E* task) {
  b.require(b.get(APC, a) == apc::DsqMoveSrc());
  const E t = b.get(AT, a), x = b.get(AX, a), src = b.get(AD, a);
  *task = t;
  b.require(rqFree(b, x, a) && dsqFree(b, src, a));
  const E lost = !(b.get(HP, t) && b.get(PD, t) == src) || b.get(AFLAG, a) == 1 || b.get(HH, t);
  b.when(lost, [&] { toIdle(b, a); },
         [&] {
           b.when(b.get(OPSS, t) == kDispatching,
                  [&] {
                    b.set(APC, a, b.i(apc::DsqMoveWait()));
                    b.set(RQH, x, a);
                  },
                  [&] { dsqMoveBetween(b, a, t, b.i(op(Op::Pick))); });
         });
}

void SymModel::actDsqMoveWait(Builder& b, const E& a, E* task) {
  b.require(b.get(APC, a) == apc::DsqMoveWait());
  const E t = b.get(AT, a);
  *task = t;
  b.require(b.get(OPSS, t) != kDispatching);
  dsqMoveBetween(b, a, t, b.i(op(Op::Pick)));
}

// move_task_between_dsqs's remote case after src's unlock (ext.c:2687-2689):
// move_remote_task_to_local_dsq from p's rq (AX) to the target's (AY)
void SymModel::actDsqMoveRemote(Builder& b, const E& a, E* task) {
  b.require(b.get(APC, a) == apc::DsqMoveRemote());
  const E t = b.get(AT, a);
  *task = t;
  moveRemoteTaskBegin(b, a, t, b.get(AX, a), b.get(AY, a));
}

// sched_change's body and end after a dequeue that dropped a DSQ's lock
void SymModel::actChangeEnd(Builder& b, const E& a, E* task) {
  b.require(b.get(APC, a) == apc::ChangeEnqueue());
  const E t = b.get(AT, a);
  *task = t;
  changeAndEnqueue(b, a, t, b.get(AX, a), b.get(AOP, a));
}

// affine_move_task -> move_queued_task after a sched_change whose enqueue
// dropped a DSQ's lock
void SymModel::actMqtBegin(Builder& b, const E& a, E* task) {
  b.require(b.get(APC, a) == apc::MqtBegin());
  const E t = b.get(AT, a);
  *task = t;
  moveQueuedTask(b, a, b.get(AX, a), t, b.i(op(Op::Affinity)));
}

z3::expr SymModel::initial(Universe& U, const SymState& x) {
  z3::context& c = U.ctx();
  return !x[ERR] && U.all(Dom::Task, [&](z3::expr t) {
           auto g = [&](int f) { return z3::select(x[f], t); };
           return g(OPSS) == kNone_ && g(ONRQ) == kOnRqNo && !g(QD) && !g(CUST) && !g(G) && !g(LK) && !g(HP) &&
                  !g(HH) && !g(STICKY) && !g(DFR) && !g(REC) && !g(PIN);
         }) && U.all(Dom::Cpu, [&](z3::expr p) { return !z3::select(x[HC], p); }) &&
         U.all(Dom::Actor, [&](z3::expr a) { return z3::select(x[APC], a) == apc::Idle; }) &&
         U.all(Dom::Dsq, [&](z3::expr d) { return z3::select(x[N], d) == 0 && z3::select(x[NR], d) == 0; }) &&
         c.bool_val(true);
}

// ---- variants ---------------------------------------------------------------------------

namespace {
std::map<std::string, SymFactory>& symRegistry() {
  static std::map<std::string, SymFactory> r = {
      {"linux-7.3.4", [] { return std::make_unique<SymModel>(); }},
      {"dequeue-legacy", [] { return std::make_unique<SymDequeueLegacy>(); }},
      {"dequeue-rfc", [] { return std::make_unique<SymDequeueRfc>(); }},
      {"dequeue-rfc-r1", [] { return std::make_unique<SymDequeueRfcR1>(); }},
      {"dequeue-rfc-r2", [] { return std::make_unique<SymDequeueRfcR2>(); }},
      {"dequeue-rfc-r3", [] { return std::make_unique<SymDequeueRfcR3>(); }},
      {"dequeue-rfc-r4", [] { return std::make_unique<SymDequeueRfcR4>(); }},
      {"dequeue-rfc-merged", [] { return std::make_unique<SymDequeueRfcMerged>(); }},
  };
  return r;
}
}  // namespace

std::unique_ptr<SymModel> makeSymModel(const std::string& variant) {
  auto it = symRegistry().find(variant);
  return it == symRegistry().end() ? nullptr : it->second();
}

void registerSymVariant(const std::string& name, SymFactory make) { symRegistry()[name] = std::move(make); }

std::vector<std::string> symVariants() {
  std::vector<std::string> v;
  for (auto& [k, _] : symRegistry()) v.push_back(k);
  return v;
}

}  // namespace scxmc::proofs
