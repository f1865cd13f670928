// Model variants of seed 000's community-review patches 39-41 (one file
// each); they need Config::lifecycle to reach the functions they change.
#pragma once

#include <memory>

#include "ext_core.hpp"

namespace scxmc {
// The functions these variants change run only with the lifecycle: their
// factories switch it on (Config::lifecycle), whatever the caller asked.
inline Config withLifecycle(Config c) {
  c.lifecycle = true;
  return c;
}
std::unique_ptr<ExtCore> makeBypassClearEarly(const Config& cfg);
std::unique_ptr<ExtCore> makeDestroyDsqInversion(const Config& cfg);
std::unique_ptr<ExtCore> makeCgroupAttachHoldsLock(const Config& cfg);
std::unique_ptr<ExtCore> makeNoSwitchingTo(const Config& cfg);  // no_switching_to.cpp
std::unique_ptr<ExtCore> makeLinkSchedIrqsOn(const Config& cfg);  // link_sched_irqs_on.cpp (issue 17)
// Sub-scheduler variants (docs/sub-sched.md): their factories switch on the
// lifecycle and one child scheduler.
inline Config withSubScheds(Config c) {
  c.lifecycle = true;
  if (c.sub_scheds == 0) c.sub_scheds = 1;
  return c;
}
// the slice of the enable's abort, with a second task in the child's cgroup
// for its cancel loop
inline Config withSubEnableFail(Config c) {
  c = withSubScheds(c);
  c.sub_enable_fail = true;
  c.sub_cgroup_all = true;
  return c;
}
// the slice of the enable's failures before its task loops
inline Config withSubEarlyFail(Config c) {
  c = withSubScheds(c);
  c.sub_early_fail = true;
  return c;
}
std::unique_ptr<ExtCore> makeSubDetachUnattached(const Config& cfg);     // sub_detach_unattached.cpp
std::unique_ptr<ExtCore> makeSubReturnUnclaimed(const Config& cfg);      // sub_return_unclaimed.cpp
std::unique_ptr<ExtCore> makeSubClaimUnwindAll(const Config& cfg);       // sub_claim_unwind_all.cpp
std::unique_ptr<ExtCore> makeSubAbortSkipsCancel(const Config& cfg);     // sub_abort_skips_cancel.cpp
std::unique_ptr<ExtCore> makeSubAbortDisables(const Config& cfg);        // sub_abort_disables.cpp
std::unique_ptr<ExtCore> makeSubRehomeKeepsSched(const Config& cfg);     // sub_rehome_keeps_sched.cpp
std::unique_ptr<ExtCore> makeSubClaimPlainStore(const Config& cfg);      // sub_claim_plain_store.cpp
std::unique_ptr<ExtCore> makeSubDisableSkipsSleepers(const Config& cfg);  // sub_disable_skips_sleepers.cpp
std::unique_ptr<ExtCore> makeSubEnableBeforeSetSched(const Config& cfg);  // sub_enable_before_set_sched.cpp
std::unique_ptr<ExtCore> makeSubMigrateRehomeEarly(const Config& cfg);    // sub_migrate_rehome_early.cpp
std::unique_ptr<ExtCore> makeSubFailParentNoBypass(const Config& cfg);  // sub_fail_parent_no_bypass.cpp
std::unique_ptr<ExtCore> makeSubPuntSkipsExit(const Config& cfg);        // sub_punt_skips_exit.cpp
std::unique_ptr<ExtCore> makeSwitchingToSkipsNone(const Config& cfg);    // switching_to_skips_none.cpp
}  // namespace scxmc
