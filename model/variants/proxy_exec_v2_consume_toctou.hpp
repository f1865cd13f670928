// proxy-exec-v2-consume-toctou: seed 003 without its patch 05 ("sched_ext:
// Fix TOCTOU race in consume_remote_task()").  scx_consume_dispatch_q checks
// that p may be moved (task_can_run_on_remote_rq, with patch 04's refusal of
// blocked donors and tasks on a CPU) under the DSQ lock only; after
// unlink_dsq_and_switch_rq_lock drops this rq's lock and takes p's,
// consume_remote_task moves p without checking again.  In between, p's CPU
// can pick a blocked donor whose mutex owner is p and run p as rq->curr:
// p, running there, is then migrated by the ext path (invariant
// donor-migration).
// Changes against 7.3.4: as proxy-exec-v2, minus the re-check:
//   ext.c:2621 consume_remote_task
#pragma once

#include "variants/proxy_exec_v2.hpp"

namespace scxmc {

class ProxyExecV2ConsumeToctou : public ProxyExecV2 {
 public:
  using ProxyExecV2::ProxyExecV2;
  const char* name() const override { return "proxy-exec-v2-consume-toctou"; }

 protected:
  bool consumeRecheck(uint8_t, uint8_t) override { return true; }  // BUG: no re-check under p's rq
};

}  // namespace scxmc
