// `scxmc review`: what a kernel change does to the invariants and to the
// BPF-observable behaviour, relative to a base model.
//
// For a base (default linux-7.3.4) and one or more variants, all checked
// with the same configuration and limits: a matrix invariants x models
// (holds / violated / incomplete); for every invariant a variant newly
// breaks, its shortest counterexample; for every one it newly fixes, the
// base's counterexample; for one violated by both, whether the base's
// counterexample still reproduces in the variant (a review point may remove
// one counterexample and leave another); and the behaviour diff
// (behaviour_diff.hpp).
#pragma once

#include <string>
#include <vector>

namespace scxmc {

// The verb: parses its arguments, prints the report, writes --json.
// Returns the exit status: 1 a variant newly breaks an invariant, 3 something
// incomplete prevents a verdict, 2 bad usage, 0 otherwise.
int reviewMain(const std::vector<std::string>& args);

}  // namespace scxmc
