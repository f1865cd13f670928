#include "variants.hpp"

namespace scxmc {

std::vector<VariantInfo> variants() {
  return {{"linux-7.3.4", "the baseline: Debian linux-source-7.3 (7.3.4), kernel/sched/ext/", "-"}};
}

std::unique_ptr<ExtCore> makeModel(const std::string& variant, const Config& cfg) {
  if (variant == "linux-7.3.4") return std::make_unique<ExtCore>(cfg);
  return nullptr;
}

}  // namespace scxmc
