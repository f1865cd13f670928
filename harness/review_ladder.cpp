#include "review_ladder.hpp"

#include <algorithm>
#include <tuple>

#include "base_cache.hpp"
#include "variants.hpp"

namespace scxmc {

std::vector<Config> ladderRungs(const Config& top) {
  std::vector<Config> out;
  for (int t = top.fork_tasks ? top.tasks : 1; t <= top.tasks; ++t)
    for (int d = 0; d <= top.user_dsqs; ++d) {
      if (t == top.tasks && d == top.user_dsqs) continue;
      Config k = top;
      k.tasks = t;
      k.user_dsqs = d;
      if (k.validate().empty()) out.push_back(k);
    }
  return out;
}

std::string rungName(const Config& c) {
  return std::to_string(c.tasks) + "x" + std::to_string(c.cpus) + "x" + std::to_string(c.user_dsqs);
}

namespace {
bool contains(const Config& big, const Config& small) {
  return big.tasks >= small.tasks && big.user_dsqs >= small.user_dsqs;
}
}  // namespace

const CheckResult* Ladder::result(size_t r, const std::string& name) {
  auto it = done_.find({r, name});
  if (it != done_.end()) return &it->second.res;
  for (const auto& [key, e] : done_)
    if (key.second == name && !e.res.complete && contains(rungs_[r], rungs_[key.first])) return nullptr;
  Entry e;
  e.model = makeModel(name, rungs_[r]);
  check(r, name, lim_, e);
  return &done_.emplace(std::make_pair(r, name), std::move(e)).first->second.res;
}

void Ladder::check(size_t r, const std::string& name, const Limits& lim, Entry& e) {
  InvariantList invs;
  std::string err;
  selectInvariants(invariants_, &invs, &err);
  // (the base cache: as review's own base, only linux-7.3.4)
  const bool cacheable = !cache_dir_.empty() && name == "linux-7.3.4" && baseCacheable(lim);
  std::string key;
  if (cacheable) {
    std::string ids;
    for (const auto& inv : invs) ids += std::string(ids.empty() ? "" : ",") + inv->id();
    key = baseCacheKey(*e.model, ids, lim);
    std::string note;
    if (loadBaseResult(cache_dir_, key, &e.res, &note)) {
      e.res.limits = lim;
      e.cached = true;
      return;
    }
  }
  Checker checker(*e.model, std::move(invs), lim);
  const Config cfg = rungs_[r];
  checker.setWorkerFactory([name, cfg] { return makeModel(name, cfg); });
  e.res = checker.run();
  e.cached = false;
  seconds_ += e.res.stats.seconds;
  if (cacheable && baseStorable(e.res)) storeBaseResult(cache_dir_, key, e.res);  // (a failure only costs time)
}

bool Ladder::cached(size_t r, const std::string& name) const {
  auto it = done_.find({r, name});
  return it != done_.end() && it->second.cached;
}

const CheckResult* Ladder::retry(size_t r, const std::string& name, double time_limit_s) {
  auto it = done_.find({r, name});
  if (it == done_.end()) return result(r, name);
  Entry& e = it->second;
  if (e.retried || e.res.complete || e.res.incomplete_reason.rfind("time limit", 0) != 0 ||
      (lim_.time_limit_s > 0 && time_limit_s > 0 && time_limit_s <= lim_.time_limit_s))
    return &e.res;
  e.retried = true;
  Limits lim = lim_;
  lim.time_limit_s = time_limit_s;
  check(r, name, lim, e);
  return &e.res;
}

const CheckResult* Ladder::peek(size_t r, const std::string& name) const {
  auto it = done_.find({r, name});
  return it == done_.end() ? nullptr : &it->second.res;
}

ExtCore& Ladder::model(size_t r, const std::string& name) { return *done_.at({r, name}).model; }

}  // namespace scxmc
