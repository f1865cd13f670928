#include "projection.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace scxmc::validate {

using trace::Kind;

// ENQUEUE_WAKEUP / ENQUEUE_RESTORE (sched.h:2597-2598), SCX_ENQ_REENQ
// (internal.h:1769); DEQUEUE_SLEEP / DEQUEUE_SAVE (sched.h:2585-2586),
// SCX_DEQ_CORE_SCHED_EXEC / SCX_DEQ_SCHED_CHANGE (internal.h:1805, 1812).
uint8_t enqFlagsToModel(uint64_t f) {
  uint8_t m = 0;
  // wake_up_new_task's ENQUEUE_INITIAL (sched.h:2609) is the model's
  // wakeup: the same ext steps (select_task_rq_scx, enqueue_task_scx).
  if (f & (0x1 | 0x80000)) m |= kEnqWakeup;
  if (f & 0x2) m |= kEnqRestore;
  if (f & (1ULL << 40)) m |= kEnqReenq;
  return m;
}

uint8_t deqFlagsToModel(uint64_t f) {
  uint8_t m = 0;
  if (f & 0x1) m |= kDeqSleep;
  if (f & 0x2) m |= kDeqSave;
  if (f & (1ULL << 33)) m |= kDeqSchedChange;
  if (f & (1ULL << 32)) m |= kDeqCoreSchedExec;
  return m;
}

uint8_t dsqToTarget(uint64_t id) {
  namespace d = trace::dsq;
  if (id == d::kLocal) return makeTarget(TargetKind::Local);
  if (id == d::kGlobal) return makeTarget(TargetKind::Global);
  if ((id & d::kLocalOn) == d::kLocalOn) {
    const uint64_t c = id & d::kLocalCpuMask;
    return c < 16 ? makeTarget(TargetKind::LocalOn, static_cast<uint8_t>(c)) : kNone;
  }
  if (id & d::kBuiltin) return kNone;
  return makeTarget(TargetKind::User, 0);
}

