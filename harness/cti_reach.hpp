// Reachability of a counterexample to induction (issue 6, `scxmc prove`):
// the explicit model's reachable states at small bounds are searched for one
// whose projection is the CTI's pre-state (proofs/cti_match.hpp); a path to
// it and the violating step are replayed as a counterexample.
#pragma once

#include <string>
#include <tuple>
#include <vector>

#include "checker.hpp"
#include "theorems.hpp"

namespace scxmc {

struct CtiSearchOptions {
  // (tasks, CPUs, user DSQs), searched in this order
  std::vector<std::tuple<int, int, int>> bounds{{1, 1, 1}, {1, 2, 1}, {2, 1, 1}, {2, 2, 1}};
  size_t max_states = 200000;  // per bound
  double time_limit_s = 60;    // in all
};

struct CtiReach {
  bool searched = false;
  bool found = false;        // a reachable state is the CTI's pre-state
  bool complete = true;      // every bound was explored fully
  std::string where;         // the bound and the path length
  std::string bounds;        // what was searched
  std::string step;          // the concrete CTI step (actor, choices)
  std::string path;          // the path to the pre-state, as a trace
  bool path_replayed = false;
  // the path extended by a step that violates the theorem's invariant,
  // replayed through `scxmc replay`'s code
  bool violation = false;
  bool violation_replayed = false;
  std::string violation_message;
  std::string why;           // when not searched
};

// The exit status of a failed theorem: 1 (a real bug) when a violation of the
// theorem's invariant replays -- the CTI's own step, or the explicit
// checker's violation search (`violation_replayed`) -- else 3 (the proof is
// incomplete: the strengthening is too weak, or not an invariant).
int failedTheoremExit(const CtiReach& cti, bool violation_replayed);

CtiReach searchCti(const std::string& variant, proofs::SymModel& sym, const std::string& theorem,
                   const proofs::Cti& cti, const std::vector<proofs::Conjunct>& inv,
                   const CtiSearchOptions& opt = {});

}  // namespace scxmc
