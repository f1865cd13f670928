// Option values shared by the scxmc verbs (check, review, locks): one
// parser per kind of value, so that every verb words its errors alike.
#pragma once

#include <cstdint>
#include <string>

namespace scxmc {

// An integer in lo..hi; else *err names the option, the range and the value.
bool parseIntArg(const std::string& opt, const std::string& v, long lo, long hi, long* out, std::string* err);

// --env: a comma-separated list of environment events, or "all".
bool parseEnvList(const std::string& v, uint32_t* env, std::string* err);

// --kick-flags: a comma-separated list of plain, preempt, wait,
// preempt-wait (Config::kick_flags), or "all".
bool parseKickFlags(const std::string& v, uint8_t* flags, std::string* err);

}  // namespace scxmc
