#include "variants.hpp"
#include "hook_probe.hpp"


namespace scxmc {

namespace {
struct Entry {
  VariantInfo info;
  ModelFactory make;
};

std::vector<Entry>& registry() {
  static std::vector<Entry> r = {
      {{"linux-7.3.4", "the baseline: Debian linux-source-7.3 (7.3.4), kernel/sched/ext/", "-"},
       [](const Config& c) { return std::make_unique<ExtCore>(c); }},
  };
  static const bool builtins = [] {
    for (auto& [info, make] : builtinVariants()) r.push_back(Entry{info, std::move(make)});
    return true;
  }();
  (void)builtins;
  return r;
}
}  // namespace

std::vector<VariantInfo> variants() {
  std::vector<VariantInfo> v;
  for (const Entry& e : registry()) v.push_back(e.info);
  return v;
}

std::unique_ptr<ExtCore> makeModel(const std::string& variant, const Config& cfg) {
  for (const Entry& e : registry())
    if (e.info.name == variant) return e.make(cfg);
  return nullptr;
}

std::shared_ptr<HookCoverage>& probeRequest() {
  thread_local std::shared_ptr<HookCoverage> request;
  return request;
}

std::unique_ptr<ExtCore> makeProbedModel(const std::string& variant, const Config& cfg,
                                         const std::shared_ptr<HookCoverage>& cov) {
  struct Reset {
    ~Reset() { probeRequest().reset(); }
  } reset;
  probeRequest() = cov;
  return makeModel(variant, cfg);
}

void registerVariant(const VariantInfo& info, ModelFactory make) {
  for (Entry& e : registry())
    if (e.info.name == info.name) {
      e = Entry{info, std::move(make)};
      return;
    }
  registry().push_back(Entry{info, std::move(make)});
}

}  // namespace scxmc
