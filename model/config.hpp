// Bounds of one model instance and the environment it runs in.
#pragma once

#include <cstdint>
#include <string>

#include "policy.hpp"
#include "state.hpp"

namespace scxmc {

// Environment events the model lets happen (each maps to a core path).
inline constexpr uint32_t kEnvWake = 1u << 0;      // try_to_wake_up()
inline constexpr uint32_t kEnvSleep = 1u << 1;     // schedule() with DEQUEUE_SLEEP
inline constexpr uint32_t kEnvNice = 1u << 2;      // set_user_nice()
inline constexpr uint32_t kEnvAffinity = 1u << 3;  // sched_setaffinity()
inline constexpr uint32_t kEnvTick = 1u << 4;      // slice expiry: task_tick_scx()
inline constexpr uint32_t kEnvAll = kEnvWake | kEnvSleep | kEnvNice | kEnvAffinity | kEnvTick;
// Environment events for trace validation (kernel-bindings/validate), which
// runs a one-task instance where other tasks are the environment; not in
// kEnvAll, so the checker's default state space does not change.
//  kEnvOthers: another task takes a CPU from its current ext task
//    (put_prev_task_scx ext.c:3175 with next != prev): a higher class
//    preempts it with slice left, or its slice ended and another task runs.
//  kEnvWakelist: try_to_wake_up queues the wakeup on task_cpu's wake list
//    while p->on_cpu is still set (core.c:4402), skipping select_task_rq.
inline constexpr uint32_t kEnvOthers = 1u << 5;
inline constexpr uint32_t kEnvWakelist = 1u << 6;
static_assert((kEnvAll & (kEnvOthers | kEnvWakelist)) == 0, "validation events stay out of the checker's default");

struct Config {
  int tasks = 3;
  int cpus = 2;
  int user_dsqs = 2;
  // SCX_DSP_MAX_LOOPS is 32 in the kernel (types.h:19).  0 (the default):
  // any number of ops.dispatch() rounds, and after each round that
  // dispatched something without a local task, either another round or the
  // cut (docs/architecture.md, "over-approximations").  N > 0: exactly N
  // rounds, then the cut.
  int dispatch_loops = 0;
  // Calls a BPF ops.dispatch() may make before returning; the kernel's limit
  // is ops.dispatch_max_batch (32) inserts.
  int dispatch_actions = 2;
  uint32_t env = kEnvAll;
  Policy policy = Policy::full();
  // Model the scheduler's enable/disable (one cycle), bypass, cgroup attach
  // and DSQ destruction concurrently with the tasks (model/lifecycle.cpp).
  // Off by default: the default state space is unchanged.
  bool lifecycle = false;
  // With `lifecycle`: the last fork_tasks tasks do not exist yet; each is
  // created by a fork (scx_pre_fork .. scx_post_fork / sched_cancel_fork).
  int fork_tasks = 0;
  // With `lifecycle`: the number of enable/disable cycles (--cycles).  After
  // a disable completes, userspace may attach a scheduler again
  // (bpf_scx_reg -> scx_enable), so what one cycle leaves behind is read by
  // the next.  1 (the default): one cycle, no state bit.
  int cycles = 1;
  // With `lifecycle`: a running ext task may exit (--task-death): its last
  // __schedule() with TASK_DEAD, then, after the final switch,
  // sched_ext_dead() from finish_task_switch (core.c:5418-5427,
  // ext.c:4344-4383), with other CPUs and the helper running in between.
  bool task_death = false;
  // With `lifecycle`: __sched_setscheduler moves a runnable (not running)
  // ext task to fair (--switch-runnable): sched_change(DEQUEUE_CLASS)'s
  // dequeue_task_scx and switched_from_scx (core.c:11259-11304,
  // ext.c:4433), after which the existing switch back to ext applies.  Off:
  // only sleeping tasks leave ext (the state space is unchanged).
  bool switch_runnable = false;
  // With `lifecycle`: the task's policy apart from its class
  // (--switch-during-walks): a policy bit per task (kTaskPolicyOther), and
  // sched_setscheduler routed by task_should_scx (ext.c:5733-5760) in every
  // root state, so also while the enable's switch loop (ext.c:8019-8038) or
  // the disable's task walk (ext.c:6657-6674) runs; the enable's loop leaves
  // a task whose policy is another class on fair.  Off: class switches only
  // while the root is ENABLED, and every task's policy is SCHED_EXT (the
  // state space is unchanged).
  bool switch_walks = false;
  // Proxy execution with SCX_OPS_ENQ_BLOCKED (seed 003): one mutex, blocked
  // donors, rq->donor next to rq->curr.  Set only by the proxy-exec-v2*
  // variants' factories; off by default: the default state space is unchanged.
  bool proxy = false;
  // With `lifecycle`: sub-schedulers (--sub-scheds N, docs/sub-sched.md):
  // N child schedulers under the root, each bound to a cgroup.  This slice
  // builds N = 1: the child's enable (scx_sub_enable_workfn) and disable
  // (scx_sub_disable) as stages of the helper, per-task ownership
  // (p->scx.sched) and callbacks tagged with their scheduler
  // (model/sub_sched.cpp).  0 (the default): no state bit.
  int sub_scheds = 0;
  // With `sub_scheds`: writes to cgroup.procs that move a task between the
  // root's cgroup and the child's (--sub-migrations, model/sub_migrate.cpp):
  // cgroup_migrate_execute (kernel/cgroup/cgroup.c:2703-2850) on a stepper
  // of its own (the writer, actor id migratorActor(), no Frame:
  // State::sub_mig), with scx_cgroup_can_attach / _move_task (ext.c:4984-
  // 5062) and the notifier's scx_cgroup_task_migrating / _migrated /
  // _migrate_canceled (sub.c:2036-2117).  Off: no actor, no state bit.
  bool sub_migrations = false;
  // With `sub_scheds`: the failure path of the child's disable
  // (--sub-fail-parent, model/sub_sched.cpp): the parent's ops.init_task in
  // scx_sub_disable's re-home loop may fail (sub.c:1583-1587), and
  // scx_fail_parent (sub.c:1291-1317) errors the parent, bypasses it and
  // punts the child's remaining tasks to it in SCX_TASK_NONE
  // (scx_punt_task sub.c:1279-1289), where they stay, on ext if they were,
  // until the parent's own disable.  Off: no state bit.
  bool sub_fail_parent = false;
  // With `sub_scheds`: the failure path of the child's enable
  // (--sub-enable-fail, model/sub_sched.cpp): the child's ops.init_task in
  // scx_sub_enable_workfn's init loop may fail (sub.c:1903-1905); the
  // `abort` path cancels the child's init of every SUB_INIT task
  // (scx_sub_init_cancel_task, sub.c:1993-2010), drops the locks, errors the
  // child and waits for its disable (sub.c:2011-2023), which re-homes what
  // it owns and unlinks it.  Off: no state bit.
  bool sub_enable_fail = false;
  // With `sub_scheds`: the child's enable may fail before its task loops
  // (--sub-early-fail, model/sub_sched.cpp): its ops.init (sub.c:1812-1816),
  // the parent's ops.sub_attach (sub.c:1826-1831) or its ops.cgroup_init in
  // scx_cgroup_claim_subtree (sub.c:1369-1372) returns an error; the child
  // errors and its disable (sub.c:2011-2023) unlinks a child that owns no
  // cgroup and, unless only the claim failed, was never attached.  Off: no
  // state bit.
  bool sub_early_fail = false;
  // With `sub_scheds`: every task starts in the child's cgroup
  // (--sub-cgroup-all); otherwise tasks 0 and 2 do, 1 and 3 start in the
  // root's.  It changes where tasks start, not a step.
  bool sub_cgroup_all = false;
  // With `lifecycle`: what scx_bpf_destroy_dsq changes (--destroy-dsqs): the
  // DSQ leaves sch->dsq_hash and its id becomes SCX_DSQ_INVALID (destroy_dsq
  // ext.c:5300-5337), so a later lookup misses it (find_dsq_for_dispatch
  // ext.c:1875, scx_bpf_dsq_move_to_local ext.c:9408) and an insert that
  // found it before the destroy meets the invalid id under its lock
  // (scx_dispatch_enqueue ext.c:1628).  Off: the destroy is modeled for its
  // locks only, with no state bit.
  bool destroy_dsqs = false;
  // The three ways 7.3.4 runs deferred work (--balance-callbacks,
  // docs/architecture.md "Balance callbacks"): rq->scx.flags
  // (SCX_RQ_IN_DISPATCH, SCX_RQ_BAL_CB_PENDING; IN_WAKEUP is the wakeup
  // enqueue's own), the rq's balance callback and its deferred irq_work
  // (schedule_deferred_locked ext.c:1050-1088, maybe_queue_balance_callback
  // ext.c:2959-2970, do_pick_task_scx ext.c:3482-3513), with the core's
  // rq_pin_lock rule (sched.h:1935-1942) checked at every rq-lock
  // acquisition.  Off: one "deferred" event over-approximates all three
  // (the irq_work may run whenever the list is not empty), no state bit.
  bool bal_cb = false;
  // scx_bpf_kick_cpu and its hardirq half (--kicks, docs/architecture.md
  // "Kicks"): ops.enqueue and ops.dispatch running on a CPU may kick a CPU
  // (plain, SCX_KICK_PREEMPT, SCX_KICK_WAIT); the CPU's kick_cpus_irq_workfn
  // (hardirq, ext.c:8756-8802) takes each target's rq lock, and a WAIT
  // defers to kick_sync_wait_bal_cb (ext.c:3277-3330), which spins with the
  // rq lock dropped and irqs on (the kick irq_work may interrupt it).  Off:
  // no kick, no state bit.
  bool kicks = false;
  // Which flag sets scx_bpf_kick_cpu may pass (--kick-flags): bit f for
  // flags f, f = bit 0 SCX_KICK_PREEMPT | bit 1 SCX_KICK_WAIT (bit 0: a
  // plain kick).  A bound on the BPF program, stated with each figure.
  uint8_t kick_flags = 0xf;
  // With `lifecycle`: the hardlockup NMI (--nmi, docs/architecture.md "The
  // hardlockup NMI"): scx_hardlockup (ext.c:5911-5919) -> handle_lockup
  // (ext.c:5794-5816) -> scx_vexit (ext.c:7276-7290) on some CPU, in NMI
  // context, while the root is ENABLING or ENABLED and its exit unclaimed
  // (model/nmi.cpp).  The checker still reports a state whose only steps are
  // the NMI's as a deadlock.  Off: no actor, no state bit.
  bool nmi = false;

  int actors() const { return cpus + tasks; }
  // Actors that take steps: the CPUs, the tasks, and with `lifecycle` the
  // scx_enable_helper kthread (actor id actors(), no Frame: LifePc).
  // --sub-scheds: the exit claimer (actor id actors() + 1, no Frame: State::sub_claim)
  // --nmi: the hardlockup NMI (nmiActor(), no Frame)
  // --sub-migrations: the cgroup.procs writer, the last (migratorActor(), no Frame)
  int steppers() const {
    return actors() + (lifecycle ? 1 : 0) + (sub_scheds ? 1 : 0) + (nmi ? 1 : 0) + (sub_migrations ? 1 : 0);
  }
  int nmiActor() const { return nmi ? actors() + (lifecycle ? 1 : 0) + (sub_scheds ? 1 : 0) : -1; }
  int migratorActor() const { return sub_migrations ? steppers() - 1 : -1; }
  uint8_t allCpusMask() const { return static_cast<uint8_t>((1u << cpus) - 1); }

  // Returns an empty string when valid, else a message naming the field.
  std::string validate() const;
  std::string describe() const;

  bool operator==(const Config&) const = default;
};

}  // namespace scxmc
