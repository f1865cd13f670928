// proxy-exec-v2 (seed 003): see proxy_exec_v2.hpp for what is modeled.
#include "variants/proxy_exec_v2.hpp"

namespace scxmc {

void ProxyExecV2::opsRunning(uint8_t t) {
  // A blocked donor does not execute: no ops.running (patch 06).
  if (blockedDonor(t)) return;
  s_->scx_ran = static_cast<uint8_t>(s_->scx_ran | (1u << t));
  ExtCore::opsRunning(t);
}

void ProxyExecV2::opsStopping(uint8_t t, bool runnable) {
  // ops.stopping only when ops.running was emitted (patch 06).
  if (!((s_->scx_ran >> t) & 1)) return;
  s_->scx_ran = static_cast<uint8_t>(s_->scx_ran & ~(1u << t));
  ExtCore::opsStopping(t, runnable);
}

bool ProxyExecV2::prevKeepable(uint8_t prev) {
  // A prev that blocked on the mutex is not kept: it goes to ops.enqueue.
  return !blockedDonor(prev) && ExtCore::prevKeepable(prev);
}

void ProxyExecV2::putPrevTask(uint8_t rq, uint8_t t, uint8_t next) {
  if (!queued(t) || !blockedDonor(t)) {
    ExtCore::putPrevTask(rq, t, next);
    return;
  }
  // SCX_OPS_ENQ_BLOCKED: the blocked donor is passed through ops.enqueue()
  // whatever its slice (patch 09).
  site(Site::PutPrevTask);
  opsStopping(t, true);
  doEnqueueTask(rq, t, 0, kNone);
}

bool ProxyExecV2::taskCanRunOnRemoteRq(uint8_t t, uint8_t rq, bool enforce) {
  if (!movable(t)) {
    site(Site::CanRunRemote);
    return false;  // left to the proxy machinery, no scx_error
  }
  return ExtCore::taskCanRunOnRemoteRq(t, rq, enforce);
}

bool ProxyExecV2::consumeRecheck(uint8_t t, uint8_t src) {
  site(Site::CanRunRemote);
  if (movable(t)) return true;
  // Patch 05: p may no longer be moved.  The model puts it back at the head
  // of the DSQ it was taken from and rescans (the seed does not say where).
  Frame& f = fr();
  tk(t).holding = kNone;
  tk(t).dsq = kNone;  // unlinked by unlink_dsq_and_switch_rq_lock
  dispatchEnqueue(src, f.d, t, /*apply_slice=*/false, /*clear_opss=*/false, /*head=*/true);
  if (blocked_) return false;
  f.t = kNone;
  returnHome(Pc::Consume);
  return false;
}

uint8_t ProxyExecV2::pickProxy(uint8_t c, uint8_t& prev, uint8_t next) {
  Field8& exec = s_->proxy_exec[c];
  const uint8_t was = exec;
  exec = kNone;
  if (next != kNone) site(Site::ProxySetDonor);
  if (next != kNone && blockedDonor(next)) {
    site(Site::FindProxyTask);
    const uint8_t o = s_->mutex_owner;
    if (o != kNone && o != next && tk(o).on_rq == static_cast<uint8_t>(OnRq::Queued) && tk(o).cpu == c) {
      exec = o;
      // same donor, other rq->curr: no ext re-entry (patch 02)
      if (next == prev) site(Site::ProxyDonorReentry);
    } else {
      // pick_next_task has switched to the donor already (put_prev(prev,
      // donor), set_next(donor)); proxy_resched_idle then puts the donor
      // for rq->idle (core.c:6797): pickFinish does that second switch.
      site(Site::ProxyReschedIdle);
      if (next != prev) {
        if (prev != kNone) putPrevTask(c, prev, next);
        setNextTask(c, next);
        cpu(c).curr = next;
        emit(Ev::Switch, kNone, prev, next, c);
        prev = next;
      }
      next = kNone;
    }
  }
  if (exec != was || (exec != kNone && next != prev)) emit(Ev::ProxyExec, next, exec, 0, c);
  return next;
}

int ProxyExecV2::proxyEnvCount(uint8_t c) {
  const uint8_t x = execOn(c);
  if (x == kNone || blockedDonor(x)) return 0;
  const uint8_t o = s_->mutex_owner;
  // take it (free), release it (owned), or block on it: only a task running
  // as itself blocks (a proxy owner holds the one mutex already)
  if (o == kNone || o == x) return 1;
  return s_->proxy_exec[c] == kNone ? 1 : 0;
}

void ProxyExecV2::proxyEnv(uint8_t c, int) {
  Frame& f = fr();
  const uint8_t x = execOn(c), o = s_->mutex_owner;
  f.home = c;
  f.op = static_cast<uint8_t>(Op::Mutex);  // (a label: every path below ends or sets Pick)
  if (o == kNone) {  // mutex_lock, uncontended
    emit(Ev::Mutex, x, static_cast<uint8_t>(MutexEv::Lock));
    s_->mutex_owner = x;
    endPath();
    return;
  }
  if (o == x) {
    // mutex_unlock: the waiters are woken; a donor still on its rq only
    // needs a resched (ttwu_runnable): this CPU's if it is the donor here.
    const bool proxying = s_->proxy_exec[c] != kNone;
    if (proxying && !lockRq(c)) return;
    if (proxying) f.op = static_cast<uint8_t>(Op::Pick);
    emit(Ev::Mutex, x, static_cast<uint8_t>(MutexEv::Unlock));
    s_->mutex_owner = kNone;
    s_->mutex_blocked = 0;
    site(Site::TtwuRunnable);
    if (proxying) goTo(Pc::Pick); else endPath();
    return;
  }
  if (!lockRq(c)) return;
  f.op = static_cast<uint8_t>(Op::Pick);
  // mutex_lock, contended: blocked_on set, schedule() keeps p on the rq
  emit(Ev::Mutex, x, static_cast<uint8_t>(MutexEv::Block));
  s_->mutex_blocked = static_cast<uint8_t>(s_->mutex_blocked | (1u << x));
  site(Site::Schedule);
  site(Site::ProxyBlock);
  goTo(Pc::Pick);
}

}  // namespace scxmc
