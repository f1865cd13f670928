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

#include <string>

#include "config.hpp"
#include "pack.hpp"
#include "state.hpp"

namespace scxmc {

// Returns true if the state changed.
bool canonicalizeTasks(const Config& cfg, State& s);

// Applies the renaming old task perm[i] -> new task i (exposed for tests).
State permuteTasks(const Config& cfg, const State& s, const uint8_t* perm);

// Applies the renaming old CPU c -> new CPU sigma[c]: CPU and actor ids,
// local DSQs, affinity masks, dispatch verdicts naming a CPU, and the frame
// registers holding CPUs (typed by program counter).
State permuteCpus(const Config& cfg, const State& s, const uint8_t* sigma);

// Applies the renaming old user DSQ d -> new user DSQ rho[d].
State permuteUserDsqs(const Config& cfg, const State& s, const uint8_t* rho);

// The representative the explorer stores: over every renaming of CPUs and
// user DSQs (user DSQs only if the policy treats them alike), each followed
// by canonicalizeTasks, the smallest packed encoding.  With `symmetric`
// false the state is packed as it is.  Writes it
// to `out` (codec.bytes() bytes) and the chosen state to *canon if non-null.
// False if a state does not fit the codec (*err says which field).
bool canonicalPack(const Codec& codec, const Config& cfg, const State& s, bool cpus, uint8_t* out,
                   State* canon = nullptr, std::string* err = nullptr);

}  // namespace scxmc
