// Per-pid projection of a recorded trace (docs/validation.md).
//
// For each task, the records about it while it is a sched_ext task (between
// its ops.enable and ops.disable inside one attach cycle) form a segment: a
// sequence of observables in global seq order.  Records that name no task,
// or that the model has no step for, are counted by reason instead.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "observable.hpp"
#include "trace_format.hpp"

namespace scxmc::validate {

struct Segment {
  uint32_t pid = 0;
  uint32_t cycle = 0;
  // Opened at the task's first wakeup in the cycle (a scheduler without
  // ops.enable, e.g. scx_central): the task was asleep, so the replay starts
  // from the model's states where it sleeps (docs/validation.md).
  bool from_wakeup = false;
  std::vector<Obs> obs;
};

struct Projection {
  trace::Header header;
  std::vector<trace::Record> recs;  // sorted by seq
  std::vector<Segment> segs;
  KindMask enabled = kAllKinds;     // observable kinds the recording can show
  uint64_t projected_records = 0;   // records that went into an observable
  std::map<std::string, uint64_t> skipped;  // reason -> records not projected
  uint64_t seq_gaps = 0;            // seqs never recorded (drops)
  // Per attach cycle (records up to and including its META_DETACH): the seq
  // of the first and the last BPF decision callback (ops.select_cpu,
  // ops.enqueue, ops.dispatch).  Outside [first, last] the kernel was
  // bypassing the BPF scheduler (enable and disable), docs/validation.md.
  struct Cycle {
    uint64_t end_seq = UINT64_MAX;
    uint64_t first_decision = UINT64_MAX;
    uint64_t last_decision = 0;
  };
  std::vector<Cycle> cycles;
  const Cycle* cycleOf(uint64_t seq) const;
  // The scheduler implements ops.enable (a CbEnable record exists).  Without
  // it, a task's segment opens at its first wakeup in each cycle.
  bool has_enable = true;
  // The bypass phases went into the segments (ProjectOptions::bypass_phases
  // and the scheduler has ops.enable and ops.disable).
  bool bypass_projected = false;
  // The trace has the lifecycle probes' scx_bypass records (K_BYPASS): the
  // bypass windows, as [first seq, last seq] of each outermost
  // scx_bypass(true) entry .. scx_bypass(false) return.
  bool has_bypass_probes = false;
  std::vector<std::pair<uint64_t, uint64_t>> bypass_windows;
};

// Kernel flag words in the model's bit values (events.hpp).
uint8_t enqFlagsToModel(uint64_t kernel_flags);
uint8_t deqFlagsToModel(uint64_t kernel_flags);
// A kernel DSQ id as a model target (user DSQs as User(0)); kNone if invalid.
uint8_t dsqToTarget(uint64_t dsq_id);

struct ProjectOptions {
  // Project the bypass phases (the records outside a cycle's decision
  // window, and a task's own scx_bypass cycling) instead of counting them as
  // not modeled: for a replay on the --lifecycle model (Options::lifecycle),
  // whose helper bypasses, enables and disables (docs/validation.md).
  bool bypass_phases = false;
};

Projection project(const trace::Trace& t, const ProjectOptions& opt = {});

}  // namespace scxmc::validate
