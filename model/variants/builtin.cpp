// The built-in variants, in `scxmc variants` order.  Each variant is a
// header in this directory (a subclass of ExtCore, or of the variant it
// revises, that overrides only the modeled functions its patch changes) and
// a translation unit of its own that defines its factory; this file only
// names the patch and the 7.3.4 lines each touches.  So a change to a
// variant recompiles that variant's .cpp and relinks, nothing else
// (docs/check-your-patch.md, "Rebuilding").  Every variants/*.cpp is built
// (model/CMakeLists.txt globs them).
#include "variants.hpp"
#include "variants/lifecycle_variants.hpp"

namespace scxmc {

// The factories, one per variant, each in its variant's .cpp.
std::unique_ptr<ExtCore> makeDequeueLegacy(const Config&);       // dequeue_legacy.cpp
std::unique_ptr<ExtCore> makeDequeueRfc(const Config&);          // dequeue_rfc_series.cpp
std::unique_ptr<ExtCore> makeDequeueRfcR1(const Config&);
std::unique_ptr<ExtCore> makeDequeueRfcR2(const Config&);
std::unique_ptr<ExtCore> makeDequeueRfcR3(const Config&);
std::unique_ptr<ExtCore> makeDequeueRfcR4(const Config&);
std::unique_ptr<ExtCore> makeDequeueRfcMerged(const Config&);
std::unique_ptr<ExtCore> makeGlobalDequeueLocked(const Config&);  // global_dequeue_locked.cpp
std::unique_ptr<ExtCore> makeBalCbInDispatch(const Config&);      // bal_cb_in_dispatch.cpp
std::unique_ptr<ExtCore> makeKickWaitInHardirq(const Config&);    // kick_wait_in_hardirq.cpp
std::unique_ptr<ExtCore> makeSwitchingFromDisables(const Config&);  // switching_from_disables.cpp
std::unique_ptr<ExtCore> makeEnableSwitchesEveryReady(const Config&);  // enable_switches_every_ready.cpp
std::unique_ptr<ExtCore> makeHardlockupTakesSchedLock(const Config&);  // hardlockup_takes_sched_lock.cpp
std::unique_ptr<ExtCore> makeProxyExecV2(const Config&);          // proxy_exec_v2_series.cpp
std::unique_ptr<ExtCore> makeProxyExecV2NoPairingFix(const Config&);
std::unique_ptr<ExtCore> makeProxyExecV2ConsumeToctou(const Config&);
// docs/check-your-patch.md section 8, one recipe each (recipe_*.cpp)
std::unique_ptr<ExtCore> makeRecipeRemovedCheck(const Config&);
std::unique_ptr<ExtCore> makeRecipeMovedBlock(const Config&);
std::unique_ptr<ExtCore> makeRecipeNewWarn(const Config&);
std::unique_ptr<ExtCore> makeRecipeLockDropped(const Config&);
std::unique_ptr<ExtCore> makeRecipeSplitRead(const Config&);
std::unique_ptr<ExtCore> makeRecipeNewKfunc(const Config&);

std::vector<std::pair<VariantInfo, ModelFactory>> builtinVariants() {
  return {
      {{"bypass-clear-early",
        "seed 000 patch 40: enable leaves bypass (ext.c:8040) before the switch loop (ext.c:8019), so before every task is initialized (implies --lifecycle)",
        "ext.c:8040 scx_bypass, ext.c:8019 percpu_down_write"},
       makeBypassClearEarly},
      {{"destroy-dsq-inversion",
        "seed 000 patch 39: scx_bpf_destroy_dsq takes scx_tasks_lock inside dsq->lock (implies --lifecycle)",
        "ext.c:5300 destroy_dsq"},
       makeDestroyDsqInversion},
      {{"cgroup-attach-holds-lock",
        "seed 000 patch 41: scx_cgroup_can_attach calls BPF under a spinning cgroup lock (implies --lifecycle)",
        "ext.c:4984 scx_cgroup_can_attach"},
       makeCgroupAttachHoldsLock},
      {{"no-switching-to",
        "seed 001 patch 04 not applied: no switching_to(), ops.enable from switched_to_scx after the task's first "
        "enqueue_task_scx (implies --lifecycle)",
        "ext.c:4415 switching_to_scx, ext.c:4451 switched_to_scx"},
       makeNoSwitchingTo},
      {{"link-sched-irqs-on",
        "issue 17 reviewer variant: scx_link_sched takes scx_bypass_lock without _irqsave, so scx_sched_lock is "
        "HARDIRQ-unsafe under the HARDIRQ-safe rq lock (caught by 'scxmc locks'; implies --lifecycle)",
        "ext.c:6504 scx_link_sched"},
       makeLinkSchedIrqsOn},
      {{"sub-rehome-keeps-sched",
        "sub-schedulers: scx_rehome_task hands a task back to the parent without scx_set_task_sched, so "
        "p->scx.sched still names the disabling child (implies --lifecycle --sub-scheds 1)",
        "sub.c:1250 scx_rehome_task"},
       makeSubRehomeKeepsSched},
      {{"sub-disable-skips-sleepers",
        "sub-schedulers: scx_sub_disable re-homes only runnable tasks, leaving sleeping ones to their next "
        "wakeup (implies --lifecycle --sub-scheds 1)",
        "sub.c:1548 scx_sub_disable"},
       makeSubDisableSkipsSleepers},
      {{"sub-enable-before-set-sched",
        "sub-schedulers: scx_sub_enable_workfn's switch loop calls the child's ops.enable before "
        "scx_set_task_sched makes the child the owner (implies --lifecycle --sub-scheds 1)",
        "sub.c:1934 scx_sub_enable_workfn"},
       makeSubEnableBeforeSetSched},
      {{"sub-claim-plain-store",
        "sub-schedulers: scx_claim_exit sets exit_kind with a plain store instead of the cmpxchg against NONE, "
        "so a claim after the disable set DONE queues a second disable: a second ops.exit (implies --lifecycle "
        "--sub-scheds 1)",
        "ext.c:6810 scx_claim_exit"},
       makeSubClaimPlainStore},
      {{"sub-migrate-rehome-early",
        "sub-schedulers: scx_cgroup_task_migrating re-homes the task at CGROUP_TASK_MIGRATING instead of "
        "CGROUP_TASK_MIGRATED, so a write that fails after it leaves the task on the destination's scheduler "
        "in its old cgroup (implies --lifecycle --sub-scheds 1 --sub-migrations)",
        "sub.c:2036 scx_cgroup_task_migrating"},
       makeSubMigrateRehomeEarly},
      {{"sub-fail-parent-no-bypass",
        "sub-schedulers: scx_fail_parent punts the child's tasks to the failed parent without "
        "scx_bypass(parent, true), so the parent can schedule tasks it never initialized (implies --lifecycle "
        "--sub-scheds 1 --sub-fail-parent)",
        "sub.c:1291 scx_fail_parent"},
       makeSubFailParentNoBypass},
      {{"sub-punt-skips-exit",
        "sub-schedulers: scx_punt_task re-points p->scx.sched to the parent without "
        "scx_disable_and_exit_task on the child, so the child never exits the task and the parent disables a "
        "task it never initialized (implies --lifecycle --sub-scheds 1 --sub-fail-parent)",
        "sub.c:1279 scx_punt_task"},
       makeSubPuntSkipsExit},
      {{"sub-abort-skips-cancel",
        "sub-schedulers: the abort path of scx_sub_enable_workfn clears SCX_TASK_SUB_INIT without "
        "scx_sub_init_cancel_task, so the child's completed ops.init_task calls never get their ops.exit_task "
        "(implies --lifecycle --sub-scheds 1 --sub-enable-fail --sub-cgroup-all)",
        "sub.c:2002 scx_sub_enable_workfn"},
       makeSubAbortSkipsCancel},
      {{"sub-abort-disables",
        "sub-schedulers: the abort path of scx_sub_enable_workfn undoes the child's init with "
        "__scx_disable_and_exit_task instead of scx_sub_init_cancel_task: the child's ops.disable for a task it "
        "never enabled and the parent still owns (implies --lifecycle --sub-scheds 1 --sub-enable-fail "
        "--sub-cgroup-all)",
        "sub.c:2002 scx_sub_enable_workfn"},
       makeSubAbortDisables},
      {{"sub-detach-unattached",
        "sub-schedulers: scx_sub_disable calls the parent's ops.sub_detach without testing sch->sub_attached, so a "
        "child whose ops.init or whose parent's ops.sub_attach failed is detached without an attach (implies "
        "--lifecycle --sub-scheds 1 --sub-early-fail)",
        "sub.c:1640 scx_sub_disable"},
       makeSubDetachUnattached},
      {{"sub-return-unclaimed",
        "sub-schedulers: scx_cgroup_return_subtree returns every task_group under the child's cgroup without "
        "testing tg->scx.sched == sch, so after a failed subtree claim the child exits a cgroup it never "
        "initialized and the parent re-inits one it holds (implies --lifecycle --sub-scheds 1 --sub-early-fail)",
        "sub.c:1447 scx_cgroup_return_subtree"},
       makeSubReturnUnclaimed},
      {{"sub-claim-unwind-all",
        "sub-schedulers: scx_cgroup_claim_subtree's error unwind exits every task_group of the subtree without "
        "testing SCX_TG_SUB_INIT, so the child's ops.cgroup_exit also runs for the one whose ops.cgroup_init "
        "failed (implies --lifecycle --sub-scheds 1 --sub-early-fail)",
        "sub.c:1402 scx_cgroup_claim_subtree"},
       makeSubClaimUnwindAll},
      {{"switching-to-skips-none",
        "proposed fix (--sub-fail-parent finding): switching_to_scx returns for a task in SCX_TASK_NONE, as "
        "switched_from_scx does, so a task punted to the failed parent that switches to ext is not enabled on it "
        "(implies --lifecycle --sub-scheds 1 --sub-fail-parent)",
        "ext.c:4415 switching_to_scx"},
       makeSwitchingToSkipsNone},
      {{"dequeue-legacy",
        "ops.dequeue() before commit ebf1ccff79 (seed 002): only for a task QUEUED on the BPF side, core flags",
        "ext.c:2307 ops_dequeue, ext.c:1540 rq_owned_post_enq, ext.c:1741 scx_dispatch_enqueue"},
       makeDequeueLegacy},
      {{"dequeue-rfc",
        "seed 002: 'sched_ext: Fix ops.dequeue() semantics' as posted 2026-02-04, flag managed in 6 places",
        "ext.c:1882 mark_direct_dispatch, ext.c:1936 direct_dispatch, ext.c:1741 scx_dispatch_enqueue, "
        "ext.c:2423 scx_move_local_task_to_local_dsq, ext.c:2876 finish_dispatch, ext.c:2307 ops_dequeue, "
        "ext.c:1529 task_leave_custody"},
       makeDequeueRfc},
      {{"dequeue-rfc-r1", "dequeue-rfc + review: no flag management in mark_direct_dispatch (seed 002)",
        "ext.c:1882 mark_direct_dispatch"},
       makeDequeueRfcR1},
      {{"dequeue-rfc-r2", "dequeue-rfc-r1 + review: no flag management or ops.dequeue in direct_dispatch (seed 002)",
        "ext.c:1936 direct_dispatch"},
       makeDequeueRfcR2},
      {{"dequeue-rfc-r3",
        "dequeue-rfc-r2 + review: terminal custody exit in dispatch_enqueue, not finish_dispatch, so "
        "scx_bpf_dsq_move is covered (seed 002)",
        "ext.c:2876 finish_dispatch, ext.c:1741 scx_dispatch_enqueue, ext.c:1540 rq_owned_post_enq, "
        "ext.c:2423 scx_move_local_task_to_local_dsq"},
       makeDequeueRfcR3},
      {{"dequeue-rfc-r4",
        "dequeue-rfc-r3 + review: one ops.dequeue helper after the ops_state switch, also after a DISPATCHING "
        "wait (seed 002)",
        "ext.c:2307 ops_dequeue"},
       makeDequeueRfcR4},
      {{"dequeue-rfc-merged",
        "dequeue-rfc-r4 + v9: no custody exit during an SCX-internal migration (sticky_cpu) = commit ebf1ccff79",
        "ext.c:1529 task_leave_custody"},
       makeDequeueRfcMerged},
      {{"global-dequeue-locked",
        "docs/check-your-patch.md example: ops.dequeue(0) for a GLOBAL insert before dsq->lock is dropped",
        "ext.c:1741 scx_dispatch_enqueue"},
       makeGlobalDequeueLocked},
      {{"proxy-exec-v2",
        "seed 003: proxy execution with sched_ext, PATCHSET v2 (SCX_OPS_ENQ_BLOCKED donors through ops.enqueue, "
        "rq->donor as the ext scheduling context; implies the mutex model)",
        "ext.c:3063 set_next_task_scx, ext.c:3175 put_prev_task_scx, ext.c:2311 dequeue_task_scx, "
        "ext.c:2508 task_can_run_on_remote_rq, ext.c:2621 consume_remote_task, "
        "core.c:7192 try_to_block_task, core.c:6921 find_proxy_task"},
       makeProxyExecV2},
      {{"proxy-exec-v2-no-pairing-fix",
        "proxy-exec-v2 without its patch 06: ops.stopping also for a donor that got no ops.running (seed 003)",
        "ext.c:3175 put_prev_task_scx, ext.c:2311 dequeue_task_scx"},
       makeProxyExecV2NoPairingFix},
      {{"proxy-exec-v2-consume-toctou",
        "proxy-exec-v2 without its patch 05: consume_remote_task does not re-check after its lock switch (seed 003)",
        "ext.c:2621 consume_remote_task"},
       makeProxyExecV2ConsumeToctou},
      // The recipes of docs/check-your-patch.md, section 8: one small
      // hypothetical patch of each kind, each with a seeded bug a test
      // shows caught (tests/variants_test.cpp, Recipes.*).
      {{"recipe-removed-check",
        "recipe: scx_dsq_move without the nldsq_cursor_lost_task test (a removed check)",
        "ext.c:9268 scx_dsq_move"},
       makeRecipeRemovedCheck},
      {{"recipe-moved-block",
        "recipe: the SCX_ENQ_CLEAR_OPSS store moved before the DSQ lock in scx_dispatch_enqueue (a moved block)",
        "ext.c:1755 scx_dispatch_enqueue, ext.c:1632 scx_dispatch_enqueue"},
       makeRecipeMovedBlock},
      {{"recipe-new-warn",
        "recipe: WARN_ON_ONCE(p->scx.ddsp_dsq_id != SCX_DSQ_INVALID) in dequeue_task_scx (a new WARN)",
        "ext.c:2367 dequeue_task_scx"},
       makeRecipeNewWarn},
      {{"recipe-lock-dropped",
        "recipe: process_ddsp_deferred_locals drops the rq lock after clear_direct_dispatch (a lock dropped)",
        "ext.c:4489 process_ddsp_deferred_locals"},
       makeRecipeLockDropped},
      {{"recipe-split-read",
        "recipe: ops_dequeue's QUEUED -> NONE cmpxchg split into a read and a plain store (a lockless read split in two)",
        "ext.c:2270 ops_dequeue"},
       makeRecipeSplitRead},
      {{"recipe-new-kfunc",
        "recipe: a new kfunc scx_bpf_dsq_move_to_global that forgets the GLOBAL custody exit (a new kfunc)",
        "ext.c:9429 scx_bpf_dsq_move_to_local, ext.c:1740 scx_dispatch_enqueue"},
       makeRecipeNewKfunc},
      {{"bal-cb-in-dispatch",
        "issue 17 reviewer variant: schedule_deferred_locked queues the balance callback while the rq is in "
        "dispatch_one (no SCX_RQ_BAL_CB_PENDING), so a path that locks the rq while ops.dispatch dropped the lock "
        "finds it queued (rq_pin_lock, sched.h:1941; implies --balance-callbacks)",
        "ext.c:1050 schedule_deferred_locked, ext.c:2959 maybe_queue_balance_callback"},
       makeBalCbInDispatch},
      {{"kick-wait-in-hardirq",
        "issue 17 reviewer variant: kick_cpus_irq_workfn waits for SCX_KICK_WAIT targets in hardirq (before 7.3.4's "
        "kick_sync_wait_bal_cb), so two CPUs that kick each other with WAIT spin forever (implies --kicks)",
        "ext.c:8793 kick_cpus_irq_workfn, ext.c:3277 kick_sync_wait_bal_cb"},
       makeKickWaitInHardirq},
      {{"hardlockup-takes-sched-lock",
        "issue 17 reviewer variant: handle_lockup takes scx_sched_lock (a raw spinlock) around scx_vexit instead "
        "of relying on scx_claim_exit's lock-free claim, in the NMI of scx_hardlockup (implies --lifecycle --nmi)",
        "ext.c:5794 handle_lockup, ext.c:5911 scx_hardlockup, ext.c:6801 scx_claim_exit"},
       makeHardlockupTakesSchedLock},
      {{"switching-from-disables",
        "issue 17 reviewer variant: ext gains a ->switching_from that runs scx_disable_task, which sched_change_begin "
        "calls before dequeue_task, so a runnable task leaving ext in the BPF scheduler's custody gets ops.disable "
        "before ops.dequeue (implies --lifecycle --switch-runnable)",
        "core.c:11277 sched_change_begin, ext.c:4433 switched_from_scx, ext.c:4086 scx_disable_task"},
       makeSwitchingFromDisables},
      {{"enable-switches-every-ready",
        "issue 17 reviewer variant: the enable's switch loop sets ext_sched_class on every READY task instead of "
        "scx_setscheduler_class(p), so a task whose policy is another class is put on ext and gets ops.enable "
        "(implies --lifecycle --switch-during-walks)",
        "ext.c:8023 scx_root_enable_workfn, ext.c:315 scx_setscheduler_class, ext.c:5733 task_should_scx"},
       makeEnableSwitchesEveryReady},
  };
}

}  // namespace scxmc
