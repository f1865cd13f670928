// The BPF-observable behaviour of a model and the difference between two.
//
// A behaviour is the sequence of sched_ext_ops callbacks one task receives
// (with their flags and, for select_cpu/enqueue, the kind of direct insert),
// up to a length bound.  Tasks run the same code, so one task per class of
// tasks that renaming CPUs and tasks makes interchangeable (the same number
// of tasks start on its CPU) stands for its class.  The explorer walks pairs
// (model state, that task's sequence so far) breadth first without symmetry
// reduction, so each sequence comes with a shortest concrete trace that
// `scxmc replay` semantics can re-execute.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "checker.hpp"

namespace scxmc {

using Callback = uint16_t;  // one callback as task 0 sees it (see callbackName)
using CallbackSeq = std::vector<Callback>;

std::string callbackName(Callback c);
std::string seqName(const CallbackSeq& s);  // "runnable(WAKEUP) enqueue(WAKEUP, keep) ..."
// The callbacks task `t` receives in one step's events, in order.
CallbackSeq callbacksOf(const StepLog& log, uint8_t t);

struct BehaviourLimits {
  int length = 6;                // longest sequence compared
  // behaviourDiffGrowing: start at this length and grow by 2 up to `length`
  // until a difference is found (0: compare at `length` only)
  int grow_from = 0;
  uint64_t max_pairs = 4'000'000;
  double time_limit_s = 60;      // 0 = none
};

struct BehaviourExample {
  CallbackSeq seq;               // allowed by `model`, not by the other one
  Counterexample trace;          // a shortest trace of `model` producing it
};

struct BehaviourDiff {
  bool complete = true;          // both explorations finished within the limits
  std::string incomplete_reason;
  int length = 0;
  uint64_t sequences_a = 0, sequences_b = 0;   // distinct sequences up to length
  uint64_t pairs_a = 0, pairs_b = 0;           // (state, sequence) pairs explored
  // Minimal distinguishing sequences: allowed by one model, not by the other,
  // while every proper prefix is allowed by both.
  std::vector<BehaviourExample> only_a, only_b;
  // behaviourDiffGrowing: the lengths compared completely, in order, and why
  // it stopped growing before the cap without a difference ("" if it did not)
  std::vector<int> lengths;
  std::string growth_stopped;
};

BehaviourDiff behaviourDiff(ExtCore& a, ExtCore& b, const BehaviourLimits& lim);
// The diff at lim.grow_from, then 2 longer each time, up to lim.length, until
// one finds a difference; lim.time_limit_s bounds the whole growth.  The
// result is the last complete comparison: a longer one that stops at a limit
// ends the growth (growth_stopped says why) without making the result
// incomplete; only an incomplete first comparison does.
BehaviourDiff behaviourDiffGrowing(ExtCore& a, ExtCore& b, const BehaviourLimits& lim);
// The tasks whose sequences are explored (one per class, see above).
std::vector<uint8_t> representativeTasks(const Config& cfg);

}  // namespace scxmc
