#include "variants.hpp"

#include "variants/lifecycle_variants.hpp"

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
      {{"bypass-clear-early", "seed 000 patch 40: enable leaves bypass before every task is initialized (implies --lifecycle)",
        "ext.c:8040 moved before ext.c:8019"},
       makeBypassClearEarly},
      {{"destroy-dsq-inversion", "seed 000 patch 39: scx_bpf_destroy_dsq takes scx_tasks_lock inside dsq->lock (implies --lifecycle)",
        "destroy_dsq ext.c:5300-5337"},
       makeDestroyDsqInversion},
      {{"cgroup-attach-holds-lock", "seed 000 patch 41: scx_cgroup_can_attach calls BPF under a spinning cgroup lock (implies --lifecycle)",
        "scx_cgroup_can_attach ext.c:4984-5043"},
       makeCgroupAttachHoldsLock},
  };
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

void registerVariant(const VariantInfo& info, ModelFactory make) {
  for (Entry& e : registry())
    if (e.info.name == info.name) {
      e = Entry{info, std::move(make)};
      return;
    }
  registry().push_back(Entry{info, std::move(make)});
}

}  // namespace scxmc
