// Is a counterexample to induction reachable?  Matches concrete model
// states against a CTI's query (issue 6: "a real bug is told apart from a
// too-weak invariant").
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "config.hpp"
#include "state.hpp"
#include "theorems.hpp"

namespace scxmc::proofs {

// A state s of the configuration cfg matches a CTI when the projection of s
// is a pre-state of that CTI: it satisfies the strengthening `inv` and some
// actor's instance of the CTI's action (with some BPF / environment choices)
// fails the same conjunct or obligation from it.  (For a theorem target that
// does not follow from the strengthening: s satisfies `inv` and violates the
// target.)  Fields the projection does not fix (the witnesses) are free.
class CtiMatcher {
 public:
  CtiMatcher(SymModel& sym, const Cti& cti, const std::string& theorem, const Config& cfg,
             const std::vector<Conjunct>& inv);
  ~CtiMatcher();
  // The CTI names a query this matcher can rebuild.
  bool usable() const;
  std::string why() const;
  // *how: the concrete CTI (actor, the action's choices, the pre-state).
  bool matches(const State& s, int* actor, std::string* how);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace scxmc::proofs
