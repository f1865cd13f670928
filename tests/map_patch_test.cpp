// map-patch's tables against the 7.3.4 sources (issue 18 part 1): every
// variant hook (model/hooks.hpp) cites a line inside the function it names,
// and the function scanner finds the kernel-style definitions map-patch
// relies on.  Skipped when the reference tree is absent.
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "hooks.hpp"
#include "map_patch.hpp"

namespace scxmc {
namespace {

const std::string kRef = std::string(SCXMC_TEST_REFERENCE);

std::vector<std::string> readSource(const std::string& shortName) {
  const std::string path = kRef + (shortName == "core.c" || shortName == "syscalls.c" ? "/kernel/sched/"
                                                                                      : "/kernel/sched/ext/") + shortName;
  std::vector<std::string> lines;
  std::ifstream in(path);
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  return lines;
}

TEST(MapPatch, ScannerFindsKernelStyleDefinitions) {
  const std::vector<std::string> src = {
      "static int a;",                              // 1
      "static bool f(struct rq *rq,",               // 2
      "\t      int x)",                            // 3
      "{",                                          // 4
      "\treturn x;",                                // 5
      "}",                                          // 6
      "",                                           // 7
      "static void g(void) {}",                     // 8
      "#define h(x)\t\t\\",                         // 9
      "\tdo { } while (0)",                         // 10
      "void decl_only(int);",                       // 11
  };
  const std::vector<SourceFunction> fs = scanFunctions(src);
  ASSERT_EQ(fs.size(), 3u);
  EXPECT_EQ(fs[0].name, "f");
  EXPECT_EQ(fs[0].first, 2);
  EXPECT_EQ(fs[0].last, 6);
  EXPECT_EQ(fs[1].name, "g");
  EXPECT_EQ(fs[1].first, 8);
  EXPECT_EQ(fs[2].name, "h");
  EXPECT_EQ(fs[2].last, 10);
}

TEST(MapPatch, EveryHookCitesALineOfItsFunction) {
  if (readSource("ext.c").empty()) GTEST_SKIP() << "no 7.3.4 reference tree at " << kRef;
  for (int k = 0; k < kHookCount; ++k) {
    const HookInfo& h = hookInfo(static_cast<Hook>(k));
    const std::vector<SourceFunction> fs = scanFunctions(readSource(h.file));
    std::string at;
    for (const SourceFunction& f : fs)
      if (f.first <= h.line && h.line <= f.last) at = f.name;
    EXPECT_EQ(at, h.function) << "hook " << h.name << " cites " << h.file << ":" << h.line;
  }
}

}  // namespace
}  // namespace scxmc
