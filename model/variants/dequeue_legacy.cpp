// dequeue-legacy's translation unit (variants/builtin.cpp lists it).
#include <memory>

#include "variants/dequeue_legacy.hpp"

namespace scxmc {
std::unique_ptr<ExtCore> makeDequeueLegacy(const Config& c) { return std::make_unique<DequeueLegacy>(c); }
}  // namespace scxmc
