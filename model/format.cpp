#include "format.hpp"

#include <sstream>

#include "ext_core.hpp"
#include "locks.hpp"
#include "variant_api.hpp"

namespace scxmc {

std::string taskName(uint8_t t) { return t == kNone ? "-" : "p" + std::to_string(t); }

std::string dsqName(uint8_t d) {
  if (d == kNone) return "-";
  if (isLocalDsq(d)) return "LOCAL[" + std::to_string(d) + "]";
  if (d == kDsqGlobal) return "GLOBAL";
  return "USER" + std::to_string(d - kDsqUser0);
}

std::string targetName(uint8_t target) {
  if (target == kNone) return "-";
  switch (targetKind(target)) {
    case TargetKind::Local: return "SCX_DSQ_LOCAL";
    case TargetKind::LocalOn: return "SCX_DSQ_LOCAL_ON|" + std::to_string(targetArg(target));
    case TargetKind::Global: return "SCX_DSQ_GLOBAL";
    case TargetKind::User: return "USER" + std::to_string(targetArg(target));
  }
  return "?";
}

std::string enqFlagsName(uint8_t f) {
  std::string s;
  if (f & kEnqWakeup) s += "|WAKEUP";
  if (f & kEnqRestore) s += "|RESTORE";
  if (f & kEnqReenq) s += "|SCX_ENQ_REENQ";
  return s.empty() ? "0" : s.substr(1);
}

std::string deqFlagsName(uint8_t f) {
  std::string s;
  if (f & kDeqSleep) s += "|SLEEP";
  if (f & kDeqSave) s += "|SAVE";
  if (f & kDeqSchedChange) s += "|SCX_DEQ_SCHED_CHANGE";
  if (f & kDeqCoreSchedExec) s += "|SCX_DEQ_CORE_SCHED_EXEC";
  return s.empty() ? "0" : s.substr(1);
}

const char* warnName(uint8_t w) {
  if (w == static_cast<uint8_t>(kVariantWarn)) return "a variant's check (variant_api.hpp)";
  switch (static_cast<Warn>(w)) {
    case Warn::None: return "none";
    case Warn::DsqAlreadySet: return "scx_dispatch_enqueue: p->scx.dsq already set (ext.c:1619)";
    case Warn::QueueingSeen: return "QUEUEING seen outside p's rq lock (ext.c:2254 BUG)";
    case Warn::NotQueuedAtFinish: return "finish_dispatch: !SCX_TASK_QUEUED (ext.c:2932 BUG_ON)";
    case Warn::HoldingSet: return "holding_cpu already set (ext.c:2430/2605)";
    case Warn::HoldingWrongRq: return "holding_cpu kept but task_rq changed (ext.c:2613/2819)";
    case Warn::UnlinkedButListed: return "scx_dispatch_dequeue: holding_cpu set but still listed (ext.c:1824)";
    case Warn::BadDirectOpss: return "direct_dispatch: invalid ops_state (ext.c:1968)";
    case Warn::DeqWaitNotNone: return "ops_dequeue: not NONE after waiting (ext.c:2289 BUG_ON)";
    case Warn::SetNextBlocked: return "set_next_task_scx: task is DISPATCHING";
    case Warn::EnqLastWithoutFlag: return "put_prev_task_scx: ENQ_LAST without SCX_OPS_ENQ_LAST (ext.c:3254)";
    case Warn::TwoRqLocks: return "two rq locks held at once (ext never nests rq locks)";
    case Warn::NotAllowedOnDst: return "move_remote_task_to_local_dsq: dst not in cpus_ptr (ext.c:2478)";
    case Warn::MoveTargetsGone:
      return "scx_dsq_move: no dsq_id the BPF program could have passed is left, though p stayed on its DSQ (model "
             "assertion: the deferred target choice is not exact)";
    case Warn::DdspPending:
      return "mark_direct_dispatch: a direct-dispatch verdict is still pending (ext.c:1906)";
    case Warn::UnlinkNotListed: return "scx_task_unlink_from_dsq: p is not on the DSQ's list (ext.c:1761)";
    case Warn::DeferredAlreadyListed:
      return "direct_dispatch: p already on a DSQ or a deferred list before ddsp_deferred_locals (ext.c:1974)";
    case Warn::EnqueueNotQueued: return "scx_do_enqueue_task: !SCX_TASK_QUEUED (ext.c:2010)";
    case Warn::EnqueueOpssNotNone: return "scx_do_enqueue_task: ops_state not NONE before QUEUEING (ext.c:2085)";
    case Warn::RemoteRqIsTaskCpu: return "task_can_run_on_remote_rq: the remote rq is task_cpu(p) (ext.c:2522)";
    case Warn::CursorRqChanged:
      return "nldsq_cursor_lost_task: p kept its DSQ position but task_rq(p) changed (ext.c:620)";
    case Warn::MigrateCpuChanged: return "move_queued_task: task_cpu(p) != new_cpu after relocking (core.c:2569)";
    case Warn::BypassDepthUnderflow: return "dec_bypass_depth: bypass_depth < 1 (ext.c:6140)";
    case Warn::EnableInCustody: return "__scx_enable_task: p is in BPF custody (ext.c:4042)";
    case Warn::DisableInCustody: return "scx_disable_task: p is in BPF custody after ops.disable (ext.c:4122)";
    case Warn::SetCpuBlocked: return "set_task_cpu: p is blocked (not on_rq) and not waking (core.c:3361)";
    case Warn::BalanceCallbackPinned:
      return "rq_pin_lock: a balance callback is queued on the rq another path locks (assert_balance_callbacks_empty "
             "sched.h:1920)";
    case Warn::PuntNotBypassed: return "scx_punt_task: the parent taking p is not bypassed (sub.c:1283)";
  }
  return "?";
}

std::string describeEvent(const Event& e, bool* bpf) {
  std::ostringstream o;
  bool isBpf = false;
  const std::string p = taskName(e.t);
  switch (e.kind) {
    case Ev::Site: {
      const SiteInfo& si = siteInfo(static_cast<Site>(e.a));
      o << si.function << " " << si.file << ":" << si.line;
      break;
    }
    case Ev::OpsSelectCpu:
      isBpf = true;
      o << "ops.select_cpu(" << p << ") = " << int(e.a);
      if (e.b != kNone) o << ", scx_bpf_dsq_insert(" << p << ", " << targetName(e.b) << ")";
      break;
    case Ev::OpsEnqueue:
      isBpf = true;
      o << "ops.enqueue(" << p << ", " << enqFlagsName(e.a) << ")";
      if (e.b != kNone) o << ": scx_bpf_dsq_insert(" << p << ", " << targetName(e.b) << ")";
      else o << ": kept on the BPF side";
      break;
    case Ev::OpsDequeue:
      isBpf = true;
      o << "ops.dequeue(" << p << ", " << deqFlagsName(e.a) << ")";
      break;
    case Ev::OpsDispatch:
      isBpf = true;
      o << "ops.dispatch(cpu " << int(e.c) << ", prev " << p << ")";
      break;
    case Ev::OpsRunnable: isBpf = true; o << "ops.runnable(" << p << ", " << enqFlagsName(e.a) << ")"; break;
    case Ev::OpsRunning: isBpf = true; o << "ops.running(" << p << ")"; break;
    case Ev::OpsStopping: isBpf = true; o << "ops.stopping(" << p << ", " << (e.a ? "true" : "false") << ")"; break;
    case Ev::OpsQuiescent: isBpf = true; o << "ops.quiescent(" << p << ", " << deqFlagsName(e.a) << ")"; break;
    case Ev::OpsSetWeight: isBpf = true; o << "ops.set_weight(" << p << ")"; break;
    case Ev::OpsSetCpumask: isBpf = true; o << "ops.set_cpumask(" << p << ", 0x" << std::hex << int(e.a) << std::dec << ")"; break;
    case Ev::KfInsert:
      isBpf = true;
      o << "scx_bpf_dsq_insert(" << p << (e.a != kNone ? ", " + targetName(e.a) : std::string()) << ")"
        << (e.b ? "" : " [stale: task not QUEUED on BPF]");
      break;
    case Ev::KfKick:
      isBpf = true;
      o << "scx_bpf_kick_cpu(" << int(e.a) << ", "
        << (e.b == 0 ? "0" : e.b == 1 ? "SCX_KICK_PREEMPT" : e.b == 2 ? "SCX_KICK_WAIT" : "SCX_KICK_PREEMPT|SCX_KICK_WAIT")
        << ") on CPU" << int(e.c);
      break;
    case Ev::KfMoveToLocal:
      isBpf = true;
      o << "scx_bpf_dsq_move_to_local(USER" << int(e.a) << ") = " << (e.b ? "true" : "false");
      break;
    case Ev::KfDsqMove:
      isBpf = true;
      // (a failed move never chose its dsq_id: bpfDsqMoveTarget)
      o << "scx_bpf_dsq_move(" << p << " from " << dsqName(e.a) << " to "
        << (e.b == kNone ? std::string("any dsq_id") : targetName(e.b)) << ") = " << (e.c ? "true" : "false");
      break;
    case Ev::OpssWrite: o << p << " ops_state " << opssName(e.a) << " -> " << opssName(e.b); break;
    case Ev::Claim:
      o << p << " claimed by finish_dispatch for " << targetName(e.b) << (e.a ? "" : " from a STALE record");
      break;
    case Ev::Custody: o << p << (e.a ? " enters" : " leaves") << " BPF custody (SCX_TASK_IN_CUSTODY)"; break;
    case Ev::DsqLink: o << p << " linked on " << dsqName(e.a); break;
    case Ev::DsqUnlink: o << p << " unlinked from " << dsqName(e.a); break;
    case Ev::Switch: o << "CPU" << int(e.c) << " switches " << taskName(e.a) << " -> " << taskName(e.b); break;
    case Ev::OnRqChange: o << p << " on_rq = " << (e.a == 0 ? "0" : e.a == 1 ? "QUEUED" : "MIGRATING"); break;
    case Ev::SetCpu: o << "set_task_cpu(" << p << ", " << int(e.a) << ")"; break;
    case Ev::Lock:
    case Ev::Unlock:
    case Ev::Wait:
      o << (e.kind == Ev::Lock ? "lock(" : e.kind == Ev::Unlock ? "unlock(" : "spin-wait(") << lockClassName(e.a)
        << "#" << int(e.b) << ")";
      break;
    case Ev::OpsLife:
      isBpf = true;
      o << lifeOpName(e.a) << "(" << (e.t != kNone ? p : e.b != kNone && e.b != kLifeOpFailed ? dsqName(e.b) : std::string()) << ")";
      if (e.a == static_cast<uint8_t>(LifeOp::InitTask) && e.t != kNone && e.b == kInitTaskFailed) o << " = -errno";
      if (e.t == kNone && e.b == kLifeOpFailed) o << " = -errno";
      break;
    case Ev::TaskState: o << p << " scx state " << scxTaskStateName(e.a) << " -> " << scxTaskStateName(e.b); break;
    case Ev::Policy: o << p << " policy -> " << (e.a ? "another class (e.g. SCHED_FIFO)" : "SCHED_EXT"); break;
    case Ev::BypassFlag: o << "CPU" << int(e.c) << (e.a ? " enters" : " leaves") << " bypass"; break;
    case Ev::Mutex:
      o << p << (e.a == 0 ? " takes the mutex" : e.a == 1 ? " blocks on the mutex (blocked donor, stays on the rq)"
                                                          : " releases the mutex, waking its waiters");
      break;
    case Ev::ProxyExec:
      if (e.a == kNone) o << "CPU" << int(e.c) << " ends the proxy: rq->curr = rq->donor = " << p;
      else o << "CPU" << int(e.c) << " runs " << taskName(e.a) << " as rq->curr for donor " << p;
      break;
    case Ev::EnableState: o << "scx_enable_state " << scxEnableName(e.a) << " -> " << scxEnableName(e.b); break;
    case Ev::Error:
      if (static_cast<ErrorKind>(e.a) == ErrorKind::Warn)
        o << "WARN: " << (e.b == static_cast<uint8_t>(kVariantWarn) ? variantWarnText(e.c) : std::string(warnName(e.b)))
          << (e.t != kNone ? " for " + p : "");
      else if (static_cast<ErrorKind>(e.a) == ErrorKind::NotAllowed) o << "scx_error: SCX_DSQ_LOCAL[_ON] target CPU not allowed";
      else if (static_cast<ErrorKind>(e.a) == ErrorKind::InitTaskFailed)
        o << "scx_error(parent, \"ops.init_task() failed for " << taskName(e.b)
          << " while disabling a sub-scheduler\") (scx_fail_parent sub.c:1298)";
      else if (static_cast<ErrorKind>(e.a) == ErrorKind::Lockup)
        o << "scx_vexit(SCX_EXIT_ERROR, \"hard lockup\") from NMI: the root's exit claimed (ext.c:7284)";
      else if (static_cast<ErrorKind>(e.a) == ErrorKind::DsqDestroyed)
        o << (e.b == kDsqGoneInvalidId    ? "scx_error: attempting to dispatch to a destroyed dsq (ext.c:1628)"
              : e.b == kDsqGoneMoveToLocal ? "scx_error: invalid DSQ ID, destroyed (scx_bpf_dsq_move_to_local ext.c:9408)"
                                           : "scx_error: non-existent DSQ, destroyed (ext.c:1875)");
      else o << "scx_error: non-existent DSQ or invalid CPU in a dsq_id (ext.c:1875 / ext.c:998)";
      break;
    case Ev::SetSched: o << "scx_set_task_sched(" << p << ", " << (e.a == kSchedRoot ? "root" : "child") << ")"; break;
  }
  // --sub-scheds: a callback of the child scheduler says so
  if (isBpf && e.sch != kSchedRoot) o << " [child]";
  if (bpf) *bpf = isBpf;
  return o.str();
}

std::string describeTask(const Config& cfg, const State& s, uint8_t t) {
  (void)cfg;
  const TaskState& ts = s.task[t];
  std::ostringstream o;
  o << taskName(t) << ": " << opssName(ts.opss);
  if (ts.flags & kTaskQueued) o << " QUEUED";
  if (ts.flags & kTaskInCustody) o << " IN_CUSTODY";
  o << " on_rq=" << int(ts.on_rq) << " cpu=" << (ts.cpu == kNone ? std::string("-") : std::to_string(ts.cpu)) << " mask=0x" << std::hex << int(ts.affinity) << std::dec;
  if (ts.dsq != kNone) o << " dsq=" << dsqName(ts.dsq);
  if (ts.holding != kNone) o << " holding=" << int(ts.holding);
  if (ts.sticky != kNone) o << " sticky=" << int(ts.sticky);
  if (ts.ddsp != kNone) o << " ddsp=" << targetName(ts.ddsp);
  if (ts.deferred != kNone) o << " deferred@" << int(ts.deferred);
  if (!ts.slice) o << " slice=0";
  return o.str();
}

std::string describeState(const Config& cfg, const State& s, const ExtCore* model) {
  auto at = [&](uint8_t pc) { return model ? model->pcLabel(pc) : std::string(pcName(pc)); };
  std::ostringstream o;
  for (int t = 0; t < cfg.tasks; ++t) o << "  " << describeTask(cfg, s, static_cast<uint8_t>(t)) << "\n";
  for (int c = 0; c < cfg.cpus; ++c) {
    const CpuState& cs = s.cpu[c];
    o << "  CPU" << c << ": curr=" << taskName(cs.curr);
    if (s.proxy_exec[c] != kNone) o << " (rq->donor; rq->curr=" << taskName(s.proxy_exec[c]) << ")";
    o << " local=[";
    for (int i = 0; i < s.dsq[c].n; ++i) o << (i ? " " : "") << taskName(s.dsq[c].q[i]);
    o << "]";
    const Frame& f = s.actor[c];
    if (f.pc) o << " at " << at(f.pc) << (f.holds_rq != kNone ? " holding rq" + std::to_string(f.holds_rq) : "");
    if (cs.nbuf) o << " dsp_buf=" << int(cs.nbuf);
    o << "\n";
  }
  for (int t = 0; t < cfg.tasks; ++t) {
    const Frame& f = s.actor[cfg.cpus + t];
    if (f.pc) o << "  task" << t << " actor at " << at(f.pc) << "\n";
  }
  if (cfg.proxy) {
    o << "  mutex owner=" << taskName(s.mutex_owner) << ", blocked donors:";
    for (int t = 0; t < cfg.tasks; ++t)
      if ((s.mutex_blocked >> t) & 1) o << " " << taskName(static_cast<uint8_t>(t));
    o << "\n";
  }
  if (cfg.lifecycle) {
    o << "  scx " << scxEnableName(s.scx_enable) << ", scx_enable_helper at " << lifePcName(s.life_pc)
      << ", bypass depth " << int(s.bypass_depth & ~kBypassInLoop) << ", tasks:";
    for (int t = 0; t < cfg.tasks; ++t) o << " " << taskName(static_cast<uint8_t>(t)) << "=" << scxTaskStateName(s.task[t].scx_state);
    o << "\n";
  }
  for (int d = kDsqGlobal; d < kDsqUser0 + cfg.user_dsqs; ++d) {
    if (!s.dsq[d].n) continue;
    o << "  " << dsqName(static_cast<uint8_t>(d)) << "=[";
    for (int i = 0; i < s.dsq[d].n; ++i) o << (i ? " " : "") << taskName(s.dsq[d].q[i]);
    o << "]\n";
  }
  return o.str();
}

}  // namespace scxmc
