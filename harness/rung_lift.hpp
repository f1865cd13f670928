// Lifting a counterexample found on a ladder rung (a smaller configuration:
// the same CPUs, fewer tasks or user DSQs; review_ladder.hpp) to the
// requested configuration, and replaying it there.
//
// The rung's trace is re-executed in the larger model step by step.  Each
// step must have a transition of the same actor there whose successor shows
// the rung's successor: the rung's tasks, every CPU and DSQ, the rung's
// actors and the global fields equal; the extra tasks untouched by the
// step, their actors at rest.  With --lifecycle the enable/disable helper's
// loops visit every task, so a helper step of the rung may first need the
// helper's visits of the extra tasks: steps of the helper that change only
// extra tasks are inserted until the rung's step has its match.  The lifted
// trace's last step must violate the same invariant in the larger model.
//
// So a rung's verdict rests on a trace of the requested configuration that
// was executed, not on an argument about embeddings.
#pragma once

#include <string>

#include "checker.hpp"
#include "ext_core.hpp"

namespace scxmc {

struct LiftedCounterexample {
  bool ok = false;
  std::string error;    // why not (ok == false): the step that has no match
  Counterexample cex;   // the trace in the larger model (ok == true)
  std::string message;  // how its last step violates the invariant there
  int inserted = 0;     // helper steps added for the extra tasks
};

// `invariants` is the spec the rung was checked with (its monitors' ghost
// bits are part of the compared state); `id` the violated invariant.
LiftedCounterexample liftCounterexample(ExtCore& small, const Counterexample& cex, ExtCore& big,
                                        const std::string& invariants, const std::string& id);

}  // namespace scxmc
