// The documented known disagreements between the model and recordings of
// the real kernel.  Each rule names a kernel behaviour outside the model's
// scope, with its evidence in docs/validation.md ("Known disagreements").
// A rule looks only at the recording, never at what the model allowed.
#include "validator.hpp"

namespace scxmc::validate {

namespace {

struct Rule {
  const char* id;
  const char* summary;
  bool (*test)(const Projection& p, const Segment& seg, size_t pos);
};

uint64_t seqAt(const Projection& p, const Segment& seg, size_t i) { return p.recs[seg.obs[i].rec].seq; }

// Before the cycle's first BPF decision (scx_enable runs the tasks' switch
// to ext while bypassing), or before this task's first ops.select_cpu /
// ops.enqueue in its segment (the re-enqueue when bypass ends).
bool enableBypass(const Projection& p, const Segment& seg, size_t pos) {
  // replayed on the lifecycle model, the bypass phases must be explained
  if (p.bypass_projected) return false;
  const auto* c = p.cycleOf(seqAt(p, seg, pos));
  if (c && seqAt(p, seg, pos) < c->first_decision) return true;
  // a segment opened at a wakeup (no ops.enable) begins after that re-enqueue
  if (seg.from_wakeup) return false;
  for (size_t i = 0; i < pos; ++i)
    if (seg.obs[i].k == ObsKind::Enqueue || seg.obs[i].k == ObsKind::SelectCpu) return false;
  return true;
}

// After the cycle's last BPF decision: scx_disable bypasses the BPF
// scheduler before it disables the tasks.
bool disableBypass(const Projection& p, const Segment& seg, size_t pos) {
  if (p.bypass_projected) return false;
  const auto* c = p.cycleOf(seqAt(p, seg, pos));
  return c && c->last_decision && seqAt(p, seg, pos) > c->last_decision;
}

// wake_up_new_task: the first enqueue of a forked task (ENQUEUE_INITIAL,
// sched.h:2609, no ENQUEUE_WAKEUP) is not a model path (task lifecycle).
bool forkWakeup(const Projection& p, const Segment& seg, size_t pos) {
  const size_t lo = pos >= 3 ? pos - 3 : 0;
  for (size_t i = lo; i < seg.obs.size() && i <= pos + 3; ++i) {
    const trace::Record& r = p.recs[seg.obs[i].rec];
    if (r.kind == trace::Kind::CbRunnable && (r.arg[0] & 0x80000)) return true;
    if (r.kind == trace::Kind::CbEnqueue && (r.arg[0] & 0x80000)) return true;
    if (r.kind == trace::Kind::CbSelectCpu && (r.arg[1] & 0x04)) return true;  // WF_FORK
  }
  return false;
}

// A wakeup that reached ops.running with no ops.select_cpu, ops.enqueue or
// insert in between: scx_do_enqueue_task's bypass / exiting /
// migration-disabled fallbacks to the local DSQ (ext.c:2047-2067) and
// select_task_rq_scx while bypassing (ext.c:3645-3679).
bool enqueueBypassed(const Projection&, const Segment& seg, size_t pos) {
  size_t a = pos;
  while (a > 0) {
    const ObsKind k = seg.obs[a - 1].k;
    if (k == ObsKind::SwitchOut || k == ObsKind::Quiescent) break;
    --a;
  }
  // a wakeup follows a sleep: after a quiescent without DEQUEUE_SLEEP (a
  // sched_change: set_user_nice, sched_setaffinity) the next ops.runnable
  // is its enqueue, which never skips ops.enqueue outside bypass
  if (a > 0 && seg.obs[a - 1].k == ObsKind::Quiescent && !(seg.obs[a - 1].a & kDeqSleep)) return false;
  size_t b = pos;
  while (b < seg.obs.size() && seg.obs[b].k != ObsKind::Running && seg.obs[b].k != ObsKind::SwitchIn) ++b;
  if (b == seg.obs.size()) return false;
  for (size_t i = a; i < b; ++i) {
    const ObsKind k = seg.obs[i].k;
    if (k == ObsKind::Enqueue || k == ObsKind::SelectCpu || k == ObsKind::Insert || k == ObsKind::DsqMove ||
        k == ObsKind::Dequeue)
      return false;
  }
  return true;
}

// sched_setaffinity that removes the CPU a task runs on: affine_move_task
// leaves it running and has the stopper (migration_cpu_stop) push it away,
// which the model does not offer (model/environment.cpp, restTask).
bool affinityStopper(const Projection& p, const Segment& seg, size_t pos) {
  // The stopper's signature even when ops.set_cpumask is not implemented
  // (observer): preempted with slice left, switched out, and migrated by the
  // same CPU right away (migration_cpu_stop -> move_queued_task).
  for (size_t j = pos >= 2 ? pos - 2 : 0; j <= pos && j < seg.obs.size(); ++j) {
    if (j < 2 || seg.obs[j].k != ObsKind::Migrate) continue;
    const Obs& out = seg.obs[j - 1];
    const Obs& stop = seg.obs[j - 2];
    if (out.k == ObsKind::SwitchOut && stop.k == ObsKind::Stopping && stop.a &&
        p.recs[seg.obs[j].rec].cpu == out.cpu)
      return true;
  }
  const size_t lo = pos >= 8 ? pos - 8 : 0;
  for (size_t j = lo; j < seg.obs.size() && j <= pos + 3; ++j) {
    if (seg.obs[j].k != ObsKind::SetCpumask) continue;
    // the CPU the task was running on at the change
    for (size_t i = j; i-- > 0;) {
      if (seg.obs[i].k == ObsKind::SwitchOut) break;
      if (seg.obs[i].k == ObsKind::SwitchIn) {
        if (!((seg.obs[j].a >> seg.obs[i].cpu) & 1)) return true;
        break;
      }
    }
  }
  return false;
}

// At the start of scx_disable the kfuncs that move tasks already refuse
// (the scheduler is aborting / bypassing) while ops.dispatch is still called
// a last few times: a failed scx_bpf_dsq_move followed, up to the cycle's
// last BPF decision, only by failed moves, including a failed
// scx_bpf_dsq_move_to_local of the same (non-empty) source DSQ.
bool disableRefused(const Projection& p, const Segment& seg, size_t pos) {
  const Obs& o = seg.obs[pos];
  if (o.k != ObsKind::DsqMove || o.c) return false;
  const trace::Record& r = p.recs[o.rec];
  const auto* c = p.cycleOf(r.seq);
  if (!c || !c->last_decision) return false;
  bool same_src_refused = false;
  for (uint32_t i = o.rec + 1; i < p.recs.size() && p.recs[i].seq <= c->last_decision; ++i) {
    const trace::Record& x = p.recs[i];
    if (x.kind == trace::Kind::KfDsqMove || x.kind == trace::Kind::KfDsqMoveToLocal) {
      if (x.arg[3]) return false;  // something still moved
      if (x.kind == trace::Kind::KfDsqMoveToLocal && x.arg[0] == r.arg[1]) same_src_refused = true;
    }
    if (x.kind == trace::Kind::CbRunning) return false;
  }
  return same_src_refused;
}

// scx_bpf_dsq_move fails because another CPU is consuming the task
// (nldsq_cursor_lost_task: holding_cpu, ext.c:603) after the iterator
// returned it: the other CPU's migration and ops.dequeue(0) follow.  The
// model reads the DSQ and moves in one step when the task is on the
// dispatching CPU's rq, so it does not offer this race (a finding,
// docs/validation.md).
bool dsqMoveRace(const Projection& p, const Segment& seg, size_t pos) {
  const Obs& o = seg.obs[pos];
  if (o.k != ObsKind::DsqMove || o.c) return false;
  const uint16_t cpu = p.recs[o.rec].cpu;
  bool migrated = false;
  for (size_t i = pos + 1; i < seg.obs.size() && i <= pos + 3; ++i) {
    const Obs& x = seg.obs[i];
    if (p.recs[x.rec].cpu == cpu) return false;
    if (x.k == ObsKind::Migrate) migrated = true;
    if (x.k == ObsKind::Dequeue && x.a == 0) return migrated;
  }
  return false;
}

// scx_bypass(true) turned bypass on between a wakeup's select_task_rq_scx
// (p->pi_lock only, ext.c:3628) and its enqueue_task_scx (the rq lock):
// ops.select_cpu ran, then scx_do_enqueue_task took the bypass path without
// ops.enqueue (ext.c:2050) and dropped any direct-dispatch verdict
// (clear_direct_dispatch, ext.c:2129).  The model's wakeup takes
// select_task_rq and the rq lock in one step (model/environment.cpp,
// TaskEv::Wake), so the helper's scx_bypass never runs in between: a model
// finding (docs/validation.md, finding L2).  The rule: the disagreement is
// at an ops.select_cpu, the task's next ops.runnable(WAKEUP) is followed by
// no ops.enqueue, and scx_bypass(true) began between the two (the lifecycle
// probes), or, without the probes, the cycle's last BPF decision lies
// between them.
bool selectThenBypass(const Projection& p, const Segment& seg, size_t pos) {
  const Obs& o = seg.obs[pos];
  if (o.k != ObsKind::SelectCpu) return false;
  size_t j = pos + 1;
  while (j < seg.obs.size() && seg.obs[j].k != ObsKind::Runnable) {
    if (seg.obs[j].k == ObsKind::Enqueue) return false;
    ++j;
  }
  if (j == seg.obs.size() || !(seg.obs[j].a & kEnqWakeup)) return false;
  if (j + 1 < seg.obs.size() && seg.obs[j + 1].k == ObsKind::Enqueue) return false;
  const uint64_t a = p.recs[o.rec].seq, b = p.recs[seg.obs[j].rec].seq;
  for (uint32_t i = o.rec; i < p.recs.size() && p.recs[i].seq < b; ++i)
    if (p.recs[i].kind == trace::Kind::KBypass && p.recs[i].arg[0]) return true;
  if (p.has_bypass_probes) return false;  // the probes say when bypass began
  const auto* c = p.cycleOf(a);
  return c && c->last_decision >= a && c->last_decision < b;
}

const Rule kRules[] = {
    {"enable-bypass", "scx_enable switches tasks to ext while bypassing the BPF scheduler", enableBypass},
    {"disable-bypass", "scx_disable bypasses the BPF scheduler before it disables the tasks", disableBypass},
    {"disable-refused", "scx_disable starting: task-moving kfuncs refuse before the last ops.dispatch",
     disableRefused},
    {"dsq-move-race", "scx_bpf_dsq_move lost to another CPU's consume after the iterator saw the task",
     dsqMoveRace},
    {"fork", "wake_up_new_task (ENQUEUE_INITIAL / WF_FORK): task lifecycle, not modeled", forkWakeup},
    {"affinity-stopper", "sched_setaffinity moving a running task away: migration_cpu_stop, not modeled",
     affinityStopper},
    {"enqueue-bypassed", "a wakeup that skips ops.enqueue (bypass, exiting or migration-disabled task)",
     enqueueBypassed},
    {"select-then-bypass",
     "scx_bypass turned on between a wakeup's ops.select_cpu and its enqueue (model: one step; finding L2)",
     selectThenBypass},
};

}  // namespace

std::string classify(const Projection& p, const Segment& seg, size_t pos) {
  for (const Rule& r : kRules)
    if (r.test(p, seg, pos)) return r.id;
  return "";
}

std::vector<std::pair<std::string, std::string>> knownDisagreements() {
  std::vector<std::pair<std::string, std::string>> v;
  for (const Rule& r : kRules) v.emplace_back(r.id, r.summary);
  return v;
}

}  // namespace scxmc::validate
