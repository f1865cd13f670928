// Exploration of the access-traced model (scxmc_model_traced): every
// reachable state of a configuration (symmetry-reduced, dead fields
// normalized, as the checker stores them), every step from it, and the
// State accesses the step made.  Used by tests/footprint_test.cpp only; it
// must not be linked with scxmc_model or anything above it.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <unordered_set>
#include <vector>

#include "access_trace.hpp"
#include "ext_core.hpp"
#include "next_state.hpp"
#include "pack.hpp"
#include "symmetry.hpp"

namespace scxmc::test {

struct TracedStep {
  const State* from;
  const Transition* tr;
  const StepLog* log;
  const std::vector<trace::Access>* acc;
  const std::vector<uint8_t>* handlers;
};

// Breadth-first over the canonical states; fn sees every step.  Returns the
// number of states (at most `limit`).
inline size_t exploreTraced(ExtCore& m, size_t limit, const std::function<void(const TracedStep&)>& fn) {
  const Config& cfg = m.config();
  const Codec codec(cfg);
  trace::Recorder rec;
  std::unordered_set<std::string> seen;
  std::vector<State> level{m.initial()}, next_level;
  auto key = [&](const State& s) {
    std::string b(codec.bytes(), '\0');
    canonicalPack(codec, cfg, s, true, reinterpret_cast<uint8_t*>(b.data()));
    return b;
  };
  {
    State s0 = level[0];
    m.normalizeDead(s0);
    seen.insert(key(s0));
  }
  while (!level.empty() && seen.size() < limit) {
    next_level.clear();
    for (const State& s : level) {
      trace::setRecorder(&rec);
      forEachSuccessor(m, s, [&](State& n, const StepLog& log, const Transition& tr) {
        trace::setRecorder(nullptr);
        fn(TracedStep{&s, &tr, &log, &rec.accesses(), &rec.handlers()});
        State c = n;
        m.normalizeDead(c);
        if (seen.size() < limit && seen.insert(key(c)).second) next_level.push_back(c);
        trace::setRecorder(&rec);
      });
      trace::setRecorder(nullptr);
    }
    level.swap(next_level);
  }
  return seen.size();
}

}  // namespace scxmc::test
