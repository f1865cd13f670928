// Named model variants: the 7.3.4 baseline and historical or review-proposed
// kernel changes, one small file each, each overriding only the modeled
// functions its patch changes.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "ext_core.hpp"

namespace scxmc {

struct VariantInfo {
  std::string name;
  std::string what;     // the patch it stands for
  std::string touches;  // kernel lines it changes
};

using ModelFactory = std::function<std::unique_ptr<ExtCore>(const Config&)>;

std::vector<VariantInfo> variants();
// nullptr for an unknown name.
std::unique_ptr<ExtCore> makeModel(const std::string& variant, const Config& cfg);
// The variants under model/variants/ (variants/builtin.cpp).
std::vector<std::pair<VariantInfo, ModelFactory>> builtinVariants();
struct HookCoverage;
// The variant's model wrapped in a probe that counts the calls of the hooks
// it overrides and compares each with 7.3.4's code (hook_probe.hpp); the
// counts go to `cov` (shared by every model made for one search).  A
// variant registered without makeVariant<T> (tests' lambdas) comes back
// unprobed: cov->attached stays false.  nullptr for an unknown name.
std::unique_ptr<ExtCore> makeProbedModel(const std::string& variant, const Config& cfg,
                                         const std::shared_ptr<HookCoverage>& cov);
// Adds a variant at run time (tests register their seeded-bug mutations so
// that counterexamples replay through the same path as real variants).
void registerVariant(const VariantInfo& info, ModelFactory make);

}  // namespace scxmc
