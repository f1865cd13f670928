#include "observable.hpp"

#include "format.hpp"

#include <cstdio>

namespace scxmc::validate {

uint8_t normalizeTarget(uint8_t target) {
  if (target == kNone) return kNone;
  if (targetKind(target) == TargetKind::User) return makeTarget(TargetKind::User, 0);
  return target;
}

// A recorded insert target `r` names the model's target `m` when the CPU it
// resolves on is `cpu`: SCX_DSQ_LOCAL_ON | that cpu is the same DSQ as
// SCX_DSQ_LOCAL (find_dsq_for_dispatch ext.c:1847); the model offers only
// the latter.
static bool sameTarget(uint8_t m, uint8_t r, uint8_t cpu) {
  if (r != kNone && targetKind(r) == TargetKind::LocalOn && targetArg(r) == cpu) r = makeTarget(TargetKind::Local);
  return m == r;
}

bool matches(const Obs& m, const Obs& r) {
  if (m.k != r.k) return false;
  switch (m.k) {
    case ObsKind::SelectCpu: return m.a == r.a && sameTarget(m.b, r.b, r.a);  // on the selected cpu
    case ObsKind::Enqueue: return m.a == r.a && sameTarget(m.b, r.b, m.cpu);  // on the task's cpu
    case ObsKind::Insert:
      // The target as the model's BPF named it (at the claim, or when the
      // insert paused); kNone: claimed in a later step, or a stale record.
      // The dispatching CPU is the recorded one: SCX_DSQ_LOCAL and
      // SCX_DSQ_LOCAL_ON|cpu resolve against it (find_dsq_for_dispatch).
      if (m.cpu != kNone && m.cpu != r.cpu) return false;
      return m.b == kNone || sameTarget(m.b, r.b, r.cpu);  // on the dispatching cpu
    case ObsKind::Running:
    case ObsKind::SetWeight:
      return true;
    case ObsKind::Dequeue:
    case ObsKind::Runnable:
    case ObsKind::Stopping:
    case ObsKind::Quiescent:
    case ObsKind::SetCpumask:
    case ObsKind::Migrate:
      return m.a == r.a;
    case ObsKind::DsqMove:
      // kNone: a failed move, which never chose its target (bpfDsqMoveTarget)
      return m.a == r.a && (m.b == kNone || m.b == r.b) && m.c == r.c;
    case ObsKind::SwitchIn:
    case ObsKind::SwitchOut:
    case ObsKind::Wakeup:
      return m.cpu == r.cpu;
    case ObsKind::Count:
      break;
  }
  return false;
}

void fromStepLog(const StepLog& log, uint8_t task_cpu, KindMask enabled, std::vector<Obs>* out, uint8_t actor_cpu) {
  out->clear();
  uint8_t tcpu = task_cpu;
  int insert_at = -1;  // this step's scx_bpf_dsq_insert of the task, if any
  auto push = [&](Obs o) {
    if (o.k == ObsKind::Insert) insert_at = static_cast<int>(out->size());
    if (enabled & bit(o.k)) out->push_back(o);
  };
  for (const Event& e : log) {
    Obs o;
    switch (e.kind) {
      case Ev::Site:
        if (static_cast<Site>(e.a) == Site::TaskWoken) {
          o.k = ObsKind::Wakeup;
          o.cpu = tcpu;
          push(o);
        }
        continue;
      case Ev::SetCpu:
        if (e.t != 0) continue;
        tcpu = e.a;
        o.k = ObsKind::Migrate;
        o.a = e.a;
        push(o);
        continue;
      case Ev::Claim:
        // finish_dispatch claimed the record with the target BPF named
        if (e.t == 0 && insert_at >= 0 && insert_at < static_cast<int>(out->size()))
          (*out)[insert_at].b = normalizeTarget(e.b);
        continue;
      case Ev::Switch:
        if (e.a == 0) { o.k = ObsKind::SwitchOut; o.cpu = e.c; push(o); }
        if (e.b == 0) { o.k = ObsKind::SwitchIn; o.cpu = e.c; push(o); }
        continue;
      default:
        break;
    }
    if (e.t != 0) continue;
    switch (e.kind) {
      case Ev::OpsSelectCpu: o.k = ObsKind::SelectCpu; o.a = e.a; o.b = normalizeTarget(e.b); break;
      case Ev::OpsEnqueue: o.k = ObsKind::Enqueue; o.a = e.a; o.b = normalizeTarget(e.b); o.cpu = tcpu; break;
      case Ev::KfInsert: o.k = ObsKind::Insert; o.b = normalizeTarget(e.a); o.cpu = actor_cpu; break;
      case Ev::OpsDequeue: o.k = ObsKind::Dequeue; o.a = e.a; break;
      case Ev::OpsRunnable: o.k = ObsKind::Runnable; o.a = e.a; break;
      case Ev::OpsRunning: o.k = ObsKind::Running; break;
      case Ev::OpsStopping: o.k = ObsKind::Stopping; o.a = e.a; break;
      case Ev::OpsQuiescent: o.k = ObsKind::Quiescent; o.a = e.a; break;
      case Ev::OpsSetWeight: o.k = ObsKind::SetWeight; break;
      case Ev::OpsSetCpumask: o.k = ObsKind::SetCpumask; o.a = e.a; break;
      case Ev::KfDsqMove:
        o.k = ObsKind::DsqMove;
        o.a = makeTarget(TargetKind::User, 0);
        o.b = normalizeTarget(e.b);
        o.c = e.c;
        break;
      default: continue;
    }
    push(o);
  }
}

SiteSet sitesOf(const StepLog& log) {
  SiteSet s;
  for (const Event& e : log)
    if (e.kind == Ev::Site) s.set(e.a);
  return s;
}

std::string obsName(ObsKind k) {
  static const char* const kNames[] = {
      "ops.select_cpu", "ops.enqueue", "dsq_insert(dispatch)", "ops.dequeue", "ops.runnable",
      "ops.running", "ops.stopping", "ops.quiescent", "ops.set_weight", "ops.set_cpumask",
      "dsq_move", "sched_switch(in)", "sched_switch(out)", "sched_migrate", "sched_wakeup"};
  static_assert(sizeof(kNames) / sizeof(kNames[0]) == static_cast<size_t>(ObsKind::Count));
  return k < ObsKind::Count ? kNames[static_cast<int>(k)] : "?";
}

// A target as the validator compares it (user DSQs up to renaming).
static std::string insertName(uint8_t t) {
  if (t == kNone) return "none";
  return targetKind(t) == TargetKind::User ? "USER" : targetName(t);
}

std::string describe(const Obs& o) {
  std::string s = obsName(o.k);
  switch (o.k) {
    case ObsKind::SelectCpu: return s + "(cpu " + std::to_string(o.a) + ", insert " + insertName(o.b) + ")";
    case ObsKind::Enqueue: return s + "(" + enqFlagsName(o.a) + ", insert " + insertName(o.b) + ")";
    case ObsKind::Runnable: return s + "(" + enqFlagsName(o.a) + ")";
    case ObsKind::Dequeue:
    case ObsKind::Quiescent: return s + "(" + deqFlagsName(o.a) + ")";
    case ObsKind::Stopping: return s + (o.a ? "(runnable)" : "(not runnable)");
    case ObsKind::SetCpumask: {
      char b[8];
      std::snprintf(b, sizeof(b), "0x%x", o.a);
      return s + "(" + b + ")";
    }
    case ObsKind::DsqMove:
      return s + "(" + insertName(o.a) + " -> " + insertName(o.b) + (o.c ? ", ok)" : ", failed)");
    case ObsKind::Migrate: return s + "(-> cpu " + std::to_string(o.a) + ")";
    case ObsKind::SwitchIn:
    case ObsKind::SwitchOut:
    case ObsKind::Wakeup: return s + "(cpu " + std::to_string(o.cpu) + ")";
    default: return s;
  }
}

}  // namespace scxmc::validate
