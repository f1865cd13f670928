// The `scxmc validate` command (kernel-bindings/validate/validate_cli.cpp).
#pragma once

#include <string>
#include <vector>

namespace scxmc::validate {

// Runs `scxmc validate ARGS...`; returns the exit status.
int validateMain(const std::vector<std::string>& args);

}  // namespace scxmc::validate
