// Which ghost bits (TaskState::ghost) each monitor owns.
#pragma once

#include <cstdint>

namespace scxmc {

inline constexpr uint8_t kGhostCustody = 1 << 0;   // custody: in BPF custody (spec)
inline constexpr uint8_t kGhostRunnable = 1 << 1;  // callback-order: runnable..quiescent
inline constexpr uint8_t kGhostRunning = 1 << 2;   // callback-order: running..stopping
inline constexpr uint8_t kGhostOwed = 1 << 3;      // callback-order: a dequeue is owed

// TaskState::ghost2 (--sub-scheds only; a constant 0 without):
// sub-task-init: the task is initialized on the root / on the child (a
// successful ops.init_task of that scheduler not yet undone by its
// ops.exit_task)
inline constexpr uint8_t kGhost2InitRoot = 1 << 0;
inline constexpr uint8_t kGhost2InitChild = 1 << 1;

// State::ghost_sched (--sub-scheds only; a constant 0 without), sub-pairing:
//  kGhostSchedAttached: the root's ops.sub_attach of the child succeeded,
//    no ops.sub_detach since;
//  kGhostSchedRootCg / kGhostSchedChildCg: the root / the child holds the
//    child's cgroup (its ops.cgroup_init of it succeeded, no ops.cgroup_exit
//    since).  The root's enable and disable init and exit every cgroup; the
//    model's one cgroup besides the root's is the child's.
inline constexpr uint8_t kGhostSchedAttached = 1 << 0;
inline constexpr uint8_t kGhostSchedRootCg = 1 << 1;
inline constexpr uint8_t kGhostSchedChildCg = 1 << 2;

}  // namespace scxmc
