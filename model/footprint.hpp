// Declared footprints: for every handler a step can run (every Pc an actor
// resumes from, and every stage of the enable/disable helper), the shared
// locations it may read and write, and where their instance comes from.
//
// The table (footprint.cpp) is the model's statement of what each piece of
// kernel code touches, the input of the granularity check and of a future
// partial-order reduction.  tests/footprint_test.cpp runs the access-traced
// model over every reachable state of several configurations and fails if
// a handler touches a location, or an instance of it, that its entry does
// not declare.  `scxmc footprints` prints the table (text or JSON).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "access_trace.hpp"
#include "config.hpp"

namespace scxmc {

inline constexpr uint8_t kFpRead = 1, kFpWrite = 2;

// Where a location's instance comes from, relative to the handler's entry:
// the actor itself (its CPU, its task, its local DSQ, its frame), a
// register (home, t, x, y, d), a global, or any instance.
inline constexpr uint8_t kScopeSelf = 1 << 0;
inline constexpr uint8_t kScopeHome = 1 << 1;
inline constexpr uint8_t kScopeT = 1 << 2;
inline constexpr uint8_t kScopeX = 1 << 3;
inline constexpr uint8_t kScopeY = 1 << 4;
inline constexpr uint8_t kScopeD = 1 << 5;
inline constexpr uint8_t kScopeGlobal = 1 << 6;
inline constexpr uint8_t kScopeAny = 1 << 7;
std::string scopeName(uint8_t scopes);

struct FootprintEntry {
  uint8_t handler;  // Pc, or trace::kHelperBase + LifePc
  Loc loc;
  uint8_t access;   // kFpRead | kFpWrite
  uint8_t scopes;   // any one of them names the instance
};

const std::vector<FootprintEntry>& declaredFootprints();
std::string handlerName(uint8_t handler);
// The table's spelling of a handler: "H(Pc::Pick)", "L(LifePc::DisTasks)".
std::string handlerId(uint8_t handler);

// The scopes that name instance `loc` for a handler entered with registers
// `hreg` (t x y d home actor, trace::Access::hreg).
uint8_t matchScopes(const Config& cfg, Location loc, const uint8_t hreg[6]);

}  // namespace scxmc
