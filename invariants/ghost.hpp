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

}  // namespace scxmc
