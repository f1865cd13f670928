// Named model variants: the 7.3.4 baseline and, later, historical or
// review-proposed kernel changes (one small file each).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "ext_core.hpp"

namespace scxmc {

struct VariantInfo {
  std::string name;
  std::string what;     // the patch it stands for
  std::string touches;  // kernel lines it changes
};

std::vector<VariantInfo> variants();
// nullptr for an unknown name.
std::unique_ptr<ExtCore> makeModel(const std::string& variant, const Config& cfg);

}  // namespace scxmc
