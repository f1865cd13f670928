// `scxmc map-patch FILE.patch`: which parts of the model a kernel patch
// touches.  The patch is a unified diff against Linux 7.3.4's
// kernel/sched/ext/*, kernel/sched/core.c, kernel/sched/syscalls.c or
// kernel/sched/sched.h; for each hunk it names the 7.3.4 functions whose
// lines it changes, the model's sites there (model/sites.hpp), the variant
// hooks that model those functions (model/hooks.hpp), or says that the
// model does not cover them and names the nearest function it does.
//
// The enclosing functions come from the 7.3.4 sources when they are present
// (--kernel DIR, default the reference tree next to this repository): the
// hunk's context and removed lines are compared with them, so a patch
// against another version is recognised.  Without the sources the sites
// table is all there is, and the report says so.
#pragma once

#include <string>
#include <vector>

namespace scxmc {

// A C function's extent in a source file (1-based, inclusive).
struct SourceFunction {
  std::string name;
  int first = 0, last = 0;
};

// The functions (and function-like macros) defined in a C source, in order.
// Kernel style: a definition starts at column 0 with `name(`, its body
// opens with `{` alone at column 0 and closes with `}` at column 0.
std::vector<SourceFunction> scanFunctions(const std::vector<std::string>& lines);

// The verb.  0 ok, 2 a malformed patch, a file the model does not stand for,
// or bad usage.
int mapPatchMain(const std::vector<std::string>& args);

}  // namespace scxmc
