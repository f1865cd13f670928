// dequeue-legacy's translation unit (variants/builtin.cpp lists it).
#include <memory>
#include "hook_probe.hpp"

#include "variants/dequeue_legacy.hpp"

namespace scxmc {
std::unique_ptr<ExtCore> makeDequeueLegacy(const Config& c) { return makeVariant<DequeueLegacy>(c); }
}  // namespace scxmc
