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
struct Transition;

// The version of the JSON files scxmc writes ("format"; resultJson,
// lockGraphJson, review).
inline constexpr int kResultFormat = 1;
// "format" must be kResultFormat; a missing field is an error when required.
bool checkFormat(const nlohmann::json& doc, bool required, std::string* err);
// Transition::parse restricted to plain digits: "A:C.C.C" (no '+', spaces).
bool strictTransition(const std::string& s, Transition* tr);

// Reads a JSON file: false with *err ("cannot read 'F'", "'F' is a
// directory", "'F' is not valid JSON: ...") otherwise.
bool readJsonFile(const std::string& path, nlohmann::json* doc, std::string* err);

// Reads the "config" object of a result file (configJson's inverse).
bool readConfig(const nlohmann::json& c, Config* cfg, std::string* variant, std::string* err);

// Replays the counterexample of `invariant` (empty: the first violated one).
// Writes the trace to `out` when non-null.
ReplayOutcome replayCounterexample(const nlohmann::json& doc, const std::string& invariant, std::ostream* out);

}  // namespace scxmc
