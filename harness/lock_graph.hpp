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

// A class's irq usage as lockdep records it (lockdep-design.rst, "State"):
// taken in hardirq context (IN-HARDIRQ: the class is hardirq-safe) or with
// hardirqs enabled (HARDIRQ-ON: hardirq-unsafe), with the shortest execution
// that first did so (its last step does).
enum class IrqUsage : uint8_t { InHardirq = 0, HardirqOn = 1 };
const char* irqUsageName(IrqUsage u);  // "IN-HARDIRQ-W", "HARDIRQ-ON-W"
struct LockUsage {
  uint8_t cls = 0, inst = 0;
  IrqUsage usage = IrqUsage::InHardirq;
  uint8_t actor = 0;
  std::vector<Transition> trace;
  std::string where;
  uint64_t count = 0;
  uint64_t via = 0;           // internal, as LockEdge's
  Transition last;
};

// The lockdep reports beyond order.  InvalidWait and Nmi are decided by one
// acquisition (locks.hpp checkLockContext; the shortest execution of each
// (check, class) is kept); Inconsistent is a class with both irq
// usages; SafeToUnsafe a chain of acquire edges from a hardirq-safe class
// to a hardirq-unsafe one.
enum class ContextReportKind : uint8_t { InvalidWait = 0, Nmi, Inconsistent, SafeToUnsafe };
const char* contextReportName(ContextReportKind k);  // "invalid-wait-context", ...
struct LockContextReport {
  ContextReportKind kind = ContextReportKind::InvalidWait;
  std::string why;
  // InvalidWait / Nmi: the acquisition and the shortest execution to it
  uint8_t cls = 0, inst = 0, actor = 0;
  HeldLock culprit{kNone, kNone};
  LockCtx ctx = LockCtx::Task;
  bool irqs_on = false, preempt_on = false;
  std::vector<HeldLock> held;
  std::string where;
  std::vector<Transition> trace;
  uint64_t via = 0;
  Transition last;
  // Inconsistent: {IN-HARDIRQ usage, HARDIRQ-ON usage}; SafeToUnsafe:
  // {the safe class's IN-HARDIRQ, the unsafe class's HARDIRQ-ON}, and the
  // edge chain between them
  std::vector<int> usages;    // indices into LockGraph::usages
  std::vector<int> edges;     // indices into LockGraph::edges
};

struct LockGraph {
  std::vector<LockEdge> edges;
  std::vector<LockCycle> cycles;
  std::vector<LockUsage> usages;
  std::vector<LockContextReport> reports;
  CheckResult check;       // the exploration (its completeness and figures)
};

// Explores every execution within the model's bounds (symmetry off, so that
// every stored path is concrete) and builds the graph.
LockGraph buildLockGraph(ExtCore& model, Limits limits, bool progress = false);

// Finds every elementary cycle (Boost.Graph tiernan_all_cycles) and every
// same-class edge that breaks sameClassAllowed.
void findLockCycles(LockGraph* g);

// Finds the Inconsistent and SafeToUnsafe reports from the usages and edges
// (keeps the per-acquisition ones).
void findContextReports(LockGraph* g);

// Re-executes a usage's trace and confirms that its last step takes the
// class with that usage; likewise a per-acquisition report's (InvalidWait,
// Nmi): its last step makes an acquisition of the class that the check
// rejects.  "" when confirmed, else why not.
std::string replayLockUsage(ExtCore& model, const LockUsage& u);
std::string replayContextReport(ExtCore& model, const LockContextReport& r);
void printContextSplat(std::ostream& o, const ExtCore& m, const LockGraph& g, const LockContextReport& r);
bool lockUsagesFromJson(const nlohmann::json& doc, std::vector<LockUsage>* usages, std::string* err);
bool lockStepReportsFromJson(const nlohmann::json& doc, std::vector<LockContextReport>* reports, std::string* err);

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
