// Rendering results: text for people, JSON for machines.
#pragma once

#include <iosfwd>
#include <string>

#include <nlohmann/json.hpp>

#include "checker.hpp"

namespace scxmc {

// The interleaved per-actor trace of a counterexample.
void printCounterexample(std::ostream& o, const ExtCore& m, const Counterexample& cex, bool all_events = false);
// `header`: the "scxmc check: MODEL, CONFIG" line and the "settings:" line
// (every setting that shaped the search, from r.limits) first.
void printResult(std::ostream& o, const ExtCore& m, const CheckResult& r, bool verbose_trace, bool header = true);
// "wake,sleep,..." or "none"
std::string envList(uint32_t env);
// env, policy (with its detail) and the limits: every setting that shaped a search
std::string settingsLine(const Config& cfg, const Limits& l);
nlohmann::json configJson(const Config& cfg, const std::string& variant);
nlohmann::json resultJson(const ExtCore& m, const CheckResult& r);
nlohmann::json stepJson(const ExtCore& m, const Step& s);
// A counterexample's steps, as stepJson writes each.
nlohmann::json traceJson(const ExtCore& m, const Counterexample& c);

}  // namespace scxmc
