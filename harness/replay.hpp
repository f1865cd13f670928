// Re-executing a saved counterexample (the JSON `scxmc check --json` wrote)
// against the model, to confirm the violation it claims.
#pragma once

#include <iosfwd>
#include <string>

#include <nlohmann/json.hpp>

namespace scxmc {

struct ReplayOutcome {
  bool input_ok = false;     // the file was well-formed and named a known model
  bool confirmed = false;    // the named invariant is violated at the last step
  std::string invariant;
  std::string message;       // what the replay observed
  std::string error;         // why input_ok or confirmed is false
  int steps = 0;
};

struct Config;
// Reads the "config" object of a result file (configJson's inverse).
bool readConfig(const nlohmann::json& c, Config* cfg, std::string* variant, std::string* err);

// Replays the counterexample of `invariant` (empty: the first violated one).
// Writes the trace to `out` when non-null.
ReplayOutcome replayCounterexample(const nlohmann::json& doc, const std::string& invariant, std::ostream* out);

}  // namespace scxmc
