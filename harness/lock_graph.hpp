// The lock-order graph over every explored execution (lockdep-style: vertices
// are lock classes, an edge A -> B means some execution acquired B, or spun
// on B, while holding A), with the shortest execution that created each edge,
// and its cycles.  Built from the model's lock events (model/locks.hpp)
// during the checker's breadth-first search; cycles found with Boost.Graph.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "checker.hpp"
#include "locks.hpp"

namespace scxmc {

struct LockEdge {
  uint8_t from = 0, to = 0;   // LockClass
  bool wait = false;          // `to` was spun on (a pseudo-lock), not acquired
  // the shortest execution that created the edge; its last step creates it
  uint8_t from_inst = 0, to_inst = 0;
  uint8_t actor = 0;
  std::vector<Transition> trace;
  std::string where;          // kernel sites of the last step
  uint64_t instances = 0;     // bit (from_inst * 8 + to_inst) for every pair seen
  uint64_t count = 0;         // transitions that created it
  uint64_t via = 0;           // internal: BFS index of the last step's source
  Transition last;            // internal: the last step
};

struct LockCycle {
  std::vector<int> edges;  // indices into LockGraph::edges, in cycle order
  std::string why;         // "A -> B -> A" or the same-class rule broken
};

struct LockGraph {
  std::vector<LockEdge> edges;
  std::vector<LockCycle> cycles;
  CheckResult check;       // the exploration (its completeness and figures)
};

// Explores every execution within the model's bounds (symmetry off, so that
// every stored path is concrete) and builds the graph.
LockGraph buildLockGraph(ExtCore& model, Limits limits, bool progress = false);

// Finds every elementary cycle (Boost.Graph tiernan_all_cycles) and every
// same-class edge that breaks sameClassAllowed.
void findLockCycles(LockGraph* g);

// Re-executes an edge's trace from the initial state and confirms that its
// last step creates the edge.  "" when confirmed, else why not.
std::string replayLockEdge(ExtCore& model, const LockEdge& e);

// Output.
std::string edgeName(const LockEdge& e);  // "&rq->__lock -> &dsq->lock"
void printLockGraph(std::ostream& o, const ExtCore& m, const LockGraph& g);
void printSplat(std::ostream& o, const ExtCore& m, const LockGraph& g, const LockCycle& c);
std::string lockGraphDot(const LockGraph& g);
nlohmann::json lockGraphJson(const ExtCore& m, const LockGraph& g);
// Reads the edges (with their traces) back from lockGraphJson's output.
bool lockEdgesFromJson(const nlohmann::json& doc, std::vector<LockEdge>* edges, std::string* err);

}  // namespace scxmc
