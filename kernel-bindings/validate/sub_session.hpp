// The sub-scheduler session (docs/validation.md, "The sub-scheduler
// session"): a trace recorded by scx_sub (bpf/scx_sub.bpf.c), where the
// root and a child scheduler attached to one cgroup (sub_cgroup_id) write
// one stream and every callback record names its scheduler (arg[4]: 1 root,
// 2 child; kfunc records in bits 32.. of arg[4]).  The one-task replay does
// not apply (it has one scheduler); the trace is decoded and summarised per
// scheduler, and checked on the recorded events for the model's
// sub-ownership rule (invariants/sub_ownership.cpp): between a scheduler's
// ops.enable(p) and its ops.disable(p) no other scheduler calls p's
// scheduling callbacks, and a scheduler enables p only when no other one
// has it enabled.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "observable.hpp"
#include "trace_format.hpp"

namespace scxmc::validate {

struct SubSession {
  bool is_sub = false;
  uint64_t child_cgroup = 0;  // the sub_cgroup_id that the root's ops.sub_attach saw
  // per scheduler tag (0: a record without a tag, 1 root, 2 child)
  std::array<std::map<std::string, uint64_t>, 3> callbacks;
  std::array<std::map<std::string, uint64_t>, 3> kfuncs;
  std::array<uint64_t, 3> attaches{}, attach_failures{}, detaches{};
  std::array<std::set<uint32_t>, 3> enabled_pids;  // pids each scheduler ran ops.enable for
  uint64_t sub_attach = 0, sub_detach = 0, sub_dispatch = 0, sub_dispatch_ok = 0;
  uint64_t moves_into_child = 0, moves_out_of_child = 0;  // cgroup moves (any scheduler's record)
  uint64_t handovers = 0;  // a task enabled on one scheduler after its disable on the other
  uint64_t violations = 0;
  std::vector<std::string> first;  // the first violations
  // the --sub-scheds slice's sites whose kernel code the recording shows
  // running (observed, not replayed): see checkSubSession
  SiteSet observed;
};

// Decode and check; is_sub is false (and nothing else is filled) unless the
// header names the scx_sub scheduler.
SubSession checkSubSession(const trace::Trace& t);
void printSubSession(std::ostream& o, const SubSession& s);

}  // namespace scxmc::validate
