// The model's next-state interface (in the spirit of LTSmin's PINS): given a
// state, enumerate its successors, each named by a Transition that replays it
// exactly.  Search algorithms (harness/) and trace replay use only this.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "choice.hpp"
#include "events.hpp"
#include "ext_core.hpp"
#include "state.hpp"

namespace scxmc {

struct Transition {
  uint8_t actor = 0;
  uint8_t n = 0;  // number of choices
  std::array<uint8_t, Chooser::kMaxDepth> choice{};

  std::string str() const;  // "actor:c0.c1.c2"
  static bool parse(const std::string& s, Transition* out);
};

// A step reached more choice points than a Transition can name: a model bug.
[[noreturn]] void chooserOverflow(const ExtCore& m, int actor);

// Calls fn(next, log, transition) for every enabled step of every actor.
template <class F>
void forEachSuccessor(ExtCore& m, const State& s, F&& fn) {
  Chooser ch;
  StepLog log;
  Transition tr;
  const int actors = m.config().steppers();
  for (int a = 0; a < actors; ++a) {
    ch.start();
    do {
      State next = s;
      log.n = 0;
      log.overflow = false;
      const bool ok = m.step(next, a, ch, log);
      if (ch.overflow()) chooserOverflow(m, a);
      if (ok) {
        tr.actor = static_cast<uint8_t>(a);
        tr.n = static_cast<uint8_t>(ch.depth());
        for (int i = 0; i < ch.depth(); ++i) tr.choice[i] = ch.values()[i];
        fn(next, log, tr);
      }
    } while (ch.next());
  }
}

// Re-executes one transition from `s`.  Returns false if it is not enabled
// there or its choices do not match the choice points the step reaches.
bool applyTransition(ExtCore& m, const State& s, const Transition& tr, State* out, StepLog* log);

}  // namespace scxmc
