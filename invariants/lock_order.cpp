// lock-order: every lock a step takes, or spins on, while holding others
// lies strictly inside them in the hierarchy the kernel's comments and code
// state (LockClassInfo::rank, docs/lock-order.md); a class nests with itself
// only by its own rule (rq locks: double_rq_lock's order).  A per-step check,
// so a violation comes with the checker's shortest counterexample; `scxmc
// locks` complements it with the global graph and its cycles.
#include "format.hpp"
#include "invariants_all.hpp"
#include "locks.hpp"

namespace scxmc {

namespace {
class LockOrder final : public Invariant {
 public:
  const char* id() const override { return "lock-order"; }
  bool exercisedBy(const Event& e) const override { return e.kind == Ev::Lock; }
  const char* statement() const override {
    return "every lock taken or spun on while holding others follows the kernel's documented lock order";
  }
  bool onStep(const Config& cfg, const State& prev, const StepLog& log, State&, std::string* why) const override {
    const int actor = stepActor(log);
    if (actor < 0) return true;
    bool ok = true;
    forEachLockDependency(cfg, prev, actor, log, [&](HeldLock h, HeldLock to, bool wait, const Event*) {
      if (!ok) return;
      const int rh = lockClassInfo(static_cast<LockClass>(h.cls)).rank;
      const int rt = lockClassInfo(static_cast<LockClass>(to.cls)).rank;
      if (h.cls == to.cls ? sameClassAllowed(h.cls, h.inst, to.inst) : rh < rt) return;
      ok = false;
      *why = std::string(wait ? "spins on " : "takes ") + lockClassName(to.cls) + " [" +
             lockInstanceName(to.cls, to.inst) + "] while holding " + lockClassName(h.cls) + " [" +
             lockInstanceName(h.cls, h.inst) + "] (the documented order puts it outside)";
    });
    return ok;
  }
};
// lock-context: the lockdep checks beyond order that one acquisition decides
// (locks.hpp checkLockContext): lockdep's "invalid wait context" (a lock of
// a weaker kind than the context or a held lock allows, or a sleeping lock
// with irqs or preemption off) and any lock or spin-wait in NMI context.
// The checks that need every execution's usage of a class (inconsistent
// lock state, irq-safe -> irq-unsafe) are `scxmc locks`'s
// (harness/lock_graph).
class LockContext final : public Invariant {
 public:
  const char* id() const override { return "lock-context"; }
  bool exercisedBy(const Event& e) const override { return e.kind == Ev::Lock || e.kind == Ev::Wait; }
  const char* statement() const override {
    return "every lock is taken in a context its kind allows: no sleeping lock under a spinlock, with irqs or "
           "preemption off or in an interrupt, no spinlock_t under a raw spinlock or in hardirq, no lock in NMI";
  }
  bool onStep(const Config& cfg, const State& prev, const StepLog& log, State&, std::string* why) const override {
    const int actor = stepActor(log);
    if (actor < 0) return true;
    bool ok = true;
    forEachLockAcquisition(cfg, prev, actor, log, [&](const LockAcquisition& a) {
      if (!ok) return;
      HeldLock culprit;
      std::string w;
      const CtxCheck c = checkLockContext(a, &culprit, &w);
      if (c == CtxCheck::Ok) return;
      ok = false;
      *why = std::string(c == CtxCheck::Nmi ? "lock in NMI context: " : "invalid wait context: ") + w;
    });
    return ok;
  }
};
}  // namespace

std::unique_ptr<Invariant> makeLockOrder() { return std::make_unique<LockOrder>(); }
std::unique_ptr<Invariant> makeLockContext() { return std::make_unique<LockContext>(); }

}  // namespace scxmc
