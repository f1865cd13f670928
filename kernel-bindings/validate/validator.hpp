// Trace validation: does a behaviour of the model explain each task's
// recorded events, in order?  (docs/validation.md)
//
// Each segment (one task between ops.enable and ops.disable) is replayed on
// a one-task instance of the same ExtCore the checker explores, on the
// recording's CPUs.  Other tasks are the environment: they only appear as the
// model's CPUs doing things that log nothing about the task.  Between two
// recorded observables the search follows any number of such unobservable
// steps (a tau-closure), and each observable step must log exactly the next
// recorded observables.  The frontier is the set of model states consistent
// with the prefix so far; a segment starts from every reachable state (the
// kernel enabled the task in some state the recording did not see).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "config.hpp"
#include "ext_core.hpp"
#include "observable.hpp"
#include "projection.hpp"

namespace scxmc::validate {

struct Disagreement {
  uint32_t pid = 0;
  size_t seg = 0;           // segment index in the projection
  size_t pos = 0;           // observable index in the segment
  uint64_t seq = 0;         // seq of its record
  std::string recorded;     // describe() of the recorded observable
  std::vector<std::string> context;  // recorded observables around it
  std::vector<std::string> allowed;  // what the model offered instead
  std::string known;        // id of the documented known disagreement, or ""
};

struct CustodyCheck {
  uint64_t entries = 0;     // entries into BPF custody seen
  uint64_t dequeues = 0;    // ops.dequeue calls that ended one
  uint64_t violations = 0;
  std::vector<std::string> first;  // first few violations, described
};

struct TraceResult {
  std::string file;
  uint64_t records = 0;
  uint64_t projected_records = 0;
  uint64_t events = 0;      // observables
  uint64_t accepted = 0;
  uint64_t segments = 0;
  uint64_t segments_clean = 0;  // explained without any disagreement
  uint64_t escalated_segments = 0;  // explained better with Options::escalate_loops rounds
  std::map<std::string, uint64_t> skipped;
  uint64_t seq_gaps = 0;
  std::vector<Disagreement> disagreements;
  std::map<std::string, uint64_t> known_counts;  // known id -> count
  std::map<uint32_t, std::pair<uint64_t, uint64_t>> per_pid;  // pid -> accepted, total
  CustodyCheck custody;
  bool custody_checked = false;
  SiteSet sites;             // sites on the model steps that explained events
  std::array<uint64_t, static_cast<size_t>(ObsKind::Count)> kind_seen{};  // recorded observables by kind
};

struct Options {
  size_t max_frontier = 1 << 16;   // states kept per frontier position
  size_t max_disagreements = 20;   // kept with full context per trace
  int user_dsqs = 2;
  int dispatch_actions = 1;
  // ops.dispatch rounds per balance in the instance.  A segment that one
  // round cannot explain is replayed again with `escalate_loops` rounds (0:
  // never); the result that accepts more events is kept.  The kernel repeats
  // ops.dispatch while it dispatched something and nothing reached the local
  // DSQ, including inserts finish_dispatch drops (inl.h:92-130).
  int dispatch_loops = 1;
  int escalate_loops = 2;
  Policy policy = Policy::full();
  // Replay on the --lifecycle model (Config::lifecycle: the helper enables,
  // bypasses and disables), with the bypass phases projected
  // (ProjectOptions::bypass_phases).  Off: the baseline model, the bypass
  // phases not projected (`scxmc validate --baseline`).
  bool lifecycle = true;
  // Asked often (every 1024 interned states or frontier steps); a non-empty
  // answer (a time or memory limit, an interrupt) stops the run with
  // ValidateStopped carrying it.
  std::function<std::string()> should_stop;
};

// A limit or an interrupt stopped the validation (not an input error).
class ValidateStopped : public std::runtime_error {
 public:
  explicit ValidateStopped(const std::string& why) : std::runtime_error(why) {}
};

class Validator {
 public:
  explicit Validator(const Options& opt);
  ~Validator();
  // Throws std::runtime_error for a trace the model cannot host (CPUs).
  TraceResult run(const Projection& p, const std::string& name);

 private:
  struct Edge {
    std::vector<Obs> obs;
    uint32_t next;
    SiteSet sites;
  };
  struct Instance;
  Instance& instance(int cpus, KindMask enabled, int loops, bool lifecycle);
  const std::vector<Edge>& edges(Instance& in, uint32_t id);
  uint32_t intern(Instance& in, const State& s);
  void replaySegment(Instance& in, const Projection& p, size_t si, TraceResult* out);
  void poll();  // Options::should_stop, every 1024 calls

  uint64_t polls_ = 0;

  Options opt_;
  std::vector<std::unique_ptr<Instance>> instances_;
};

// The documented known disagreements (docs/validation.md): returns the id of
// the first rule the disagreement satisfies, or "".
std::string classify(const Projection& p, const Segment& seg, size_t pos);
std::vector<std::pair<std::string, std::string>> knownDisagreements();  // id, summary

// Custody balance on the recorded events of one segment (independent of the
// model): every entry into BPF custody is followed by exactly one
// ops.dequeue before the task runs, is enqueued again or sleeps.
void checkCustody(const Projection& p, const Segment& seg, CustodyCheck* out);

}  // namespace scxmc::validate
