// Wakeup and enqueue: select_task_rq_scx, enqueue_task_scx,
// scx_do_enqueue_task, direct_dispatch (ext.c:1882-2228, 3628-3699).
#include "access_trace.hpp"
#include "ext_core.hpp"

namespace scxmc {

namespace {
struct Opts {
  uint8_t v[2 + 2 * kMaxCpus + kMaxUserDsqs + 2];
  int n = 0;
  void add(uint8_t x) { v[n++] = x; }
};
}  // namespace

// The verdicts a direct insert (from select_cpu or enqueue) may name, for a
// task whose rq is `rq`, under the policy bits `allow`.
static void addDirectVerdicts(const Config& cfg, const TaskState& ts, uint8_t rq, uint16_t allow, Opts& o) {
  if (allow & kVerdictLocal) o.add(makeTarget(TargetKind::Local));
  if (allow & kVerdictLocalOn)
    for (uint8_t x = 0; x < cfg.cpus; ++x)
      if (x != rq && ((ts.affinity >> x) & 1)) o.add(makeTarget(TargetKind::LocalOn, x));
  if (allow & kVerdictGlobal) o.add(makeTarget(TargetKind::Global));
  if (allow & kVerdictUser) {
    const int nu = cfg.policy.only_user_dsq0 ? 1 : cfg.user_dsqs;
    for (int d = 0; d < nu; ++d) o.add(makeTarget(TargetKind::User, static_cast<uint8_t>(d)));
  }
}

uint8_t ExtCore::bpfSelectCpu(uint8_t t, uint8_t prev_cpu, uint8_t* verdict) {
  trace::ChoiceReads choosing;  // what ops.select_cpu may return and insert
  const Policy& pol = cfg_.policy;
  uint8_t cpu = prev_cpu;
  if (!pol.select_prev_cpu) {
    uint8_t cand[kMaxCpus];
    int k = 0;
    for (uint8_t x = 0; x < cfg_.cpus; ++x)
      if (allowed(t, x)) cand[k++] = x;
    cpu = cand[ch_->pick(k)];
  }
  Opts o;
  if (pol.select_verdicts & kVerdictNone) o.add(kNone);
  addDirectVerdicts(cfg_, tk(t), cpu, pol.select_verdicts, o);
  *verdict = o.n ? o.v[ch_->pick(o.n)] : kNone;
  return cpu;
}

uint8_t ExtCore::bpfEnqueueVerdict(uint8_t t) {
  trace::ChoiceReads choosing;  // what ops.enqueue may insert
  const uint16_t allow = cfg_.policy.enqueue_verdicts;
  Opts o;
  if (allow & kVerdictKeep) o.add(kNone);
  addDirectVerdicts(cfg_, tk(t), tk(t).cpu, allow, o);
  return o.n ? o.v[ch_->pick(o.n)] : kNone;
}

uint8_t ExtCore::selectTaskRq(uint8_t t, uint8_t prev_cpu) {
  site(Site::SelectTaskRq);
  if (bypassing(tk(t).cpu)) {  // ext.c:3646: no ops.select_cpu, prev_cpu
    site(Site::BypassSelect);
    return prev_cpu;
  }
  if (cfg_.policy.has_select_cpu) {
    // ops.select_cpu runs with only p->pi_lock held; scx_bpf_dsq_insert in it
    // only records the verdict (mark_direct_dispatch).
    uint8_t verdict = kNone;
    const uint8_t cpu = bpfSelectCpu(t, prev_cpu, &verdict);
    emit(Ev::OpsSelectCpu, t, cpu, verdict);
    if (verdict != kNone) {
      site(Site::MarkDirectDispatch);
      // a verdict nobody cleared (ext.c:1906): some path forgot
      // clear_direct_dispatch
      if (tk(t).ddsp != kNone) warn(Warn::DdspPending, t);
      tk(t).ddsp = verdict;
    }
    return cpu;
  }
  // scx_select_cpu_dfl: an idle allowed CPU, if one is found, gets a
  // direct insert to SCX_DSQ_LOCAL with the default slice (ext.c:3682-3692).
  site(Site::SelectCpuDfl);
  uint8_t cand[kMaxCpus + 1];
  int k = 0;
  cand[k++] = kNone;  // none found
  {
    // the idle masks, read locklessly: "none found" is always a choice
    trace::ChoiceReads choosing;
    for (uint8_t x = 0; x < cfg_.cpus; ++x)
      if (allowed(t, x) && cpu(x).curr == kNone) cand[k++] = x;
  }
  const uint8_t found = cand[ch_->pick(k)];
  if (found == kNone) return prev_cpu;
  tk(t).ddsp = makeTarget(TargetKind::Local);
  return found;
}

void ExtCore::enqueueTask(uint8_t rq, uint8_t t, uint8_t enq_flags) {
  site(Site::EnqueueTask);
  TaskState& ts = tk(t);
  uint8_t sticky = ts.sticky;
  // An SCX-internal migration ends on arrival (ext.c:2181-2182).
  if (sticky != kNone) ts.sticky = kNone;
  // RESTORE of the running task: force the local DSQ (ext.c:2199-2202).
  if ((enq_flags & kEnqRestore) && cpu(rq).curr == t) sticky = rq;
  if (queued(t)) return;
  // set_task_runnable + QUEUED + nr_running++ (ext.c:2209-2212)
  setFlagBit(t, kTaskQueued, true);
  if (ts.on_rq != static_cast<uint8_t>(OnRq::Migrating)) emit(Ev::OpsRunnable, t, enq_flags);
  // SCX_RQ_IN_WAKEUP from here to the out: label (ext.c:2189-2190, 2223)
  in_wakeup_ = (enq_flags & kEnqWakeup) != 0;
  doEnqueueTask(rq, t, enq_flags, sticky);
  in_wakeup_ = false;
}

void ExtCore::doEnqueueTask(uint8_t rq, uint8_t t, uint8_t enq_flags, uint8_t sticky_cpu) {
  site(Site::DoEnqueue);
  if (!queued(t)) warn(Warn::EnqueueNotQueued, t);  // ext.c:2010
  // internal movements - rq migration / RESTORE: local_norefill
  if (sticky_cpu == rq) {
    dispatchEnqueue(rq, rq, t, /*apply_slice=*/false, /*clear_opss=*/false, /*head=*/false);
    return;
  }
  // (CPU offline for BPF, exiting and migration-disabled tasks take the
  //  local fallbacks at ext.c:2047-2071; not reachable here.)
  if (bypassing(rq)) {
    // the bypass DSQ (the model's GLOBAL), no ops.enqueue (ext.c:2050-2053);
    // a verdict ops.select_cpu recorded before the bypass began is dropped
    // (clear_direct_dispatch at the shared enqueue label, ext.c:2129)
    site(Site::BypassEnqueue);
    clearDirectDispatch(t);
    dispatchEnqueue(rq, kDsqGlobal, t, /*apply_slice=*/true, /*clear_opss=*/false, /*head=*/false);
    return;
  }
  if (tk(t).ddsp != kNone) {
    directDispatch(rq, t);
    return;
  }
  // BPF path: qseq++, NONE -> QUEUEING, ops.enqueue (ext.c:2076-2092)
  qseqAdvance(t);
  if (opss(t) != Opss::None) warn(Warn::EnqueueOpssNotNone, t);  // ext.c:2085
  setOpss(t, Opss::Queueing);
  const uint8_t verdict = bpfEnqueueVerdict(t);
  emit(Ev::OpsEnqueue, t, enq_flags, verdict, rq);
  bpfKick();  // --kicks: ops.enqueue on a CPU may call scx_bpf_kick_cpu (model/kick.cpp)
  if (verdict != kNone) {
    site(Site::MarkDirectDispatch);
    if (tk(t).ddsp != kNone) warn(Warn::DdspPending, t);  // ext.c:1906
    tk(t).ddsp = verdict;
    directDispatch(rq, t);
    return;
  }
  // Kept by BPF: custody, then QUEUEING -> QUEUED (release)
  site(Site::EnterCustodyEnqueue);
  setCustody(t, true);
  setOpss(t, Opss::Queued);
}

// clear_direct_dispatch ext.c:1930
void ExtCore::clearDirectDispatch(uint8_t t) { tk(t).ddsp = kNone; }

void ExtCore::directDispatch(uint8_t rq, uint8_t t) {
  site(Site::DirectDispatch);
  TaskState& ts = tk(t);
  const uint8_t d = targetDsq(ts.ddsp, rq, ts.cpu);
  if (isLocalDsq(d) && d != rq) {
    // Cannot double-lock a remote rq from the enqueue path: defer.
    site(Site::DeferRemoteLocal);
    if (opss(t) == Opss::Queueing) {
      setOpss(t, Opss::None);
    } else if (opss(t) != Opss::None) {
      warn(Warn::BadDirectOpss, t);
      setOpss(t, Opss::None);
    }
    if (ts.dsq != kNone || ts.deferred != kNone) warn(Warn::DeferredAlreadyListed, t);  // ext.c:1974
    CpuState& cs = cpu(rq);
    cs.dfq[cs.dfn++] = t;
    ts.deferred = rq;
    if (cfg_.bal_cb) scheduleDeferredLocked(rq);  // ext.c:1976
    return;
  }
  clearDirectDispatch(t);  // ext.c:1984
  dispatchEnqueue(rq, d, t, /*apply_slice=*/true, /*clear_opss=*/true, /*head=*/false);
}

// --balance-callbacks: which of the three mechanisms runs rq's deferred
// list (ext.c:1050-1088).  rq->scx.flags is only accessed under the rq lock.
void ExtCore::scheduleDeferredLocked(uint8_t rq) {
  site(Site::ScheduleDeferredLocked);
  // in the middle of a wakeup: task_woken_scx runs it (ttwuQueue)
  if (in_wakeup_) return;
  CpuState& cs = cpu(rq);
  if (cs.rqf & kRqBalCbPending) return;  // already one pending
  // in dispatch (the rq's CPU dropped its lock inside dispatch_one): let
  // the pick queue the balance callback once it is final (ext.c:1077-1080)
  if (cs.rqf & kRqInDispatch) {
    cs.rqf |= kRqBalCbPending;
    return;
  }
  // schedule_deferred: the irq_work on the rq's CPU (ext.c:1040)
  site(Site::ScheduleDeferred);
  cs.rqf |= kRqIrqWork;
}

}  // namespace scxmc
