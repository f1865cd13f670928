// global-dequeue-locked's translation unit (variants/builtin.cpp lists it).
#include <memory>
#include "hook_probe.hpp"

#include "variants/global_dequeue_locked.hpp"

namespace scxmc {
std::unique_ptr<ExtCore> makeGlobalDequeueLocked(const Config& c) { return makeVariant<GlobalDequeueLocked>(c); }
}  // namespace scxmc
