// The model-to-source table: every kernel function (or call site) a model
// step stands for, with its location in Linux 7.3.4.  This list is the single
// source of truth for the labels printed in counterexamples, for
// `scxmc sources`, and for docs/model-to-source.md.
//
// X(id, function, file, line, what the model does there)
#pragma once

#include <cstdint>

#define SCXMC_SITES(X)                                                                          \
  X(TryToWakeUp, "try_to_wake_up", "core.c", 4274, "wakeup: pi_lock, select_task_rq, then enqueue on the chosen rq")              \
  X(SelectTaskRq, "select_task_rq_scx", "ext.c", 3628, "ops.select_cpu under pi_lock only; a direct insert is only recorded")     \
  X(SelectCpuDfl, "scx_select_cpu_dfl", "idle.c", 458, "no ops.select_cpu: may find an idle CPU and record SCX_DSQ_LOCAL")         \
  X(MarkDirectDispatch, "mark_direct_dispatch", "ext.c", 1882, "scx_bpf_dsq_insert from select_cpu/enqueue records ddsp_dsq_id")  \
  X(EnqueueTask, "enqueue_task_scx", "ext.c", 2171, "clear sticky_cpu, QUEUED, ops.runnable unless migrating")                   \
  X(DoEnqueue, "scx_do_enqueue_task", "ext.c", 2002, "direct/local/global routing, qseq++, NONE->QUEUEING, ops.enqueue")          \
  X(EnterCustodyEnqueue, "scx_do_enqueue_task", "ext.c", 2102, "IN_CUSTODY set, QUEUEING->QUEUED (release)")                     \
  X(DirectDispatch, "direct_dispatch", "ext.c", 1936, "insert the recorded verdict; remote local DSQ is deferred")                \
  X(DeferRemoteLocal, "direct_dispatch", "ext.c", 1952, "LOCAL_ON a remote CPU: QUEUEING->NONE, link on ddsp_deferred_locals")    \
  X(DispatchEnqueue, "scx_dispatch_enqueue", "ext.c", 1608, "link on a DSQ (dsq->lock unless rq-owned), custody, clear opss")     \
  X(RqOwnedPostEnq, "rq_owned_post_enq", "ext.c", 1536, "local insert: leave custody and ops.dequeue(0) under the rq lock")       \
  X(GlobalLeaveCustody, "scx_dispatch_enqueue", "ext.c", 1740, "GLOBAL: leave custody under dsq->lock, ops.dequeue(0) after unlock") \
  X(UserEnterCustody, "scx_dispatch_enqueue", "ext.c", 1743, "user DSQ: IN_CUSTODY set under dsq->lock")                        \
  X(ClearOpss, "scx_dispatch_enqueue", "ext.c", 1755, "SCX_ENQ_CLEAR_OPSS: ops_state -> NONE (release)")                         \
  X(DispatchDequeue, "scx_dispatch_dequeue", "ext.c", 1780, "unlink from p->scx.dsq, or tell a holding_cpu it lost")            \
  X(DispatchDequeueLocked, "dispatch_dequeue_locked", "ext.c", 1837, "unlink with both p's rq and dsq locked")                   \
  X(FindDsq, "find_dsq_for_dispatch", "ext.c", 1847, "resolve LOCAL / LOCAL_ON|cpu / GLOBAL / user id")                          \
  X(DequeueTask, "dequeue_task_scx", "ext.c", 2311, "SCHED_CHANGE unless SLEEP, ops_dequeue, stopping, quiescent, unlink")        \
  X(OpsDequeue, "ops_dequeue", "ext.c", 2230, "QUEUED->NONE cmpxchg or wait DISPATCHING, then ops.dequeue if in custody")        \
  X(OpsDequeueWait, "ops_dequeue", "ext.c", 2288, "spin on DISPATCHING holding p's rq lock")                                     \
  X(LeaveCustody, "task_leave_custody", "ext.c", 1527, "clear IN_CUSTODY unless sticky_cpu >= 0")                               \
  X(MoveLocalToLocal, "scx_move_local_task_to_local_dsq", "ext.c", 2423, "wait DISPATCHING, insert into this rq's local DSQ")     \
  X(MoveRemoteToLocal, "move_remote_task_to_local_dsq", "ext.c", 2456, "sticky_cpu=dst, deactivate on src, set_task_cpu")        \
  X(MoveRemoteActivate, "move_remote_task_to_local_dsq", "ext.c", 2483, "after switch_rq_lock: activate_task on dst")            \
  X(CanRunRemote, "task_can_run_on_remote_rq", "ext.c", 2508, "affinity / online test for a cross-CPU move")                     \
  X(UnlinkSwitch, "unlink_dsq_and_switch_rq_lock", "ext.c", 2595, "unlink, holding_cpu=this, drop dsq, switch to src rq")        \
  X(ConsumeRemote, "consume_remote_task", "ext.c", 2621, "under src rq: still holding? then move, else lost")                   \
  X(MoveBetweenDsqs, "move_task_between_dsqs", "ext.c", 2650, "wait DISPATCHING under p's rq + src dsq, then move")              \
  X(ConsumeDsq, "scx_consume_dispatch_q", "ext.c", 2704, "scan a DSQ for a task this CPU can run")                              \
  X(ConsumeGlobal, "scx_consume_global_dsq", "ext.c", 2751, "consume the node's SCX_DSQ_GLOBAL")                                \
  X(DispatchToLocal, "dispatch_to_local_dsq", "ext.c", 2775, "holding_cpu protocol: release DISPATCHING, switch to src rq")     \
  X(DispatchToLocalSrc, "dispatch_to_local_dsq", "ext.c", 2818, "under src rq: still holding? insert / fall back / migrate")     \
  X(FinishDispatch, "finish_dispatch", "ext.c", 2876, "qseq check, QUEUED->DISPATCHING cmpxchg, insert")                        \
  X(FlushDispatchBuf, "scx_flush_dispatch_buf", "ext.c", 2943, "finish_dispatch for every recorded insert")                     \
  X(DispatchOne, "dispatch_one", "ext.c", 2972, "keep prev / local DSQ / scx_dispatch_sched / keep last")                       \
  X(DispatchSched, "scx_dispatch_sched", "inlines.h", 30, "global DSQ, then the ops.dispatch loop")                              \
  X(OpsDispatchCall, "scx_dispatch_sched", "inlines.h", 100, "SCX_CALL_OP(dispatch): BPF runs with this rq locked")             \
  X(DspMaxLoops, "scx_dispatch_sched", "inlines.h", 126, "SCX_DSP_MAX_LOOPS: self-kick and break (the model may cut after any round)") \
  X(InsertCommit, "scx_dsq_insert_commit", "ext.c", 8993, "scx_bpf_dsq_insert from ops.dispatch: append to dsp_ctx.buf")        \
  X(MoveToLocal, "scx_bpf_dsq_move_to_local___v2", "ext.c", 9386, "flush the buffer, then consume a user DSQ")                  \
  X(DsqMove, "scx_dsq_move", "ext.c", 9208, "iterator move: switch to p's rq, lock src dsq, validate, move")                     \
  X(CursorLost, "nldsq_cursor_lost_task", "ext.c", 603, "p left the DSQ or is being consumed (holding_cpu)")                    \
  X(PickTask, "do_pick_task_scx", "ext.c", 3412, "dispatch, then prev or the head of the local DSQ")                           \
  X(PutPrevTask, "put_prev_task_scx", "ext.c", 3175, "ops.stopping(true); a still-QUEUED prev is re-enqueued")                 \
  X(SetNextTask, "set_next_task_scx", "ext.c", 3063, "ops_dequeue(CORE_SCHED_EXEC), unlink from local DSQ, ops.running")        \
  X(WaitDispatching, "scx_wait_dispatching", "ext.c", 4554, "spin until ops_state leaves DISPATCHING")                           \
  X(SwitchRqLock, "switch_rq_lock", "ext.c", 430, "drop one rq lock, take another (other CPUs run in between)")                 \
  X(RunDeferred, "process_ddsp_deferred_locals", "ext.c", 4465, "deferred LOCAL_ON inserts via dispatch_to_local_dsq")          \
  X(TaskWoken, "task_woken_scx", "ext.c", 3701, "after a wakeup enqueue: run deferred work on that rq")                          \
  X(TaskTick, "task_tick_scx", "ext.c", 3922, "slice used up: slice = 0, resched")                                              \
  X(Schedule, "try_to_block_task", "core.c", 6748, "try_to_block_task -> deactivate(DEQUEUE_SLEEP), then pick")                        \
  X(Deactivate, "deactivate_task", "core.c", 2240, "on_rq = MIGRATING if migrating, dequeue_task")                             \
  X(Activate, "activate_task", "core.c", 2229, "enqueue_task, on_rq = QUEUED")                                                 \
  X(SetUserNice, "set_user_nice", "syscalls.c", 65, "sched_change(DEQUEUE_SAVE): dequeue, reweight, enqueue(RESTORE)")         \
  X(SetCpusAllowed, "do_set_cpus_allowed", "core.c", 2803, "sched_change(DEQUEUE_SAVE) around set_cpus_allowed_scx")           \
  X(MoveQueuedTask, "move_queued_task", "core.c", 2556, "deactivate, set_task_cpu, unlock src, lock dst, activate")             \
  X(ScxError, "scx_error", "internal.h", 2168, "the BPF scheduler is ejected")                                             \
  X(DoTaskDead, "do_task_dead", "core.c", 7294, "with --task-death: TASK_DEAD, then the final __schedule (a sleep's dequeue)") \
  X(FinishTaskSwitchDead, "finish_task_switch", "core.c", 5341, "with --task-death: after the final switch, sched_ext_dead(prev)") \
  X(Reattach, "bpf_scx_reg", "ext.c", 8348, "with --cycles: userspace attaches a scheduler again (scx_enable queues the enable work)") \
  X(RootEnable, "scx_root_enable_workfn", "ext.c", 7691, "enable: scx_enable_mutex, ENABLING, cpus_read_lock, link, ops.init") \
  X(OpsInitCall, "scx_root_enable_workfn", "ext.c", 7835, "ops.init (sleepable) under scx_enable_mutex + cpus_read_lock")    \
  X(EnableInitLoop, "scx_root_enable_workfn", "ext.c", 7943, "fork rwsem + scx_cgroup_lock: per task INIT_BEGIN, ops.init_task, READY") \
  X(InitTask, "__scx_init_task", "ext.c", 3988, "ops.init_task with every lock dropped (fork=false)")                        \
  X(EnableSwitchLoop, "scx_root_enable_workfn", "ext.c", 8019, "fork rwsem: per task sched_change to ext (switching_to_scx)") \
  X(SwitchingTo, "switching_to_scx", "ext.c", 4415, "scx_enable_task: READY -> ENABLED, ops.enable")                        \
  X(SwitchedTo, "switched_to_scx", "ext.c", 4451, "empty in 7.3.4: ops.enable already ran in switching_to_scx")                 \
  X(SchedChangeBegin, "sched_change_begin", "core.c", 11259, "DEQUEUE_CLASS: dequeue from the old class (fair: no ext state)")  \
  X(SchedChangeEnd, "sched_change_end", "core.c", 11306, "switching_to, enqueue_task(RESTORE) if it was queued, switched_to")  \
  X(EnableSwitchTask, "scx_root_enable_workfn", "ext.c", 8032, "sched_change(SAVE|MOVE|CLASS) of one READY task to ext")        \
  X(EnablePublish, "scx_root_enable_workfn", "ext.c", 8042, "ENABLING -> ENABLED cmpxchg, then scx_enable_mutex unlock")    \
  X(Bypass, "scx_bypass", "ext.c", 6275, "scx_bypass_lock, depth; per CPU rq lock + scx_sched_lock, flag, cycle tasks")     \
  X(BypassEnqueue, "scx_do_enqueue_task", "ext.c", 2050, "bypassing: insert into the bypass DSQ, no ops.enqueue")            \
  X(BypassSelect, "select_task_rq_scx", "ext.c", 3646, "bypassing: prev_cpu, no ops.select_cpu")                            \
  X(BypassDispatch, "scx_dispatch_sched", "inlines.h", 44, "bypassing: only the bypass DSQ, no ops.dispatch")               \
  X(RootDisable, "scx_root_disable", "ext.c", 6605, "disable: bypass, DISABLING, mutex, cgroup exit, fork rwsem, per-task exit") \
  X(SwitchedFrom, "switched_from_scx", "ext.c", 4433, "scx_disable_task: ENABLED -> READY, ops.disable")                    \
  X(DisableAndExit, "scx_disable_and_exit_task", "ext.c", 4171, "ops.exit_task, task state NONE, back to fair")           \
  X(OpsExitCall, "scx_root_disable", "ext.c", 6727, "ops.exit under scx_enable_mutex; unlink; DISABLED")                    \
  X(CgroupCanAttach, "scx_cgroup_can_attach", "ext.c", 4984, "ops.cgroup_prep_move (sleepable) with cgroup_mutex held")    \
  X(CgroupMoveTask, "scx_cgroup_move_task", "ext.c", 5045, "ops.cgroup_move under task_rq_lock")                           \
  X(CgroupCancelAttach, "scx_cgroup_cancel_attach", "ext.c", 5066, "ops.cgroup_cancel_move")                              \
  X(CreateDsq, "scx_bpf_create_dsq", "ext.c", 9601, "from ops.init: allocate and publish a user DSQ")                        \
  X(DestroyDsq, "scx_bpf_destroy_dsq", "ext.c", 9931, "destroy_dsq (ext.c:5300): RCU + that DSQ's lock only")           \
  X(DispatchDestroyedDsq, "scx_dispatch_enqueue", "ext.c", 1628, "--destroy-dsqs: the DSQ's id is SCX_DSQ_INVALID: scx_error, global DSQ") \
  X(ScxFork, "scx_fork", "ext.c", 4244, "under scx_fork_rwsem (read): NONE, INIT_BEGIN, ops.init_task(fork), INIT or fail")  \
  X(ScxPostFork, "scx_post_fork", "ext.c", 4271, "READY; ops.enable under task_rq_lock if on ext; scx_tasks_lock list add") \
  X(PostForkEnable, "scx_enable_task", "ext.c", 4286, "from scx_post_fork, under task_rq_lock, a child on ext: READY -> ENABLED, ops.enable") \
  X(ScxCancelFork, "scx_cancel_fork", "ext.c", 4300, "fork failed: task_rq_lock, ops.exit_task (cancelled), NONE")    \
  X(SchedExtDead, "sched_ext_dead", "ext.c", 4344, "exit: scx_tasks_lock list_del; task_rq_lock: disable, exit_task, DEAD") \
  X(SetScheduler, "__sched_setscheduler", "syscalls.c", 494, "class change: to fair (asleep) switched_from; to ext (asleep or queued on fair) sched_change") \
  X(ProxyBlock, "try_to_block_task", "core.c", 7192, "proxy-exec: a mutex-blocked prev is not deactivated (should_block false)") \
  X(ProxySetDonor, "rq_set_donor", "core.c", 7204, "proxy-exec: the picked task becomes rq->donor, the scheduling context") \
  X(FindProxyTask, "find_proxy_task", "core.c", 6921, "proxy-exec: a blocked donor runs its mutex owner if queued on this rq") \
  X(ProxyReschedIdle, "proxy_resched_idle", "core.c", 6795, "proxy-exec: owner not runnable here, the CPU idles (model: donor left queued)") \
  X(ProxyDonorReentry, "put_prev_task", "core.c", 7231, "proxy-exec: same donor, other curr: class re-entry, skipped for ext donors") \
  X(TtwuRunnable, "ttwu_runnable", "core.c", 3888, "proxy-exec: mutex_unlock wakes a donor still on its rq: resched") \
  X(SetTaskSched, "scx_set_task_sched", "sub.c", 101, "sub-scheds: p->scx.sched = sch, under p's pi_lock and rq lock") \
  X(SubEnable, "scx_sub_enable_workfn", "sub.c", 1708, "sub-scheds: scx_enable_mutex, find_parent_sched under scx_sched_lock, link, ops.init, parent's ops.sub_attach, fork rwsem + scx_cgroup_lock") \
  X(LinkSched, "scx_link_sched", "ext.c", 6502, "sub-scheds: scx_bypass_lock + scx_sched_lock: parent's bypass_depth, children list add, linked") \
  X(ClaimSubtree, "scx_cgroup_claim_subtree", "sub.c", 1346, "sub-scheds: the child's ops.cgroup_init, then the parent's ops.cgroup_exit") \
  X(SubInitLoop, "scx_sub_enable_workfn", "sub.c", 1871, "sub-scheds: per cgroup task, ops.init_task of the child (task stays on the parent), SUB_INIT") \
  X(SubSwitchLoop, "scx_sub_enable_workfn", "sub.c", 1934, "sub-scheds: sched_change(SAVE|MOVE): parent's disable + exit_task, owner = child, child's ops.enable") \
  X(SubEnabled, "scx_sub_enable_workfn", "sub.c", 1971, "sub-scheds: cgroup unlock, fork rwsem up, scx_enable_mutex unlock: the child is enabled") \
  X(SubDisable, "scx_sub_disable", "sub.c", 1505, "sub-scheds: drain_descendants, scx_enable_mutex, fork rwsem, scx_cgroup_lock, set_cgroup_sched(parent)") \
  X(ReturnSubtree, "scx_cgroup_return_subtree", "sub.c", 1435, "sub-scheds: the child's ops.cgroup_exit, the parent's ops.cgroup_init") \
  X(SubDisableLoop, "scx_sub_disable", "sub.c", 1548, "sub-scheds: per child task, parent's ops.init_task unlocked, task_rq_lock, scx_rehome_task") \
  X(RehomeTask, "scx_rehome_task", "sub.c", 1250, "sub-scheds: sched_change: exit from the owner, INIT, owner = parent, READY, parent's ops.enable") \
  X(UnlinkSched, "scx_unlink_sched", "ext.c", 6557, "sub-scheds: after synchronize_rcu_expedited, scx_sched_lock: off the parent's children") \
  X(SubExit, "scx_sub_disable", "sub.c", 1645, "sub-scheds: parent's ops.sub_detach, then the child's ops.exit, all locks dropped") \
  X(ClaimExit, "scx_claim_exit", "ext.c", 6810, "sub-scheds: atomic_try_cmpxchg(&sch->exit_kind, NONE, kind): one claimer") \
  X(ClaimSweep, "scx_claim_exit", "ext.c", 6832, "sub-scheds: lockless RCU walk of the subtree, smp_store_mb(pos->aborting, true)") \
  X(ClaimQueue, "scx_claim_exit", "ext.c", 6832, "sub-scheds: irq_work_queue(propagate_exit_irq_work), then scx_finish_exit's irq_work_queue(disable_irq_work) (ext.c:7273)") \
  X(PropagateExit, "scx_propagate_exit_irq_workfn", "ext.c", 6780, "sub-scheds: under scx_sched_lock, scx_disable(pos, SCX_EXIT_PARENT) on the subtree") \
  X(DisableWorkfn, "scx_disable_workfn", "ext.c", 6841, "sub-scheds: exit_kind -> DONE (return if DONE already), then scx_sub_disable / scx_root_disable") \
  X(LinkAborting, "scx_link_sched", "ext.c", 6537, "sub-scheds: smp_mb, READ_ONCE(parent->aborting): back out (list_del, scx_error) or linked") \
  X(SubEnableFailed, "scx_sub_enable_workfn", "sub.c", 2015, "sub-scheds: err_disable: scx_enable_mutex unlock, scx_error(sch), scx_flush_disable_work") \
  X(SubDisableUnlinked, "scx_sub_disable", "sub.c", 1537, "sub-scheds: not linked: goto dump, unlock, synchronize_rcu_expedited, unlink, ops.exit") \
  X(CgroupTaskMigrating, "scx_cgroup_task_migrating", "sub.c", 2036, "--sub-migrations: CGROUP_TASK_MIGRATING: a re-homing move initializes p for the destination's scheduler (may fail)") \
  X(CgroupTaskMigrated, "scx_cgroup_task_migrated", "sub.c", 2074, "--sub-migrations: CGROUP_TASK_MIGRATED: task_rq_lock, scx_rehome_task to the destination's scheduler") \
  X(CgroupTaskMigrateCanceled, "scx_cgroup_task_migrate_canceled", "sub.c", 2101, "--sub-migrations: CGROUP_TASK_MIGRATE_CANCELED: task_rq_lock, the destination's ops.exit_task(cancelled)") \
  X(ConsumeAborting, "scx_consume_dispatch_q", "ext.c", 2730, "lifecycle: READ_ONCE(sch->aborting) under dsq->lock: an aborting scheduler leaves every non-bypass DSQ") \
  X(ScheduleDeferredLocked, "schedule_deferred_locked", "ext.c", 1050, "--balance-callbacks: IN_WAKEUP: task_woken_scx runs it; BAL_CB_PENDING: nothing; IN_DISPATCH: set BAL_CB_PENDING; else irq_work") \
  X(ScheduleDeferred, "schedule_deferred", "ext.c", 1040, "--balance-callbacks: irq_work_queue_on(&rq->scx.deferred_irq_work, cpu_of(rq))") \
  X(MaybeQueueBalanceCallback, "maybe_queue_balance_callback", "ext.c", 2959, "--balance-callbacks: a final pick with BAL_CB_PENDING queues deferred_bal_cb, clears the flag") \
  X(BalanceCallbacks, "__balance_callbacks", "core.c", 7287, "--balance-callbacks: after the pick, still under the rq lock: splice rq->balance_callback, deferred_bal_cb_workfn -> run_deferred") \
  X(DeferredIrqWork, "deferred_irq_workfn", "ext.c", 1008, "--balance-callbacks: hardirq: raw_spin_rq_lock, run_deferred") \
  X(StaleIrqWork, "deferred_irq_workfn", "ext.c", 1008, "--balance-callbacks: an irq_work assumed still pending runs the list beside a waker's task_woken_scx (over-approximation)") \
  X(HardLockup, "scx_hardlockup", "ext.c", 5911, "--nmi: NMI on some CPU: handle_lockup (ext.c:5794) reads scx_root and scx_enable_state: ENABLING or ENABLED -> scx_vexit") \
  X(NmiVexit, "scx_vexit", "ext.c", 7276, "--nmi: guard(preempt), scx_claim_exit(root, SCX_EXIT_ERROR); won: scx_finish_exit's irq_work_queue(disable_irq_work) (ext.c:7273), all lock-free") \
  X(KickCpu, "scx_kick_cpu", "ext.c", 9809, "--kicks: under local_irq_save, the target joins this CPU's cpus_to_kick (and cpus_to_preempt / cpus_to_wait); irq_work_queue(kick_cpus_irq_work)") \
  X(KickIrqWork, "kick_cpus_irq_workfn", "ext.c", 8756, "--kicks: hardirq on the kicking CPU: the kick masks of its scheds") \
  X(KickOneCpu, "kick_one_cpu", "ext.c", 8684, "--kicks: raw_spin_rq_lock_irqsave(target): PREEMPT zeroes rq->curr's slice, WAIT snapshots kick_sync, resched_curr") \
  X(KickSyncPending, "kick_cpus_irq_workfn", "ext.c", 8797, "--kicks: should_wait: under this rq's lock, kick_sync_pending = true, resched_curr(this_rq)") \
  X(QueueKickSyncBalCb, "do_pick_task_scx", "ext.c", 3507, "--kicks: a final pick with kick_sync_pending queues kick_sync_bal_cb") \
  X(KickSyncWait, "kick_sync_wait_bal_cb", "ext.c", 3321, "--kicks: a CPU of cpus_to_sync whose kick_sync has not moved: drop the rq lock, irqs on") \
  X(KickSyncSelfAdvance, "kick_sync_wait_bal_cb", "ext.c", 3324, "--kicks: spinning, smp_store_release(&rq->scx.kick_sync, +1): waits on this CPU end") \
  X(KickSyncWaited, "kick_sync_wait_bal_cb", "ext.c", 3327, "--kicks: the target's kick_sync moved: raw_spin_rq_lock_irq, retry") \
  X(RootExitClaim, "scx_disable", "ext.c", 6867, "lifecycle without --sub-scheds: bpf_scx_unreg's scx_claim_exit of the root (exit_kind, ->aborting, the disable irq_work)") \
  X(DsqMoveAborting, "scx_dsq_move", "ext.c", 9239, "lifecycle: READ_ONCE(sch->aborting): the kfunc returns false") \
  X(SubFailParent, "scx_fail_parent", "sub.c", 1291, "--sub-fail-parent: the parent's ops.init_task failed in the re-home loop: scx_error(parent), scx_bypass(parent, true)") \
  X(PuntTask, "scx_punt_task", "sub.c", 1279, "--sub-fail-parent: sched_change: exit from the owner, owner = the bypassed parent, p stays SCX_TASK_NONE") \
  X(SubEnableAbort, "scx_sub_enable_workfn", "sub.c", 1905, "--sub-enable-fail: the child's ops.init_task failed in the init loop: goto abort") \
  X(SubAbortLoop, "scx_sub_enable_workfn", "sub.c", 2002, "--sub-enable-fail: abort: the iterator's visit of a SUB_INIT task, scx_sub_init_cancel_task(sch), SUB_INIT cleared") \
  X(SubEnableErrUnlock, "scx_sub_enable_workfn", "sub.c", 2011, "--sub-enable-fail: err_unlock_and_disable: cgroup unlock, fork rwsem, scx_enable_mutex; scx_error(sch), scx_flush_disable_work") \
  X(SubInitFailed, "scx_sub_enable_workfn", "sub.c", 1812, "--sub-early-fail: the child's ops.init returned an error; err_disable's scx_enable_mutex unlock (sub.c:2016)") \
  X(SubAttachFailed, "scx_sub_enable_workfn", "sub.c", 1826, "--sub-early-fail: the parent's ops.sub_attach returned an error; err_disable's scx_enable_mutex unlock (sub.c:2016)") \
  X(EarlyErrorClaim, "scx_sub_enable_workfn", "sub.c", 1815, "--sub-early-fail: scx_error(sch) of the failed ops.init (or ops.sub_attach, sub.c:1830): the claim of the child's exit; err_disable's scx_error (sub.c:2022) is a no-op after it") \
  X(ClaimSubtreeFailed, "scx_cgroup_claim_subtree", "sub.c", 1371, "--sub-early-fail: the child's ops.cgroup_init failed: scx_error(sch), the err unwind, err_unlock_and_disable") \
  X(SubDisableUnattached, "scx_sub_disable", "sub.c", 1537, "--sub-early-fail: a linked child that owns no cgroup or task: locks, nothing to return or re-home, synchronize_rcu_expedited, unlink, no ops.sub_detach, ops.exit")

namespace scxmc {

enum class Site : uint8_t {
#define SCXMC_SITE_ENUM(id, fn, file, line, what) id,
  SCXMC_SITES(SCXMC_SITE_ENUM)
#undef SCXMC_SITE_ENUM
      Count
};

struct SiteInfo {
  const char* id;
  const char* function;
  const char* file;
  int line;
  const char* what;
};

// Built-in sites and, from kVariantSiteBase on, the sites variants define
// (variant_api.hpp).
const SiteInfo& siteInfo(Site s);
// The built-in sites only (Site::Count).
int siteCount();

}  // namespace scxmc
