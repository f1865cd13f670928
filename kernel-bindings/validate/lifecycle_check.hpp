// The lifecycle check (docs/validation.md, "The lifecycle session"): on the
// recorded events of a version-2 trace with the lifecycle probes
// (bpf/rec_lifecycle.bpf.h), independent of the one-task replay:
//   - every recorded scx_set_task_state is a transition of the model's task
//     state machine (ScxTaskState, model/lifecycle.cpp setTaskState; the
//     kernel's scx_set_task_state, ext.c:649-680), and the task's previous
//     recorded state leads to it (a transition whose call site the compiler
//     inlined is invisible to fentry: it is inferred, and must itself be a
//     transition of the machine);
//   - ops.init_task / ops.enable / ops.disable / ops.exit_task run in the
//     task state the model runs them in;
//   - the helper's stages of each cycle come in the model's order (the
//     helperStep program: scx_root_enable_workfn, ops.init, scx_bypass(true),
//     the init and switch loops, scx_bypass(false), return; scx_root_disable,
//     scx_bypass(true), ops.exit, scx_bypass(false), return), and the enable
//     init loop's ops.init_task calls lie inside the enable's bypass;
//   - while every CPU bypasses (between scx_bypass(true)'s return and
//     scx_bypass(false)'s entry) no BPF decision callback runs
//     (ops.select_cpu / ops.enqueue / ops.dispatch: the model's
//     BypassSelect / BypassEnqueue / BypassDispatch sites), except a later
//     ops.dispatch round of a dispatch loop that began before (the bypass
//     test is at scx_dispatch_sched's entry only, inl.h:42-48).
// It also lists the lifecycle-slice model sites whose kernel code the
// recording shows running (observed, not replayed on the model).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "observable.hpp"
#include "projection.hpp"

namespace scxmc::validate {

// The model slice a site belongs to: the baseline (the checker's default
// configuration), the --lifecycle slice, the proxy-exec variant's sites,
// or the --sub-scheds slice (scx_set_task_sched .. the sub-sched exit).
// --balance-callbacks' sites, then --nmi's (scx_hardlockup, scx_vexit), then --kicks'.
enum class SiteSlice : uint8_t { Baseline, Lifecycle, ProxyExec, SubScheds, BalanceCallbacks, Nmi, Kicks };
SiteSlice siteSlice(Site s);
const char* sliceName(SiteSlice s);

struct LifecycleCheck {
  bool checked = false;       // the trace has the lifecycle probes (K_TASK_STATE)
  uint64_t transitions = 0;   // recorded scx_set_task_state calls
  uint64_t inferred = 0;      // transitions inferred between two records (inlined call sites)
  uint64_t callbacks = 0;     // init_task / enable / disable / exit_task placed against the state
  uint64_t cycles = 0;        // cycles whose helper stages were checked
  uint64_t stages = 0;        // helper stage records placed
  uint64_t bypass_windows = 0;       // windows where every CPU bypassed
  uint64_t bypass_records = 0;       // records inside them
  uint64_t bypass_later_rounds = 0;  // ops.dispatch rounds of a loop begun before bypass (not gated)
  uint64_t class_switches_to = 0;    // switching_to_scx
  uint64_t class_switches_from = 0;  // switched_from_scx
  uint64_t setscheduler = 0;         // __sched_setscheduler calls
  uint64_t forks = 0, cancelled_forks = 0, deaths = 0;
  uint64_t cgroup_moves = 0, cgroup_inits = 0, cgroup_exits = 0;
  uint64_t dsq_creates = 0, dsq_destroys = 0, error_exits = 0;
  uint64_t violations = 0;
  std::vector<std::string> first;  // the first violations, described
  SiteSet observed;                // lifecycle sites the recording shows running
};

LifecycleCheck checkLifecycle(const Projection& p);

}  // namespace scxmc::validate