namespace {

struct PidState {
  int seg = -1;            // open segment
  bool enable_tail = false;  // right after ops.enable: set_weight/set_cpumask of scx_enable_task
  int pending_select = -1;   // obs index of an ops.select_cpu awaiting its return
  int pending_enqueue = -1;  // obs index of an ops.enqueue (its insert may follow)
};

bool isCallback(Kind k) { return (static_cast<uint16_t>(k) >> 8) == 0x01; }

// The first callback of a wakeup of a sleeping task: ops.select_cpu from
// try_to_wake_up / wake_up_new_task (WF_TTWU / WF_FORK, sched.h:2527-2528;
// not sched_exec's WF_EXEC, which selects for a running task), else
// ops.runnable / ops.enqueue with ENQUEUE_WAKEUP (or a fork's
// ENQUEUE_INITIAL) when select_task_rq skipped the class (one allowed CPU).
bool isWakeupAnchor(const trace::Record& r) {
  switch (r.kind) {
    case Kind::CbSelectCpu: return (r.arg[1] & (0x08 | 0x04)) != 0;
    case Kind::CbRunnable:
    case Kind::CbEnqueue: return (enqFlagsToModel(r.arg[0]) & kEnqWakeup) != 0;
    default: return false;
  }
}

bool isTaskDecision(Kind k) {
  return k == Kind::CbSelectCpu || k == Kind::CbEnqueue || k == Kind::KfDsqInsert || k == Kind::KfDsqMove;
}

// scx_bypass(sch, true) at the start of scx_disable (ext.c:6275-6405) turns
// bypass on one CPU at a time and cycles every task on that CPU's runnable
// list through an empty sched_change(DEQUEUE_SAVE | DEQUEUE_MOVE)
// (ext.c:6383): ops.dequeue(SAVE|MOVE|SCX_DEQ_SCHED_CHANGE) if the task was in
// BPF custody (ops_dequeue ext.c:2300), ops.stopping(false) if it was current
// (ext.c:2342), ops.quiescent, then ops.runnable(RESTORE) from
// enqueue_task_scx (ext.c:2211), and scx_do_enqueue_task puts it on the
// bypass DSQ without ops.enqueue (scx_bypassing, ext.c:2050).  The other CPU
// may still call ops.dispatch / ops.enqueue for a while, so the cycle's
// decision window (Projection::cycles) can outlast this task's bypass.
// The same cycling of a task that is exiting (its sched_process_exit came
// first) also ends in the local DSQ without ops.enqueue: without
// SCX_OPS_ENQ_EXITING, scx_do_enqueue_task never asks the BPF scheduler about
// an exiting task again (ext.c:2058).  The scx_enable's scx_bypass(false) at
// the start of a cycle cycles such tasks too.
// Returns, per (pid, cycle index), the seq where the task's bypass phase
// starts (the cycling's first callback, for a cycling that no BPF decision
// about the task follows in the cycle) and whether the task was exiting.
struct TaskBypass {
  uint64_t seq;
  bool exiting;
};

std::map<std::pair<uint32_t, size_t>, TaskBypass> taskBypassStarts(const Projection& p) {
  std::map<uint32_t, uint64_t> exit_seq;  // pid -> its first sched_process_exit
  for (const auto& r : p.recs)
    if (r.kind == Kind::TpProcessExit) exit_seq.emplace(r.pid, r.seq);
  std::map<uint32_t, std::vector<uint32_t>> cbs;  // pid -> indices of its callbacks and task kfuncs
  for (uint32_t i = 0; i < p.recs.size(); ++i) {
    const auto& r = p.recs[i];
    if (r.pid != 0 && (isCallback(r.kind) || isTaskDecision(r.kind))) cbs[r.pid].push_back(i);
  }
  std::map<std::pair<uint32_t, size_t>, TaskBypass> out;
  for (const auto& [pid, v] : cbs) {
    for (size_t j = 1; j < v.size(); ++j) {
      const auto& run = p.recs[v[j]];
      const auto& q = p.recs[v[j - 1]];
      if (run.kind != Kind::CbRunnable || (run.arg[0] & 0x3) != 0x2) continue;       // RESTORE, not WAKEUP
      if (q.kind != Kind::CbQuiescent || (q.arg[0] & 0x7) != 0x6) continue;          // SAVE|MOVE, not SLEEP
      if (j + 1 < v.size() && p.recs[v[j + 1]].kind == Kind::CbEnqueue) continue;   // ops.enqueue: not bypassing
      const auto* c = p.cycleOf(run.seq);
      if (!c) continue;
      bool later = false;
      for (size_t k = j + 1; k < v.size() && p.recs[v[k]].seq <= c->end_seq && !later; ++k)
        later = isTaskDecision(p.recs[v[k]].kind);
      if (later) continue;
      // A current task: enqueue_task_scx restores it to the local DSQ
      // without ops.enqueue whether or not the CPU bypasses (ext.c:2199), so
      // its cycling (with ops.stopping(false), ext.c:2342) shows no bypass;
      // sched_autogroup_exit_task's sched_move_task cycles every exiting task
      // that way.
      if (j >= 2 && p.recs[v[j - 2]].kind == Kind::CbStopping && !p.recs[v[j - 2]].arg[0]) continue;
      size_t a = j - 1;  // back over the ops.dequeue(SAVE|MOVE) of the same cycling
      if (a > 0 && p.recs[v[a - 1]].kind == Kind::CbDequeue && (p.recs[v[a - 1]].arg[0] & 0x7) == 0x6) --a;
      const size_t ci = static_cast<size_t>(c - p.cycles.data());
      const uint64_t at = p.recs[v[a]].seq;
      const auto ex = exit_seq.find(pid);
      const TaskBypass tb{at, ex != exit_seq.end() && ex->second < at};
      auto [it, fresh] = out.emplace(std::make_pair(pid, ci), tb);
      if (!fresh && at < it->second.seq) it->second = tb;
    }
  }
  // A task that is exiting (after its sched_process_exit) and wakes up (it
  // blocked in do_exit, e.g. TASK_UNINTERRUPTIBLE): unless ops.select_cpu
  // inserted it (ddsp, ext.c:2054), scx_do_enqueue_task puts it on the local
  // DSQ without ops.enqueue (PF_EXITING without SCX_OPS_ENQ_EXITING,
  // ext.c:2057-2063).  The model has no PF_EXITING: its segment ends at that
  // wakeup (its first callback), as for the exiting cycling above.
  for (const auto& [pid, v] : cbs) {
    const auto ex = exit_seq.find(pid);
    if (ex == exit_seq.end()) continue;
    for (size_t j = 0; j < v.size(); ++j) {
      const auto& run = p.recs[v[j]];
      if (run.seq < ex->second || run.kind != Kind::CbRunnable || !(run.arg[0] & 0x1)) continue;  // WAKEUP
      if (j + 1 < v.size() && p.recs[v[j + 1]].kind == Kind::CbEnqueue) continue;
      size_t a = j;
      bool direct = false;
      while (a > 0 && (p.recs[v[a - 1]].kind == Kind::CbSelectCpuRet || p.recs[v[a - 1]].kind == Kind::CbSelectCpu ||
                       p.recs[v[a - 1]].kind == Kind::KfDsqInsert)) {
        direct |= p.recs[v[a - 1]].kind == Kind::KfDsqInsert;
        --a;
        if (p.recs[v[a]].kind == Kind::CbSelectCpu) break;
      }
      if (direct) continue;
      const auto* c = p.cycleOf(run.seq);
      if (!c) continue;
      const size_t ci = static_cast<size_t>(c - p.cycles.data());
      const TaskBypass tb{p.recs[v[a]].seq, true};
      auto [it, fresh] = out.emplace(std::make_pair(pid, ci), tb);
      if (!fresh && tb.seq < it->second.seq) it->second = tb;
      break;
    }
  }
  return out;
}

}  // namespace

