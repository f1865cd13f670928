#include "events.hpp"

namespace scxmc {

const char* opName(Op o) {
  switch (o) {
    case Op::None: return "none";
    case Op::Wakeup: return "wakeup";
    case Op::Sleep: return "sleep";
    case Op::Nice: return "set_user_nice";
    case Op::Affinity: return "sched_setaffinity";
    case Op::Tick: return "tick";
    case Op::Pick: return "schedule";
    case Op::Deferred: return "deferred";
  }
  return "?";
}

const char* opssName(uint8_t o) {
  switch (static_cast<Opss>(o)) {
    case Opss::None: return "NONE";
    case Opss::Queueing: return "QUEUEING";
    case Opss::Queued: return "QUEUED";
    case Opss::Dispatching: return "DISPATCHING";
  }
  return "?";
}

}  // namespace scxmc
