#include <sstream>

#include "invariant.hpp"
#include "invariants_all.hpp"

namespace scxmc {

InvariantList allInvariants() {
  InvariantList v;
  v.push_back(makeCustody());
  v.push_back(makeDeqFlags());
  v.push_back(makeOpss());
  v.push_back(makeDsq());
  v.push_back(makeCallbackOrder());
  v.push_back(makeNoLostTask());
  v.push_back(makeDequeueUnlocked());
  v.push_back(makeKernelWarn());
  v.push_back(makeScxError());
  v.push_back(makeLockOrder());
  v.push_back(makeLifecycle());
  v.push_back(makeBypass());
  v.push_back(makeSleepInAtomic());
  v.push_back(makeLockContext());
  v.push_back(makeCycleResidue());
  v.push_back(makeRunningPairing());
  v.push_back(makeDonorMigration());
  v.push_back(makeSubOwnership());
  v.push_back(makeSubCallbackOwner());
  v.push_back(makeSubExit());
  v.push_back(makeSubTaskInit());
  v.push_back(makeSubPairing());
  v.push_back(makeRootAfterExit());
  return v;
}

std::string invariantIds() {
  std::string s;
  for (const auto& i : allInvariants()) s += (s.empty() ? "" : ",") + std::string(i->id());
  return s;
}

bool selectInvariants(const std::string& spec, InvariantList* out, std::string* err) {
  InvariantList all = allInvariants();
  out->clear();
  if (spec.empty() || spec == "all") {
    *out = std::move(all);
    return true;
  }
  std::stringstream ss(spec);
  std::string id;
  std::vector<bool> want(all.size(), false);
  while (std::getline(ss, id, ',')) {
    bool found = false;
    for (size_t i = 0; i < all.size(); ++i)
      if (id == all[i]->id()) { want[i] = true; found = true; }
    if (!found) {
      *err = "unknown invariant '" + id + "' (known: " + invariantIds() + ")";
      return false;
    }
  }
  for (size_t i = 0; i < all.size(); ++i)
    if (want[i]) out->push_back(std::move(all[i]));
  return true;
}

bool entersCustody(const Event& e) {
  if (e.kind == Ev::OpsEnqueue) return e.b == kNone;  // kept on the BPF side
  if (e.kind == Ev::DsqLink) return isUserDsq(e.a);
  return false;
}

bool inFlight(const Config& cfg, const State& s, uint8_t t) {
  for (int a = 0; a < cfg.actors(); ++a)
    if (s.actor[a].pc != 0 && s.actor[a].t == t) return true;
  // the scx_enable_helper between the dequeue and the enqueue of t's
  // sched_change in scx_bypass's cycling, holding t's rq (lifecycle.cpp)
  if (cfg.lifecycle && !(s.task[t].flags & kTaskQueued))
    for (int c = 0; c < cfg.cpus; ++c) {
      const uint8_t b = s.cpu[c].bypassing;
      if ((b & kCpuBypassHeld) && ((b >> (kCpuBypassCycledShift + t)) & 1)) return true;
    }
  return false;
}

}  // namespace scxmc
