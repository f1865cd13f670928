// libFuzzer target (issue 20): the trace reader and the replay parsers.
// Built only with clang (-DSCXMC_LIBFUZZER=ON, the default there); ctest
// runs it for a fixed number of iterations (tests/CMakeLists.txt).
//
// The first byte chooses the reader: even -> trace::parse of the rest;
// odd -> the rest as JSON, through replayCounterexample (scxmc replay) and
// lockEdgesFromJson (scxmc locks --replay).  A TraceError or a JSON syntax
// error is the expected rejection; anything else thrown, a crash, a
// sanitizer report, a leak or a hang is a finding.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "lock_graph.hpp"
#include "replay.hpp"
#include "trace_format.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  if ((data[0] & 1) == 0) {
    try {
      (void)scxmc::trace::parse(rest);
    } catch (const scxmc::trace::TraceError&) {
    }
    return 0;
  }
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(rest);
  } catch (const nlohmann::json::parse_error&) {
    return 0;
  }
  (void)scxmc::replayCounterexample(doc, "", nullptr);
  std::vector<scxmc::LockEdge> edges;
  std::string err;
  (void)scxmc::lockEdgesFromJson(doc, &edges, &err);
  return 0;
}
