// Invariant monitors.
//
// An invariant watches the model's transitions (the events of each step) and
// its states.  Monitors that need memory beyond the model's own state keep it
// in the state's ghost bits (ghost.hpp), which the model carries but never
// reads, so the explorer treats "model x monitor" as one product state.
// Each invariant has a stable id used in output and in --invariants.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "config.hpp"
#include "events.hpp"
#include "state.hpp"

namespace scxmc {

class Invariant {
 public:
  virtual ~Invariant() = default;
  virtual const char* id() const = 0;
  virtual const char* statement() const = 0;
  // Checks one transition prev -> next with its events; may update the
  // ghost bits this monitor owns in `next`.  False = violated, *why says how.
  virtual bool onStep(const Config& cfg, const State& prev, const StepLog& log, State& next,
                      std::string* why) const {
    return true;
  }
  // Checks a state (after onStep of every monitor ran on it).
  virtual bool onState(const Config& cfg, const State& s, std::string* why) const { return true; }

  // Vacuity (issue 20, docs/reliability.md).  Does event `e` exercise this
  // invariant (the situation it is about happened)?  An invariant that
  // applies to the configuration and holds, but none of whose exercising
  // events occurred anywhere in the search, holds vacuously.  The default,
  // any event, makes an invariant vacuous only when no step ran at all.
  virtual bool exercisedBy(const Event& e) const { return true; }
  // Is the invariant about this configuration at all (the lifecycle
  // invariants need --lifecycle, donor-migration proxy execution)?  One that
  // does not apply is never called vacuous: the configuration says so.
  virtual bool applies(const Config& cfg) const { return true; }
};

using InvariantList = std::vector<std::unique_ptr<Invariant>>;

// Every invariant, in report order.
InvariantList allInvariants();
// The ids, comma-separated (for --help and errors).
std::string invariantIds();
// Parses "all" or a comma-separated id list.  On error returns false with
// *err naming the unknown id.
bool selectInvariants(const std::string& spec, InvariantList* out, std::string* err);

// Shared predicates.
// Does this event put its task into BPF custody by the definition of
// Documentation/scheduler/sched-ext.rst (kept by ops.enqueue, or inserted
// into a user DSQ)?  Independent of the kernel's SCX_TASK_IN_CUSTODY flag.
bool entersCustody(const Event& e);
// Is task t referenced by an actor that is in the middle of a kernel path?
bool inFlight(const Config& cfg, const State& s, uint8_t t);
// The actor of a step: the first event that names one, or -1.
inline int stepActor(const StepLog& log) {
  for (const Event& e : log)
    if (e.actor != kNone) return e.actor;
  return -1;
}

}  // namespace scxmc
