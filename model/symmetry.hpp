// Symmetry over tasks.
//
// Tasks are interchangeable: every task runs the same code, the BPF choice
// sets are closed under renaming tasks, and the invariants treat tasks
// uniformly.  canonicalizeTasks() renames the tasks of a state so that
// symmetric states get one representative: tasks are ordered by a signature
// made of everything a task is (its fields, its own actor's frame) and where
// it is (curr of which CPU, position on which DSQ, deferred list, dispatch
// buffers, which actors reference it).  Renaming rewrites every task
// reference (lists, curr, buffers, frames, holding_cpu of task actors).
#pragma once

#include "config.hpp"
#include "state.hpp"

namespace scxmc {

// Returns true if the state changed.
bool canonicalizeTasks(const Config& cfg, State& s);

// Applies the renaming old task perm[i] -> new task i (exposed for tests).
State permuteTasks(const Config& cfg, const State& s, const uint8_t* perm);

}  // namespace scxmc
