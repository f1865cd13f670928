// Rendering results: text for people, JSON for machines.
#pragma once

#include <iosfwd>
#include <string>

#include <nlohmann/json.hpp>

#include "checker.hpp"

namespace scxmc {

// The interleaved per-actor trace of a counterexample.
void printCounterexample(std::ostream& o, const ExtCore& m, const Counterexample& cex, bool all_events = false);
// `header`: the "scxmc check: MODEL, CONFIG" line first.
void printResult(std::ostream& o, const ExtCore& m, const CheckResult& r, bool verbose_trace, bool header = true);
nlohmann::json configJson(const Config& cfg, const std::string& variant);
nlohmann::json resultJson(const ExtCore& m, const CheckResult& r);
nlohmann::json stepJson(const ExtCore& m, const Step& s);
// A counterexample's steps, as stepJson writes each.
nlohmann::json traceJson(const ExtCore& m, const Counterexample& c);

}  // namespace scxmc
