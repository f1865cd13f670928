// proxy-exec-v2: "sched: Make proxy execution compatible with sched_ext",
// PATCHSET v2 (Andrea Righi, 2026-07-02), seed 003.  Only the cover letter
// is available, not the patches; docs/variants.md separates what the seed
// says from what this model assumes.
//
// 7.3.4 builds proxy execution and sched_ext mutually exclusive (Kconfig),
// so the variant adds behaviour the baseline does not have (Config::proxy,
// set by the factory; the baseline's state space is unchanged):
//  * one mutex; the task running on a CPU may take it, release it, or block
//    on it while another task owns it (environment events of that CPU);
//  * SCX_OPS_ENQ_BLOCKED is set: a task that blocks on the mutex stays on
//    its rq (try_to_block_task, core.c:7192) as a blocked donor and is
//    passed through ops.enqueue() by put_prev_task_scx, like a task whose
//    slice ended; BPF keeps it or inserts it into any DSQ (patch 09);
//  * when a blocked donor is picked, find_proxy_task (core.c:6921) runs the
//    mutex owner as rq->curr (State::proxy_exec) if the owner is queued on
//    this rq; the donor stays rq->donor (CpuState::curr), the scheduling
//    context sched_ext sees (patch 03).  Otherwise the CPU switches to idle
//    (proxy_resched_idle, core.c:6795): after the pick's switch to the
//    donor, put_prev_task_scx(donor, idle) hands the donor to ops.enqueue
//    (the core's proxy_migrate_task / proxy_deactivate are not modeled);
//  * the owner substitution makes no ext callback (patch 02 skips the
//    put_prev/set_next re-entry, core.c:7231);
//  * no ops.running for a blocked donor; ops.stopping only after an
//    ops.running (patch 06, State::scx_ran);
//  * the ext migration path leaves blocked donors and tasks on a CPU alone:
//    task_can_run_on_remote_rq refuses them (patch 04) and
//    consume_remote_task re-checks that after its lock switch (patch 05),
//    putting a task it may no longer move back at the head of its DSQ.
// Changes against 7.3.4:
//   ext.c:3063 set_next_task_scx, ext.c:3175 put_prev_task_scx,
//   ext.c:2311 dequeue_task_scx (ops.stopping), ext.c:2508
//   task_can_run_on_remote_rq, ext.c:2621 consume_remote_task,
//   core.c:7192 try_to_block_task, core.c:6921 find_proxy_task
#pragma once

#include "ext_core.hpp"

namespace scxmc {

// The proxy-exec variants model the mutex and rq->donor: their factories
// switch Config::proxy on, whatever the caller asked.
inline Config withProxy(Config c) {
  c.proxy = true;
  return c;
}

class ProxyExecV2 : public ExtCore {
 public:
  explicit ProxyExecV2(const Config& cfg) : ExtCore(withProxy(cfg)) {}
  const char* name() const override { return "proxy-exec-v2"; }

 protected:
  bool blockedDonor(uint8_t t) const { return t != kNone && ((s_->mutex_blocked >> t) & 1); }
  // May the ext migration path move t?  Not a blocked donor (patch 04), not
  // on a CPU (rq->curr or rq->donor: with proxy execution an owner can run
  // while it is still queued on a DSQ).
  bool movable(uint8_t t) { return !blockedDonor(t) && !isCurr(t); }
  // The task executing on CPU c: rq->curr.
  uint8_t execOn(uint8_t c) { return s_->proxy_exec[c] != kNone ? s_->proxy_exec[c] : cpu(c).curr; }

  void opsRunning(uint8_t t) override;
  void opsStopping(uint8_t t, bool runnable) override;
  bool prevKeepable(uint8_t prev) override;
  void putPrevTask(uint8_t rq, uint8_t t, uint8_t next) override;
  bool taskCanRunOnRemoteRq(uint8_t t, uint8_t rq, bool enforce) override;
  bool consumeRecheck(uint8_t t, uint8_t src) override;
  uint8_t pickProxy(uint8_t c, uint8_t& prev, uint8_t next) override;
  int proxyEnvCount(uint8_t c) override;
  void proxyEnv(uint8_t c, int k) override;
};

}  // namespace scxmc
