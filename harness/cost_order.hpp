// `scxmc check`, cheapest first (issue 21): the configurations that share the
// requested CPUs are searched in increasing cost (fewer tasks, then fewer user
// DSQs: the order of the review ladder, review_ladder.hpp), the requested
// configuration last, within one time and memory budget.  Each configuration's
// verdicts are printed as soon as it is decided, labelled with it.
//
// What a smaller configuration (a "rung") decides:
//  * a violation, once its counterexample has been replayed on the requested
//    configuration (rung_lift.hpp): the replayed trace is reported and saved,
//    and the invariant is not searched again on the larger configurations;
//    with --stop-at-first the run ends there.  A counterexample that does
//    not replay (the built-in `deadlock` and `model-bounds` never do) is
//    reported as a violation of that configuration only;
//  * "holds" only about that configuration.
// Only the requested configuration, searched to the end, makes "holds" a
// verdict about it.
//
// The budget.  --time-limit T and --max-memory M are for the whole run.
// With T > 0 the smaller configurations together get at most T/2: each at
// most min(--ladder-time, what is left of T/2), and one is skipped when less
// than a second is left; the requested configuration gets the rest of T.
// With T = 0 each smaller configuration gets --ladder-time.  M is compared,
// for every configuration, with the process's resident memory now (issue
// 20: after malloc_trim, so that what an earlier configuration freed does
// not count, support/memory.hpp), not with its historic peak: a smaller
// configuration stops when it exceeds M/2, the requested one when it
// exceeds M.  --max-depth and --max-states bound only the requested
// configuration.  A smaller configuration that contains one that
// stopped at a limit is skipped (it would not finish either).
//
// Issue 20 holds across the whole run: SIGINT/SIGTERM (support/interrupt.hpp)
// stop the configuration being searched at the next state and end the run:
// no further configuration is searched, the requested one is reported
// INCOMPLETE: interrupted (exit 3 unless a replayed violation was already
// found: 1).  std::bad_alloc in a search makes that configuration INCOMPLETE
// (out of memory), never an abort.  The "settings:" line is printed once,
// for the requested configuration; an invariant that holds on the requested
// configuration only vacuously is reported `vacuous` and the exit status is
// 3 unless --allow-vacuous.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "checker.hpp"

namespace scxmc {

struct CostOrderOptions {
  std::string variant = "linux-7.3.4";
  std::string invariants = "all";  // an --invariants spec that selectInvariants accepts
  Limits limits;                   // as given for the whole run (see above)
  double rung_time_s = 60;         // --ladder-time; 0: no smaller configurations
  bool ladder = true;              // false (--no-ladder): the requested configuration only
  bool progress = false;           // progress lines on the progress stream
  bool trace_all = false;
  bool allow_vacuous = false;      // --allow-vacuous: a vacuous "holds" on the requested configuration exits 0
};

// The time limit of the next smaller configuration: `cap` (--ladder-time)
// when `total` (--time-limit) is 0, else min(cap, total/2 - spent); 0 when
// less than a second would be left (the configuration is skipped).
double rungTimeLimit(double total_s, double cap_s, double small_spent_s);

struct CostOrderOutcome {
  int exit = 3;          // 0 the requested configuration exhausted, all hold (none vacuously, or
                         // allow_vacuous); 1 a violation; 3 otherwise
  nlohmann::json json;   // the --json document (resultJson's fields, "ladder", "summary")
};

// Runs the check of `top` (a model of the requested configuration, of
// o.variant) cheapest first; verdicts on `out`, progress lines on `progress`.
CostOrderOutcome checkCheapestFirst(ExtCore& top, const CostOrderOptions& o, std::ostream& out,
                                    std::ostream& progress);

// The remaining-levels estimate of a breadth-first search from the sizes of
// its levels so far (the last one being expanded): once the last three
// shrink, by at least 10% a level, the geometric decay of the last two
// ratios, "roughly N more levels (~S more states ...)"; else "no estimate
// (...)".  Rough: a search's levels need not shrink geometrically (the
// default configuration's leave a long thin tail).
std::string remainingEstimate(const std::vector<uint64_t>& level_sizes);

}  // namespace scxmc
