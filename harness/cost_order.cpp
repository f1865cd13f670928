#include "cost_order.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <deque>
#include <iomanip>
#include <memory>
#include <ostream>
#include <sstream>

#include "format.hpp"
#include "interrupt.hpp"
#include "memory.hpp"
#include "report.hpp"
#include "review_ladder.hpp"
#include "rung_lift.hpp"
#include "variants.hpp"

namespace scxmc {

double rungTimeLimit(double total_s, double cap_s, double small_spent_s) {
  if (total_s <= 0) return cap_s;
  const double left = std::min(cap_s, total_s / 2 - small_spent_s);
  return left < 1 ? 0 : left;
}

std::string remainingEstimate(const std::vector<uint64_t>& sz) {
  const size_t n = sz.size();
  if (n < 3) return "no estimate (too few levels)";
  if (!(sz[n - 1] < sz[n - 2] && sz[n - 2] < sz[n - 3])) return "no estimate (the levels are not shrinking yet)";
  if (sz[n - 1] == 0) return "no estimate";
  const double r = std::sqrt(static_cast<double>(sz[n - 1]) / static_cast<double>(sz[n - 3]));
  if (r > 0.9) return "no estimate (the levels shrink by less than 10% a level)";
  const double levels = std::ceil(std::log(static_cast<double>(sz[n - 1])) / -std::log(r));
  const double states = static_cast<double>(sz[n - 1]) * r / (1 - r);
  std::ostringstream o;
  o << "roughly " << static_cast<long long>(levels) << " more levels (~" << static_cast<long long>(states)
    << " more states; the levels shrink " << static_cast<int>(std::lround((1 - r) * 100)) << "% a level)";
  return o.str();
}

namespace {

constexpr int kExitOk = 0, kExitViolation = 1, kExitIncomplete = 3;
const char* kStoppedAtFirst = "stopped at the first violation";

bool contains(const Config& big, const Config& small) {
  return big.tasks >= small.tasks && big.user_dsqs >= small.user_dsqs;
}

bool builtin(const std::string& id) { return id == "deadlock" || id == "model-bounds"; }

std::string secs(double s, int prec = 2) {
  std::ostringstream o;
  o << std::fixed << std::setprecision(prec) << s;
  return o.str();
}

std::string join(const std::vector<std::string>& v, const char* sep = ",") {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : sep) + x;
  return s;
}

// What is known about one invariant.
struct Known {
  Known(std::string i, std::string st) : id(std::move(i)), statement(std::move(st)) {}
  std::string id, statement;
  Status status = Status::Incomplete;  // Violated: on the requested configuration (replayed there)
  int holds_on = -1;                   // the last configuration (index into the order) where it holds exhaustively
                                       // (and not vacuously)
  int vacuous_on = -1;                 // the last one where it holds only vacuously (issue 20)
  int violated_on = -1;                // where its counterexample was found
  std::string message;
  Counterexample cex;                  // on the requested configuration
  size_t found_steps = 0;              // its length where it was found
  int inserted = 0;                    // helper steps the lift added
  std::vector<std::string> not_lifted; // "1x2x0: why": violations of a smaller configuration only
};

// One line on the progress stream at most every few seconds (a level's
// first line at most once a second): the configuration being searched, its
// depth, states, states/s since the last line, the resident memory now (what
// the memory limit is compared with), the
// configurations decided so far and an estimate of the remaining levels.
class ProgressLines {
 public:
  explicit ProgressLines(std::ostream& o) : o_(o) {}
  void begin(const std::string& label, const std::string& decided) {
    label_ = label;
    decided_ = decided;
    sizes_.clear();
    last_print_ = last_secs_ = 0;
    last_states_ = 1;
  }
  void operator()(const SearchProgress& p) {
    if (p.level_start) sizes_.push_back(p.level_states);
    if (p.seconds - last_print_ < (p.level_start ? 1.0 : 5.0)) return;
    const double dt = p.seconds - last_secs_;
    const double rate = dt > 0 ? (p.states - last_states_) / dt : 0;
    o_ << "  [" << label_ << "] depth " << p.depth;
    if (!p.level_start && p.level_states)
      o_ << " (" << (100 * p.level_done / p.level_states) << "% of its " << p.level_states << " states expanded)";
    o_ << ": " << p.states << " states, " << static_cast<long long>(rate) << " states/s, " << support::currentRssMiB()
       << " MiB resident, " << secs(p.seconds, 1) << " s; remaining: " << remainingEstimate(sizes_);
    if (!decided_.empty()) o_ << "; decided: " << decided_;
    o_ << std::endl;
    last_print_ = last_secs_ = p.seconds;
    last_states_ = p.states;
  }

