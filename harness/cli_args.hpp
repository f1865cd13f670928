// Option values shared by the scxmc verbs (check, review, locks): one
// parser per kind of value, so that every verb words its errors alike.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace scxmc {

// An integer in lo..hi; else *err names the option, the range and the value.
bool parseIntArg(const std::string& opt, const std::string& v, long lo, long hi, long* out, std::string* err);

// --env: a comma-separated list of environment events, or "all".
bool parseEnvList(const std::string& v, uint32_t* env, std::string* err);

// --kick-flags: a comma-separated list of plain, preempt, wait,
// preempt-wait (Config::kick_flags), or "all".
bool parseKickFlags(const std::string& v, uint8_t* flags, std::string* err);

struct Config;

// The model's slice options, the same for check, locks and review:
// --lifecycle, --fork-tasks N, --cycles N, --task-death, --switch-runnable,
// --switch-during-walks,
// --destroy-dsqs, --sub-scheds N, --balance-callbacks, --kicks,
// --kick-flags LIST, --nmi.  If args[*i] is one, sets its Config field,
// moves *i past its value and returns 1; returns 0 if it is none of them;
// -1 if its value is missing or bad (*err names the option).
int parseSliceOption(const std::vector<std::string>& args, size_t* i, Config* cfg, std::string* err);

// The slice options of `c` that differ from `from`, as the command line
// spells them (" --lifecycle --sub-scheds 1"): "" when none differ.
std::string sliceOptions(const Config& c, const Config& from);

}  // namespace scxmc
