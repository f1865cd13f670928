#include "cli_args.hpp"

#include <cstdlib>
#include <map>
#include <sstream>

#include "config.hpp"
#include "parse.hpp"

namespace scxmc {

bool parseIntArg(const std::string& opt, const std::string& v, long lo, long hi, long* out, std::string* err) {
  // decimal digits only: no '+', no space, no trailing text (support/parse.hpp)
  long long x;
  if (!support::parseStrictInt(v, lo, hi, &x)) {
    *err = opt + " expects an integer in " + std::to_string(lo) + ".." + std::to_string(hi) + ", got '" + v + "'";
    return false;
  }
  *out = static_cast<long>(x);
  return true;
}

bool parseEnvList(const std::string& v, uint32_t* env, std::string* err) {
  if (v == "all") { *env = kEnvAll; return true; }
  static const std::map<std::string, uint32_t> names = {
      {"wake", kEnvWake}, {"sleep", kEnvSleep}, {"nice", kEnvNice}, {"affinity", kEnvAffinity}, {"tick", kEnvTick}};
  *env = 0;
  if (v.empty()) return true;  // no environment events (the header line says env none)
  std::stringstream ss(v + ",");
  std::string w;
  while (std::getline(ss, w, ',')) {
    auto it = names.find(w);
    if (it == names.end()) {
      *err = "--env: unknown event '" + w + "' (known: wake,sleep,nice,affinity,tick,all)";
      return false;
    }
    *env |= it->second;
  }
  return true;
}

bool parseKickFlags(const std::string& v, uint8_t* flags, std::string* err) {
  static const char* const kNames[] = {"plain", "preempt", "wait", "preempt-wait"};
  if (v == "all") {
    *flags = 0xf;
    return true;
  }
  uint8_t out = 0;
  size_t pos = 0;
  while (pos <= v.size()) {
    const size_t comma = v.find(',', pos);
    const std::string w = v.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    int f = -1;
    for (int i = 0; i < 4; ++i)
      if (w == kNames[i]) f = i;
    if (f < 0) {
      *err = "--kick-flags: unknown flag set '" + w + "' in '" + v + "' (allowed: plain, preempt, wait, preempt-wait, all)";
      return false;
    }
    out = static_cast<uint8_t>(out | (1 << f));
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  *flags = out;
  return true;
}

}  // namespace scxmc