 private:
  std::ostream& o_;
  std::string label_, decided_;
  std::vector<uint64_t> sizes_;
  double last_print_ = 0, last_secs_ = 0;
  uint64_t last_states_ = 1;
};

}  // namespace

CostOrderOutcome checkCheapestFirst(ExtCore& top, const CostOrderOptions& o, std::ostream& out,
                                    std::ostream& progress) {
  using Clock = std::chrono::steady_clock;
  const auto t0 = Clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(Clock::now() - t0).count(); };
  const Config tc = top.config();
  const std::string top_name = rungName(tc);
  const std::vector<Config> rungs = o.ladder && o.rung_time_s > 0 ? ladderRungs(tc) : std::vector<Config>{};
  const size_t R = rungs.size();  // the requested configuration is order index R
  auto nameOf = [&](int k) { return k < static_cast<int>(R) ? rungName(rungs[k]) : top_name; };
  const double T = o.limits.time_limit_s;
  const uint64_t M = o.limits.max_memory_mib;

  InvariantList all;
  std::string err;
  selectInvariants(o.invariants, &all, &err);  // (validated by the caller)
  std::deque<Known> known;  // (references stay valid as it grows)
  for (const auto& inv : all) known.push_back(Known{inv->id(), inv->statement()});
  auto knownOf = [&](const InvariantResult& r) -> Known& {
    for (Known& k : known)
      if (k.id == r.id) return k;
    known.push_back(Known{r.id, r.statement});  // the built-in checks, from the first result
    return known.back();
  };
  auto vacuousIds = [&] {
    std::vector<std::string> v;
    for (const Known& k : known)
      if (k.status != Status::Violated && k.vacuous_on == static_cast<int>(R)) v.push_back(k.id);
    return v;
  };
  auto violatedIds = [&] {
    std::vector<std::string> v;
    for (const Known& k : known)
      if (k.status == Status::Violated) v.push_back(k.id);
    return v;
  };
  // The invariants still searched: those not yet violated.
  auto remaining = [&] {
    std::vector<std::string> ids;
    for (const auto& inv : all)
      for (const Known& k : known)
        if (k.id == inv->id() && k.status != Status::Violated) ids.push_back(k.id);
    return ids;
  };
  auto monitors = [&](const std::vector<std::string>& ids) {
    InvariantList sel, list;
    std::string e;
    selectInvariants(o.invariants, &sel, &e);
    for (auto& inv : sel)
      if (std::find(ids.begin(), ids.end(), inv->id()) != ids.end()) list.push_back(std::move(inv));
    return list;
  };

  ProgressLines lines(progress);
  std::vector<std::string> rung_verdicts;  // short, for the progress lines
  auto decidedSoFar = [&] {
    // consecutive configurations with the same short verdict are grouped
    std::string s;
    for (size_t i = 0; i < rung_verdicts.size();) {
      size_t j = i;
      while (j + 1 < rung_verdicts.size() && rung_verdicts[j + 1] == rung_verdicts[i]) ++j;
      s += (s.empty() ? "" : ", ") + nameOf(static_cast<int>(i)) + (j > i ? ".." + nameOf(static_cast<int>(j)) : "") +
           " " + rung_verdicts[i];
      i = j + 1;
    }
    return s;
  };
  auto runOne = [&](ExtCore& m, const Config& cfg, const std::vector<std::string>& ids, const Limits& lim,
                    const std::string& label) {
    Checker checker(m, monitors(ids), lim);
    const std::string variant = o.variant;
    checker.setWorkerFactory([variant, cfg] { return makeModel(variant, cfg); });
    if (o.progress) {
      lines.begin(label, decidedSoFar());
      checker.setProgressHook([&lines](const SearchProgress& p) { lines(p); });
    }
    return checker.run();
  };

  nlohmann::json jladder = nlohmann::json::object();
  bool ended = false;          // --stop-at-first and a replayed violation
  std::string ended_on;
  double small_spent = 0;
  uint64_t peak_mib = 0;       // the process's peak resident memory
  std::vector<int> limited;    // smaller configurations stopped by a limit

  if (R) {
    out << "scxmc check: " << top.name() << ", " << tc.describe() << "\n"
        << "  settings: " << settingsLine(tc, o.limits) << "\n"
        << "cheapest first: the configurations with the same CPUs (tasks x CPUs x user DSQs), then the requested "
        << top_name << "; each smaller one at most " << static_cast<long>(o.rung_time_s) << " s"
        << (T > 0 ? ", together at most " + std::to_string(static_cast<long>(T / 2)) + " s" : std::string())
        << ". A verdict there is about that configuration only; a violation there is replayed on " << top_name
        << ":\n"
        << std::flush;
  }
  bool interrupted = false;    // SIGINT/SIGTERM: no further configuration is searched
  for (size_t k = 0; k < R && !ended; ++k) {
    if (support::interrupted()) {
      interrupted = true;
      break;
    }
    const std::string rn = rungName(rungs[k]);
    std::string skip;
    for (int j : limited)
      if (contains(rungs[k], rungs[j])) {
        skip = rungName(rungs[j]) + " stopped at a limit; this one contains it and would not finish either";
        break;
      }
    const double tl = rungTimeLimit(T, o.rung_time_s, small_spent);
    if (skip.empty() && remaining().empty())
      skip = "every invariant is decided; the built-in checks are decided on " + top_name;
    if (skip.empty() && tl <= 0)
      skip = "the smaller configurations' share of the time limit (" + std::to_string(static_cast<long>(T / 2)) +
             " s) is used up";
    if (!skip.empty()) {
      out << "  " << rn << "  skipped (" << skip << ")\n" << std::flush;
      jladder[rn] = {{"complete", false}, {"skipped", skip}, {"verdict", "skipped (" + skip + ")"}};
      rung_verdicts.push_back("skipped");
      continue;
    }
    const auto r0 = Clock::now();
    Limits rl = o.limits;
    rl.time_limit_s = tl;
    rl.max_memory_mib = M ? std::max<uint64_t>(1, M / 2) : 0;
    rl.max_depth = 0;
    rl.max_states = 0;
    const std::vector<std::string> ids = remaining();
    auto model = makeModel(o.variant, rungs[k]);
    const CheckResult rr = runOne(*model, rungs[k], ids, rl, rn);
    // A violation counts once its counterexample replays on the requested
    // configuration (rung_lift.hpp).
    std::vector<std::string> lifted_ids, unlifted;
    nlohmann::json jl = nlohmann::json::object(), jnl = nlohmann::json::object();
    std::vector<std::string> vacuous_ids;
    for (const auto& inv : rr.invariants) {
      Known& kn = knownOf(inv);
      if (inv.status == Status::Holds && inv.vacuous) {
        kn.vacuous_on = static_cast<int>(k);
        vacuous_ids.push_back(inv.id);
      } else if (inv.status == Status::Holds) {
        kn.holds_on = static_cast<int>(k);
      }
      if (inv.status != Status::Violated) continue;
      LiftedCounterexample l;
      if (builtin(inv.id)) l.error = "a built-in check: not replayed on a larger configuration";
      else l = liftCounterexample(*model, inv.cex, top, join(ids), inv.id);
      if (!l.ok) {
        unlifted.push_back(inv.id + " (" + l.error + ")");
        kn.not_lifted.push_back(rn + ": " + l.error);
        jnl[inv.id] = l.error;
        continue;
      }
      lifted_ids.push_back(inv.id);
      kn.status = Status::Violated;
      kn.violated_on = static_cast<int>(k);
      kn.message = l.message;
      kn.cex = std::move(l.cex);
      kn.found_steps = inv.cex.steps.size();
      kn.inserted = l.inserted;
      jl[inv.id] = {{"message", kn.message}, {"rung_steps", kn.found_steps}, {"inserted_helper_steps", kn.inserted},
                    {"trace", traceJson(top, kn.cex)}};
    }
    // stopped by --stop-at-first (a violation), not by a limit
    const bool at_first = !rr.complete && o.limits.stop_at_first && rr.any_violated();
    std::vector<std::string> parts;
    if (!lifted_ids.empty()) parts.push_back("VIOLATED " + join(lifted_ids) + " (replayed on " + top_name + ")");
    if (!unlifted.empty())
      parts.push_back("violated here only, not replayed on " + top_name + ": " + join(unlifted, ", "));
    if (rr.complete)
      parts.push_back(std::string(parts.empty() ? "all hold" : "the others hold") +
                      (vacuous_ids.empty() ? "" : " (vacuously there: " + join(vacuous_ids) + ")"));
    else if (at_first) parts.push_back(kStoppedAtFirst);
    else parts.push_back("incomplete: " + rr.incomplete_reason);
    const std::string verdict = join(parts, "; ");
    out << "  " << rn << "  " << verdict << " (" << rr.stats.states << " states, " << secs(rr.stats.seconds) << " s)\n";
    peak_mib = std::max(peak_mib, rr.stats.peak_rss_mib);
    rung_verdicts.push_back(!lifted_ids.empty() ? "VIOLATED " + join(lifted_ids)
                            : rr.complete       ? "hold"
                                                : "incomplete");
    nlohmann::json jr = {{"complete", rr.complete},      {"states", rr.stats.states},
                         {"seconds", rr.stats.seconds},  {"time_limit", tl},
                         {"peak_rss_mib", rr.stats.peak_rss_mib},
                         {"verdict", verdict}};
    if (!rr.complete) jr["incomplete_reason"] = rr.incomplete_reason;
    nlohmann::json jst = nlohmann::json::object();
    for (const auto& inv : rr.invariants) jst[inv.id] = inv.vacuous ? "vacuous" : statusName(inv.status);
    jr["invariants"] = jst;
    if (!jl.empty()) jr["lifted"] = jl;
    if (!jnl.empty()) jr["not_lifted"] = jnl;
    jladder[rn] = jr;
    for (const std::string& id : lifted_ids) {
      const Known& kn = *std::find_if(known.begin(), known.end(), [&](const Known& x) { return x.id == id; });
      out << "\n" << id << " VIOLATED on " << rn << ": " << kn.message << "\n  its " << rn << " counterexample of "
          << kn.found_steps << " steps, replayed on " << top_name << " (" << kn.cex.steps.size() << " steps"
          << (kn.inserted ? ", " + std::to_string(kn.inserted) + " of them helper visits of the extra tasks" : "")
          << "):\n";
      printCounterexample(out, top, kn.cex, o.trace_all);
    }
    if (!lifted_ids.empty()) {
      if (o.limits.stop_at_first) {
        ended = true;
        ended_on = rn;
      } else {
        out << "  (" << join(lifted_ids, ", ") << ": not searched again on the larger configurations)\n";
      }
      out << "\n";
    }
    out << std::flush;
    if (!rr.complete && !at_first) limited.push_back(static_cast<int>(k));
    small_spent += std::chrono::duration<double>(Clock::now() - r0).count();
    if (support::interrupted()) {  // (during this configuration or just after it)
      interrupted = true;
      break;
    }
  }

  // The requested configuration, last.
  CheckResult r;
  const std::vector<std::string> top_ids = remaining();
  const std::vector<std::string> not_again = violatedIds();
  bool top_run = false;
  if (!ended && support::interrupted()) interrupted = true;
  if (ended) {
    r.complete = false;
    r.incomplete_reason = "not searched: --stop-at-first ended the run at the violation on " + ended_on;
    out << top_name << " (requested): not searched (--stop-at-first; the violation on " << ended_on
        << " is replayed on it above)\n";
  } else if (interrupted) {
    if (!R) out << "scxmc check: " << top.name() << ", " << tc.describe() << "\n  settings: " << settingsLine(tc, o.limits) << "\n";
    r.complete = false;
    r.incomplete_reason = support::interruptedReason();
    out << top_name << " (requested): not searched (" << r.incomplete_reason
        << ": SIGINT/SIGTERM end the whole run)\n  INCOMPLETE: " << r.incomplete_reason
        << " (nothing is claimed to hold)\n";
  } else {
    Limits tl = o.limits;
    if (T > 0) tl.time_limit_s = std::max(1.0, T - elapsed());
    if (R) {
      out << top_name << " (requested)";
      if (T > 0) out << ", at most " << static_cast<long>(tl.time_limit_s) << " s";
      if (!not_again.empty())
        out << "; not searched again: " << join(not_again, ", ") << " (violated on a smaller configuration, replayed above)";
      out << ":\n" << std::flush;
    }
    r = runOne(top, tc, top_ids, tl, top_name + " (requested)");
    top_run = true;
    if (support::interrupted()) interrupted = true;  // (a signal during the requested configuration)
    r.limits = o.limits;  // the settings line shows the run's settings, not the share left for this search
    peak_mib = std::max(peak_mib, r.stats.peak_rss_mib);
    printResult(out, top, r, o.trace_all, R == 0);
    for (const auto& inv : r.invariants) {
      Known& kn = knownOf(inv);
      if (inv.status == Status::Holds && inv.vacuous) kn.vacuous_on = static_cast<int>(R);
      else if (inv.status == Status::Holds) kn.holds_on = static_cast<int>(R);
      if (inv.status != Status::Violated) continue;
      kn.status = Status::Violated;
      kn.violated_on = static_cast<int>(R);
      kn.message = inv.message;
      kn.cex = inv.cex;
      kn.found_steps = inv.cex.steps.size();
    }
  }

  // The summary and the exit status.
  r.limits = o.limits;
  bool any_violated = false, any_vacuous = false;
  for (const Known& k : known) {
    any_violated |= k.status == Status::Violated;
    any_vacuous |= k.status != Status::Violated && k.vacuous_on == static_cast<int>(R);
  }
  CostOrderOutcome res;
  // (a vacuous "holds" on the requested configuration is no verdict, issue 20)
  res.exit = any_violated                               ? kExitViolation
             : !r.complete                              ? kExitIncomplete
             : any_vacuous && !o.allow_vacuous          ? kExitIncomplete
                                                        : kExitOk;
  nlohmann::json jsum_invs = nlohmann::json::array();
  std::vector<std::pair<std::string, std::string>> sum_lines;  // (id, what is known)
  if (R) out << "\nsummary (cheapest first, " << secs(elapsed(), 1) << " s, peak memory " << peak_mib << " MiB):\n";
  for (const Known& k : known) {
    std::string line, verdict, on, how;
    if (k.status == Status::Violated) {
      verdict = "violated";
      on = nameOf(k.violated_on);
      if (k.violated_on == static_cast<int>(R)) {
        how = "counterexample of " + std::to_string(k.cex.steps.size()) + " steps found there";
      } else {
        how = "the " + on + " counterexample of " + std::to_string(k.found_steps) + " steps, replayed there in " +
              std::to_string(k.cex.steps.size());
      }
      line = "violated on " + top_name + " (" + how + ")";
    } else if (k.vacuous_on == static_cast<int>(R)) {
      verdict = "vacuous";
      on = top_name;
      how = "exhaustive, but nothing that exercises it happened";
      line = "vacuous on " + top_name + " (exhaustive, but nothing that exercises it happened)";
    } else if (k.holds_on == static_cast<int>(R)) {
      verdict = "holds";
      on = top_name;
      how = "exhaustive";
      line = "holds on " + top_name + " (exhaustive)";
    } else if (k.holds_on >= 0) {
      verdict = "incomplete";
      on = nameOf(k.holds_on);
      how = "holds exhaustively on " + on + " only";
      line = "holds on " + on + " (exhaustive there), not decided on " + top_name;
    } else if (k.vacuous_on >= 0) {
      verdict = "incomplete";
      on = nameOf(k.vacuous_on);
      how = "holds only vacuously on " + on;
      line = "holds only vacuously on " + on + " (nothing exercised it there), not decided on " + top_name;
    } else {
      verdict = "incomplete";
      how = "decided on no configuration";
      line = "not decided on any configuration";
    }
    if (!k.not_lifted.empty()) line += "; violated on " + join(k.not_lifted, "; ") + " (not replayed on " + top_name + ")";
    sum_lines.emplace_back(k.id, line);
    nlohmann::json ji = {{"id", k.id}, {"verdict", verdict}, {"how", how}};
    if (!on.empty()) ji["configuration"] = on;
    if (!k.not_lifted.empty()) ji["not_lifted"] = k.not_lifted;
    jsum_invs.push_back(ji);
  }
  // one line per invariant; one for all when they say the same
  const bool alike = std::all_of(sum_lines.begin(), sum_lines.end(),
                                 [&](const auto& l) { return l.second == sum_lines.front().second; });
  if (R && alike && sum_lines.size() > 1)
    out << "  all " << sum_lines.size() << " checks: " << sum_lines.front().second << "\n";
  else if (R)
    for (const auto& [id, line] : sum_lines) out << "  " << std::left << std::setw(18) << id << std::right << line << "\n";
  std::string top_state = r.complete ? "exhausted" : "not exhausted (" + r.incomplete_reason + ")";
  if (R) {
    out << "  " << top_name << " (requested): " << top_state << "\n";
    out << "verdict: "
        << (res.exit == kExitViolation ? "VIOLATED " + join(violatedIds(), ", ") + " on " + top_name +
                                             " (each counterexample replayed there)"
            : res.exit == kExitOk && any_vacuous
                ? "every invariant holds on " + top_name + " (exhaustive; vacuously: " + join(vacuousIds()) +
                      ", accepted by --allow-vacuous)"
            : res.exit == kExitOk ? "every invariant holds on " + top_name + " (exhaustive)"
            : r.complete          ? "VACUOUS: " + join(vacuousIds()) + " hold on " + top_name +
                                   " only vacuously (nothing that exercises them happened; accept with --allow-vacuous)"
            : interrupted         ? "INCOMPLETE: interrupted; nothing is claimed to hold on " + top_name +
                                   " beyond the smaller configurations named"
                                  : "INCOMPLETE: " + top_name +
                                        " was not exhausted; nothing is claimed to hold on it beyond the smaller "
                                        "configurations named")
        << " (exit " << res.exit << ")\n";
  }
  out << std::flush;

  // JSON: the requested configuration's result (resultJson), its invariants
  // completed with those decided on smaller configurations (their replayed
  // traces, so `scxmc replay` re-executes them), the ladder and the summary.
  nlohmann::json j = resultJson(top, r);
  nlohmann::json invs = nlohmann::json::array();
  for (const Known& k : known) {
    nlohmann::json ij;
    bool from_top = false;
    if (j.contains("invariants"))
      for (const auto& x : j["invariants"])
        if (x["id"] == k.id) {
          ij = x;
          from_top = true;
        }
    if (!from_top) {
      ij = {{"id", k.id}, {"statement", k.statement}, {"status", statusName(k.status)}};
      if (k.status == Status::Violated) {
        ij["message"] = k.message;
        ij["counterexample"] = traceJson(top, k.cex);
        ij["final_state"] = describeState(tc, k.cex.final_state, &top);
      }
    }
    if (k.status == Status::Violated && k.violated_on < static_cast<int>(R)) {
      ij["found_on"] = nameOf(k.violated_on);
      ij["found_steps"] = k.found_steps;
    }
    invs.push_back(ij);
  }
  j["invariants"] = invs;
  if (R) {
    j["ladder"] = jladder;
    nlohmann::json order = nlohmann::json::array();
    for (size_t k = 0; k <= R; ++k) order.push_back(nameOf(static_cast<int>(k)));
    j["order"] = order;
  }
  j["summary"] = {{"requested", top_name},
                  {"requested_exhausted", r.complete},
                  {"requested_searched", top_run},
                  {"seconds", elapsed()},
                  {"peak_rss_mib", peak_mib},
                  {"exit", res.exit},
                  {"invariants", jsum_invs}};
  if (!r.complete) j["summary"]["requested_incomplete_reason"] = r.incomplete_reason;
  if (any_vacuous) j["summary"]["vacuous"] = vacuousIds();
  if (interrupted) j["summary"]["interrupted"] = true;
  res.json = std::move(j);
  return res;
}

}  // namespace scxmc
