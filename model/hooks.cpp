#include "hooks.hpp"

#include <cstddef>

namespace scxmc {

namespace {
const HookInfo kHooks[] = {
#define SCXMC_HOOK_INFO(R, name, params, args, fn, file, line) {#name, fn, file, line},
    SCXMC_HOOKS(SCXMC_HOOK_INFO)
#undef SCXMC_HOOK_INFO
};
static_assert(sizeof(kHooks) / sizeof(kHooks[0]) == static_cast<std::size_t>(Hook::Count));
}  // namespace

const HookInfo& hookInfo(Hook h) { return kHooks[static_cast<int>(h)]; }

}  // namespace scxmc
