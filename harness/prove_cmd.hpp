// scxmc prove: the Z3 proofs (proofs/) with counterexamples to induction
// checked for reachability by the explicit checker.
#pragma once

#include <string>
#include <vector>

int cmdProve(const std::vector<std::string>& args);
