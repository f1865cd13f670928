// Kicks (--kicks, Config::kicks; docs/architecture.md "Kicks"):
// scx_bpf_kick_cpu from a BPF callback running on a CPU, the CPU's
// kick_cpus_irq_workfn in hardirq, and SCX_KICK_WAIT's wait, which 7.3.4
// defers from the irq_work to a balance callback (kick_sync_wait_bal_cb).
//
// State (CpuState::kick, CpuState::ksync, state.hpp): the root's per-CPU
// kick masks, rq->scx.cpus_to_sync as "waited on and not moved since the
// snapshot", kick_sync_pending, the callback queued, need_resched.  Each
// rq->scx.kick_sync is not kept: only whether it moved since a waiter's
// snapshot decides anything (kick_sync_wait_bal_cb ext.c:3315-3326), so
// a move clears the CPU from every waiter's mask (kickSyncAdvance).
#include "ext_core.hpp"

namespace scxmc {

namespace {
uint8_t toKick(const CpuState& cs) { return cs.kick & kKickToKickMask; }
uint8_t toPreempt(const CpuState& cs) { return (cs.kick >> kKickPreemptShift) & kKickToKickMask; }
uint8_t toWait(const CpuState& cs) { return cs.ksync & kSyncToWaitMask; }
uint8_t toSync(const CpuState& cs) { return (cs.ksync >> kSyncShift) & kSyncToWaitMask; }
}  // namespace

// scx_bpf_kick_cpu -> scx_kick_cpu (ext.c:9756-9821), from ops.enqueue or
// ops.dispatch running on CPU me_ (this_rq).  Under local_irq_save it sets
// the target in this CPU's cpus_to_kick (and cpus_to_preempt /
// cpus_to_wait for SCX_KICK_PREEMPT / SCX_KICK_WAIT) and queues the kick
// irq_work; nothing while this CPU bypasses (ext.c:9781).  The masks are
// written only by this CPU with irqs off, so the call is no pause point.
// SCX_KICK_IDLE is not offered: its trylock (ext.c:9795-9806) only skips
// the kick, and a plain kick is a kick_one_cpu_if_idle that always
// reschedules.  The choice: no kick, or a target and the flags.
void ExtCore::bpfKick() {
  if (!cfg_.kicks || !isCpu(me_)) return;
  const uint8_t c = static_cast<uint8_t>(me_);
  if (bypassing(c)) return;
  uint8_t fl[4];
  int nf = 0;
  for (uint8_t x = 0; x < 4; ++x)
    if (cfg_.kick_flags & (1 << x)) fl[nf++] = x;
  const int k = ch_->pick(1 + nf * cfg_.cpus);
  if (k == 0) return;
  const uint8_t target = static_cast<uint8_t>((k - 1) / nf);
  const uint8_t flags = fl[(k - 1) % nf];  // bit 0 PREEMPT, bit 1 WAIT
  site(Site::KickCpu);
  emit(Ev::KfKick, kNone, target, flags, c);
  CpuState& cs = cpu(c);
  cs.kick |= static_cast<uint8_t>(1 << target);
  if (flags & 1) cs.kick |= static_cast<uint8_t>(1 << (kKickPreemptShift + target));
  if (flags & 2) cs.ksync |= static_cast<uint8_t>(1 << target);
}

// rq->scx.kick_sync++ of `c` (smp_store_release under c's rq lock, or by
// c's own spinning callback): every CPU waiting on c's snapshot is
// released.
void ExtCore::kickSyncAdvance(uint8_t c) {
  if (!cfg_.kicks) return;
  for (int w = 0; w < cfg_.cpus; ++w) {
    const uint8_t bit = static_cast<uint8_t>(1 << (kSyncShift + c));
    if (cpu(static_cast<uint8_t>(w)).ksync & bit) cpu(static_cast<uint8_t>(w)).ksync &= static_cast<uint8_t>(~bit);
  }
}

bool ExtCore::kickPending(uint8_t c) const {
  return cfg_.kicks && (s_->cpu[c].kick & kKickToKickMask) != 0;
}

// kick_cpus_irq_workfn (ext.c:8756-8802), hardirq on this CPU: one step per
// target in cpu order, because kick_one_cpu (ext.c:8674-8732) takes and
// drops the target's rq lock (raw_spin_rq_lock_irqsave) and other actors
// may run between two targets.  The masks and should_wait are this CPU's
// alone (only scx_kick_cpu with irqs off and this irq_work write them), so
// the step that handles the last target also runs the tail.  Frame::y is
// the program counter to return to when the irq_work interrupted this
// CPU's spinning kick_sync_wait_bal_cb (Pc::KickSyncSpin), else kNone.
void ExtCore::kickIrq() {
  const uint8_t me = static_cast<uint8_t>(me_);
  CpuState& cs = cpu(me);
  const uint8_t mask = toKick(cs);
  if (mask) {
    const uint8_t c = static_cast<uint8_t>(__builtin_ctz(mask));
    if (!lockRq(c)) return;
    site(Site::KickOneCpu);
    // kickable: rq->curr not above ext (the model's CPUs run ext tasks or
    // idle); the root has every capability (ext.c:8690-8693)
    const uint8_t curr = cpu(c).curr;
    if (toPreempt(cs) & (1 << c)) {
      if (curr != kNone) tk(curr).slice = 0;  // scx_set_task_slice(rq->curr, 0)
      cs.kick &= static_cast<uint8_t>(~(1 << (kKickPreemptShift + c)));
    }
    if (toWait(cs) & (1 << c)) {
      // cur_class == ext: cpus_to_sync, ksyncs[cpu] = rq->scx.kick_sync
      if (curr != kNone) {
        if (c != me) cs.ksync |= static_cast<uint8_t>(1 << (kSyncShift + c));
        cs.ksync |= kSyncShouldWait;
      }
      cs.ksync &= static_cast<uint8_t>(~(1 << c));
    }
    // resched_curr(rq): TIF_NEED_RESCHED of rq->curr.  An idle CPU's is not
    // kept: it is read only while an ext task runs there (restCpu), and
    // the pick that puts one there clears it
    if (curr != kNone) cpu(c).ksync |= kSyncResched;
    cs.kick &= static_cast<uint8_t>(~(1 << c));
    unlockRq();
    if (toKick(cs)) {
      pause(Pc::KickIrq);
      return;
    }
  }
  kickCpusTail();
}

// kick_cpus_irq_workfn's end (ext.c:8793-8801): with a target to wait on,
// under this rq's lock, kick_sync_pending and resched_curr(this_rq); the
// wait is the balance callback's (the comment at ext.c:8793: waiting here
// in hardirq would deadlock CPUs that wait on each other).
void ExtCore::kickCpusTail() {
  Frame& f = fr();
  const uint8_t me = static_cast<uint8_t>(me_);
  CpuState& cs = cpu(me);
  if (cs.ksync & kSyncShouldWait) {
    if (!lockRq(me)) return;
    site(Site::KickSyncPending);
    cs.ksync &= static_cast<uint8_t>(~kSyncShouldWait);
    if (cs.curr != kNone) cs.ksync |= kSyncResched;  // resched_curr(this_rq)
    cs.kick |= kKickSyncPending;
    unlockRq();
  }
  kickIrqReturn(f);
}

void ExtCore::kickIrqReturn(Frame& f) {
  if (f.y != kNone) {
    // back in the interrupted kick_sync_wait_bal_cb spin (irqs on again)
    const Pc resume = static_cast<Pc>(static_cast<uint8_t>(f.y));
    f.y = kNone;
    ctx_ = LockCtx::Task;
    pause(resume);
    return;
  }
  endPath();
}

// do_pick_task_scx's out: label (ext.c:3505-3508): a final pick with
// kick_sync_pending queues kick_sync_bal_cb (after maybe_queue_balance_callback,
// so it heads rq->balance_callback and runs first).
void ExtCore::maybeQueueKickSync(uint8_t rq) {
  CpuState& cs = cpu(rq);
  if (!(cs.kick & kKickSyncPending)) return;
  site(Site::QueueKickSyncBalCb);
  cs.kick = static_cast<uint8_t>((cs.kick & ~kKickSyncPending) | kKickSyncBalCbQueued);
}

// kick_sync_wait_bal_cb (ext.c:3277-3330) from __balance_callbacks, rq
// lock held, process context.  Frame::d: 1 when deferred_bal_cb follows
// it on the spliced list (--balance-callbacks).  The loop takes the first
// CPU of cpus_to_sync whose kick_sync has not moved (the others are
// dropped at their look, which the model did when they moved); none: the
// callback returns.  Else it drops the rq lock with irqs on
// (raw_spin_rq_unlock_irq) and spins (Pc::KickSyncSpin).
void ExtCore::kickSyncWait() {
  Frame& f = fr();
  const uint8_t me = static_cast<uint8_t>(me_);
  if (!lockRq(me)) return;  // (raw_spin_rq_lock_irq after a spin)
  CpuState& cs = cpu(me);
  const uint8_t sync = toSync(cs);
  if (!sync) {
    if (f.d == 1) {
      // the next callback on the spliced list: deferred_bal_cb_workfn
      f.d = kNone;
      f.op = static_cast<uint8_t>(Op::Deferred);
      cs.rqf |= kRqInBalCb;
      goTo(Pc::Deferred);
      return;
    }
    endPath();
    return;
  }
  const uint8_t c = static_cast<uint8_t>(__builtin_ctz(sync));
  site(Site::KickSyncWait);
  f.x = c;
  unlockRq();
  // the spin-wait, with nothing held: this CPU's own kick_sync moves on
  // while it spins (ext.c:3324), so it holds no kick_sync
  lockEvent(Ev::Wait, static_cast<uint8_t>(LockClass::KickSync), c);
  pause(Pc::KickSyncSpin);
}

// The spin (ext.c:3323-3326): while READ_ONCE(cpu_rq(x)->scx.kick_sync)
// has not moved, advance this CPU's own kick_sync (so that waits on this
// CPU that began after the unlock end) and cpu_relax.  One read and one
// store per step; a step that would change nothing (nobody waits on this
// CPU, x has not moved) is not taken.  Irqs are on: this CPU's pending
// kick irq_work (queued by a BPF callback of the pick before, a self-IPI)
// runs first (kickIrq with Frame::y = Pc::KickSyncSpin); no BPF callback
// runs on this CPU while it spins, so no kick is queued during the spin.
void ExtCore::kickSyncSpin() {
  Frame& f = fr();
  const uint8_t me = static_cast<uint8_t>(me_);
  CpuState& cs = cpu(me);
  const bool irq = toKick(cs) != 0;
  bool waited_on = false;
  for (int w = 0; w < cfg_.cpus; ++w)
    if (w != me && (toSync(cpu(static_cast<uint8_t>(w))) & (1 << me))) waited_on = true;
  const bool moved = !(toSync(cs) & (1 << f.x));
  const int n = irq ? 1 : (moved ? 1 : 0) + (waited_on && !moved ? 1 : 0);
  if (n == 0) {
    blocked_ = true;
    return;
  }
  if (irq) {
    // hardirq: kick_cpus_irq_workfn interrupts the spin
    ctx_ = LockCtx::Hardirq;
    f.y = static_cast<uint8_t>(Pc::KickSyncSpin);
    f.op = static_cast<uint8_t>(Op::Kick);
    site(Site::KickIrqWork);
    goTo(Pc::KickIrq);
    return;
  }
  if (moved) {
    // the target moved: raw_spin_rq_lock_irq, waited = true, retry
    site(Site::KickSyncWaited);
    f.x = kNone;
    goTo(Pc::KickSyncWait);
    return;
  }
  site(Site::KickSyncSelfAdvance);
  kickSyncAdvance(me);
  pause(Pc::KickSyncSpin);
}

}  // namespace scxmc
