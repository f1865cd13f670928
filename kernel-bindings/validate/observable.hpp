// Observables: what a recorded kernel trace and a model step have in common.
//
// An observable is one event about one task that both sides can name: a BPF
// callback with its flags, a kfunc call with its target, or a scheduler
// tracepoint.  The recorded side (projection.cpp) builds them from trace
// records of one pid; the model side (fromStepLog) from the events one
// ExtCore step logged for the model's task 0.  Validation asks whether a
// behaviour of the model produces the recorded sequence (validator.hpp).
#pragma once

#include <bitset>
#include <cstdint>
#include <string>
#include <vector>

#include "events.hpp"
#include "state.hpp"

namespace scxmc::validate {

enum class ObsKind : uint8_t {
  SelectCpu,   // ops.select_cpu: a = returned cpu, b = direct-insert target or kNone
  Enqueue,     // ops.enqueue: a = enq flags (model bits), b = direct-insert target or kNone (kept)
  Insert,      // scx_bpf_dsq_insert from ops.dispatch: b = target (model: kNone until the claim), cpu = dispatching CPU
  Dequeue,     // ops.dequeue: a = deq flags (model bits)
  Runnable,    // ops.runnable: a = enq flags
  Running,     // ops.running
  Stopping,    // ops.stopping: a = runnable
  Quiescent,   // ops.quiescent: a = deq flags
  SetWeight,   // ops.set_weight
  SetCpumask,  // ops.set_cpumask: a = mask
  DsqMove,     // scx_bpf_dsq_move: a = source (user DSQ), b = target, c = result
  SwitchIn,    // sched_switch to the task: cpu
  SwitchOut,   // sched_switch away from the task: cpu
  Migrate,     // sched_migrate_task (set_task_cpu): a = destination cpu
  Wakeup,      // sched_wakeup (ttwu_do_wakeup): cpu = task_cpu
  Count
};

struct Obs {
  ObsKind k = ObsKind::Count;
  uint8_t cpu = kNone;  // Switch*: the CPU; Enqueue/Wakeup: task_cpu at the time
  uint8_t a = 0, b = 0, c = 0;
  // recorded side, with the lifecycle probes: 0 when the record lies outside
  // every scx_bypass window (from scx_bypass(true)'s entry to
  // scx_bypass(false)'s return), so that no CPU may be bypassing after it
  uint8_t bypass_ok = 1;
  uint32_t rec = UINT32_MAX;  // recorded side: index of the (first) record
};

// Bit set of ObsKind values the comparison uses (an observer trace lacks the
// callbacks its scheduler does not implement).
using KindMask = uint32_t;
inline constexpr KindMask kAllKinds = (1u << static_cast<int>(ObsKind::Count)) - 1;
inline constexpr KindMask bit(ObsKind k) { return 1u << static_cast<int>(k); }

// User DSQs are compared up to renaming: every user DSQ target is User(0).
uint8_t normalizeTarget(uint8_t target);

// Equality of a model observable `m` and a recorded one `r`.
bool matches(const Obs& m, const Obs& r);

// The observables of model task 0 in one step's log, in log order.
// `task_cpu` is task 0's CPU before the step; `actor_cpu` the CPU whose
// actor took the step (kNone for a task actor): an insert from ops.dispatch
// is that CPU's.
void fromStepLog(const StepLog& log, uint8_t task_cpu, KindMask enabled, std::vector<Obs>* out,
                 uint8_t actor_cpu = kNone);

// Sites entered in the log, as a bit set over Site.
using SiteSet = std::bitset<192>;
static_assert(static_cast<int>(Site::Count) <= 192, "SiteSet too small");
SiteSet sitesOf(const StepLog& log);

std::string obsName(ObsKind k);
std::string describe(const Obs& o);

}  // namespace scxmc::validate
