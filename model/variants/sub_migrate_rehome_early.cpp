// Variant sub-migrate-rehome-early (a reviewer's simplification of
// scx_cgroup_task_migrating, sub.c:2036-2058): re-home the task to the
// destination's scheduler right at CGROUP_TASK_MIGRATING, once
// __scx_init_task succeeded, instead of at CGROUP_TASK_MIGRATED after the
// commit (sub.c:2074-2090), "so that the task is on its new scheduler
// before it is in the new cgroup".  But MIGRATING comes before the
// migration can still fail (cgroup.c:2737-2750, 2821-2829): when it does,
// the task stays in its old cgroup on the new scheduler, and
// CGROUP_TASK_MIGRATE_CANCELED (sub.c:2101-2117) finds it on `to` and
// returns.  Caught by sub-ownership (implies --lifecycle --sub-scheds 1
// --sub-migrations).
#include "hook_probe.hpp"
#include "lifecycle_variants.hpp"

namespace scxmc {

namespace {
class SubMigrateRehomeEarly : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "sub-migrate-rehome-early"; }
  bool cgroupTaskMigrating(uint8_t t, uint8_t to, bool fail) override {
    if (!ExtCore::cgroupTaskMigrating(t, to, fail)) return false;
    if (taskSched(t) == to) return true;  // (no re-homing move)
    // BUG: task_rq_lock, scx_rehome_task(to, p), task_rq_unlock here
    return rehomeInSchedChange(t, to, false);
  }
  void cgroupTaskMigrateCanceled(uint8_t t) override {
    // scx_task_on_sched(to, p): already re-homed, return (sub.c:2111-2113)
    if (taskSched(t) == cgroupSched(!inSubCgroup(t))) return;
    ExtCore::cgroupTaskMigrateCanceled(t);
  }
};
}  // namespace

std::unique_ptr<ExtCore> makeSubMigrateRehomeEarly(const Config& cfg) {
  Config c = withSubScheds(cfg);
  c.sub_migrations = true;
  return makeVariant<SubMigrateRehomeEarly>(c);
}

}  // namespace scxmc
