// Variant enable-switches-every-ready (issue 17, "Task death and class"): a
// patch that simplifies the enable's switch loop to "p->sched_class =
// &ext_sched_class" for every READY task, dropping scx_setscheduler_class
// (ext.c:8023, 315-321) "since every task was just initialized for ext".
// A task whose policy is another class (RT, or SCHED_NORMAL under
// SCX_OPS_SWITCH_PARTIAL) is then put on ext against its policy, and gets
// ops.enable; task_should_scx (ext.c:5733-5760) would never have put it
// there.  Needs --lifecycle --switch-during-walks (the task's policy apart
// from its class): the factory switches them on.
#include <memory>

#include "hook_probe.hpp"

namespace scxmc {

namespace {
class EnableSwitchesEveryReady : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "enable-switches-every-ready"; }
  // BUG: the new class no longer follows the task's policy
  bool enableSwitchSkips(uint8_t) override { return false; }
};
}  // namespace

std::unique_ptr<ExtCore> makeEnableSwitchesEveryReady(const Config& cfg) {
  Config c = cfg;
  c.lifecycle = true;
  c.switch_walks = true;
  return makeVariant<EnableSwitchesEveryReady>(c);
}

}  // namespace scxmc
