// The state of the modeled ext core (Linux 7.3.4, kernel/sched/ext/).
//
// One State is one global configuration of the protocol: every task's
// sched_ext_entity fields the model tracks, every CPU's rq and the kernel path
// it is in the middle of, every DSQ's FIFO, and the opaque ghost bytes that
// invariant monitors own.  All fields are small unsigned bytes so that a
// State can be hashed, compared, permuted and packed field by field
// (see pack.hpp); nothing in here points anywhere.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "field.hpp"

namespace scxmc {

// Compile-time capacity.  The configuration (config.hpp) picks how much of it
// is used; unused slots stay zero so that equal configurations compare equal.
inline constexpr int kMaxTasks = 4;
inline constexpr int kMaxCpus = 3;
inline constexpr int kMaxUserDsqs = 3;
inline constexpr int kMaxActors = kMaxCpus + kMaxTasks;
inline constexpr int kMaxBuf = 3;        // dispatch buffer entries (dsp_ctx.buf)
inline constexpr uint8_t kNone = 0xff;   // "no task / no CPU / no DSQ"

// ---------------------------------------------------------------------------
// DSQ numbering used inside the model (not the kernel's 64-bit DSQ ids).
//   0 .. kMaxCpus-1          rq->scx.local_dsq of that CPU (rq-owned)
//   kDsqGlobal               SCX_DSQ_GLOBAL (one NUMA node)
//   kDsqUser0 + d            user DSQ d created by the BPF scheduler
inline constexpr uint8_t kDsqGlobal = kMaxCpus;
inline constexpr uint8_t kDsqUser0 = kMaxCpus + 1;
inline constexpr int kNumDsqs = kMaxCpus + 1 + kMaxUserDsqs;

constexpr bool isLocalDsq(uint8_t d) { return d < kMaxCpus; }
constexpr bool isUserDsq(uint8_t d) { return d >= kDsqUser0 && d < kNumDsqs; }

// A dispatch verdict as the BPF scheduler names it (scx_bpf_dsq_insert's
// dsq_id argument): SCX_DSQ_LOCAL, SCX_DSQ_LOCAL_ON|cpu, SCX_DSQ_GLOBAL, or a
// user DSQ id.  Encoded in one byte: kind in the high nibble, argument low.
enum class TargetKind : uint8_t { Local = 0, LocalOn = 1, Global = 2, User = 3 };
constexpr uint8_t makeTarget(TargetKind k, uint8_t arg = 0) {
  return static_cast<uint8_t>((static_cast<uint8_t>(k) << 4) | (arg & 0xf));
}
constexpr TargetKind targetKind(uint8_t t) { return static_cast<TargetKind>(t >> 4); }
constexpr uint8_t targetArg(uint8_t t) { return t & 0xf; }

// ---------------------------------------------------------------------------
// p->scx.ops_state, state bits only (int.h:1884-2017).  QSEQ is not stored:
// the only use of qseq is finish_dispatch()'s comparison against the value
// scx_dsq_insert_commit() recorded (ext.c:2901, 9012), so each dispatch buffer
// entry carries a `fresh` bit instead that the model clears whenever the
// task's qseq advances (ext.c:2081-2083).  This is exact for qseq equality
// up to the kernel's 2^30 wrap-around, which the model does not represent.
enum class Opss : uint8_t { None = 0, Queueing = 1, Queued = 2, Dispatching = 3 };

// p->scx.flags bits the model tracks (include/linux/sched/ext.h:99-152).
inline constexpr uint8_t kTaskQueued = 1 << 0;     // SCX_TASK_QUEUED
inline constexpr uint8_t kTaskInCustody = 1 << 1;
// Not a p->scx.flags bit: p->__state == TASK_DEAD (do_task_dead, core.c:7297),
// kept here with --task-death (Config::task_death) until sched_ext_dead.  // SCX_TASK_IN_CUSTODY
inline constexpr uint8_t kTaskDead = 1 << 2;
// --sub-scheds only (Config::sub_scheds; model/sub_sched.cpp).  Kept in the
// flags byte so that they cost no State byte and no bit when off (pack.cpp):
//  kTaskSubOwned: p->scx.sched is the child scheduler, not the root
//    (scx_task_sched, internal.h:2421; written by scx_set_task_sched,
//    sub.c:101, under p's pi_lock and rq lock);
//  kTaskSubCgroup: p's cgroup is the child's cgroup (the child's subtree);
//  kTaskSubInit: SCX_TASK_SUB_INIT (sub.c:1930, cleared 1964).
inline constexpr uint8_t kTaskSubOwned = 1 << 3;
inline constexpr uint8_t kTaskSubCgroup = 1 << 4;
inline constexpr uint8_t kTaskSubInit = 1 << 5;
// --switch-during-walks only (Config::switch_walks): p->policy is one that
// task_should_scx never puts on ext (an RT policy; or SCHED_NORMAL when the
// scheduler has SCX_OPS_SWITCH_PARTIAL).  Clear: SCHED_EXT (or SCHED_NORMAL
// with scx_switching_all), which is every task's policy without the flag.
// Written under p's pi_lock and rq lock (__sched_setscheduler), read by the
// enable's switch loop under the same (scx_setscheduler_class, ext.c:8023).
inline constexpr uint8_t kTaskPolicyOther = 1 << 6;
// --sub-fail-parent only (Config::sub_fail_parent): the task is on the ext
// class in SCX_TASK_NONE, punted to the failed parent by scx_punt_task
// (sub.c:1279-1289) and not yet switched to fair by the parent's disable
// (or by sched_setscheduler: switched_from_scx returns for NONE,
// ext.c:4445).  Without it the model's "on ext" is "ENABLED" (onExt).
inline constexpr uint8_t kTaskPunted = 1 << 7;

// State::sub_exit (--sub-scheds; see below without): per scheduler, sch->exit_kind as
// NONE / claimed (any kind: ERROR, UNREG, PARENT, ...) / DONE (2 bits:
// kSubExitRootShift, kSubExitChildShift; scx_claim_exit ext.c:6810,
// scx_disable_workfn ext.c:6852) and sch->aborting (ext.c:6815, 6829); the
// root's propagate_exit_irq_work queued (ext.c:6832, run at ext.c:6780).
// Without --sub-scheds, with --lifecycle: only the root's exit kind, NONE or
// claimed, which is also its ->aborting (the claim and the sweep's one store
// share a step: the root has no descendant; lifecycle.cpp, nmi.cpp).
enum class ExitKind : uint8_t { None = 0, Claimed = 1, Done = 2 };
inline constexpr int kSubExitRootShift = 0;
inline constexpr int kSubExitChildShift = 2;
inline constexpr uint8_t kSubAbortingRoot = 1 << 4;
inline constexpr uint8_t kSubAbortingChild = 1 << 5;
inline constexpr uint8_t kSubPropagateRoot = 1 << 6;
// --sub-fail-parent: scx_fail_parent's scx_bypass(parent, true) (sub.c:1306)
// raised the root's bypass_depth, which no scx_bypass(false) undoes: the
// root's disable leaves it at 1 (ext.c:6610, 6767), harmless, as the
// scx_sched is freed.
inline constexpr uint8_t kSubRootFailBypass = 1 << 7;
// State::sub_claim: bits 0-2 the exit claimer's stage (ClaimPc,
// ext_core.hpp); the child's propagate_exit_irq_work queued, and each
// scheduler's disable work queued (scx_disable_irq_workfn ext.c:7239 queues
// disable_work on its helper; the model merges the irq_work and the
// kthread work: the irq_work only forwards).
inline constexpr uint8_t kSubClaimPcMask = 7;
inline constexpr uint8_t kSubPropagateChild = 1 << 3;
inline constexpr uint8_t kSubDisableRoot = 1 << 4;
inline constexpr uint8_t kSubDisableChild = 1 << 5;
// --nmi with --sub-scheds: the claim in progress (ClaimPc not Idle) is the
// hardlockup NMI's, so its later stages are the NMI actor's, in NMI context
// (model/nmi.cpp).  Clear whenever ClaimPc is Idle.
inline constexpr uint8_t kSubClaimNmi = 1 << 6;
// --sub-fail-parent: the claim in progress is the helper's own
// scx_error(parent) in scx_fail_parent (sub.c:1298), so its later stages are
// the helper's steps (LifePc::SubDisFail).  Clear whenever ClaimPc is Idle.
inline constexpr uint8_t kSubClaimHelper = 1 << 7;

// State::sub_mig (--sub-migrations): bits 0-1 the cgroup.procs writer's
// stage (MigPc, ext_core.hpp); kSubMigPrepared, the moved task's
// p->scx.cgrp_moving_from is set (scx_cgroup_can_attach called its
// ops.cgroup_prep_move, ext.c:5027-5034; cleared by scx_cgroup_move_task);
// from bit kSubMigTaskShift the task it moves.  0 when idle.  The writer
// holds cgroup_mutex from its first step to its last.
inline constexpr uint8_t kSubMigPcMask = 3;
inline constexpr uint8_t kSubMigPrepared = 1 << 2;
inline constexpr int kSubMigTaskShift = 3;

// CpuState::bypassing (Config::lifecycle only).  Bit 0 is the CPU's
// SCX_SCHED_PCPU_BYPASSING (ext.c:6339-6343).  The others are the
// scx_enable_helper's place in scx_bypass's CPU loop (ext.c:6328-6394), kept
// with the CPU they concern so that renaming CPUs or tasks maps them:
// kCpuBypassHeld, the helper holds this rq's lock since an earlier step,
// inside the rq's cycling (ext.c:6370-6386): between two tasks' or one
// task's dequeue and enqueue after a DSQ lock was dropped, or spinning in
// ops_dequeue (ext.c:2288) over a DISPATCHING task; and, from bit
// kCpuBypassCycledShift, the tasks of this rq whose sched_change the cycling
// has begun (lifecycle.cpp, scxBypassCpu).
inline constexpr uint8_t kCpuBypassing = 1 << 0;
inline constexpr uint8_t kCpuBypassHeld = 1 << 1;
inline constexpr int kCpuBypassCycledShift = 2;  // bit 2 + t: task t cycled (with kCpuBypassHeld only)

// CpuState::rqf (Config::bal_cb only, model/pick.cpp "balance callbacks"):
// kRqInDispatch, SCX_RQ_IN_DISPATCH (sched.h:796), set by dispatch_one
// (ext.c:2979) and cleared on its returns (ext.c:3042, 3059);
// kRqBalCbPending, SCX_RQ_BAL_CB_PENDING (sched.h:791);
// kRqBalCbQueued, rq->balance_callback holds rq->scx.deferred_bal_cb
// (queue_balance_callback sched.h:2148-2162; spliced by
// __balance_callbacks core.c:5209-5214); kRqIrqWork, rq->scx.deferred_irq_work
// is pending (irq_work_queue_on ext.c:1040); kRqInBalCb, the CPU runs
// deferred_bal_cb_workfn (ext.c:1003) from __balance_callbacks (a process
// context path, unlike the irq_work's).
inline constexpr uint8_t kRqInDispatch = 1 << 0;
inline constexpr uint8_t kRqBalCbPending = 1 << 1;
inline constexpr uint8_t kRqBalCbQueued = 1 << 2;
inline constexpr uint8_t kRqIrqWork = 1 << 3;
inline constexpr uint8_t kRqInBalCb = 1 << 4;

// CpuState::kick and CpuState::ksync (Config::kicks only, model/kick.cpp).
// A CPU mask is kMaxCpus bits wide.  kick: the root's sch->pcpu masks of
// this CPU (scx_kick_cpu ext.c:9756-9821): cpus_to_kick (bits 0-2) and
// cpus_to_preempt (bits 3-5); rq->scx.kick_sync_pending (ext.c:8798,
// 3505); kick_sync_bal_cb on rq->balance_callback (ext.c:3507, spliced
// by __balance_callbacks).  ksync: cpus_to_wait (bits 0-2);
// rq->scx.cpus_to_sync restricted to the CPUs whose kick_sync has not
// moved since kick_one_cpu's snapshot (ext.c:8711-8716; a CPU whose
// kick_sync moved is dropped by kick_sync_wait_bal_cb at its next look,
// ext.c:3315-3319, so the model drops it when the kick_sync moves;
// the snapshot itself is not kept); TIF_NEED_RESCHED of rq->curr
// (resched_curr); should_wait of the running kick_cpus_irq_workfn
// (ext.c:8762, a local variable across its per-CPU steps).
inline constexpr int kKickPreemptShift = kMaxCpus;
inline constexpr uint8_t kKickToKickMask = (1 << kMaxCpus) - 1;
inline constexpr uint8_t kKickSyncPending = 1 << 6;
inline constexpr uint8_t kKickSyncBalCbQueued = 1 << 7;
inline constexpr int kSyncShift = kMaxCpus;
inline constexpr uint8_t kSyncToWaitMask = (1 << kMaxCpus) - 1;
inline constexpr uint8_t kSyncResched = 1 << 6;
inline constexpr uint8_t kSyncShouldWait = 1 << 7;

// p->on_rq as the core sees it (sched.h TASK_ON_RQ_*).
enum class OnRq : uint8_t { No = 0, Queued = 1, Migrating = 2 };

// ---------------------------------------------------------------------------
// An actor is a context that executes kernel code: one per CPU (schedule(),
// irq_work, balance callbacks) and one per task for the operations other
// contexts perform on that task under its pi_lock (try_to_wake_up(),
// set_user_nice(), sched_setaffinity()).  Actor ids: CPUs 0..C-1, then task
// actors C..C+T-1.  A task actor stands for "some CPU executing a syscall or
// a wakeup on this task's behalf"; giving it its own id is what a machine
// with more CPUs would do, which keeps the abstraction sound.
//
// A Frame is the actor's program counter and registers: where in a kernel
// function it paused (at a lock drop, a spin-wait, or between BPF kfunc calls)
// and which locks it still holds while paused.
struct Frame {
  Field8 pc = 0;          // Pc (kernel.hpp)
  Field8 op = 0;          // Op: the top-level operation in progress
  Field8 t = kNone;       // task register
  Field8 x = kNone;       // CPU register (src/dst rq)
  Field8 y = kNone;       // second CPU / target register
  Field8 d = kNone;       // DSQ / flag register
  Field8 ret = 0;         // continuation of the innermost sub-path
  Field8 ret2 = 0;        // continuation of the enclosing sub-path
  Field8 home = kNone;    // the rq the kernel function was called with
  Field8 tag = 0;         // continuation after a migration / dequeue wait
  Field8 holds_rq = kNone;   // rq lock held while paused
  Field8 holds_dsq = kNone;  // dsq->lock held while paused
};

struct BufEnt {           // struct scx_dsp_buf_ent (int.h:1327-1334)
  Field8 task = kNone;
  Field8 target = kNone;  // verdict as named by BPF
  Field8 fresh = 0;       // qseq recorded == task's qseq now (see Opss)
};

struct TaskState {
  Field8 opss = 0;           // Opss
  Field8 flags = 0;          // kTask* bits of p->scx.flags
  Field8 dsq = kNone;        // p->scx.dsq (may be stale while holding_cpu >= 0)
  Field8 holding = kNone;    // p->scx.holding_cpu (an actor id)
  Field8 sticky = kNone;     // p->scx.sticky_cpu
  Field8 ddsp = kNone;       // p->scx.ddsp_dsq_id (pending direct dispatch)
  Field8 deferred = kNone;   // rq whose ddsp_deferred_locals links p
  Field8 cpu = 0;            // task_cpu(p)
  Field8 affinity = 0;       // p->cpus_mask, bit per CPU
  Field8 slice = 1;          // p->scx.slice != 0
  Field8 on_rq = 0;          // OnRq
  Field8 ghost = 0;          // owned by invariant monitors, opaque to the model
  Field8 ghost2 = 0;         // owned by invariant monitors, opaque to the model
  Field8 scx_state = 0;      // p->scx.flags task state (ScxTaskState; Config::lifecycle only)
};

struct CpuState {
  Field8 curr = kNone;       // rq->curr if an ext task, else kNone (idle)
  Field8 nbuf = 0;           // dsp_ctx.cursor
  Field8 nr_tasks = 0;       // dsp_ctx.nr_tasks != 0
  Field8 actions = 0;        // kfunc calls made in the current ops.dispatch
  Field8 loops = 0;          // ops.dispatch rounds in this dispatch_one
  Field8 verdict = 0;        // enum scx_dsp_verdict being returned
  Field8 dfn = 0;            // rq->scx.ddsp_deferred_locals length
  std::array<Field8, kMaxTasks> dfq{};  // ... in list order
  std::array<BufEnt, kMaxBuf> buf{};
  Field8 bypassing = 0;      // kCpuBypass* bits (Config::lifecycle only)
  Field8 rqf = 0;            // kRq* bits: rq->scx.flags and the deferral mechanisms (Config::bal_cb only)
  Field8 kick = 0;           // kKick* bits: this CPU's kick masks and kick_sync wait (Config::kicks only)
  Field8 ksync = 0;          // kSync* bits: cpus_to_wait, cpus_to_sync, need_resched (Config::kicks only)
};

struct DsqState {
  Field8 n = 0;              // list length
  Field8 nr = 0;             // dsq->nr, maintained like dsq_inc_nr/dsq_dec_nr
  std::array<Field8, kMaxTasks> q{};  // FIFO order, q[0] is the head
};

struct State {
  std::array<TaskState, kMaxTasks> task{};
  std::array<CpuState, kMaxCpus> cpu{};
  std::array<Frame, kMaxActors> actor{};
  std::array<DsqState, kNumDsqs> dsq{};
  Field8 scx_error = 0;      // an scx_error() was raised: the scheduler aborts
  // Scheduler lifecycle (Config::lifecycle only, model/lifecycle.cpp)
  Field8 scx_enable = 0;     // ScxEnable: scx_enable_state
  Field8 life_pc = 0;        // LifePc: where the enable/disable helper is
  Field8 bypass_depth = 0;   // scx_sched->bypass_depth
  Field8 cycle = 0;          // enable/disable cycles completed (Config::cycles > 1 only)
  // Proxy execution (Config::proxy only, model/variants/proxy_exec_v2.hpp)
  std::array<Field8, kMaxCpus> proxy_exec{kNone, kNone, kNone};  // rq->curr when != rq->donor (cpu.curr)
  Field8 mutex_owner = kNone;  // __mutex_owner() of the one modeled mutex
  Field8 mutex_blocked = 0;    // bit per task: p->blocked_on is that mutex (a blocked donor)
  Field8 scx_ran = 0;          // bit per task: ops.running emitted, ops.stopping not yet (seed 003 patch 06)
  // --destroy-dsqs only (Config::destroy_dsqs): user DSQ d's dsq->id is
  // SCX_DSQ_INVALID and it is out of sch->dsq_hash (destroy_dsq,
  // ext.c:5318-5327).  Not in DsqState: only user DSQs have one.
  std::array<Field8, kMaxUserDsqs> dsq_invalid{};
  // Exit claiming (Config::sub_scheds only, model/sub_sched.cpp): 0 bits when off
  Field8 sub_exit = 0;   // kSubExit*: exit_kind and ->aborting of the root and the child, root's propagation irq_work
  Field8 sub_claim = 0;  // the exit claimer's stage (ClaimPc, bits 0-2) | kSubClaim*: irq_work / disable work pending
  // --sub-migrations only (model/sub_migrate.cpp): 0 bits when off
  Field8 sub_mig = 0;    // the cgroup.procs writer's stage (MigPc, bits 0-1) | kSubMigPrepared | its task << kSubMigTaskShift
  // --sub-scheds only: owned by invariant monitors (sub-pairing,
  // invariants/ghost.hpp), opaque to the model; 0 bits without
  Field8 ghost_sched = 0;

  bool operator==(const State& o) const { return std::memcmp(this, &o, sizeof(State)) == 0; }
};

static_assert(kMaxCpus == 3, "proxy_exec's initializer lists kMaxCpus entries");
// Four cache lines, the user DSQs' destroyed bits (--destroy-dsqs), the
// two exit-claiming bytes (--sub-scheds) and the CPUs' rq flags
// (--balance-callbacks) and the CPUs' kick bytes (--kicks); the packed
// form (pack.hpp) is what the visited set stores, and it spends no bit on
// either when off.
static_assert(sizeof(State) <= 272, "State is meant to stay small");
#ifndef SCXMC_TRACE_ACCESS
static_assert(std::has_unique_object_representations_v<State>,
              "State is compared and ordered with memcmp: no padding bytes");
#endif

}  // namespace scxmc
