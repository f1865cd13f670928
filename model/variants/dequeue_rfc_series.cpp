// The dequeue-rfc review series' translation unit (seed 002): the posting,
// its review rounds and the merged form, each deriving from the one before
// (variants/builtin.cpp lists them).
#include <memory>
#include "hook_probe.hpp"

#include "variants/dequeue_rfc_merged.hpp"

namespace scxmc {
std::unique_ptr<ExtCore> makeDequeueRfc(const Config& c) { return makeVariant<DequeueRfc>(c); }
std::unique_ptr<ExtCore> makeDequeueRfcR1(const Config& c) { return makeVariant<DequeueRfcR1>(c); }
std::unique_ptr<ExtCore> makeDequeueRfcR2(const Config& c) { return makeVariant<DequeueRfcR2>(c); }
std::unique_ptr<ExtCore> makeDequeueRfcR3(const Config& c) { return makeVariant<DequeueRfcR3>(c); }
std::unique_ptr<ExtCore> makeDequeueRfcR4(const Config& c) { return makeVariant<DequeueRfcR4>(c); }
std::unique_ptr<ExtCore> makeDequeueRfcMerged(const Config& c) { return makeVariant<DequeueRfcMerged>(c); }
}  // namespace scxmc
