// ExtCore infrastructure: the step loop, locks, primitive state updates.
#include "ext_core.hpp"

#include "access_trace.hpp"
#include "locks.hpp"

#include <cstdio>
#include <cstdlib>

namespace scxmc {

namespace {
const char* const kPcNames[] = {
    "rest", "pick", "dispatch_sched", "call_dispatch", "bpf_dispatch", "flush", "flush_link", "flush_release",
    "after_flush", "none_tail", "pick_finish", "consume", "consume_local_wait", "consume_src",
    "consume_src_wait", "mrt_dst", "relock_home", "dtl_src", "dsq_move_src", "dsq_move_wait",
    "deferred", "deq_wait", "mqt_dst", "dsq_move_remote", "change_enqueue", "mqt_begin",
    "ttwu_activate", "kick_irq", "kick_sync_wait", "kick_sync_spin",
    "variant_pause_0", "variant_pause_1", "variant_pause_2", "variant_pause_3", "variant_pause_4",
    "variant_pause_5"};
static_assert(sizeof(kPcNames) / sizeof(kPcNames[0]) == static_cast<size_t>(Pc::Count));
}  // namespace

const char* pcName(uint8_t pc) {
  return pc < static_cast<uint8_t>(Pc::Count) ? kPcNames[pc] : "?";
}

State ExtCore::initial() const {
  State s{};
  for (int i = 0; i < kMaxTasks; ++i) s.task[i] = TaskState{};
  for (int t = 0; t < cfg_.tasks; ++t) {
    TaskState& ts = s.task[t];
    ts.cpu = static_cast<uint8_t>(t % cfg_.cpus);
    ts.affinity = cfg_.allCpusMask();
    if (t >= cfg_.tasks - cfg_.fork_tasks) ts.scx_state = static_cast<uint8_t>(ScxTaskState::Unborn);
    // --sub-scheds: every other task (0, 2) lives in the child's cgroup
    if (cfg_.sub_scheds && (t % 2 == 0 || cfg_.sub_cgroup_all)) ts.flags |= kTaskSubCgroup;
  }
  for (auto& c : s.cpu) c = CpuState{};
  for (auto& a : s.actor) a = Frame{};
  return s;
}

std::string ExtCore::actorName(int actor) const {
  if (actor < cfg_.cpus) return "CPU" + std::to_string(actor);
  if (actor == cfg_.actors()) return "scx_enable_helper";
  if (isClaimer(actor)) return "exit-claimer";
  if (isNmi(actor)) return "NMI";
  if (isMigrator(actor)) return "cgroup.procs writer";
  return "task" + std::to_string(actor - cfg_.cpus);
}

std::string ExtCore::pcLabel(uint8_t pc) const {
  const int k = pc - static_cast<int>(Pc::Variant0);
  if (k >= 0 && k < kVariantPcs && variant_pauses_[k].resume) return variant_pauses_[k].label;
  return pcName(pc);
}

void ExtCore::emit(Ev k, uint8_t t, uint8_t a, uint8_t b, uint8_t c) {
  Event e;
  e.kind = k;
  e.op = op();
  e.actor = static_cast<uint8_t>(me_);
  e.t = t;
  e.a = a;
  e.b = b;
  e.c = c;
  // ops.dequeue records the DSQ lock held at the call (invariant dequeue-unlocked)
  if (k == Ev::OpsDequeue) e.c = fr().holds_dsq;
  e.sch = eventSched(k, t);
  if (k != Ev::Site) at_entry_ = false;
  log_->push(e);
}

void ExtCore::lockEvent(Ev k, uint8_t cls, uint8_t inst) {
  Event e;
  e.kind = k;
  e.op = op();
  e.actor = static_cast<uint8_t>(me_);
  e.a = cls;
  e.b = inst;
  if (k != Ev::Unlock)
    e.c = lockCtxBits(ctx_, ctx_ == LockCtx::Task && acquiresWithIrqsOn(static_cast<LockClass>(cls), inst));
  log_->push(e);
}

bool ExtCore::acquiresWithIrqsOn(LockClass cls, uint8_t) { return sleepingKind(lockClassInfo(cls).kind); }

void ExtCore::spinWaitDispatching(uint8_t t) {
  lockEvent(Ev::Wait, dispatchingClass(cfg_, *s_, t), t);
}

void ExtCore::scxError(ErrorKind k, uint8_t where) {
  emit(Ev::Error, kNone, static_cast<uint8_t>(k), where);
  s_->scx_error = 1;
}

void ExtCore::warn(Warn w, uint8_t t) {
  emit(Ev::Error, t, static_cast<uint8_t>(ErrorKind::Warn), static_cast<uint8_t>(w));
}

// ---- variant extension points ---------------------------------------------

ExtCore::WarnCheck ExtCore::defineWarn(const char* name, const char* file, int line, const char* text) {
  return WarnCheck{internVariantWarn(VariantWarnInfo{name, file, line, text})};
}

void ExtCore::warn(WarnCheck w, uint8_t t) {
  emit(Ev::Error, t, static_cast<uint8_t>(ErrorKind::Warn), static_cast<uint8_t>(kVariantWarn), w.index);
}

Site ExtCore::defineSite(const char* label, const char* function, const char* file, int line, const char* what) {
  return internVariantSite(label, function, file, line, what);
}

ExtCore::PausePoint ExtCore::definePause(const char* label, const char* function, const char* file, int line,
                                         const char* what, std::function<void()> resume, PauseY y) {
  // two program counters per kind of y (Pc::Variant0..5)
  int k = 2 * static_cast<int>(y);
  if (variant_pauses_[k].resume) ++k;
  if (variant_pauses_[k].resume || !resume) {
    std::fprintf(stderr, "scxmc: model bug: %s defines more than 2 pause points of one kind (or one without resume)\n",
                 label);
    std::abort();
  }
  variant_pauses_[k] = VariantPause{label, std::move(resume)};
  return PausePoint{static_cast<Pc>(static_cast<int>(Pc::Variant0) + k), defineSite(label, function, file, line, what)};
}

void ExtCore::pauseAt(const PausePoint& p) {
  site(p.site);
  pause(p.pc);
}

void ExtCore::resumeVariant(int k) {
  if (k < 0 || k >= kVariantPcs || !variant_pauses_[k].resume) {
    std::fprintf(stderr, "scxmc: model bug: %s has no pause point %d\n", name(), k);
    std::abort();
  }
  variant_pauses_[k].resume();
}

// ---- locks ------------------------------------------------------------------

bool ExtCore::rqFree(uint8_t rq) const {
  for (int a = 0; a < cfg_.actors(); ++a)
    if (s_->actor[a].holds_rq == rq) return false;
  // the helper holding it inside scx_bypass's cycling (lifecycle.cpp): the
  // helper's lock word, which sits in the CPU's bypass byte (the helper has
  // no Frame); read untraced, as the model's own lock bookkeeping
  return !cfg_.lifecycle || !(untraced(s_->cpu[rq].bypassing) & kCpuBypassHeld);
}

bool ExtCore::dsqFree(uint8_t d) const {
  for (int a = 0; a < cfg_.actors(); ++a)
    if (s_->actor[a].holds_dsq == d) return false;
  return true;
}

bool ExtCore::lockRq(uint8_t rq) {
  Frame& f = fr();
  if (f.holds_rq == rq) return true;
  if (f.holds_rq != kNone) warn(Warn::TwoRqLocks);
  if (!rqFree(rq)) return lockBusy();
  // --balance-callbacks: rq_pin_lock's assert_balance_callbacks_empty
  // (sched.h:1941, 1918-1923), checked at every acquisition (a debug
  // assertion: read untraced, it decides nothing)
  if (cfg_.bal_cb && (untraced(s_->cpu[rq].rqf) & kRqBalCbQueued)) warn(Warn::BalanceCallbackPinned);
  f.holds_rq = rq;
  lockEvent(Ev::Lock, static_cast<uint8_t>(LockClass::Rq), rq);
  return true;
}

void ExtCore::unlockRq() {
  if (fr().holds_rq != kNone) lockEvent(Ev::Unlock, static_cast<uint8_t>(LockClass::Rq), fr().holds_rq);
  fr().holds_rq = kNone;
}

// A spinlock is held by another actor.  At the entry of a handler reached
// later in this step, the actor spins there (the step ends, the actor keeps
// its locks and retries the handler).  At the step's first handler the step
// is simply not enabled yet.  Anywhere else, after the handler has acted, the
// whole step is discarded and runs later once the lock is free (taking a
// lock later is always a legal schedule; docs/architecture.md notes what
// this shortcut omits).
bool ExtCore::lockBusy() {
  if (at_entry_ && !first_) paused_ = true;
  else blocked_ = true;
  return false;
}

bool ExtCore::lockDsq(uint8_t d) {
  if (isLocalDsq(d)) return true;  // rq-owned: the rq lock protects it
  if (fr().holds_dsq == d) return true;
  if (!dsqFree(d)) return lockBusy();
  fr().holds_dsq = d;
  lockEvent(Ev::Lock, static_cast<uint8_t>(LockClass::Dsq), d);
  return true;
}

void ExtCore::unlockDsq(uint8_t d) {
  if (isLocalDsq(d)) return;
  lockless();  // other CPUs may take dsq->lock from here on
  if (fr().holds_dsq != kNone) lockEvent(Ev::Unlock, static_cast<uint8_t>(LockClass::Dsq), fr().holds_dsq);
  fr().holds_dsq = kNone;
}

void ExtCore::switchRqLock(uint8_t to, Pc pc) {
  site(Site::SwitchRqLock);
  fr().x = to;
  unlockRq();
  pause(pc);
}

// ---- primitive updates ------------------------------------------------------

void ExtCore::setOpss(uint8_t t, Opss to) {
  uint8_t from = tk(t).opss;
  if (from == static_cast<uint8_t>(to)) return;
  emit(Ev::OpssWrite, t, from, static_cast<uint8_t>(to));
  // finish_dispatch's claim makes it the owner others spin on (locks.hpp);
  // the release store is made while it still owns p
  tk(t).opss = static_cast<uint8_t>(to);
  if (from == static_cast<uint8_t>(Opss::Dispatching))
    lockEvent(Ev::Unlock, dispatchingClass(cfg_, *s_, t), t);
  if (to == Opss::Dispatching) lockEvent(Ev::Lock, static_cast<uint8_t>(LockClass::DispatchingClaim), t);
  // A record made while p was QUEUED can only match this QUEUED instance: once
  // p leaves QUEUED its qseq will differ before it is QUEUED again
  // (ext.c:2081-2083), so such records are dead from now on.
  if (from == static_cast<uint8_t>(Opss::Queued)) qseqAdvance(t);
}

void ExtCore::setCustody(uint8_t t, bool on) {
  if (custody(t) == on) return;
  emit(Ev::Custody, t, on ? 1 : 0);
  setFlagBit(t, kTaskInCustody, on);
}

#ifdef SCXMC_TRACE_ACCESS
namespace {
Location flagLocation(uint8_t t, uint8_t bit) {
  switch (bit) {
    case kTaskQueued: return Location{Loc::TaskQueued, t};
    case kTaskDead: return Location{Loc::TaskDead, t};
    case kTaskSubOwned: return Location{Loc::TaskSched, t};
    case kTaskSubInit: return Location{Loc::TaskSubInit, t};
    case kTaskSubCgroup: return Location{Loc::TaskCgroup, t};
    case kTaskPolicyOther: return Location{Loc::TaskPolicy, t};
    // (--sub-fail-parent: on ext in NONE; the model's "on ext" is otherwise
    // the scx state, ENABLED, written under the same pi_lock and rq lock)
    case kTaskPunted: return Location{Loc::TaskScxState, t};
    default: return Location{Loc::TaskCustody, t};
  }
}
}  // namespace
bool ExtCore::flagBit(uint8_t t, uint8_t bit) const {
  if (trace::Recorder* r = trace::recorder()) r->virtualAccess(flagLocation(t, bit), false);
  return s_->task[t].flags.raw() & bit;
}
void ExtCore::setFlagBit(uint8_t t, uint8_t bit, bool on) {
  if (trace::Recorder* r = trace::recorder()) r->virtualAccess(flagLocation(t, bit), true);
  const uint8_t f = tk(t).flags.raw();
  tk(t).flags.setRaw(static_cast<uint8_t>(on ? f | bit : f & ~bit));
}
#endif

void ExtCore::listAdd(uint8_t d, uint8_t t, bool head) {
  DsqState& q = dq(d);
  if (head) {
    for (int i = q.n; i > 0; --i) q.q[i] = q.q[i - 1];
    q.q[0] = t;
  } else {
    q.q[q.n] = t;
  }
  ++q.n;
  ++q.nr;  // dsq_inc_nr
  emit(Ev::DsqLink, t, d);
  // A BPF iterator that saw @t before this insertion no longer owns it:
  // nldsq_cursor_lost_task()'s dsq_seq test (ext.c:617-620).
  for (int a = 0; a < cfg_.actors(); ++a) {
    Frame& f = s_->actor[a];
    if (f.pc == static_cast<uint8_t>(Pc::DsqMoveSrc) && f.t == t) f.tag = 1;
  }
}

void ExtCore::listDel(uint8_t d, uint8_t t) {
  DsqState& q = dq(d);
  int at = -1;
  for (int i = 0; i < q.n; ++i)
    if (q.q[i] == t) at = i;
  if (at < 0) {
    warn(Warn::UnlinkNotListed, t);  // scx_task_unlink_from_dsq ext.c:1761
    return;
  }
  for (int i = at; i + 1 < q.n; ++i) q.q[i] = q.q[i + 1];
  --q.n;
  q.q[q.n] = 0;
  --q.nr;  // dsq_dec_nr
  emit(Ev::DsqUnlink, t, d);
}

bool ExtCore::onList(uint8_t d, uint8_t t) const {
  const DsqState& q = s_->dsq[d];
  for (int i = 0; i < q.n; ++i)
    if (q.q[i] == t) return true;
  return false;
}

void ExtCore::setTaskCpu(uint8_t t, uint8_t c, bool waking) {
  if (tk(t).cpu == c) return;  // (try_to_wake_up tests task_cpu(p) != cpu first, core.c:4417)
  if (!waking && tk(t).on_rq == static_cast<uint8_t>(OnRq::No)) warn(Warn::SetCpuBlocked, t);  // core.c:3361
  emit(Ev::SetCpu, t, c);
  tk(t).cpu = c;
}

void ExtCore::setOnRq(uint8_t t, OnRq v) {
  if (tk(t).on_rq == static_cast<uint8_t>(v)) return;
  emit(Ev::OnRqChange, t, static_cast<uint8_t>(v));
  tk(t).on_rq = static_cast<uint8_t>(v);
}

bool ExtCore::isCurr(uint8_t t) {
  for (int c = 0; c < cfg_.cpus; ++c)
    if (cpu(c).curr == t || s_->proxy_exec[c] == t) return true;  // (proxy_exec: Config::proxy only)
  return false;
}

void ExtCore::qseqAdvance(uint8_t t) {
  // (Dropping records from every CPU's buffer is the model's bookkeeping:
  // the kernel leaves them for finish_dispatch to skip, docs/architecture.md.)
  trace::Bookkeeping bookkeeping;
  for (int c = 0; c < cfg_.cpus; ++c) {
    CpuState& cs = cpu(c);
    int k = 0;
    for (int i = 0; i < cs.nbuf; ++i) {
      BufEnt e = cs.buf[i];
      if (e.task == t && e.fresh) {
        e.fresh = 0;
        if (drop_dead_records_) {
          cs.nr_tasks = 1;  // finish_dispatch would drop it; it still counts
          continue;
        }
      }
      cs.buf[k++] = e;
    }
    for (int i = k; i < cs.nbuf; ++i) cs.buf[i] = BufEnt{};
    cs.nbuf = static_cast<uint8_t>(k);
  }
}

// find_user_dsq (ext.c:310) is an RCU hash lookup, not under the DSQ's lock;
// destroy_dsq removes the DSQ from the hash and invalidates its id under
// that lock (ext.c:5311-5327).  Every caller locks the DSQ later in the same
// step (finish_dispatch, direct dispatch, scx_dsq_move: the lock in
// scx_dispatch_enqueue; move_to_local: in consume_dispatch_q), so the
// destroy cannot run between the lookup and the lock.  On a destroyed DSQ
// the lookup therefore takes either answer: missed (the destroy came first)
// or found (it came after the lookup; the lock then meets SCX_DSQ_INVALID,
// ext.c:1628).  The second answer also covers destroys that came before the
// step began: an over-approximation whose result is the state of the first
// (an scx_error and the global DSQ, or an empty DSQ for move_to_local); only
// the reported site differs (docs/lockless.md, "Movers", M2).
bool ExtCore::lookupUserDsq(uint8_t d, uint8_t where) {
  if (!dsqInvalid(d)) return true;
  if (ch_->pick(2) == 1) return true;  // found before destroy_dsq removed it
  scxError(ErrorKind::DsqDestroyed, where);
  return false;
}

uint8_t ExtCore::targetDsq(uint8_t target, uint8_t rq, uint8_t tcpu) {
  (void)tcpu;  // one NUMA node: find_global_dsq() is the same for every CPU
  // find_dsq_for_dispatch (ext.c:1847-1876), called by direct_dispatch
  // (1941), finish_dispatch (2934), process_ddsp_deferred_locals (4490) and
  // scx_dsq_move (9285).  It takes no lock (lock_graph's acquisition context
  // skips it).
  site(Site::FindDsq);
  switch (targetKind(target)) {
    case TargetKind::Local: return rq;
    case TargetKind::LocalOn:
      if (targetArg(target) < cfg_.cpus) return targetArg(target);
      scxError(ErrorKind::BadTarget);
      return kDsqGlobal;
    case TargetKind::Global: return kDsqGlobal;
    case TargetKind::User: {
      if (targetArg(target) >= cfg_.user_dsqs) {
        scxError(ErrorKind::BadTarget);
        return kDsqGlobal;
      }
      // --destroy-dsqs: the hash lookup (ext.c:1868) may miss a destroyed
      // DSQ, "non-existent DSQ" (ext.c:1875), and find_global_dsq instead
      const uint8_t d = static_cast<uint8_t>(kDsqUser0 + targetArg(target));
      return lookupUserDsq(d, kDsqGoneLookup) ? d : kDsqGlobal;
    }
  }
  return kDsqGlobal;
}

void ExtCore::endPath() {
  HeldLock held[kMaxHeld];
  int n;
  {
    trace::Bookkeeping bookkeeping;  // (which locks the frame stands for)
    n = heldLocks(cfg_, *s_, me_, held);
  }
  for (int i = n; i-- > 0;) lockEvent(Ev::Unlock, held[i].cls, held[i].inst);
  // a task actor's path that ends in its first step never left Pc::Rest
  // (a cgroup move releases p->pi_lock itself)
  if (!isCpu(me_) && fr().pc == static_cast<uint8_t>(Pc::Rest) && op() != Op::Lifecycle)
    lockEvent(Ev::Unlock, static_cast<uint8_t>(LockClass::PiLock), static_cast<uint8_t>(me_ - cfg_.cpus));
  fr() = Frame{};
  paused_ = true;
}

// ---- the step loop ------------------------------------------------------------

bool ExtCore::step(State& s, int actor, Chooser& ch, StepLog& log) {
  s_ = &s;
  ch_ = &ch;
  log_ = &log;
  me_ = actor;
  // deferred_irq_workfn (ext.c:1008-1016) runs a CPU's deferred path in
  // hardirq context, across its steps; every other path starts in process
  // context (restCpu switches to hardirq for the tick's sched_tick part)
  // (--balance-callbacks: unless it is the balance callback, kRqInBalCb)
  // (--kicks: kick_cpus_irq_workfn between its targets, Pc::KickIrq)
  ctx_ = isCpu(actor) && s.actor[actor].pc != static_cast<uint8_t>(Pc::Rest) &&
                 ((static_cast<Op>(static_cast<uint8_t>(s.actor[actor].op)) == Op::Deferred &&
                   !(cfg_.bal_cb && (s.cpu[actor].rqf & kRqInBalCb))) ||
                  s.actor[actor].pc == static_cast<uint8_t>(Pc::KickIrq))
             ? LockCtx::Hardirq
             : LockCtx::Task;
  in_wakeup_ = false;
  blocked_ = false;
  paused_ = false;
  waited_dequeue_ = false;
  committed_ = false;
#ifdef SCXMC_TRACE_ACCESS
  trace::Recorder* rec = trace::recorder();
  if (rec) rec->begin(cfg_, &s, actor, &log);
  struct EndRecording {
    trace::Recorder* r;
    ~EndRecording() { if (r) r->end(); }
  } end_recording{rec};
#endif
  // scx_error() ends the BPF scheduler: scx_vexit (ext.c:7276) claims the
  // exit and queues the disable work (scx_disable_irq_workfn ext.c:7239 ->
  // scx_disable_workfn ext.c:6841 -> scx_root_disable).  With the lifecycle
  // modeled, the code in flight goes on (with the error's fallback, e.g.
  // find_dsq_for_dispatch's global DSQ) and the helper's disable path takes
  // over from its Enabled stage; without it the execution ends here (the
  // checker counts such a state as the scheduler's end, not as a deadlock).
  if (!cfg_.lifecycle && s.scx_error) return false;  // (the model's, not a kernel read)
  // The steppers without a Frame (the helper, the exit claimer, the NMI,
  // the cgroup.procs writer): one step from their stage in State, reported
  // to the access trace as handler `handler`.
  auto frameless = [&](uint8_t handler, void (ExtCore::*body)()) {
#ifdef SCXMC_TRACE_ACCESS
    if (trace::Recorder* r = trace::recorder()) r->handler(handler, Frame{});
#else
    (void)handler;
#endif
    scratch_ = Frame{};
    scratch_.op = static_cast<uint8_t>(Op::Lifecycle);
    first_ = true;
    at_entry_ = true;
    paused_ = true;
    (this->*body)();
    return !blocked_;
  };
  if (isHelper(actor))
    return frameless(static_cast<uint8_t>(trace::kHelperBase + untraced(s.life_pc)), &ExtCore::helperStep);
  if (isClaimer(actor))
    return frameless(static_cast<uint8_t>(trace::kClaimerBase + (untraced(s.sub_claim) & kSubClaimPcMask)),
                     &ExtCore::claimerStep);
  if (isNmi(actor))  // (LockCtx::Nmi; with --sub-scheds its claim's later stages are the claimer's handlers)
    return frameless(
        static_cast<uint8_t>(trace::kClaimerBase + (cfg_.sub_scheds ? untraced(s.sub_claim) & kSubClaimPcMask : 0)),
        &ExtCore::nmiStep);
  if (isMigrator(actor))
    return frameless(static_cast<uint8_t>(trace::kMigratorBase + (untraced(s.sub_mig) & kSubMigPcMask)),
                     &ExtCore::migratorStep);
  run();
  return !blocked_;
}

void ExtCore::run() {
  bool started = false;
  for (int guard = 0; !paused_ && !blocked_; ++guard) {
    // Past its commit point the step ends where the next handler begins:
    // the actor pauses there, keeping its locks (docs/lockless.md).
    if (started && committed_ && fr().pc != static_cast<uint8_t>(Pc::Rest)) {
      paused_ = true;
      break;
    }
    first_ = !started;
    at_entry_ = true;
    if (guard > 256) {
      std::fprintf(stderr, "scxmc: model bug: %s does not pause (pc %s)\n",
                   actorName(me_).c_str(), pcLabel(fr().pc).c_str());
      std::abort();
    }
#ifdef SCXMC_TRACE_ACCESS
    if (trace::Recorder* r = trace::recorder()) r->handler(fr().pc.raw(), fr());
#endif
    switch (static_cast<Pc>(fr().pc)) {
      case Pc::Rest:
        if (started) { paused_ = true; break; }
        if (isCpu(me_)) restCpu(); else restTask();
        break;
      case Pc::Pick: pick(); break;
      case Pc::DispatchSched: dispatchSched(); break;
      case Pc::CallDispatch: callDispatch(); break;
      case Pc::BpfDispatch: bpfDispatch(); break;
      case Pc::Flush: flush(); break;
      case Pc::FlushLink: flushLink(); break;
      case Pc::FlushRelease: flushRelease(); break;
      case Pc::AfterFlush: afterFlush(); break;
      case Pc::NoneTail: noneTail(); break;
      case Pc::PickFinish: pickFinish(); break;
      case Pc::Consume: consumeDispatchQ(); break;
      case Pc::ConsumeLocalWait: consumeLocalWait(); break;
      case Pc::ConsumeSrc:
      case Pc::ConsumeSrcWait: consumeSrc(); break;
      case Pc::MrtDst: mrtDst(); break;
      case Pc::RelockHome: relockHome(); break;
      case Pc::DtlSrc: dispatchToLocalDsqSrc(); break;
      case Pc::DsqMoveSrc: dsqMoveAtSrc(); break;
      case Pc::DsqMoveWait: dsqMoveWait(); break;
      case Pc::Deferred: deferred(); break;
      case Pc::DeqWait: deqWait(); break;
      case Pc::MqtDst: mqtDst(); break;
      case Pc::DsqMoveRemote: dsqMoveRemote(); break;
      case Pc::ChangeEnqueue: changeAndEnqueue(); break;
      case Pc::MqtBegin: mqtBegin(); break;
      case Pc::TtwuActivate: ttwuActivate(); break;
      case Pc::KickIrq: kickIrq(); break;
      case Pc::KickSyncWait: kickSyncWait(); break;
      case Pc::KickSyncSpin: kickSyncSpin(); break;
      case Pc::Variant0:
      case Pc::Variant1:
      case Pc::Variant2:
      case Pc::Variant3:
      case Pc::Variant4:
      case Pc::Variant5: resumeVariant(static_cast<uint8_t>(fr().pc) - static_cast<int>(Pc::Variant0)); break;
      case Pc::Count: std::abort();
    }
    started = true;
  }
}

void ExtCore::returnHome(Pc resume) {
  Frame& f = fr();
  if (f.holds_rq != f.home) {
    // switch_rq_lock(held, home): drop it now, take home in the next step
    f.y = static_cast<uint8_t>(resume);
    site(Site::SwitchRqLock);
    unlockRq();
    pause(Pc::RelockHome);
  } else {
    f.x = kNone;
    f.y = kNone;
    goTo(resume);
  }
}

void ExtCore::relockHome() {
  Frame& f = fr();
  if (!lockRq(f.home)) return;
  Pc resume = static_cast<Pc>(f.y);
  f.y = kNone;
  f.x = kNone;
  goTo(resume);
}

}  // namespace scxmc
