// SIGINT/SIGTERM (issue 20).  The first signal only sets a flag: the
// searches (checker, validator, lock graph, prove) test it at every state
// boundary, stop, report what they have as INCOMPLETE (interrupted) and exit
// 3.  A second signal ends the process at once, after removing the
// temporary output files still registered (atomic_file.hpp), with the
// default action of that signal (exit status 128 + signal in a shell).
#pragma once

#include <atomic>
#include <csignal>
#include <cstring>
#include <string>

#include <unistd.h>

namespace scxmc::support {

namespace detail {
inline volatile std::sig_atomic_t g_interrupt_signal = 0;

// Temporary files to remove if the process is ended by a second signal:
// fixed slots, written before the file is created and cleared after it is
// renamed or removed, read by the handler with async-signal-safe calls only.
constexpr int kTempSlots = 16;
constexpr int kTempPathMax = 4096;
inline char g_temp_paths[kTempSlots][kTempPathMax];
inline std::atomic<int> g_temp_used[kTempSlots];

inline void removeTemps() {
  for (int i = 0; i < kTempSlots; ++i)
    if (g_temp_used[i].load(std::memory_order_acquire) == 1) unlink(g_temp_paths[i]);
}

extern "C" inline void onInterrupt(int sig) {
  if (g_interrupt_signal) {  // the second signal: end now
    removeTemps();
    std::signal(sig, SIG_DFL);
    raise(sig);
    return;
  }
  g_interrupt_signal = sig;
}
}  // namespace detail

// Installs the handlers (once per process; idempotent).
inline void installInterruptHandlers() {
  struct sigaction sa;
  std::memset(&sa, 0, sizeof sa);
  sa.sa_handler = detail::onInterrupt;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

inline bool interrupted() { return detail::g_interrupt_signal != 0; }
inline int interruptSignal() { return detail::g_interrupt_signal; }
inline const char* interruptedReason() { return "interrupted"; }
// For tests: forget an earlier signal.
inline void clearInterrupt() { detail::g_interrupt_signal = 0; }

// Registers a temporary file for removal on a second signal; returns its
// slot (or -1 when every slot is taken: then it is only removed normally).
inline int registerTemp(const std::string& path) {
  if (path.size() >= static_cast<size_t>(detail::kTempPathMax)) return -1;
  for (int i = 0; i < detail::kTempSlots; ++i) {
    int expect = 0;
    if (detail::g_temp_used[i].compare_exchange_strong(expect, 2)) {  // 2: being written
      std::memcpy(detail::g_temp_paths[i], path.c_str(), path.size() + 1);
      detail::g_temp_used[i].store(1, std::memory_order_release);
      return i;
    }
  }
  return -1;
}
inline void unregisterTemp(int slot) {
  if (slot >= 0) detail::g_temp_used[slot].store(0, std::memory_order_release);
}

}  // namespace scxmc::support
