// Agreement of the symbolic relation with the executable model (issue 6):
// for concrete transitions of a small configuration,
//  forward: the projected pre/post pair is connected by a sequence of
//    symbolic actions of the same actor (at most kMaxChain; a stutter when the
//    projections are equal);
//  reverse: every symbolic successor along the same labelled path (the same
//    action kinds, actor and tasks, with the abstraction's own free choices
//    fixed, the BPF and environment decisions left free) is the projection of
//    an executable successor of the same actor from the same state.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "config.hpp"
#include "ext_core.hpp"
#include "sym_model.hpp"

namespace scxmc::proofs {

struct AgreementStats {
  int transitions = 0;   // executable transitions checked
  int distinct = 0;      // distinct projected (pre, actor, post) triples
  int stutters = 0;      // projection unchanged
  int reverse = 0;       // reverse checks done
  int max_chain = 0;     // longest decomposition found
  size_t states = 0;     // states whose successors were checked
  size_t explored = 0;   // reachable states explored (the sample's pool)
  std::vector<std::string> failures;
};

class Agreement {
 public:
  static constexpr int kMaxChain = 8;
  Agreement(SymModel& sym, const Config& cfg, bool reverse, int max_chain = kMaxChain);
  ~Agreement();
  // Checks every successor of `s` (its ghost bits maintained by the custody
  // monitor).  Returns false on a divergence (described in stats().failures).
  bool checkState(ExtCore& model, const State& s);
  const AgreementStats& stats() const { return st_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  AgreementStats st_;
};

// Runs the agreement check over the first `max_states` reachable states of
// `model` (breadth-first).  Ghost bits are maintained by the custody monitor.
AgreementStats checkAgreement(SymModel& sym, ExtCore& model, size_t max_states, bool reverse);

struct AgreementOptions {
  size_t first = 20;        // the first states in breadth-first order
  size_t sampled = 0;       // plus a seeded random sample of the states after them ...
  size_t explore = 0;       // ... among the first `explore` reachable states
  // plus the first `selected` states after the first ones (among the first
  // `explore`) that satisfy `select`
  std::function<bool(const State&)> select;
  size_t selected = 0;
  uint32_t seed = 1;
  bool reverse = false;
  size_t max_failures = 0;  // stop after this many divergences (0: never)
  int max_chain = Agreement::kMaxChain;  // longest decomposition searched
};
AgreementStats checkAgreement(SymModel& sym, ExtCore& model, const AgreementOptions& opt);

// The custody monitor stops reading a step's events at its first violation,
// so after one its ghost bit is undefined.  The symbolic ghost (G) follows
// the monitor's update rule through every event (ops.dequeue() clears it, an
// entry into custody sets it; a violation is only an obligation), and so
// does this: `next`'s ghost recomputed from `s`'s over the whole step (used
// when the monitor reports a violation, i.e. only for buggy variants).
void ghostPastViolation(const State& s, const StepLog& log, State& next);

}  // namespace scxmc::proofs
