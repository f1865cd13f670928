// The process's memory, as the limits compare it (issue 20).
#pragma once

#include <cstdint>
#include <cstdio>

#include <unistd.h>

namespace scxmc::support {

// Resident memory now (not the historic peak), in MiB, from
// /proc/self/statm; 0 when unknown.  A limit compared with this number
// follows what is in use: after one search frees its store, the next one
// (a ladder rung) starts from what is left, not from the earlier peak.
inline uint64_t currentRssMiB() {
  std::FILE* f = std::fopen("/proc/self/statm", "r");
  if (!f) return 0;
  unsigned long long size = 0, resident = 0;
  const int n = std::fscanf(f, "%llu %llu", &size, &resident);
  std::fclose(f);
  if (n != 2) return 0;
  const long page = sysconf(_SC_PAGESIZE);
  return resident * static_cast<uint64_t>(page > 0 ? page : 4096) / (1024 * 1024);
}

}  // namespace scxmc::support
