// Which ghost bits (TaskState::ghost) each monitor owns.
#pragma once

#include <cstdint>

namespace scxmc {

inline constexpr uint8_t kGhostCustody = 1 << 0;   // custody: in BPF custody (spec)
inline constexpr uint8_t kGhostRunnable = 1 << 1;  // callback-order: runnable..quiescent
inline constexpr uint8_t kGhostRunning = 1 << 2;   // callback-order: running..stopping
inline constexpr uint8_t kGhostOwed = 1 << 3;      // callback-order: a dequeue is owed

}  // namespace scxmc
