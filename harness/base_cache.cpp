#include "base_cache.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "atomic_file.hpp"
#include "model_fingerprint.hpp"
#include "report.hpp"

namespace scxmc {

namespace {
constexpr int kCacheFormat = 1;

uint64_t fnv1a(const std::string& s) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}

// mkdir -p; "" or the error.
std::string makeDirs(const std::string& dir) {
  std::string at;
  std::stringstream in(dir);
  std::string part;
  if (!dir.empty() && dir[0] == '/') at = "/";
  while (std::getline(in, part, '/')) {
    if (part.empty()) continue;
    at += part + "/";
    if (::mkdir(at.c_str(), 0777) != 0 && errno != EEXIST)
      return "cannot create directory '" + at + "': " + std::strerror(errno);
  }
  struct stat st{};
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return "'" + dir + "' is not a directory";
  return "";
}

Status parseStatus(const std::string& s, bool* ok) {
  *ok = true;
  if (s == "holds") return Status::Holds;
  *ok = false;  // only results in which everything holds are stored
  return Status::Incomplete;
}
}  // namespace

const char* modelFingerprint() { return kModelFingerprint; }

std::string baseCacheKey(const ExtCore& m, const std::string& invariant_ids, const Limits& lim) {
  nlohmann::json k;
  k["fingerprint"] = kModelFingerprint;
  k["config"] = configJson(m.config(), m.name());
  k["invariants"] = invariant_ids;
  k["symmetry"] = lim.symmetry;
  return k.dump();
}

std::string defaultBaseCacheDir() {
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) return std::string(x) + "/scxmc/review-base";
  if (const char* h = std::getenv("HOME"); h && *h) return std::string(h) + "/.cache/scxmc/review-base";
  return "";
}

std::string prepareBaseCacheDir(const std::string& dir) {
  if (std::string e = makeDirs(dir); !e.empty()) return e;
  return support::checkWritable(dir + "/.scxmc-probe");
}

bool baseCacheable(const Limits& lim) { return lim.max_depth == 0 && lim.max_states == 0; }

bool baseStorable(const CheckResult& r) { return r.complete && !r.any_violated(); }

std::string baseCachePath(const std::string& dir, const std::string& key) {
  char name[32];
  std::snprintf(name, sizeof name, "%016llx.json", static_cast<unsigned long long>(fnv1a(key)));
  return dir + "/" + name;
}

bool loadBaseResult(const std::string& dir, const std::string& key, CheckResult* out, std::string* note) {
  const std::string path = baseCachePath(dir, key);
  std::ifstream in(path);
  if (!in) return false;  // a miss
  nlohmann::json j;
  try {
    in >> j;
  } catch (const std::exception& e) {
    *note = path + ": not JSON (" + e.what() + "), ignored";
    return false;
  }
  try {
    if (j.at("format").get<int>() != kCacheFormat) {
      *note = path + ": format " + j.at("format").dump() + ", this scxmc writes " + std::to_string(kCacheFormat) +
              ", ignored";
      return false;
    }
    if (j.at("key").get<std::string>() != key) {
      *note = path + ": another check's entry (key differs), ignored";
      return false;
    }
    CheckResult r;
    r.complete = true;
    for (const auto& ij : j.at("invariants")) {
      InvariantResult ir;
      ir.id = ij.at("id").get<std::string>();
      ir.statement = ij.at("statement").get<std::string>();
      bool ok;
      ir.status = parseStatus(ij.at("status").get<std::string>(), &ok);
      if (!ok) {
        *note = path + ": invariant '" + ir.id + "' has status " + ij.at("status").dump() +
                " (only results that hold are cached), ignored";
        return false;
      }
      ir.vacuous = ij.at("vacuous").get<bool>();
      r.invariants.push_back(std::move(ir));
    }
    const auto& s = j.at("stats");
    r.stats.states = s.at("states").get<uint64_t>();
    r.stats.transitions = s.at("transitions").get<uint64_t>();
    r.stats.depth = s.at("depth").get<int>();
    r.stats.seconds = s.at("seconds").get<double>();
    r.stats.peak_rss_mib = s.at("peak_rss_mib").get<uint64_t>();
    r.stats.store_bytes = s.at("store_bytes").get<uint64_t>();
    r.stats.state_bytes = s.at("state_bytes").get<int>();
    r.stats.deadlocks = s.at("deadlocks").get<uint64_t>();
    r.stats.error_exits = s.at("error_exits").get<uint64_t>();
    r.stats.subsumed = s.at("subsumed").get<uint64_t>();
    if (r.invariants.empty() || r.stats.states == 0) {
      *note = path + ": no invariants or no states, ignored";
      return false;
    }
    *out = std::move(r);
    return true;
  } catch (const std::exception& e) {
    *note = path + ": " + e.what() + ", ignored";
    return false;
  }
}

std::string storeBaseResult(const std::string& dir, const std::string& key, const CheckResult& r) {
  if (!baseStorable(r)) return "not stored: only complete results in which everything holds are";
  if (std::string e = prepareBaseCacheDir(dir); !e.empty()) return e;
  nlohmann::json j;
  j["format"] = kCacheFormat;
  j["key"] = key;
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  char when[32];
  std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  j["stored_at"] = when;
  nlohmann::json invs = nlohmann::json::array();
  for (const auto& inv : r.invariants)
    invs.push_back({{"id", inv.id}, {"statement", inv.statement}, {"status", statusName(inv.status)},
                    {"vacuous", inv.vacuous}});
  j["invariants"] = invs;
  const Stats& s = r.stats;
  j["stats"] = {{"states", s.states},         {"transitions", s.transitions}, {"depth", s.depth},
                {"seconds", s.seconds},       {"peak_rss_mib", s.peak_rss_mib},
                {"store_bytes", s.store_bytes}, {"state_bytes", s.state_bytes}, {"deadlocks", s.deadlocks},
                {"error_exits", s.error_exits}, {"subsumed", s.subsumed}};
  return support::writeFileAtomic(baseCachePath(dir, key), j.dump(1) + "\n");
}

}  // namespace scxmc
