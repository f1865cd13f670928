// The variant hooks: every virtual member of ExtCore that stands for kernel
// code a patch may change, with the 7.3.4 function it models (ext_core.hpp
// has the details).  `scxmc map-patch` maps a hunk to the hooks of the
// functions it touches; `scxmc review` counts how often a variant's
// overrides of them ran and how often they did something else than 7.3.4's
// code (harness/hook_probe.hpp).
//
// X(return type, name, (parameters), (arguments), kernel function, file, line)
#pragma once

#include <cstdint>

namespace scxmc {

#define SCXMC_HOOKS(X)                                                                                                 \
  X(uint8_t, bpfDispatchTarget, (uint8_t t, uint8_t c), (t, c), "scx_bpf_dsq_insert", "ext.c", 9084)                   \
  X(uint8_t, bpfDsqMoveTarget, (uint8_t t, uint8_t c, uint8_t src), (t, c, src), "scx_dsq_move", "ext.c", 9208)        \
  X(uint8_t, selectTaskRq, (uint8_t t, uint8_t prev_cpu), (t, prev_cpu), "select_task_rq_scx", "ext.c", 3628)          \
  X(void, enqueueTask, (uint8_t rq, uint8_t t, uint8_t f), (rq, t, f), "enqueue_task_scx", "ext.c", 2171)              \
  X(void, doEnqueueTask, (uint8_t rq, uint8_t t, uint8_t f, uint8_t sticky), (rq, t, f, sticky), "scx_do_enqueue_task", \
    "ext.c", 2002)                                                                                                     \
  X(void, directDispatch, (uint8_t rq, uint8_t t), (rq, t), "direct_dispatch", "ext.c", 1936)                          \
  X(void, scheduleDeferredLocked, (uint8_t rq), (rq), "schedule_deferred_locked", "ext.c", 1050)                       \
  X(void, maybeQueueBalanceCallback, (uint8_t rq), (rq), "maybe_queue_balance_callback", "ext.c", 2959)               \
  X(bool, dispatchEnqueueLink, (uint8_t rq, uint8_t d, uint8_t t, bool slice, bool head), (rq, d, t, slice, head),     \
    "scx_dispatch_enqueue", "ext.c", 1608)                                                                             \
  X(bool, dsqInsertCustody, (uint8_t d, uint8_t t), (d, t), "scx_dispatch_enqueue", "ext.c", 1740)                     \
  X(void, dispatchEnqueueTail, (uint8_t t, bool call_dequeue, bool clear_opss), (t, call_dequeue, clear_opss),         \
    "scx_dispatch_enqueue", "ext.c", 1755)                                                                             \
  X(bool, leaveCustody, (uint8_t t), (t), "task_leave_custody", "ext.c", 1527)                                         \
  X(void, rqOwnedPostEnq, (uint8_t rq, uint8_t t), (rq, t), "rq_owned_post_enq", "ext.c", 1536)                        \
  X(void, dispatchDequeue, (uint8_t rq, uint8_t t), (rq, t), "scx_dispatch_dequeue", "ext.c", 1780)                    \
  X(DeqStart, dequeueTaskBegin, (uint8_t rq, uint8_t t, uint8_t f), (rq, t, f), "dequeue_task_scx", "ext.c", 2311)     \
  X(bool, opsDequeueClaim, (uint8_t t), (t), "ops_dequeue", "ext.c", 2230)                                             \
  X(void, opsDequeueTail, (uint8_t t, uint8_t f), (t, f), "ops_dequeue", "ext.c", 2307)                                \
  X(void, dequeueTaskFinish, (uint8_t rq, uint8_t t, uint8_t f), (rq, t, f), "dequeue_task_scx", "ext.c", 2311)        \
  X(void, moveLocalTaskToLocalDsq, (uint8_t t, uint8_t dst), (t, dst), "scx_move_local_task_to_local_dsq", "ext.c",    \
    2423)                                                                                                              \
  X(void, moveRemoteTaskBegin, (uint8_t t, uint8_t src, uint8_t dst, Ret then), (t, src, dst, then),                   \
    "move_remote_task_to_local_dsq", "ext.c", 2456)                                                                    \
  X(void, moveRemoteTaskArrive, (uint8_t t, uint8_t dst), (t, dst), "move_remote_task_to_local_dsq", "ext.c", 2456)    \
  X(bool, taskCanRunOnRemoteRq, (uint8_t t, uint8_t rq, bool enforce), (t, rq, enforce), "task_can_run_on_remote_rq",  \
    "ext.c", 2508)                                                                                                     \
  X(void, finishDispatch, (const BufEnt& e), (e), "finish_dispatch", "ext.c", 2876)                                    \
  X(void, finishDispatchCustody, (uint8_t t, uint8_t d), (t, d), "finish_dispatch", "ext.c", 2876)                     \
  X(bool, claimFresh, (const BufEnt& e), (e), "finish_dispatch", "ext.c", 2901)                                        \
  X(void, dispatchToLocalDsq, (uint8_t rq, uint8_t dst, uint8_t t), (rq, dst, t), "dispatch_to_local_dsq", "ext.c",    \
    2775)                                                                                                              \
  X(void, dispatchToLocalDsqSrc, (), (), "dispatch_to_local_dsq", "ext.c", 2818)                                       \
  X(void, putPrevTask, (uint8_t rq, uint8_t t, uint8_t next), (rq, t, next), "put_prev_task_scx", "ext.c", 3175)       \
  X(void, setNextTask, (uint8_t rq, uint8_t t), (rq, t), "set_next_task_scx", "ext.c", 3063)                           \
  X(void, consumeDispatchQ, (), (), "scx_consume_dispatch_q", "ext.c", 2704)                                           \
  X(void, dsqMoveAtSrc, (), (), "scx_dsq_move", "ext.c", 9208)                                                         \
  X(void, opsRunning, (uint8_t t), (t), "set_next_task_scx", "ext.c", 3078)                                            \
  X(void, opsStopping, (uint8_t t, bool runnable), (t, runnable), "put_prev_task_scx", "ext.c", 3197)                  \
  X(bool, consumeRecheck, (uint8_t t, uint8_t src), (t, src), "consume_remote_task", "ext.c", 2621)                    \
  X(uint8_t, pickProxy, (uint8_t c, uint8_t& prev, uint8_t next), (c, prev, next), "__schedule", "core.c", 7201)       \
  X(int, proxyEnvCount, (uint8_t c), (c), "find_proxy_task", "core.c", 6921)                                           \
  X(void, proxyEnv, (uint8_t c, int k), (c, k), "find_proxy_task", "core.c", 6921)                                     \
  X(bool, prevKeepable, (uint8_t prev), (prev), "dispatch_one", "ext.c", 2972)                                         \
  X(bool, scxBypass, (bool bypass), (bypass), "scx_bypass", "ext.c", 6275)                                             \
  X(uint8_t, enableNext, (uint8_t done), (done), "scx_root_enable_workfn", "ext.c", 7691)                              \
  X(void, enableInitTask, (uint8_t t), (t), "scx_root_enable_workfn", "ext.c", 7943)                                   \
  X(void, disableTask, (uint8_t t), (t), "scx_root_disable", "ext.c", 6658)                                            \
  X(void, scxDisableTask, (uint8_t t), (t), "scx_disable_task", "ext.c", 4087)                                         \
  X(void, destroyDsq, (uint8_t d), (d), "destroy_dsq", "ext.c", 5300)                                                  \
  X(void, cgroupAttach, (uint8_t t, bool fail), (t, fail), "scx_cgroup_can_attach", "ext.c", 4984)                     \
  X(void, forkTask, (uint8_t t), (t), "scx_fork", "ext.c", 4244)                                                       \
  X(void, taskExit, (uint8_t t), (t), "sched_ext_dead", "ext.c", 4344)                                                 \
  X(void, setScheduler, (uint8_t t, bool policy_only), (t, policy_only), "__sched_setscheduler", "syscalls.c", 494)     \
  X(void, switchingToScx, (uint8_t t), (t), "switching_to_scx", "ext.c", 4415)                                         \
  X(void, switchedToScx, (uint8_t t), (t), "switched_to_scx", "ext.c", 4451)                                         \
  X(void, enableInitTaskCall, (uint8_t t), (t), "scx_root_enable_workfn", "ext.c", 7966)                               \
  X(bool, taskDeadAndDone, (uint8_t t), (t), "task_dead_and_done", "ext.c", 4329)                                      \
  X(void, dequeueTask, (uint8_t rq, uint8_t t, uint8_t f), (rq, t, f), "dequeue_task_scx", "ext.c", 2311)              \
  X(void, bpfDispatch, (), (), "scx_dispatch_sched", "inlines.h", 100)                                                 \
  X(void, flushLink, (), (), "finish_dispatch", "ext.c", 2876)                                                         \
  X(void, deferred, (), (), "process_ddsp_deferred_locals", "ext.c", 4465)                                            \
  X(void, tick, (uint8_t rq), (rq), "task_tick_scx", "ext.c", 3922)                                                    \
  X(bool, acquiresWithIrqsOn, (LockClass cls, uint8_t inst), (cls, inst), "scx_link_sched", "ext.c", 6504)            \
  X(void, setTaskSched, (uint8_t t, uint8_t sch), (t, sch), "scx_set_task_sched", "sub.c", 101)                        \
  X(void, subEnableSwitchTask, (uint8_t t), (t), "scx_sub_enable_workfn", "sub.c", 1934)                               \
  X(bool, subDisableVisits, (uint8_t t), (t), "scx_sub_disable", "sub.c", 1555)                                        \
  X(void, subRehomeTask, (uint8_t t, uint8_t to), (t, to), "scx_rehome_task", "sub.c", 1250)                          \
  X(bool, claimExitKind, (uint8_t sch), (sch), "scx_claim_exit", "ext.c", 6810)                                        \
  X(void, subLinkCheck, (), (), "scx_link_sched", "ext.c", 6537)                                                      \
  X(void, handleLockup, (), (), "handle_lockup", "ext.c", 5794) \
  X(void, kickCpusTail, (), (), "kick_cpus_irq_workfn", "ext.c", 8793)                                               \
  X(bool, consumeAborting, (uint8_t d), (d), "scx_consume_dispatch_q", "ext.c", 2730)                                 \
  X(bool, dsqMoveAborting, (), (), "scx_dsq_move", "ext.c", 9239)                                                    \
  X(void, switchedFromScx, (uint8_t t), (t), "switched_from_scx", "ext.c", 4433)                                   \
  X(bool, enableSwitchSkips, (uint8_t t), (t), "scx_root_enable_workfn", "ext.c", 8023)                                \
  X(bool, cgroupTaskMigrating, (uint8_t t, uint8_t to, bool fail), (t, to, fail), "scx_cgroup_task_migrating", "sub.c", \
    2036)                                                                                                              \
  X(void, cgroupTaskMigrated, (uint8_t t), (t), "scx_cgroup_task_migrated", "sub.c", 2074)                             \
  X(void, cgroupTaskMigrateCanceled, (uint8_t t), (t), "scx_cgroup_task_migrate_canceled", "sub.c", 2101)      \
  X(void, subPuntTask, (uint8_t t), (t), "scx_punt_task", "sub.c", 1279)                                             \
  X(void, subAbortCancelTask, (uint8_t t), (t), "scx_sub_enable_workfn", "sub.c", 2002)                          \
  X(void, subReturnSubtree, (bool claimed), (claimed), "scx_cgroup_return_subtree", "sub.c", 1435)                   \
  X(void, subDetach, (bool attached), (attached), "scx_sub_disable", "sub.c", 1640)                                  \
  X(void, subClaimSubtreeUnwind, (), (), "scx_cgroup_claim_subtree", "sub.c", 1398)

enum class Hook : uint8_t {
#define SCXMC_HOOK_ENUM(R, name, params, args, fn, file, line) name,
  SCXMC_HOOKS(SCXMC_HOOK_ENUM)
#undef SCXMC_HOOK_ENUM
      Count
};

struct HookInfo {
  const char* name;      // the ExtCore member
  const char* function;  // the 7.3.4 function it models
  const char* file;
  int line;
};

const HookInfo& hookInfo(Hook h);
constexpr int kHookCount = static_cast<int>(Hook::Count);

}  // namespace scxmc