const Projection::Cycle* Projection::cycleOf(uint64_t seq) const {
  for (const auto& c : cycles)
    if (seq <= c.end_seq) return &c;
  return nullptr;
}

Projection project(const trace::Trace& t, const ProjectOptions& opt) {
  Projection p;
  p.header = t.header;
  p.recs = trace::sorted_by_seq(t.records);
  for (const auto& g : trace::seq_gaps(p.recs)) p.seq_gaps += g.last - g.first + 1;

  const bool observer = t.header.flags & trace::header_flags::kObserver;
  if (observer) {
    // Only the callbacks the scheduler implements are seen; kfuncs are seen
    // by fexit except scx_bpf_dsq_move (docs/trace-format.md).
    KindMask m = bit(ObsKind::Insert) | bit(ObsKind::SwitchIn) | bit(ObsKind::SwitchOut) |
                 bit(ObsKind::Migrate) | bit(ObsKind::Wakeup);
    for (const auto& r : p.recs) {
      switch (r.kind) {
        case Kind::CbSelectCpu: m |= bit(ObsKind::SelectCpu); break;
        case Kind::CbEnqueue: m |= bit(ObsKind::Enqueue); break;
        case Kind::CbDequeue: m |= bit(ObsKind::Dequeue); break;
        case Kind::CbRunnable: m |= bit(ObsKind::Runnable); break;
        case Kind::CbRunning: m |= bit(ObsKind::Running); break;
        case Kind::CbStopping: m |= bit(ObsKind::Stopping); break;
        case Kind::CbQuiescent: m |= bit(ObsKind::Quiescent); break;
        case Kind::CbSetWeight: m |= bit(ObsKind::SetWeight); break;
        case Kind::CbSetCpumask: m |= bit(ObsKind::SetCpumask); break;
        default: break;
      }
    }
    p.enabled = m;
  }

  // The sched_class policy of each pid as sched_switch shows it (prev_policy
  // / next_policy): tasks with an RT or deadline policy are not ext tasks even
  // while enabled, so their tracepoints are not the ext core's doing.
  // Tracepoints take the policy of the pid's nearest switch record (the
  // latest before, else the first after).
  std::vector<uint8_t> rt_at(p.recs.size(), 0);
  {
    auto isRt = [](uint64_t pol) { return pol == 1 || pol == 2 || pol == 6; };
    std::map<uint32_t, std::vector<std::pair<uint32_t, bool>>> sw;  // pid -> (index, rt)
    for (uint32_t i = 0; i < p.recs.size(); ++i) {
      const auto& r = p.recs[i];
      if (r.kind != Kind::TpSchedSwitch) continue;
      sw[static_cast<uint32_t>(r.arg[0])].push_back({i, isRt(r.arg[3])});
      sw[r.pid].push_back({i, isRt(r.arg[4])});
    }
    for (uint32_t i = 0; i < p.recs.size(); ++i) {
      const auto& r = p.recs[i];
      if (r.kind != Kind::TpSchedWakeup && r.kind != Kind::TpSchedMigrate) continue;
      auto it = sw.find(r.pid);
      if (it == sw.end()) continue;
      const auto& v = it->second;
      auto up = std::upper_bound(v.begin(), v.end(), std::make_pair(i, true));
      rt_at[i] = up != v.begin() ? std::prev(up)->second : v.front().second;
    }
  }
  auto isRtPolicy = [](uint64_t pol) { return pol == 1 || pol == 2 || pol == 6; };

  // Attach cycles and their decision windows.
  {
    Projection::Cycle c;
    for (const auto& r : p.recs) {
      if (r.kind == Kind::CbSelectCpu || r.kind == Kind::CbEnqueue || r.kind == Kind::CbDispatch) {
        c.first_decision = std::min(c.first_decision, r.seq);
        c.last_decision = std::max(c.last_decision, r.seq);
      }
      if (r.kind == Kind::MetaDetach) {
        c.end_seq = r.seq;
        p.cycles.push_back(c);
        c = Projection::Cycle{};
      }
    }
    c.end_seq = UINT64_MAX;
    p.cycles.push_back(c);
  }
  p.has_enable = std::any_of(p.recs.begin(), p.recs.end(), [](const trace::Record& r) { return r.kind == Kind::CbEnable; });
  // The bypass phases are projected only when ops.enable and ops.disable
  // delimit each task's segment: without ops.disable (scx_simple,
  // scx_central) nothing in the recording says when scx_disable moved the
  // task back to fair, so its later fair-class events would join the segment.
  const bool has_disable =
      std::any_of(p.recs.begin(), p.recs.end(), [](const trace::Record& r) { return r.kind == Kind::CbDisable; });
  {
    int depth = 0;
    uint64_t from = 0;
    for (const auto& r : p.recs) {
      if (r.kind == Kind::KBypass && r.arg[0]) {
        p.has_bypass_probes = true;
        if (depth++ == 0) from = r.seq;
      } else if (r.kind == Kind::KBypassRet && !r.arg[0] && depth > 0) {
        if (--depth == 0) p.bypass_windows.push_back({from, r.seq});
      }
    }
    if (depth > 0) p.bypass_windows.push_back({from, UINT64_MAX});
  }
  // ... and only with the scx_bypass probes, which bound when a CPU may be
  // bypassing (Obs::bypass_ok): without them the lifecycle model could turn
  // bypass on anywhere and explain any enqueue without ops.enqueue.
  p.bypass_projected = opt.bypass_phases && p.has_enable && has_disable && p.has_bypass_probes;
  const std::map<std::pair<uint32_t, size_t>, TaskBypass> bypassed = taskBypassStarts(p);
  // The task's records from its scx_bypass cycling on belong to its bypass
  // phase (see taskBypassStarts): the reason to count them under, or null.
  const char* kWindowBypass = "bypass phase of scx_enable/scx_disable (not projected)";
  const char* kTaskBypass = "scx_disable's scx_bypass cycled the task: its bypass phase (not modeled)";
  const char* kTaskExiting = "exiting task enqueued again without ops.enqueue (PF_EXITING, not modeled)";
  auto taskBypassed = [&](uint32_t pid, uint64_t seq) -> const char* {
    const auto* c = p.cycleOf(seq);
    if (!c) return nullptr;
    const auto it = bypassed.find({pid, static_cast<size_t>(c - p.cycles.data())});
    if (it == bypassed.end() || seq < it->second.seq) return nullptr;
    if (p.bypass_projected && !it->second.exiting) return nullptr;  // the lifecycle model has scx_bypass
    return it->second.exiting ? kTaskExiting : kTaskBypass;
  };
  if (std::getenv("SCXMC_VALIDATE_DEBUG"))
    for (const auto& [k, v] : bypassed)
      std::fprintf(stderr, "task bypass: pid %u cycle %zu from seq %llu%s\n", k.first, k.second,
                   static_cast<unsigned long long>(v.seq), v.exiting ? " (exiting)" : "");
  std::map<uint32_t, PidState> ps;
  bool attached = false;
  (void)attached;
  uint32_t cycle = 0;
  auto closeAll = [&] {
    for (auto& [pid, s] : ps) s = PidState{};
  };
  auto skip = [&](const char* why) { ++p.skipped[why]; };

  for (uint32_t i = 0; i < p.recs.size(); ++i) {
    const trace::Record& r = p.recs[i];
    const Kind k = r.kind;
    if (static_cast<uint16_t>(k) < 0x100) {
      // (the tasks' ops.enable come before META_ATTACH: the loader writes it
      // when the attach returned)
      if (k == Kind::MetaAttach) { attached = true; cycle = static_cast<uint32_t>(r.arg[0]); }
      if (k == Kind::MetaDetach) { attached = false; closeAll(); }
      skip("meta record");
      continue;
    }
    if (k == Kind::CbInit || k == Kind::CbInitRet || k == Kind::CbExit) {
      // ops.exit runs after every task left sched_ext (scx_disable_workfn):
      // close the segments of a scheduler without ops.disable.
      if (k == Kind::CbExit) closeAll();
      skip("scheduler init/exit");
      continue;
    }
    if (k == Kind::KfCreateDsq || k == Kind::KfKickCpu || k == Kind::KfDsqNrQueued ||
        k == Kind::KfDsqMoveToLocal || k == Kind::KfDsqMoveSetSlice) {
      skip("kfunc naming no task (kick, create, nr_queued, move_to_local, set_slice)");
      continue;
    }
    if (k == Kind::CbDispatch) { skip("ops.dispatch (the CPU's, not the task's; see docs)"); continue; }
    if (k == Kind::KfSelectCpuDfl) { skip("scx_bpf_select_cpu_dfl (a query)"); continue; }
    if (k == Kind::CbTick) { skip("ops.tick"); continue; }
    if (k == Kind::TpProcessFork || k == Kind::TpProcessExit) { skip("fork/exit tracepoint"); continue; }
    if (k == Kind::CbCgroupInit || k == Kind::CbCgroupExit || k == Kind::CbCgroupPrepMove ||
        k == Kind::CbCgroupMove || k == Kind::CbCgroupCancelMove) {
      skip("cgroup callback (lifecycle slice; checked by the lifecycle check, not replayed)");
      continue;
    }
    if (k == Kind::KfDestroyDsq || k == Kind::KfError) {
      skip("kfunc naming no task (destroy_dsq, error)");
      continue;
    }
    if (k == Kind::TpScxExit) { skip("scheduler init/exit"); continue; }
    if ((static_cast<uint16_t>(k) >> 8) == 0x04) {
      skip("kernel lifecycle probe (enable/disable stage, bypass, task state, fork, class switch; "
           "checked by the lifecycle check, not replayed)");
      continue;
    }
    if (k == Kind::CbInitTask || k == Kind::CbInitTaskRet || k == Kind::CbExitTask) {
      skip("task init/exit (lifecycle, not modeled)");
      continue;
    }

    const auto* cyc = p.cycleOf(r.seq);
    const bool bypass = !p.bypass_projected && cyc && (r.seq < cyc->first_decision || r.seq > cyc->last_decision);
    if (k == Kind::TpSchedSwitch) {
      if (bypass) { skip(kWindowBypass); continue; }
      bool any = false;
      const char* cut = nullptr;
      const uint32_t prev = static_cast<uint32_t>(r.arg[0]);
      for (int side = 0; side < 2; ++side) {
        const uint32_t pid = side == 0 ? prev : r.pid;
        if (pid == 0) continue;
        if (isRtPolicy(r.arg[side == 0 ? 3 : 4])) continue;
        auto it = ps.find(pid);
        if (it == ps.end() || it->second.seg < 0) continue;
        if (const char* why = taskBypassed(pid, r.seq)) { cut = why; continue; }
        it->second.enable_tail = false;
        Obs o;
        o.k = side == 0 ? ObsKind::SwitchOut : ObsKind::SwitchIn;
        o.cpu = static_cast<uint8_t>(r.cpu);
        o.rec = i;
        p.segs[it->second.seg].obs.push_back(o);
        any = true;
      }
      if (any) ++p.projected_records;
      else if (cut) skip(cut);
      else skip(isRtPolicy(r.arg[3]) || isRtPolicy(r.arg[4]) ? "tracepoint of an RT/deadline-policy task"
                                                              : "tracepoint outside sched_ext");
      continue;
    }

    if (r.pid == 0) { skip("callback naming no task"); continue; }
    if (rt_at[i]) { skip("tracepoint of an RT/deadline-policy task"); continue; }
    PidState& s = ps[r.pid];
    if (k == Kind::CbEnable) {
      Segment seg;
      seg.pid = r.pid;
      seg.cycle = cycle;
      p.segs.push_back(seg);
      s = PidState{};
      s.seg = static_cast<int>(p.segs.size()) - 1;
      s.enable_tail = true;
      skip("task enable/disable (lifecycle, not modeled)");
      continue;
    }
    if (k == Kind::CbDisable) {
      s = PidState{};
      skip("task enable/disable (lifecycle, not modeled)");
      continue;
    }
    if (bypass) { skip(kWindowBypass); continue; }
    if (const char* why = taskBypassed(r.pid, r.seq)) { skip(why); continue; }
    if (s.seg < 0 && !p.has_enable && isWakeupAnchor(r)) {
      // No ops.enable: the task's first wakeup in the cycle opens its
      // segment.  Its first callback comes before the wakeup's sched_wakeup
      // (select_task_rq, then enqueue_task, then ttwu_do_wakeup).
      Segment seg;
      seg.pid = r.pid;
      seg.cycle = cycle;
      seg.from_wakeup = true;
      p.segs.push_back(seg);
      s = PidState{};
      s.seg = static_cast<int>(p.segs.size()) - 1;
    }
    if (s.seg < 0) {
      if (!p.has_enable)
        skip(isCallback(k) ? "callback before the task's first wakeup in the cycle (no ops.enable)"
                           : "tracepoint before the task's first wakeup in the cycle (no ops.enable)");
      else
        skip(isCallback(k) ? "callback outside an enable..disable segment" : "tracepoint outside sched_ext");
      continue;
    }
    if (s.enable_tail && (k == Kind::CbSetWeight || k == Kind::CbSetCpumask)) {
      skip("task enable/disable (lifecycle, not modeled)");
      continue;
    }
    s.enable_tail = false;
    auto& obs = p.segs[s.seg].obs;
    Obs o;
    o.rec = i;
    switch (k) {
      case Kind::CbSelectCpu:
        o.k = ObsKind::SelectCpu;
        o.b = kNone;
        s.pending_select = static_cast<int>(obs.size());
        break;
      case Kind::CbSelectCpuRet:
        if (s.pending_select >= 0) {
          obs[s.pending_select].a = static_cast<uint8_t>(r.arg[0]);
          s.pending_select = -1;
          ++p.projected_records;
        } else {
          skip("unpaired ops.select_cpu return");
        }
        continue;
      case Kind::CbEnqueue:
        o.k = ObsKind::Enqueue;
        o.a = enqFlagsToModel(r.arg[0]);
        o.b = kNone;
        s.pending_enqueue = static_cast<int>(obs.size());
        obs.push_back(o);
        ++p.projected_records;
        continue;
      case Kind::KfDsqInsert: {
        const uint16_t caller = static_cast<uint16_t>(r.arg[4]);
        const uint8_t tg = dsqToTarget(r.arg[0]);
        if (caller == static_cast<uint16_t>(Kind::CbSelectCpu) && s.pending_select >= 0) {
          obs[s.pending_select].b = tg;
          ++p.projected_records;
          continue;
        }
        if (caller == static_cast<uint16_t>(Kind::CbEnqueue) && s.pending_enqueue >= 0 &&
            s.pending_enqueue + 1 == static_cast<int>(obs.size())) {
          obs[s.pending_enqueue].b = tg;
          s.pending_enqueue = -1;
          ++p.projected_records;
          continue;
        }
        o.k = ObsKind::Insert;
        o.b = tg;
        o.cpu = static_cast<uint8_t>(r.cpu);  // the dispatching CPU (SCX_DSQ_LOCAL_ON|it == LOCAL)
        break;
      }
      case Kind::CbDequeue: o.k = ObsKind::Dequeue; o.a = deqFlagsToModel(r.arg[0]); break;
      case Kind::CbRunnable: o.k = ObsKind::Runnable; o.a = enqFlagsToModel(r.arg[0]); break;
      case Kind::CbRunning: o.k = ObsKind::Running; break;
      case Kind::CbStopping: o.k = ObsKind::Stopping; o.a = r.arg[0] ? 1 : 0; break;
      case Kind::CbQuiescent: o.k = ObsKind::Quiescent; o.a = deqFlagsToModel(r.arg[0]); break;
      case Kind::CbSetWeight: o.k = ObsKind::SetWeight; break;
      case Kind::CbSetCpumask: o.k = ObsKind::SetCpumask; o.a = static_cast<uint8_t>(r.arg[0]); break;
      case Kind::KfDsqMove:
        o.k = ObsKind::DsqMove;
        o.a = dsqToTarget(r.arg[1]);
        o.b = dsqToTarget(r.arg[0]);
        o.c = r.arg[3] ? 1 : 0;
        break;
      case Kind::TpSchedWakeup: o.k = ObsKind::Wakeup; o.cpu = static_cast<uint8_t>(r.arg[0]); break;
      case Kind::TpSchedMigrate: o.k = ObsKind::Migrate; o.a = static_cast<uint8_t>(r.arg[1]); break;
      default:
        skip("other");
        continue;
    }
    if (k != Kind::KfDsqInsert) s.pending_enqueue = -1;
    obs.push_back(o);
    ++p.projected_records;
  }
  for (auto& seg : p.segs) {
    auto& obs = seg.obs;
    if (p.bypass_projected)
      for (Obs& o : obs) {
        const uint64_t q = p.recs[o.rec].seq;
        o.bypass_ok = 0;
        for (const auto& [a, b] : p.bypass_windows)
          if (q >= a && q <= b) { o.bypass_ok = 1; break; }
      }
    // scx_bpf_dsq_move to a remote local DSQ is recorded when the kfunc
    // returns, after the migration and the ops.dequeue it caused; the model
    // names the call when it is made (before move_remote_task_to_local_dsq).
    for (size_t i = 1; i < obs.size(); ++i) {
      if (obs[i].k != ObsKind::DsqMove || !obs[i].c) continue;
      size_t j = i;
      bool migrated = false;
      while (j > 0 && (obs[j - 1].k == ObsKind::Migrate || (obs[j - 1].k == ObsKind::Dequeue && obs[j - 1].a == 0)) &&
             p.recs[obs[j - 1].rec].cpu == p.recs[obs[i].rec].cpu) {
        migrated |= obs[j - 1].k == ObsKind::Migrate;
        --j;
      }
      if (migrated) std::rotate(obs.begin() + j, obs.begin() + i, obs.begin() + i + 1);
    }
    // Another CPU's ops.dispatch may insert the task and flush it to the
    // global DSQ (scx_dsq_insert_commit ext.c:8993, then scx_dispatch_enqueue
    // under the DSQ lock only, with its ops.dequeue(0)) while this CPU is
    // still finishing the path that released it (the sched_wakeup of a
    // wakeup, the sched_switch of a put_prev): these commute, and the model
    // names the first path's step as a whole.  Put that trailing tracepoint
    // before the other CPU's events.
    for (size_t i = 1; i < obs.size(); ++i) {
      if (obs[i].k != ObsKind::Wakeup && obs[i].k != ObsKind::SwitchOut) continue;
      const uint16_t y = p.recs[obs[i].rec].cpu;
      size_t j = i;
      while (j > 0 && (obs[j - 1].k == ObsKind::Insert || (obs[j - 1].k == ObsKind::Dequeue && obs[j - 1].a == 0)) &&
             p.recs[obs[j - 1].rec].cpu != y)
        --j;
      if (j < i && j > 0 && p.recs[obs[j - 1].rec].cpu == y)
        std::rotate(obs.begin() + j, obs.begin() + i, obs.begin() + i + 1);
    }
    // ttwu_runnable: sched_wakeup of a task that never left the runqueue
    // (it was preempted before it blocked) involves no ext step.
    std::vector<Obs> kept;
    bool asleep = false, woke = false;  // woke: a wakeup's callbacks seen, its sched_wakeup not yet
    for (const Obs& o : obs) {
      switch (o.k) {
        case ObsKind::Quiescent: if (o.a & kDeqSleep) { asleep = true; woke = false; } break;
        case ObsKind::Stopping:
          if (!o.a && !(p.enabled & bit(ObsKind::Quiescent))) { asleep = true; woke = false; }
          break;
        case ObsKind::SelectCpu: woke = true; asleep = false; break;
        case ObsKind::Runnable:
        case ObsKind::Enqueue:
          if (o.a & kEnqWakeup) woke = true;
          asleep = false;
          break;
        case ObsKind::Running: asleep = false; break;
        default: break;
      }
      if (o.k == ObsKind::Wakeup) {
        if (!woke && !asleep) {
          ++p.skipped["sched_wakeup of a queued task (ttwu_runnable, no ext step)"];
          --p.projected_records;
          continue;
        }
        woke = false;
        asleep = false;
      }
      kept.push_back(o);
    }
    obs = std::move(kept);
  }
  // Drop empty segments.
  std::vector<Segment> kept;
  for (auto& s : p.segs)
    if (!s.obs.empty()) kept.push_back(std::move(s));
  p.segs = std::move(kept);
  return p;
}

}  // namespace scxmc::validate
