// Invariant sub-ownership (--sub-scheds, docs/sub-sched.md): every task on
// ext is owned by exactly one live scheduler.  The owner is p->scx.sched
// (one pointer: "exactly one" is structural); it must be live, i.e. the root
// while it is enabled, the child only between its link and its ops.exit
// (scx_link_sched sub.c:1790 .. sub.c:1652); a child-owned task must be in
// the child's cgroup (a task's sched matches its cgroup's owner, sub.c:2036-
// 2040); and while the child is enabled and no loop of its enable or disable
// is running, every task of its cgroup that is on ext is owned by it.
// (--sub-migrations: between a migration's commit and its CGROUP_TASK_MIGRATED
// the moved task is in its new cgroup but still on its old scheduler,
// cgroup.c:2757-2814: the cgroup conditions are waived for it then.)
#include "ext_core.hpp"
#include "format.hpp"
#include "invariants_all.hpp"

namespace scxmc {

namespace {
class SubOwnership final : public Invariant {
 public:
  const char* id() const override { return "sub-ownership"; }
  bool applies(const Config& cfg) const override { return cfg.sub_scheds > 0; }
  bool exercisedBy(const Event& e) const override { return e.kind == Ev::SetSched; }
  const char* statement() const override {
    return "every task on ext is owned by one live scheduler: the child only between its link and its ops.exit, "
           "and only for tasks of its cgroup; while the child is enabled, the tasks of its cgroup are its own";
  }
  bool onState(const Config& cfg, const State& s, std::string* why) const override {
    if (!cfg.sub_scheds) return true;
    const bool live = subLive(s.life_pc);
    const uint8_t mig = s.sub_mig & kSubMigPcMask;
    const bool rehoming = mig == static_cast<uint8_t>(MigPc::Attach) || mig == static_cast<uint8_t>(MigPc::Migrated);
    for (uint8_t t = 0; t < cfg.tasks; ++t) {
      const TaskState& ts = s.task[t];
      const bool moving = rehoming && (s.sub_mig >> kSubMigTaskShift) == t;
      const bool child = ts.flags & kTaskSubOwned;
      const bool in_cg = ts.flags & kTaskSubCgroup;
      const bool on_ext = ts.scx_state == static_cast<uint8_t>(ScxTaskState::Enabled);
      if (child && !live) {
        *why = taskName(t) + " is owned by the child scheduler, which is not live (helper: " +
               lifePcName(s.life_pc) + ")";
        return false;
      }
      if (child && !in_cg && !moving) {
        *why = taskName(t) + " is owned by the child scheduler but not in its cgroup";
        return false;
      }
      if (!child && on_ext && s.scx_enable == static_cast<uint8_t>(ScxEnable::Disabled)) {
        *why = taskName(t) + " is on ext, owned by the root, which is disabled";
        return false;
      }
      if (s.life_pc == static_cast<uint8_t>(LifePc::SubEnabled) && in_cg && on_ext && !child && !moving) {
        *why = taskName(t) + " is in the enabled child's cgroup but owned by the root";
        return false;
      }
    }
    return true;
  }
};
}  // namespace

std::unique_ptr<Invariant> makeSubOwnership() { return std::make_unique<SubOwnership>(); }

}  // namespace scxmc
