// donor-migration: the ext migration path never moves a task it may not
// move.  Every move_remote_task_to_local_dsq (ext.c:2456: a consume from a
// DSQ, a dispatch or scx_bpf_dsq_move to a remote local DSQ) moves a task
// that, in the state the moving step starts from, is neither a blocked
// donor (p->blocked_on set: left to the proxy machinery, seed 003 patch 04)
// nor on a CPU (rq->curr or rq->donor of some CPU, including a mutex owner
// running for a donor).  Without proxy execution no task is a blocked donor
// or on a CPU while queued on a DSQ, so the baseline holds it trivially;
// seed 003 patch 05 (the TOCTOU in consume_remote_task) is what keeps it.
#include "invariants_all.hpp"
#include "format.hpp"

namespace scxmc {

namespace {
class DonorMigration final : public Invariant {
 public:
  const char* id() const override { return "donor-migration"; }
  bool applies(const Config& cfg) const override { return cfg.proxy; }
  bool exercisedBy(const Event& e) const override { return e.kind == Ev::ProxyExec; }
  const char* statement() const override {
    return "the ext migration path (move_remote_task_to_local_dsq) never moves a blocked donor or a task on a CPU";
  }
  bool onStep(const Config& cfg, const State& prev, const StepLog& log, State&, std::string* why) const override {
    bool ext_move = false;
    // Tasks this step switched out before the move: a balance callback
    // (--balance-callbacks) runs after finish_task(prev) cleared
    // prev->on_cpu (core.c:5418-5427, finish_lock_switch core.c:5262), so
    // its moves may take the previous task.
    uint32_t switched_out = 0;
    for (const Event& e : log) {
      if (e.kind == Ev::Switch && e.a != kNone) switched_out |= 1u << e.a;
      if (e.kind == Ev::Site && e.a == static_cast<uint8_t>(Site::MoveRemoteToLocal)) ext_move = true;
      if (!ext_move || e.kind != Ev::SetCpu || e.t == kNone) continue;
      const uint8_t t = e.t;
      if ((prev.mutex_blocked >> t) & 1) {
        *why = "the ext path migrates " + taskName(t) + " to CPU" + std::to_string(e.a) + " while it is a blocked donor";
        return false;
      }
      for (int c = 0; c < cfg.cpus; ++c)
        if ((prev.cpu[c].curr == t && !((switched_out >> t) & 1)) || prev.proxy_exec[c] == t) {
          *why = "the ext path migrates " + taskName(t) + " to CPU" + std::to_string(e.a) + " while it runs on CPU" +
                 std::to_string(c) + (prev.proxy_exec[c] == t ? " as the mutex owner for donor " +
                                                                    taskName(prev.cpu[c].curr) : std::string());
          return false;
        }
    }
    return true;
  }
};
}  // namespace

std::unique_ptr<Invariant> makeDonorMigration() { return std::make_unique<DonorMigration>(); }

}  // namespace scxmc
