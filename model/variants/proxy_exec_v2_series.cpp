// The proxy-exec-v2 series' factories (seed 003); ProxyExecV2's members are
// in proxy_exec_v2.cpp (variants/builtin.cpp lists them).
#include <memory>
#include "hook_probe.hpp"

#include "variants/proxy_exec_v2_consume_toctou.hpp"
#include "variants/proxy_exec_v2_no_pairing_fix.hpp"

namespace scxmc {
std::unique_ptr<ExtCore> makeProxyExecV2(const Config& c) { return makeVariant<ProxyExecV2>(c); }
std::unique_ptr<ExtCore> makeProxyExecV2NoPairingFix(const Config& c) {
  return makeVariant<ProxyExecV2NoPairingFix>(c);
}
std::unique_ptr<ExtCore> makeProxyExecV2ConsumeToctou(const Config& c) {
  return makeVariant<ProxyExecV2ConsumeToctou>(c);
}
}  // namespace scxmc
