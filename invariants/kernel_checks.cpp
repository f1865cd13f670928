// The kernel's own assertions and error exits, reached in the model:
//   kernel-warn       a WARN_ON/BUG_ON condition of ext.c holds
//   scx-error         scx_error() would eject a BPF scheduler that followed
//                     the kfunc contract at the time of its call
//   dequeue-unlocked  ops.dequeue() is never called with a DSQ lock held
//                     (st/dequeue_iter; ext.c:1729-1748)
#include "invariants_all.hpp"
#include "format.hpp"

namespace scxmc {

namespace {
class KernelWarn final : public Invariant {
 public:
  const char* id() const override { return "kernel-warn"; }
  // the ext core reached the BPF scheduler (a callback or a kfunc)
  bool exercisedBy(const Event& e) const override { return e.kind >= Ev::OpsSelectCpu && e.kind <= Ev::KfDsqMove; }
  const char* statement() const override { return "no WARN_ON/BUG_ON condition of the ext core is reachable"; }
  bool onStep(const Config&, const State&, const StepLog& log, State&, std::string* why) const override {
    for (const Event& e : log)
      if (e.kind == Ev::Error && static_cast<ErrorKind>(e.a) == ErrorKind::Warn) {
        *why = describeEvent(e);
        return false;
      }
    return true;
  }
};

class ScxError final : public Invariant {
 public:
  const char* id() const override { return "scx-error"; }
  bool exercisedBy(const Event& e) const override { return e.kind >= Ev::OpsSelectCpu && e.kind <= Ev::KfDsqMove; }
  const char* statement() const override {
    return "a BPF scheduler that respects the kfunc contract when it calls is never ejected by scx_error()";
  }
  // (an insert naming a DSQ that the scheduler destroyed, --destroy-dsqs, is
  // the scheduler's own breach of scx_bpf_destroy_dsq's contract, "no
  // further tasks are dispatched to it" (ext.c:9921-9928), not of the
  // insert's: ErrorKind::DsqDestroyed is not reported here; nor is the
  // hardlockup NMI's exit, --nmi's ErrorKind::Lockup: a lockup is no call
  // of the BPF scheduler's; nor scx_fail_parent's error, --sub-fail-parent's
  // ErrorKind::InitTaskFailed: ops.init_task may fail, the contract lets it)
  bool onStep(const Config&, const State&, const StepLog& log, State&, std::string* why) const override {
    for (const Event& e : log)
      if (e.kind == Ev::Error && static_cast<ErrorKind>(e.a) != ErrorKind::Warn &&
          static_cast<ErrorKind>(e.a) != ErrorKind::DsqDestroyed && static_cast<ErrorKind>(e.a) != ErrorKind::Lockup &&
          static_cast<ErrorKind>(e.a) != ErrorKind::InitTaskFailed) {
        *why = describeEvent(e);
        return false;
      }
    return true;
  }
};

class DequeueUnlocked final : public Invariant {
 public:
  const char* id() const override { return "dequeue-unlocked"; }
  bool exercisedBy(const Event& e) const override { return e.kind == Ev::OpsDequeue; }
  const char* statement() const override {
    return "ops.dequeue() runs without any DSQ lock held, so it may iterate or lock a DSQ";
  }
  bool onStep(const Config&, const State&, const StepLog& log, State&, std::string* why) const override {
    for (const Event& e : log)
      if (e.kind == Ev::OpsDequeue && e.c != kNone) {
        *why = "ops.dequeue(" + taskName(e.t) + ") called with " + dsqName(e.c) + "->lock held";
        return false;
      }
    return true;
  }
};
}  // namespace

std::unique_ptr<Invariant> makeKernelWarn() { return std::make_unique<KernelWarn>(); }
std::unique_ptr<Invariant> makeScxError() { return std::make_unique<ScxError>(); }
std::unique_ptr<Invariant> makeDequeueUnlocked() { return std::make_unique<DequeueUnlocked>(); }

}  // namespace scxmc
