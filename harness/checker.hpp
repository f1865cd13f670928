// Exhaustive breadth-first exploration of the model x monitors product.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "ext_core.hpp"
#include "invariant.hpp"
#include "next_state.hpp"

namespace scxmc {

// The deadlock message of a state in which only the hardlockup NMI
// (--nmi) can take a step (checker.cpp, replay.cpp).
inline constexpr const char* kDeadlockButNmi = "no actor can move but the hardlockup NMI (a lockup its claim does not resolve)";
inline constexpr const char* kDeadlockNoStep = "no actor can move";
inline constexpr const char* kDeadlockOnlyBack =
    "no actor can move on: every step leads back to this state (a spin or retry that never succeeds)";

// The steps of one state, as the deadlock rule counts them.
struct StepCount {
  uint32_t all = 0;   // enabled steps
  uint32_t nmi = 0;   // of which the hardlockup NMI's (--nmi)
  uint32_t back = 0;  // of the others, those that lead back to the same state
  uint32_t end = 0;   // of those, the helper's at LifePc::Done after the last cycle
  // One step from `from` to `to` (before the monitors touch `to`).
  void add(const Config& cfg, const State& from, const State& to, int actor);
};
// How a state ends up (the one rule of checker.cpp and replay.cpp).
enum class Stuck : uint8_t {
  No,         // some actor moves the state on, or it is the end (below)
  ErrorExit,  // no step after scx_error() ended the BPF scheduler: not a deadlock
  NoStep,     // deadlock: no actor can move
  OnlyNmi,    // deadlock: only the hardlockup NMI can (kDeadlockButNmi)
  OnlyBack,   // deadlock: every step leads back to this state (kDeadlockOnlyBack)
};
Stuck stuckOf(const Config& cfg, const State& s, const StepCount& c);
// The message of a deadlock kind (nullptr for No and ErrorExit).
const char* stuckMessage(Stuck k);

struct Limits {
  int max_depth = 0;           // 0 = unbounded
  uint64_t max_states = 0;     // 0 = unbounded (capped by the store)
  uint64_t max_memory_mib = 0; // 0 = unbounded; compared with the resident memory now (not the peak)
  double time_limit_s = 0;     // 0 = unbounded
  bool stop_at_first = false;
  int threads = 1;             // expanding threads (needs Checker::setWorkerFactory)
  bool symmetry = true;        // store one representative per renaming and per dead-field value
  bool tree_store = true;      // tree compression of the visited set (collapse_store.hpp); off: 4 bytes a part
};

struct Step {
  Transition tr;
  StepLog log;
};

struct Counterexample {
  std::vector<Step> steps;
  State final_state{};
};

enum class Status { Holds, Violated, Incomplete };
const char* statusName(Status s);

struct InvariantResult {
  std::string id;
  std::string statement;
  Status status = Status::Holds;
  bool vacuous = false;  // holds, but nothing that exercises it happened (Invariant::exercisedBy)
  std::string message;
  Counterexample cex;
  // internal: where the first violation was found
  uint64_t from = 0;
  bool from_initial = false;
  Transition tr;
};

struct Stats {
  uint64_t states = 0;
  uint64_t transitions = 0;
  int depth = 0;
  double seconds = 0;
  uint64_t peak_rss_mib = 0;
  uint64_t store_bytes = 0;
  int state_bytes = 0;
  uint64_t deadlocks = 0;
  // states where the search ends because the BPF scheduler hit scx_error():
  // 7.3.4 hands over to its disable path there (scx_vexit ext.c:7276 ->
  // scx_disable_workfn ext.c:6841), so they are not deadlocks (checker.cpp)
  uint64_t error_exits = 0;
  uint64_t subsumed = 0;       // successors not stored: a dominating state was (checker.cpp)
};

struct CheckResult {
  std::vector<InvariantResult> invariants;
  Stats stats;
  bool complete = true;          // false: a limit stopped the search
  std::string incomplete_reason;
  Limits limits;                 // what bounded the search (shown in the header)
  bool any_violated() const;
  bool any_vacuous() const;
};

// Receives every explored transition (for scenario tests and coverage).
using Observer = std::function<void(const State& from, const StepLog& log, const State& to)>;
// Like Observer, with the store indices of the source state and of the stored
// successor (`fresh`: first stored by this transition; the initial state is
// index 0).  With symmetry off the (from, tr) links of fresh states form
// concrete shortest paths (harness/lock_graph uses them).
using IndexedObserver = std::function<void(uint64_t from, const Transition& tr, const State& s,
                                           const StepLog& log, uint64_t to, bool fresh)>;

// Where a running search is: passed at the start of each BFS level and
// every few thousand expanded states (harness/cost_order.cpp prints it).
struct SearchProgress {
  int depth = 0;              // the level being expanded
  uint64_t states = 0;        // stored so far
  uint64_t level_states = 0;  // states of the level being expanded
  uint64_t level_done = 0;    // of which expanded (and merged) so far
  double seconds = 0;
  bool level_start = false;
};
using ProgressHook = std::function<void(const SearchProgress&)>;

class CollapseStore;
class Codec;

class Checker {
 public:
  Checker(ExtCore& model, InvariantList invariants, Limits limits)
      : model_(model), invs_(std::move(invariants)), limits_(limits) {}
  void setObserver(Observer o) { observer_ = std::move(o); }
  void setIndexedObserver(IndexedObserver o) { indexed_ = std::move(o); }
  void setProgress(bool on) { progress_ = on; }
  // Called on the merging thread; it may print, it must not block long.
  void setProgressHook(ProgressHook h) { hook_ = std::move(h); }
  // Makes one more instance of the model for each extra expanding thread
  // (Limits::threads).  Without it, or with an observer, the search runs on
  // one thread.  Results do not depend on the number of threads.
  void setWorkerFactory(std::function<std::unique_ptr<ExtCore>()> f) { factory_ = std::move(f); }
  CheckResult run();


