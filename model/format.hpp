// Text for people: events as kernel-trace-like lines, states as a summary.
#pragma once

#include <string>

#include "config.hpp"
#include "events.hpp"
#include "state.hpp"

namespace scxmc {

std::string taskName(uint8_t t);                      // "p0" / "-"
std::string dsqName(uint8_t d);                       // "LOCAL[1]", "GLOBAL", "USER0"
std::string targetName(uint8_t target);               // "SCX_DSQ_LOCAL_ON|1", ...
std::string enqFlagsName(uint8_t f);
std::string deqFlagsName(uint8_t f);
const char* warnName(uint8_t w);
// One event as text; `bpf` tells whether it is BPF-visible (callback/kfunc).
std::string describeEvent(const Event& e, bool* bpf = nullptr);
// A compact description of the whole state, one line per task/CPU/DSQ.
// With the model, a variant's pause points are named by their labels.
class ExtCore;
std::string describeState(const Config& cfg, const State& s, const ExtCore* model = nullptr);
// A one-line summary of task t ("p0 QUEUED custody on USER0 cpu1 ...").
std::string describeTask(const Config& cfg, const State& s, uint8_t t);

}  // namespace scxmc
