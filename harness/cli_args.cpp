#include "cli_args.hpp"

#include <cstdlib>
#include <map>
#include <sstream>

#include "config.hpp"

namespace scxmc {

bool parseIntArg(const std::string& opt, const std::string& v, long lo, long hi, long* out, std::string* err) {
  char* end = nullptr;
  const long x = std::strtol(v.c_str(), &end, 10);
  if (v.empty() || *end || x < lo || x > hi) {
    *err = opt + " expects an integer in " + std::to_string(lo) + ".." + std::to_string(hi) + ", got '" + v + "'";
    return false;
  }
  *out = x;
  return true;
}

bool parseEnvList(const std::string& v, uint32_t* env, std::string* err) {
  if (v == "all") { *env = kEnvAll; return true; }
  static const std::map<std::string, uint32_t> names = {
      {"wake", kEnvWake}, {"sleep", kEnvSleep}, {"nice", kEnvNice}, {"affinity", kEnvAffinity}, {"tick", kEnvTick}};
  *env = 0;
  std::stringstream ss(v);
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

}  // namespace scxmc