 private:
  ExtCore& model_;
  InvariantList invs_;
  Limits limits_;
  CheckResult search();  // run() without its out-of-memory guard
  Observer observer_;
  IndexedObserver indexed_;
  bool progress_ = false;
  ProgressHook hook_;
  std::function<std::unique_ptr<ExtCore>()> factory_;
  // Vacuity: the invariants (bit i = invs_[i]) that apply to the
  // configuration, and those some merged step exercised.
  uint64_t vacuity_want_ = 0;
  mutable std::atomic<uint64_t> exercised_{0};

  // One explored successor, as the merge needs it.
  struct Succ {
    Transition tr;
    uint32_t notes = 0;  // 0, or 1 + index of its violations in Expansion::notes
  };
  // The violations of one successor (rare, so kept aside).
  struct Notes {
    std::vector<std::pair<int, std::string>> step;   // invariants the step violates
    std::vector<std::pair<int, std::string>> state;  // ... the (new) successor violates
    bool out_of_bounds = false;
    std::string bounds_why;
  };
  // The successors of the state being expanded, as normalized before
  // canonicalization.  Different steps of one state often lead to the same
  // state (different BPF choices or events with the same effect: 31% of the
  // steps in the default configuration's first 300,000 states); such a
  // successor is canonicalized, looked up and checked once.  Reusing the
  // first step's results for the later ones is exact: those results depend
  // only on the successor and on the visited set, which only grows, so they
  // are what the later step would have computed a moment earlier, and the
  // merge accepts results computed at any moment (checker.cpp).
  class SuccTwins {
   public:
    static constexpr uint32_t kNone = ~0u;
    void clear() { n_ = 0; }
    // The Succ index of an earlier successor equal to `s`, or kNone after
    // recording `s` as Succ index `k`.
    uint32_t find(const State& s, uint32_t k);

   private:
    struct Entry {
      uint64_t hash;
      uint32_t k;
    };
    std::vector<Entry> entries_;
    std::vector<State> states_;
    size_t n_ = 0;
  };
  struct Expansion {
    uint64_t first = 0;                     // store index of the first state
    std::vector<uint32_t> doms_end;         // per Succ: end of its dominators in `doms`
    std::vector<uint8_t> doms;              // packed dominators (see subsumption in checker.cpp)
    std::vector<uint32_t> succs_per_state;  // successors of each state, in order
    std::vector<uint8_t> stuck;             // per state: a Stuck (stuckOf)
    std::vector<Succ> succs;
    std::vector<Notes> notes;
    std::vector<uint8_t> packs;             // one packed successor per Succ
    std::vector<uint32_t> ids;              // its part indices (CollapseStore::resolve) per Succ
    std::vector<StepLog> logs;              // only for the indexed observer
    State from_state{};                     // only for the indexed observer
    std::vector<uint8_t> scratch;           // the packed state being expanded
    SuccTwins twins;                        // successors of the state being expanded
    bool failed = false;                    // std::bad_alloc while expanding (the merge stops)
    uint64_t exercised = 0;                 // invariants an expanded step exercised (vacuity)
  };
  void expandRange(ExtCore& m, const Codec& codec, const CollapseStore& store, uint64_t lo, uint64_t hi,
                   Expansion& x) const;
};

uint64_t peakRssMiB();

// Runs every monitor on the transition prev -> next (they update their ghost
// bits in `next`) and returns how invariant `k` is violated by it (its
// transition check, else its state check on `next`); "" if it holds or
// k < 0.  Used by counterexample reconstruction and by replay.
std::string stepViolation(const Config& cfg, const InvariantList& invs, int k, const State& prev,
                          const StepLog& log, State& next);

}  // namespace scxmc
