// The theorems: custody, deq-flags, opss and dsq for every number of tasks,
// CPUs and DSQs, proved by induction over the symbolic actions with one
// shared strengthening (the protocol invariant, strengthening.cpp).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "sym_model.hpp"

namespace scxmc::proofs {

// One conjunct of an invariant: a closed formula over a state.
struct Conjunct {
  std::string id;
  std::string words;  // plain words
  std::function<z3::expr(Universe&, const SymState&)> holds;
  bool derived = false;  // implied by the strengthening (checked once), not part of it
};

struct Theorem {
  std::string id;          // the invariant id (custody, deq-flags, opss, dsq)
  std::string statement;   // what is proved, in words
  std::string assumptions; // under which assumptions, in words
  std::vector<Conjunct> targets;  // state predicates the invariant states
  // and every transition obligation tagged with `id` (sym_model.hpp)
};

const std::vector<Theorem>& theorems();
// The strengthening shared by all theorems (the protocol invariant).
const std::vector<Conjunct>& strengthening();

enum class Verdict { Proved, Failed, Unknown };
const char* verdictName(Verdict v);

// A counterexample to induction: a state satisfying the strengthening, an
// action from it, and what fails after it.
struct Cti {
  std::string action;       // action id
  std::string site;         // sites.hpp id
  std::string failed;       // conjunct id or obligation text
  std::string pre;          // the pre-state, one line per task / actor / CPU
  std::string post;         // the post-state
  std::string step;         // the action's parameters
  int tasks = 0, cpus = 0, actors = 0, dsqs = 0;  // size of the CTI's universe
  bool initial = false;     // the failure is in the initial state
  // the query, to rebuild it on concrete states (cti_match.hpp)
  int kind = -1;            // SymModel::kinds() index; -1: a state predicate
  std::string conjunct;     // the failing conjunct's id (strengthening or target)
  std::string obligation;   // or the failing obligation's words
};

struct TheoremResult {
  std::string id;
  Verdict verdict = Verdict::Unknown;
  double seconds = 0;
  std::string message;
  Cti cti;
  int queries = 0;
};

struct ProveOptions {
  unsigned timeout_ms = 10000;  // per solver query (then a finite-universe search)
  // the strengthening to use instead of strengthening() (tests: a weakened one)
  const std::vector<Conjunct>* strengthening = nullptr;
};

// Proves one theorem about `model`.
TheoremResult prove(SymModel& model, const Theorem& th, const ProveOptions& opt = {});

}  // namespace scxmc::proofs
