// Variant kick-wait-in-hardirq (issue 17, "Interrupt contexts"): SCX_KICK_WAIT
// as it was before 7.3.4 deferred the wait to a balance callback.
// kick_cpus_irq_workfn waits for each target's kick_sync (then pnt_seq) to
// move right in the irq_work, in hardirq with irqs off, instead of setting
// kick_sync_pending (7.3.4's ext.c:8793-8801 and its comment: "Can't wait
// in hardirq — kick_sync can't advance, deadlocking if CPUs wait for each
// other").  A CPU spinning there cannot schedule, so its own kick_sync
// stands still: it holds it while it waits on the target's, and two CPUs
// that kick each other with SCX_KICK_WAIT wait forever (the selftest
// cyclic_kick_wait.bpf.c reproduces it).  The spin records that as the
// pseudo-lock rq->scx.kick_sync: self held, target waited on, a same-class
// dependency the lock-order invariant reports.  Needs --kicks: the factory
// switches it on.
#include <memory>

#include "hook_probe.hpp"

namespace scxmc {

namespace {
class KickWaitInHardirq : public ExtCore {
 public:
  explicit KickWaitInHardirq(const Config& cfg)
      : ExtCore(cfg),
        spin_(definePause("kick_wait_hardirq", "kick_cpus_irq_workfn", "ext.c", 8793,
                          "waits in hardirq, irqs off, until the target's kick_sync moves",
                          [this] { spin(false); }, PauseY::Value)) {}
  const char* name() const override { return "kick-wait-in-hardirq"; }
  void kickCpusTail() override {
    cpu(static_cast<uint8_t>(me_)).ksync &= static_cast<uint8_t>(~kSyncShouldWait);
    spin(true);
  }

 private:
  // for_each_cpu(cpu, cpus_to_wait): while (kick_sync == snapshot) cpu_relax()
  void spin(bool first) {
    const uint8_t me = static_cast<uint8_t>(me_);
    const uint8_t sync = (cpu(me).ksync >> kSyncShift) & kSyncToWaitMask;
    if (!sync) {
      kickIrqReturn(fr());
      return;
    }
    const uint8_t c = static_cast<uint8_t>(__builtin_ctz(sync));
    if (first) {
      // BUG: spinning in hardirq, this CPU holds its own kick_sync
      lockEvent(Ev::Lock, static_cast<uint8_t>(LockClass::KickSync), me);
      lockEvent(Ev::Wait, static_cast<uint8_t>(LockClass::KickSync), c);
      lockEvent(Ev::Unlock, static_cast<uint8_t>(LockClass::KickSync), me);
      pauseAt(spin_);
      return;
    }
    blocked_ = true;  // c's kick_sync has not moved: not enabled
  }
  PausePoint spin_;
};
}  // namespace

std::unique_ptr<ExtCore> makeKickWaitInHardirq(const Config& cfg) {
  Config c = cfg;
  c.kicks = true;
  return makeVariant<KickWaitInHardirq>(c);
}

}  // namespace scxmc
