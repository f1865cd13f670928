// The projection of a model State onto the symbolic state (sym.hpp), used by
// the agreement test and the CTI reachability search.
#pragma once

#include <string>

#include "config.hpp"
#include "state.hpp"
#include "sym.hpp"

namespace scxmc::proofs {

// Constraints saying that the symbolic state `x` (over a finite Universe of
// cfg's size) is the projection of `s`.  Only meaningful fields are fixed
// (e.g. LD only where the task is linked).  The custody ghost is read from
// s.task[t].ghost as the custody monitor maintains it.  On a State the
// projection cannot represent (a frame names a task at a pc that is not an
// abstract pc) returns false and sets *err.
bool projectState(Universe& U, const Config& cfg, const State& s, const SymState& x, z3::expr* out,
                  std::string* err);

// The projection as a concrete symbolic state (don't-care fields take a
// default value).
bool concreteState(Universe& U, const Config& cfg, const State& s, SymState* out, std::string* err);

// A canonical string of the projection (for caching and messages).
std::string projectionKey(const Config& cfg, const State& s);

}  // namespace scxmc::proofs
