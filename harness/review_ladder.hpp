// The configuration ladder of `scxmc review`: smaller configurations than the
// requested one, cheapest first, where a model's check is exhaustive when
// the requested configuration is too large to exhaust.
//
// Why it is sound.  A run of a rung is a run of the requested configuration
// in which the extra tasks stay asleep where they started and the extra user
// DSQs stay empty: no actor is ever obliged to move, and every choice a rung
// offers (a task to insert, a DSQ to target) is offered by the larger
// configuration too.  With --lifecycle the enable/disable helper's loops
// also visit the extra tasks, which touches nothing the rung sees.  `scxmc
// review` does not rest on this argument: a rung decides only once its
// counterexample has been replayed on the requested configuration
// (rung_lift.hpp), and the report shows that replayed trace.  So "the base
// holds an invariant on a rung where the variant violates it" shows the
// variant breaks an invariant that held before, with the rung named.
// The rungs keep the CPU count: a task's initial mask is every CPU and its
// initial CPU is (task mod CPUs), so a run with fewer CPUs is not literally
// one of the larger machine.  With forked tasks (--fork-tasks) they keep the
// tasks too (the forked ones are the last).  The built-in `deadlock` check
// is never decided on a rung: a state without successors there may have
// some in the larger configuration.  A "holds" on a rung claims nothing
// about the larger configuration; the report says which configuration each
// verdict is about.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "checker.hpp"
#include "config.hpp"

namespace scxmc {

// Every configuration with the CPUs of `top`, at most its tasks (exactly its
// tasks with --fork-tasks) and at most its user DSQs, other than `top` itself,
// that `Config::validate` accepts; fewest tasks first, then fewest DSQs.
std::vector<Config> ladderRungs(const Config& top);

std::string rungName(const Config& c);  // "1x2x1" (tasks x CPUs x user DSQs)

class Ladder {
 public:
  Ladder(const Config& top, std::string invariants, Limits per_model)
      : rungs_(ladderRungs(top)), invariants_(std::move(invariants)), lim_(per_model) {}

  size_t size() const { return rungs_.size(); }
  const Config& config(size_t r) const { return rungs_[r]; }

  // The check of model `name` on rung r, run on first use; nullptr when the
  // rung is skipped because the same model's check was incomplete on a
  // rung it contains (a larger rung would not finish either).
  const CheckResult* result(size_t r, const std::string& name);
  // The check again with a longer time limit, if it stopped at its time
  // limit (a rung where the other model already shows a difference deserves
  // it; at most once per rung and model); else the same result.
  const CheckResult* retry(size_t r, const std::string& name, double time_limit_s);
  // The check if it has run, else nullptr (never runs it).
  const CheckResult* peek(size_t r, const std::string& name) const;
  ExtCore& model(size_t r, const std::string& name);  // after result() != nullptr

  double seconds() const { return seconds_; }  // spent searching (not what came from the cache)

  // Take linux-7.3.4's rungs from review's base cache in `dir` and store
  // them there (base_cache.hpp); "" = no cache.
  void setBaseCache(std::string dir) { cache_dir_ = std::move(dir); }
  // Whether rung r of model `name` came from the base cache.
  bool cached(size_t r, const std::string& name) const;

 private:
  struct Entry {
    std::unique_ptr<ExtCore> model;
    CheckResult res;
    bool retried = false;
    bool cached = false;
  };
  void check(size_t r, const std::string& name, const Limits& lim, Entry& e);  // runs into e.res

  std::vector<Config> rungs_;
  std::string invariants_;
  Limits lim_;
  std::map<std::pair<size_t, std::string>, Entry> done_;
  double seconds_ = 0;
  std::string cache_dir_;
};

}  // namespace scxmc
