// proxy-exec-v2-no-pairing-fix: seed 003 without its patch 06 ("sched_ext:
// Fix ops.running/stopping() pairing for proxy-exec donors").  The rest of
// the series still skips ops.running for a blocked donor (no callback for
// the owner substitution), but ops.stopping is called as in 7.3.4, for every
// QUEUED task that put_prev_task_scx / dequeue_task_scx stop, whether or not
// it got an ops.running: a donor picked while blocked and then preempted or
// put back gets ops.stopping without ops.running (invariant running-pairing).
// Changes against 7.3.4: as proxy-exec-v2, minus the ops.stopping gate:
//   ext.c:3175 put_prev_task_scx, ext.c:2311 dequeue_task_scx
#pragma once

#include "variants/proxy_exec_v2.hpp"

namespace scxmc {

class ProxyExecV2NoPairingFix : public ProxyExecV2 {
 public:
  using ProxyExecV2::ProxyExecV2;
  const char* name() const override { return "proxy-exec-v2-no-pairing-fix"; }

 protected:
  // no State::scx_ran bookkeeping: ops.running is skipped for a blocked
  // donor, ops.stopping never is
  void opsRunning(uint8_t t) override {
    if (!blockedDonor(t)) ExtCore::opsRunning(t);
  }
  void opsStopping(uint8_t t, bool runnable) override { ExtCore::opsStopping(t, runnable); }
};

}  // namespace scxmc
