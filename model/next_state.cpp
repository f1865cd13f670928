#include "next_state.hpp"

#include <cstdio>
#include <cstdlib>

namespace scxmc {

std::string Transition::str() const {
  std::string s = std::to_string(actor) + ":";
  for (int i = 0; i < n; ++i) s += (i ? "." : "") + std::to_string(choice[i]);
  return s;
}

bool Transition::parse(const std::string& s, Transition* out) {
  const size_t colon = s.find(':');
  if (colon == std::string::npos || colon == 0) return false;
  Transition t;
  char* end = nullptr;
  const long a = std::strtol(s.c_str(), &end, 10);
  if (end != s.c_str() + colon || a < 0 || a > kMaxActors) return false;
  t.actor = static_cast<uint8_t>(a);
  size_t i = colon + 1;
  while (i < s.size()) {
    const long v = std::strtol(s.c_str() + i, &end, 10);
    const size_t used = static_cast<size_t>(end - (s.c_str() + i));
    if (used == 0 || v < 0 || v > 255 || t.n >= Chooser::kMaxDepth) return false;
    t.choice[t.n++] = static_cast<uint8_t>(v);
    i += used;
    if (i < s.size()) {
      if (s[i] != '.') return false;
      ++i;
      if (i == s.size()) return false;
    }
  }
  *out = t;
  return true;
}

void chooserOverflow(const ExtCore& m, int actor) {
  std::fprintf(stderr, "scxmc: internal error: a step of %s reached more than %d choice points\n",
               m.actorName(actor).c_str(), Chooser::kMaxDepth);
  std::abort();
}

bool applyTransition(ExtCore& m, const State& s, const Transition& tr, State* out, StepLog* log) {
  if (tr.actor >= m.config().steppers()) return false;
  Chooser ch;
  ch.force(tr.choice.data(), tr.n);
  *out = s;
  log->n = 0;
  log->overflow = false;
  if (!m.step(*out, tr.actor, ch, *log)) return false;
  // the step must have consumed exactly the recorded choices
  if (ch.depth() != tr.n || ch.mismatch()) return false;
  for (int i = 0; i < tr.n; ++i)
    if (ch.values()[i] != tr.choice[i]) return false;
  return true;
}

}  // namespace scxmc
