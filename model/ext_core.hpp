// ExtCore: the executable model of the Linux 7.3.4 ext class core.
//
// Every member function below is named after the kernel function it stands
// for and cites it (see sites.hpp for the full model-to-source table).  A
// model step is produced by step(): one actor runs from its program counter
// until the kernel drops a lock (switch_rq_lock, the DSQ unlock before
// ops.dequeue), starts a spin-wait (DISPATCHING), finishes a BPF kfunc call,
// or completes its path.  Other actors run in between steps, which is how
// the model follows the code's real lock boundaries.
//
// Lock acquisition: an actor's step is enabled only if every spinlock it has
// to take during the step is free; a step that meets a held lock is
// discarded and retried later ("acquire later" is always a legal kernel
// schedule).  Spin-waits on ops_state are explicit paused program counters
// that keep their locks, so a waiter holds its rq lock while it spins.
//
// Variants (historical or proposed kernel changes) and test-only mutations
// subclass ExtCore and override the functions the patch changes.
#pragma once

#include <array>
#include <functional>
#include <string>

#include "choice.hpp"
#include "config.hpp"
#include "events.hpp"
#include "locks.hpp"
#include "state.hpp"
#include "variant_api.hpp"

namespace scxmc {

// Program counters: where an actor is paused.  Comments name the kernel
// function and what the actor holds while paused there.
enum class Pc : uint8_t {
  Rest = 0,          // not inside ext code
  Pick,              // do_pick_task_scx -> dispatch_one entry [rq home]
  DispatchSched,     // scx_dispatch_sched after the global DSQ [rq home]
  CallDispatch,      // about to call ops.dispatch (a new loop round) [rq home]
  BpfDispatch,       // inside ops.dispatch between kfunc calls [rq home]
  Flush,             // scx_flush_dispatch_buf, next entry [rq home]
  FlushLink,         // finish_dispatch: claimed, link on DSQ d [rq home + dsq d]
  FlushRelease,      // scx_dispatch_enqueue tail: ops.dequeue + clear opss [rq home]
  AfterFlush,        // scx_dispatch_sched loop tail [rq home]
  NoneTail,          // dispatch_one: nothing found, keep prev? [rq home]
  PickFinish,        // do_pick_task_scx result, put_prev + set_next [rq home]
  Consume,           // scx_consume_dispatch_q(d) [rq home]
  ConsumeLocalWait,  // scx_move_local_task_to_local_dsq spinning [rq home]
  ConsumeSrc,        // consume_remote_task under src rq (x) [needs rq x]
  ConsumeSrcWait,    // unlink_dsq_and_switch_rq_lock spinning [rq x]
  MrtDst,            // move_remote_task_to_local_dsq second half [needs rq x]
  RelockHome,        // switch_rq_lock back to home, resume at d [needs rq home]
  DtlSrc,            // dispatch_to_local_dsq under src rq (x), dst y [needs rq x]
  DsqMoveSrc,        // scx_dsq_move under p's rq (x), src dsq d, target y
  DsqMoveWait,       // move_task_between_dsqs spinning [rq x + dsq d]
  Deferred,          // process_ddsp_deferred_locals on rq home [rq home]
  DeqWait,           // ops_dequeue spinning on DISPATCHING [rq x]
  MqtDst,            // move_queued_task second half [needs rq x]
  DsqMoveRemote,     // move_task_between_dsqs remote case, src dsq dropped [rq x]
  ChangeEnqueue,     // sched_change body + end after its dequeue [rq x]
  MqtBegin,          // affine_move_task -> move_queued_task after the change [rq x]
  TtwuActivate,      // try_to_wake_up after select_task_rq and set_task_cpu (core.c:4416, 4425), before
                     // ttwu_queue's rq_lock (core.c:4438, 4098) [p->pi_lock; needs rq x] (--lifecycle only)
  // --kicks (model/kick.cpp)
  KickIrq,           // kick_cpus_irq_workfn, hardirq: the next target's kick_one_cpu; y = Pc to return to [none]
  KickSyncWait,      // kick_sync_wait_bal_cb's loop head (ext.c:3308-3310) [rq home, or needs it]; d = 1: deferred_bal_cb next
  KickSyncSpin,      // its spin on CPU x's kick_sync, rq dropped, irqs on (ext.c:3321-3327) [none]
  // Reserved for variants: the pause points a variant defines inside the
  // functions it overrides (ExtCore::definePause); their labels and sites
  // are the variant's (pcLabel), what the actor holds is in its frame.
  // Two per kind of Frame::y (PauseY): a value, a DSQ, a CPU.
  Variant0,          // y: a value (or as at DeqWait inside a dequeue)
  Variant1,          // y: a value (or as at DeqWait inside a dequeue)
  Variant2,          // y: a DSQ
  Variant3,          // y: a DSQ
  Variant4,          // y: a CPU
  Variant5,          // y: a CPU
  Count
};
inline constexpr int kVariantPcs = 6;
// What Frame::y holds at a variant's pause point (symmetry renames it so).
enum class PauseY : uint8_t { Value = 0, Dsq = 1, Cpu = 2 };

const char* pcName(uint8_t pc);

// Frame::y of a task actor's sched_change that moves a runnable ext task to
// fair (--switch-runnable; environment.cpp), from its dequeue on: a marker,
// not the mask a sched_setaffinity's y is (symmetry.cpp keeps it).
inline constexpr uint8_t kChangeToFair = 0xfd;

// Where the scx_enable_helper kthread is (State::life_pc): the stages of
// scx_root_enable_workfn (ext.c:7691-8108) and scx_root_disable
// (ext.c:6605-6768) at the model's lock granularity (lifecycle.cpp).
enum class LifePc : uint8_t {
  Idle = 0,      // nothing loaded yet
  EnBypass,      // scx_bypass(true) ext.c:7899 [enable_mutex]
  EnInitLock,    // fork rwsem + scx_cgroup_lock + ops.cgroup_init ext.c:7912-7941 [enable_mutex]
  EnInitTask,    // per-task init loop ext.c:7943-8003 [enable_mutex, fork_rwsem, cgroup_mutex, cgroup_ops_rwsem]
  EnSwitchLock,  // __scx_enabled on, fork rwsem again ext.c:8012-8019 [enable_mutex]
  EnSwitchTask,  // per-task switch to ext ext.c:8019-8038 [enable_mutex, fork_rwsem]
  EnUnbypass,    // scx_bypass(false) ext.c:8040 [enable_mutex]
  EnPublish,     // ENABLING -> ENABLED, unlock ext.c:8042-8073 [enable_mutex]
  Enabled,       // running; the next step starts scx_root_disable (bypass, DISABLING)
  DisLock,       // mutex, cgroup exit, fork rwsem ext.c:6634-6656
  DisTasks,      // per-task disable + exit_task ext.c:6658-6675 [enable_mutex, fork_rwsem]
  DisExit,       // ops.exit, unlink, scx_root = NULL, unlock, DISABLED ext.c:6714-6765 [enable_mutex]
  DisUnbypass,   // scx_bypass(false) ext.c:6767
  Done,          // disabled again (quiescent: the helper idles)
  // ops.init_task of task 0..3 runs with every lock dropped (ext.c:7963-7968,
  // between INIT_BEGIN and scx_task_iter_relock); the stage is EnInitTask's
  EnInitCall0, EnInitCall1, EnInitCall2, EnInitCall3,
  // --sub-scheds (model/sub_sched.cpp): the child's enable and disable run
  // while the root is enabled; their stage is Enabled's (lifeStage).
  SubEnInit,     // scx_sub_enable_workfn's init loop sub.c:1871-1931 [enable_mutex, fork_rwsem, cgroup locks]
  SubEnSwitch,   // its switch loop sub.c:1934-1967 [enable_mutex, fork_rwsem, cgroup locks]
  SubEnabled,    // the child runs; the next step starts scx_sub_disable
  SubDisTasks,   // scx_sub_disable's re-home loop sub.c:1548-1613 [enable_mutex, fork_rwsem, cgroup locks]
  SubDisExit,    // synchronize_rcu, unlink, ops.sub_detach, ops.exit sub.c:1626-1652 [enable_mutex]
  SubGone,       // the child is gone; the root is enabled (as Enabled, without a child to enable)
  // exit claiming (model/sub_sched.cpp, docs/sub-sched.md):
  SubEnLinked,   // scx_link_sched: on the parent's children list, before smp_mb + READ_ONCE(parent->aborting)
                 // ext.c:6530-6538 [enable_mutex, scx_bypass_lock, scx_sched_lock]
  SubEnFailed,   // backed out (ext.c:6539-6543), err_disable: scx_flush_disable_work waits for the child's
                 // disable (sub.c:2015-2023) [none]
  // --sub-fail-parent: the re-home loop's ops.init_task of the parent failed
  // (sub.c:1583-1587): scx_fail_parent (sub.c:1291-1317)
  SubDisFail,    // scx_error(parent)'s claim (the stages of ClaimPc with kSubClaimHelper), then
                 // scx_bypass(parent, true) (sub.c:1306) [enable_mutex, fork_rwsem, cgroup locks]
  SubDisPunt,    // the punt loop: scx_punt_task per task of the cgroup not on the parent (sub.c:1308-1315)
                 // [enable_mutex, fork_rwsem, cgroup locks]
  // --sub-enable-fail: the init loop's ops.init_task of the child failed
  // (sub.c:1903-1905): scx_sub_enable_workfn's `abort` (sub.c:1990-2023)
  SubEnAbort,    // the cancel loop: scx_sub_init_cancel_task per SUB_INIT task (sub.c:2002-2009)
                 // [enable_mutex, fork_rwsem, cgroup locks]
  SubEnAborted,  // unlocked and the child errored (sub.c:2011-2022); scx_flush_disable_work waits for its
                 // disable work, which runs scx_sub_disable as from SubEnabled [none]
  // --sub-early-fail: the enable failed before its task loops (life_pc's
  // domain grows to 6 bits with the flag, pack.cpp)
  SubEnErrEarly,   // the child's ops.init (sub.c:1812-1816) or the parent's ops.sub_attach (sub.c:1826-1831)
                   // failed: the child owns no cgroup or task and is not attached.  The helper's scx_error
                   // claim is next while the child's exit_kind is NONE (a claim that would lose is a no-op);
                   // then scx_flush_disable_work waits for the disable work, which unlinks the child [none]
  SubEnErrClaim,   // the child's ops.cgroup_init in scx_cgroup_claim_subtree failed (sub.c:1369-1370); next its
                   // scx_error claim, the unwind and err_unlock_and_disable (sub.c:1371-1372, 1398-1409, 2011-2016)
                   // [enable_mutex, fork_rwsem, cgroup locks]
  SubEnErrClaimed, // unlocked and errored: attached, its cgroup's scx_sched the child (sub.c:1848), the
                   // task_group still the parent's; scx_flush_disable_work waits for the disable work,
                   // which runs scx_sub_disable without a subtree to return [none]
  Count
};
static_assert(static_cast<int>(LifePc::Count) <= 64, "life_pc packs into 6 bits at most (pack.cpp)");
// The LifePc values that need life_pc's sixth bit (Config::sub_early_fail)
inline constexpr uint8_t kLifePcFirstWide = 32;
constexpr bool isSubPc(uint8_t pc) {
  return pc >= static_cast<uint8_t>(LifePc::SubEnInit) && pc < static_cast<uint8_t>(LifePc::Count);
}
// scx_fail_parent's stages (--sub-fail-parent): inside scx_sub_disable's
// re-home loop, with its locks
constexpr bool subFailing(uint8_t pc) {
  return pc == static_cast<uint8_t>(LifePc::SubDisFail) || pc == static_cast<uint8_t>(LifePc::SubDisPunt);
}
// scx_sub_enable_workfn's `abort` stages (--sub-enable-fail): the child is
// linked, its enable failed
constexpr bool subAborting(uint8_t pc) {
  return pc == static_cast<uint8_t>(LifePc::SubEnAbort) || pc == static_cast<uint8_t>(LifePc::SubEnAborted);
}
// The stages of an enable that failed before its task loops
// (--sub-early-fail): linked, errored, waiting for the disable work
constexpr bool subErrored(uint8_t pc) {
  return pc == static_cast<uint8_t>(LifePc::SubEnErrEarly) || pc == static_cast<uint8_t>(LifePc::SubEnErrClaim) ||
         pc == static_cast<uint8_t>(LifePc::SubEnErrClaimed);
}
// Is the child on the root's children list (list_add_tail_rcu ext.c:6530 ..
// list_del_rcu at the back-out ext.c:6541 or in scx_unlink_sched ext.c:6564)?
constexpr bool subListed(uint8_t pc) {
  return pc == static_cast<uint8_t>(LifePc::SubEnLinked) || subFailing(pc) || subAborting(pc) || subErrored(pc) ||
         (pc >= static_cast<uint8_t>(LifePc::SubEnInit) && pc <= static_cast<uint8_t>(LifePc::SubDisExit));
}

// Where the exit claimer is (State::sub_claim bits 0-2): inside
// scx_claim_exit (ext.c:6801-6839) between its lockless accesses, and
// scx_vexit's scx_finish_exit (ext.c:7251-7291).
enum class ClaimPc : uint8_t {
  Idle = 0,
  RootClaimed,   // root's exit_kind claimed (ext.c:6810); next smp_store_mb(root->aborting) (ext.c:6829)
  RootSwept,     // root->aborting stored; next the walk to the child (ext.c:6828-6829)
  RootQueue,     // the sweep is done; next irq_work_queue(propagate) (ext.c:6832) and the disable's (ext.c:7273)
  ChildClaimed,  // child's exit_kind claimed; next smp_store_mb(child->aborting), the (empty) walk and the queues
  Count
};
const char* claimPcName(uint8_t pc);
// Where the cgroup.procs writer is (State::sub_mig bits 0-1, --sub-migrations,
// model/sub_migrate.cpp): inside cgroup_migrate_execute
// (kernel/cgroup/cgroup.c:2703-2850), holding cgroup_mutex, between the
// steps that take p's rq lock.
enum class MigPc : uint8_t {
  Idle = 0,
  Attach,    // committed (css_set_move_task, cgroup.c:2766); next cpu_cgroup_attach -> sched_move_task (core.c:9545)
  Migrated,  // attached; next CGROUP_TASK_MIGRATED: scx_cgroup_task_migrated (sub.c:2074) re-homes p
  Canceled,  // p's MIGRATING done, the write failed later; next CGROUP_TASK_MIGRATE_CANCELED (sub.c:2101)
  Count
};
const char* migPcName(uint8_t pc);
// Is the child scheduler linked and not yet exited (scx_link_sched ..
// its ops.exit, sub.c:1790-1652)?
constexpr bool subLive(uint8_t pc) {
  return (pc >= static_cast<uint8_t>(LifePc::SubEnInit) && pc <= static_cast<uint8_t>(LifePc::SubDisExit)) ||
         subFailing(pc) || subAborting(pc) || subErrored(pc);
}
// The stage a LifePc belongs to (EnInitCall* -> EnInitTask), for range tests.
constexpr LifePc lifeStage(uint8_t pc) {
  return pc >= static_cast<uint8_t>(LifePc::EnInitCall0) && pc <= static_cast<uint8_t>(LifePc::EnInitCall3)
             ? LifePc::EnInitTask
         : isSubPc(pc) ? LifePc::Enabled
                       : static_cast<LifePc>(pc);
}
// Does the helper hold cgroup_mutex at stage `pc` (scx_cgroup_lock: the
// root's init loop ext.c:7934-8004, the child's loops sub.c:1842-1971,
// 1527-1616)?  heldLocks (locks.cpp) lists the same; a test ties the two
// (SubMigrate.HelperCgroupMutexStagesAgreeWithHeldLocks).
constexpr bool helperHoldsCgroupMutex(uint8_t pc) {
  return lifeStage(pc) == LifePc::EnInitTask || pc == static_cast<uint8_t>(LifePc::SubEnInit) ||
         pc == static_cast<uint8_t>(LifePc::SubEnSwitch) || pc == static_cast<uint8_t>(LifePc::SubDisTasks) ||
         subFailing(pc) || pc == static_cast<uint8_t>(LifePc::SubEnAbort) ||
         pc == static_cast<uint8_t>(LifePc::SubEnErrClaim);
}
// The task whose ops.init_task the helper runs, or kNone.
constexpr uint8_t lifeInitTask(uint8_t pc) {
  return lifeStage(pc) == LifePc::EnInitTask && pc != static_cast<uint8_t>(LifePc::EnInitTask)
             ? static_cast<uint8_t>(pc - static_cast<uint8_t>(LifePc::EnInitCall0))
             : kNone;
}
const char* lifePcName(uint8_t pc);
// The scx_bypass(sch, on) a helper stage runs (EnBypass, EnUnbypass, Enabled
// and SubGone (the disable's), SubDisFail (scx_fail_parent's), DisUnbypass):
// 1 = bypass, 0 = unbypass, -1 = none.
constexpr int lifeBypassOn(uint8_t pc) {
  switch (static_cast<LifePc>(pc)) {
    case LifePc::EnBypass: case LifePc::Enabled: case LifePc::SubGone: case LifePc::SubDisFail: return 1;
    case LifePc::EnUnbypass: case LifePc::DisUnbypass: return 0;
    default: return -1;
  }
}
// The helper is inside scx_bypass's CPU loop (ext.c:6328-6394), holding
// scx_bypass_lock (ext.c:6282 to 6404): its stage runs a scx_bypass whose
// depth change (the first step) is done but whose end step is not.
// State::bypass_depth's top bit marks that place (the depth is the rest).
inline constexpr uint8_t kBypassInLoop = 0x80;
constexpr bool lifeInBypassLoop(uint8_t pc, uint8_t depth) {
  return lifeBypassOn(pc) >= 0 && (depth & kBypassInLoop);
}

// Continuations (Frame::ret / Frame::ret2).
enum class Ret : uint8_t {
  None = 0,
  ConsumeGlobalFirst,  // scx_dispatch_sched's first global consume
  ConsumeGlobalLoop,   // the consume after each ops.dispatch round
  ConsumeMoveToLocal,  // scx_bpf_dsq_move_to_local
  FlushAfterDispatch,  // ops.dispatch returned
  FlushMoveToLocal,    // scx_bpf_dsq_move_to_local flushes first
  DeqThenPick,         // sleep: after dequeue, pick
  DeqThenChange,       // sched_change: after dequeue, change + enqueue
  DeqThenMigrate,      // move_queued_task: after dequeue, set cpu, unlock
  MrtConsume,          // move_remote arrival completes a consume
  MrtDtl,              // ... completes a dispatch_to_local_dsq
  MrtDsqMove,          // ... completes an scx_dsq_move
};

// enum scx_dsp_verdict (int.h)
enum class Verdict : uint8_t { None = 0, Prev, Local };

// How dequeue_task_scx's ops_dequeue starts (ext.c:2242-2291).
enum class DeqStart : uint8_t { NotQueued, Proceed, Spin };

// deq_flags as dequeue_task_scx computes them from the core's flags.
uint8_t dequeueFlags(uint8_t core_flags);

class ExtCore {
 public:
  explicit ExtCore(const Config& cfg) : cfg_(cfg) {}
  virtual ~ExtCore() = default;
  ExtCore(const ExtCore&) = delete;
  ExtCore& operator=(const ExtCore&) = delete;

  const Config& config() const { return cfg_; }
  virtual const char* name() const { return "linux-7.3.4"; }

  // The initial state: every task asleep on CPU (i mod C), all CPUs idle.
  State initial() const;

  // Runs one step of `actor` on `s` under the choices of `ch`.  Returns false
  // when the actor cannot move (or the chosen branch is not enabled); `s` is
  // then unspecified.  Events go to `log`.
  bool step(State& s, int actor, Chooser& ch, StepLog& log);

  // Sets the fields of `s` that no future step can read to fixed values
  // (liveness.cpp gives the argument per field).  The explorer applies it
  // before storing a state, like the symmetry reduction.  A variant that
  // makes one of those fields live again must override it.
  virtual void normalizeDead(State& s) const;
  // --balance-callbacks: some actor is inside a run_deferred of rq's list
  // (the waker's task_woken_scx, the balance callback, the irq_work:
  // Op::Deferred with rq as home)
  static bool deferredRunOn(const Config& cfg, const State& s, uint8_t rq);
  // its exit-claiming part (--sub-scheds, liveness.cpp)
  void normalizeDeadExit(State& s) const;

  // Whether CpuState::actions is read only by ops.dispatch's kfunc budget
  // test, so that a state with fewer kfunc calls spent simulates the same
  // state with more (the checker's subsumption, harness/checker.cpp).  A
  // variant that reads the counter otherwise must return false.
  virtual bool dispatchBudgetOnlyLimits() const { return true; }

  // Human-readable actor name ("CPU0", "task1").
  std::string actorName(int actor) const;
  // Where an actor paused at `pc` is: pcName, or the label of this model's
  // variant pause point (definePause).
  std::string pcLabel(uint8_t pc) const;
  bool isCpu(int actor) const { return actor < cfg_.cpus; }

 protected:
  // ---- step context -------------------------------------------------------
  State* s_ = nullptr;
  Chooser* ch_ = nullptr;
  StepLog* log_ = nullptr;
  int me_ = 0;              // running actor
  bool blocked_ = false;    // the step met a held lock: discard it
  bool paused_ = false;     // the actor paused: the step ends here
  // Dispatch-buffer records that can no longer match their task's qseq are
  // dropped at once (they only count in nr_tasks).  Exact while
  // finish_dispatch honours qseq; a variant that does not keeps them.
  bool drop_dead_records_ = true;
  // scx_bpf_dsq_move's dsq_id is chosen when scx_dsq_move reads it
  // (bpfDsqMoveTarget); a test model chooses it at the call to show the two
  // reach the same states.
  bool move_target_at_call_ = false;
  // scx_claim_exit claims with the exit_kind cmpxchg (claimExitKind): a
  // failed claim changes nothing, which normalizeDeadExit relies on.  A
  // variant whose claim can succeed twice clears it.
  bool claim_is_cmpxchg_ = true;
  bool first_ = true;       // running the step's first handler
  bool waited_dequeue_ = false;  // finishing the dequeue that waited on DISPATCHING (deqWait)
  // --balance-callbacks: inside a wakeup enqueue_task_scx, rq->scx.flags has
  // SCX_RQ_IN_WAKEUP (ext.c:2189-2190 .. 2223); only this step's actor holds
  // the rq lock meanwhile, so it is not State
  bool in_wakeup_ = false;
  bool at_entry_ = true;    // the current handler has not acted yet
  // The step has made its one access that other CPUs may race with (a
  // lockless read or atomic, or a DSQ unlock): it ends at the next handler
  // (docs/lockless.md, "the granularity rule").
  bool committed_ = false;
  void lockless() { committed_ = true; }

  Frame& fr() { return me_ < cfg_.actors() ? s_->actor[me_] : scratch_; }
  Frame scratch_{};         // the lifecycle helper's registers within one step (it has no Frame)
  TaskState& tk(uint8_t t) { return s_->task[t]; }
  CpuState& cpu(uint8_t c) { return s_->cpu[c]; }
  DsqState& dq(uint8_t d) { return s_->dsq[d]; }
  Op op() { return static_cast<Op>(fr().op); }

  void emit(Ev k, uint8_t t = kNone, uint8_t a = 0, uint8_t b = 0, uint8_t c = kNone);
  void site(Site s) { emit(Ev::Site, kNone, static_cast<uint8_t>(s)); }
  void goTo(Pc pc) { fr().pc = static_cast<uint8_t>(pc); }
  void pause(Pc pc) { goTo(pc); paused_ = true; }
  // Lock events (locks.hpp) do not count as acting: a lock found busy right
  // after them still makes the actor spin at the handler's entry.
  void lockEvent(Ev k, uint8_t cls, uint8_t inst);
  // The context the running code is in (locks.hpp LockCtx), recorded on
  // every lock event: set at the step's start from the actor's path (a
  // CPU's deferred irq_work path is hardirq) and by restCpu around the
  // tick's sched_tick part.  Not state: derived from the frame and the step.
  LockCtx ctx_ = LockCtx::Task;
  // Whether hardirqs are enabled when the running code takes lock class
  // `cls` (LockClassInfo::irqs: every modeled 7.3.4 site takes a spinlock
  // with irqs disabled and a sleeping lock with them enabled, in process
  // context).  A variant that uses a plain raw_spin_lock where irqs may be
  // on overrides it.
  virtual bool acquiresWithIrqsOn(LockClass cls, uint8_t inst);
  void spinWaitDispatching(uint8_t t);  // Ev::Wait on p's DISPATCHING owner
  void scxError(ErrorKind k, uint8_t where = 0);  // Event::b = where (ErrorKind::DsqDestroyed)
  void warn(Warn w, uint8_t t = kNone);
  void endPath();               // back at rest: registers cleared, locks dropped

  // ---- variant extension points (docs/check-your-patch.md, "Recipes") -----
  // None of these changes the baseline: a variant calls them from its
  // constructor (member initializers) and from the functions it overrides.
  //
  // A WARN/BUG check of the patched code: defineWarn registers it (name,
  // file:LINE, the condition in words) and returns its handle; warn(handle,
  // t) reports it through the `kernel-warn` invariant like a built-in Warn,
  // with the name and citation in counterexamples, JSON and replay.
  struct WarnCheck {
    uint8_t index = kNone;
  };
  WarnCheck defineWarn(const char* name, const char* file, int line, const char* text);
  void warn(WarnCheck w, uint8_t t = kNone);
  // A kernel site of the patched code for traces: site(defineSite(...)).
  Site defineSite(const char* label, const char* function, const char* file, int line, const char* what);
  // A pause point of the patched code (a lock dropped, a lockless read, a
  // spin): pauseAt(p) ends the step there (the actor keeps the locks its
  // frame holds; emit the matching unlockRq/unlockDsq first for a dropped
  // lock), and the actor's next step calls `resume`, which must continue
  // the path (goTo a built-in Pc, pause again, or endPath).  The pause has
  // its own program counter (Pc::Variant0 + k, at most kVariantPcs per
  // model, two per PauseY) and its own label and site in traces.  Call
  // pauseAt only where the caller does nothing after the overridden
  // function returns (a handler-level function: flushLink, deferred, or a
  // dequeue, whose callers expect a pause), as the core's own pauses do.
  // Registers kept across the pause: t (a task), x and home (CPUs), d (a
  // DSQ), y as `y` says, ret/ret2/tag (the path's continuations); inside a
  // dequeue (tag a DeqThen* continuation) with PauseY::Value, d and y are
  // as at DeqWait (the dequeue flags, the continuation's register).  The
  // symmetry reduction renames them so (symmetry.cpp).
  struct PausePoint {
    Pc pc = Pc::Count;
    Site site{};
  };
  PausePoint definePause(const char* label, const char* function, const char* file, int line, const char* what,
                         std::function<void()> resume, PauseY y = PauseY::Value);
  void pauseAt(const PausePoint& p);

  // Locks.  rqFree/dsqFree consult every actor's held locks; the running
  // actor's own locks live in its frame as well.  The lock helpers are
  // virtual so that a variant can add or remove a lock operation where a
  // patch does (docs/check-your-patch.md, "A lock dropped or added").
  bool rqFree(uint8_t rq) const;
  bool dsqFree(uint8_t d) const;
  // raw_spin_rq_lock (core.c:669 raw_spin_rq_lock_nested); false: busy ->
  // blocked_ (step discarded) or a spin at the handler's entry (lockBusy)
  virtual bool lockRq(uint8_t rq);
  // raw_spin_rq_unlock (sched.h:1680)
  virtual void unlockRq();
  // raw_spin_lock(&dsq->lock); rq-owned (local) DSQs need no lock
  virtual bool lockDsq(uint8_t d);
  // raw_spin_unlock(&dsq->lock): a commit point (docs/lockless.md)
  virtual void unlockDsq(uint8_t d);
  // switch_rq_lock (ext.c:430): drop the held rq lock, then continue at `pc`
  // which re-acquires `to` in a later step.
  virtual void switchRqLock(uint8_t to, Pc pc);

  // ---- primitive updates --------------------------------------------------
  void setOpss(uint8_t t, Opss to);
  Opss opss(uint8_t t) { return static_cast<Opss>(tk(t).opss); }
  void setCustody(uint8_t t, bool on);
  bool custody(uint8_t t) { return flagBit(t, kTaskInCustody); }
  bool queued(uint8_t t) { return flagBit(t, kTaskQueued); }
  // One bit of p->scx.flags (the access-traced build records the bit, not
  // the byte: QUEUED and IN_CUSTODY have different protocols).
#ifdef SCXMC_TRACE_ACCESS
  bool flagBit(uint8_t t, uint8_t bit) const;
  void setFlagBit(uint8_t t, uint8_t bit, bool on);
#else
  bool flagBit(uint8_t t, uint8_t bit) const { return s_->task[t].flags & bit; }
  void setFlagBit(uint8_t t, uint8_t bit, bool on) {
    if (on) tk(t).flags |= bit; else tk(t).flags &= static_cast<uint8_t>(~bit);
  }
#endif
  void listAdd(uint8_t d, uint8_t t, bool head);  // link p->scx.dsq_list
  void listDel(uint8_t d, uint8_t t);
  bool onList(uint8_t d, uint8_t t) const;
  // set_task_cpu (core.c:3351).  `waking`: try_to_wake_up, p->__state is
  // TASK_WAKING (core.c:4380); otherwise p must be on_rq (core.c:3361).
  void setTaskCpu(uint8_t t, uint8_t c, bool waking = false);
  void setOnRq(uint8_t t, OnRq v);
  uint8_t targetDsq(uint8_t target, uint8_t rq, uint8_t tcpu);  // find_dsq_for_dispatch
  // --destroy-dsqs: user DSQ d's id is SCX_DSQ_INVALID (destroy_dsq ran).
  bool dsqInvalid(uint8_t d) const {
    return cfg_.destroy_dsqs && isUserDsq(d) && s_->dsq_invalid[d - kDsqUser0] != 0;
  }
  // --destroy-dsqs: find_user_dsq (ext.c:310) on user DSQ d, in a step that
  // goes on to lock it: true if it is found (see ExtCore::lookupUserDsq).
  bool lookupUserDsq(uint8_t d, uint8_t where);
  bool allowed(uint8_t t, uint8_t c) { return (tk(t).affinity >> c) & 1; }
  bool isCurr(uint8_t t);
  void qseqAdvance(uint8_t t);   // invalidate recorded dispatch-buffer entries

  // ---- BPF choice points (restricted by the Policy) -----------------------
  virtual uint8_t bpfSelectCpu(uint8_t t, uint8_t prev_cpu, uint8_t* verdict);
  virtual uint8_t bpfEnqueueVerdict(uint8_t t);  // kNone = keep on the BPF side
  virtual uint8_t bpfDispatchTarget(uint8_t t, uint8_t c);  // scx_bpf_dsq_insert from ops.dispatch
  // scx_bpf_dsq_move's dsq_id options for @t found on user DSQ @src (at most
  // kMaxMoveTargets), and the one BPF passes, chosen where it is first read.
  static constexpr int kMaxMoveTargets = 2 + kMaxCpus + kMaxUserDsqs;
  int dsqMoveTargets(uint8_t t, uint8_t c, uint8_t src, uint8_t* out);
  virtual uint8_t bpfDsqMoveTarget(uint8_t t, uint8_t c, uint8_t src);

  // ---- kernel functions (ext.c unless noted) ------------------------------
  // select_task_rq_scx ext.c:3628 (+ mark_direct_dispatch ext.c:1882)
  virtual uint8_t selectTaskRq(uint8_t t, uint8_t prev_cpu);
  // enqueue_task_scx ext.c:2171
  virtual void enqueueTask(uint8_t rq, uint8_t t, uint8_t enq_flags);
  // scx_do_enqueue_task ext.c:2002
  virtual void doEnqueueTask(uint8_t rq, uint8_t t, uint8_t enq_flags, uint8_t sticky_cpu);
  // direct_dispatch ext.c:1936
  virtual void directDispatch(uint8_t rq, uint8_t t);
  // --balance-callbacks: schedule_deferred_locked ext.c:1050, after
  // direct_dispatch linked a task on rq's ddsp_deferred_locals (rq held)
  virtual void scheduleDeferredLocked(uint8_t rq);
  // --balance-callbacks: maybe_queue_balance_callback ext.c:2959, at the end
  // of a final pick (do_pick_task_scx ext.c:3492-3497), rq held
  virtual void maybeQueueBalanceCallback(uint8_t rq);
  // --kicks (model/kick.cpp): scx_bpf_kick_cpu from a BPF callback on a CPU
  // (ext.c:9756), kick_cpus_irq_workfn (ext.c:8756) and its tail
  // (ext.c:8793-8801, a variant's hook), kick_sync_wait_bal_cb (ext.c:3277)
  void bpfKick();
  void kickIrq();
  virtual void kickCpusTail();
  void kickIrqReturn(Frame& f);
  void kickSyncWait();
  void kickSyncSpin();
  void kickSyncAdvance(uint8_t c);   // rq->scx.kick_sync++ (ext.c:3182, 3420, 3324)
  void maybeQueueKickSync(uint8_t rq);  // do_pick_task_scx ext.c:3505-3508
  bool kickPending(uint8_t c) const;
  // scx_dispatch_enqueue ext.c:1608, up to the dsq unlock.  Returns whether
  // ops.dequeue() is owed after the unlock (non-rq-owned DSQs only).
  virtual bool dispatchEnqueueLink(uint8_t rq, uint8_t d, uint8_t t, bool apply_slice, bool head);
  // Its custody block under dsq->lock (ext.c:1740-1745): GLOBAL leaves
  // custody (returns whether ops.dequeue is owed), a user DSQ enters it.
  virtual bool dsqInsertCustody(uint8_t d, uint8_t t);
  // The tail after the unlock: ops.dequeue(0) if owed, then CLEAR_OPSS.
  virtual void dispatchEnqueueTail(uint8_t t, bool call_dequeue, bool clear_opss);
  virtual void dispatchEnqueue(uint8_t rq, uint8_t d, uint8_t t, bool apply_slice, bool clear_opss, bool head);
  // clear_direct_dispatch ext.c:1930: drop p's pending direct-dispatch
  // verdict (p->scx.ddsp_dsq_id = SCX_DSQ_INVALID, ddsp_enq_flags = 0)
  virtual void clearDirectDispatch(uint8_t t);
  // task_leave_custody ext.c:1527
  virtual bool leaveCustody(uint8_t t);
  // rq_owned_post_enq ext.c:1536
  virtual void rqOwnedPostEnq(uint8_t rq, uint8_t t);
  // scx_dispatch_dequeue ext.c:1780
  virtual void dispatchDequeue(uint8_t rq, uint8_t t);
  // dequeue_task_scx ext.c:2311 up to ops_dequeue's wait
  virtual DeqStart dequeueTaskBegin(uint8_t rq, uint8_t t, uint8_t core_flags);
  // a core path's dequeue_task: begin, maybe spin (DeqWait), finish, continue
  virtual void dequeueTask(uint8_t rq, uint8_t t, uint8_t core_flags);
  // ops_dequeue ext.c:2230 state switch; false = must spin (DISPATCHING)
  virtual bool opsDequeueClaim(uint8_t t);
  // ops_dequeue's tail (ext.c:2307-2308): ops.dequeue if still in custody
  virtual void opsDequeueTail(uint8_t t, uint8_t deq_flags);
  // the rest of ops_dequeue + dequeue_task_scx after the wait
  virtual void dequeueTaskFinish(uint8_t rq, uint8_t t, uint8_t deq_flags);
  // scx_move_local_task_to_local_dsq ext.c:2423 (after its wait)
  virtual void moveLocalTaskToLocalDsq(uint8_t t, uint8_t dst_rq);
  // move_remote_task_to_local_dsq ext.c:2456, first half under src
  virtual void moveRemoteTaskBegin(uint8_t t, uint8_t src, uint8_t dst, Ret then);
  // ... second half under dst (activate_task -> enqueue_task_scx)
  virtual void moveRemoteTaskArrive(uint8_t t, uint8_t dst);
  // task_can_run_on_remote_rq ext.c:2508
  virtual bool taskCanRunOnRemoteRq(uint8_t t, uint8_t rq, bool enforce);
  // finish_dispatch ext.c:2876 for one buffer entry
  virtual void finishDispatch(const BufEnt& e);
  // finish_dispatch once the target DSQ @d is known: 7.3.4 does nothing
  // here (custody is handled by the insertion); variants that manage it in
  // finish_dispatch (seed 002's first posting) override it.
  virtual void finishDispatchCustody(uint8_t t, uint8_t d) {}
  // finish_dispatch's qseq comparison (ext.c:2901)
  virtual bool claimFresh(const BufEnt& e);
  // dispatch_to_local_dsq ext.c:2775
  virtual void dispatchToLocalDsq(uint8_t rq, uint8_t dst, uint8_t t);
  virtual void dispatchToLocalDsqSrc();  // the part under src rq (ext.c:2818)
  virtual void dtlReturn();
  // put_prev_task_scx ext.c:3175 / set_next_task_scx ext.c:3063
  virtual void putPrevTask(uint8_t rq, uint8_t t, uint8_t next);
  virtual void setNextTask(uint8_t rq, uint8_t t);
  // scx_consume_dispatch_q ext.c:2704 (the scan under the dsq lock)
  virtual void consumeDispatchQ();
  virtual bool consumeAborting(uint8_t d);  // ext.c:2730, --lifecycle (consume.cpp)
  virtual bool dsqMoveAborting();           // ext.c:9239, --lifecycle (consume.cpp)
  // scx_dsq_move ext.c:9208 (under p's rq)
  virtual void dsqMoveAtSrc();
  // The ops.running / ops.stopping calls of set_next_task_scx,
  // put_prev_task_scx and dequeue_task_scx (ext.c:3078, 3197, 2342); proxy
  // execution variants decide whether each is made.
  virtual void opsRunning(uint8_t t) { emit(Ev::OpsRunning, t); }
  virtual void opsStopping(uint8_t t, bool runnable) { emit(Ev::OpsStopping, t, runnable ? 1 : 0); }
  // consume_remote_task under the source rq, once holding_cpu still matches
  // (ext.c:2621): may the task still be moved?  7.3.4 does not re-check.
  virtual bool consumeRecheck(uint8_t t, uint8_t src) { return true; }
  // __schedule after pick_next_task (core.c:7201-7235): the proxy
  // execution step.  Returns the task to switch to (the donor, or kNone to
  // idle); a variant that performs a switch itself updates `prev`.  7.3.4
  // has none.
  virtual uint8_t pickProxy(uint8_t c, uint8_t& prev, uint8_t next) { return next; }
  // Environment events a variant adds to a CPU at rest (proxyEnv runs the
  // k-th of proxyEnvCount(c)); 7.3.4 has none.
  virtual int proxyEnvCount(uint8_t c) { return 0; }
  virtual void proxyEnv(uint8_t c, int k) {}

  // ---- paths driven by the program counter --------------------------------
  // Each handler is virtual: a variant may replace a whole step (the kernel
  // code between two pause points) when a patch changes it.
  void run();                   // dispatch on fr().pc until pause/block/end
  // sched_tick's ext part (core.c:5810 -> task_tick_scx ext.c:3922) on
  // rq, in hardirq context with rq locked: the slice is used up.
  virtual void tick(uint8_t rq) { tk(cpu(rq).curr).slice = 0; }
  virtual void restCpu();               // environment on a CPU at rest
  virtual void restTask();              // environment on a task at rest
  virtual void pick();                  // dispatch_one entry
  virtual void dispatchSched();
  virtual void callDispatch();
  virtual void bpfDispatch();
  virtual void flush();
  virtual void flushLink();
  virtual void flushRelease();
  bool lockBusy();              // a lock is held by another actor: block or spin
  virtual void afterFlush();
  // dispatch_one's tail when nothing was found: keep prev (ext.c:3026-3041)
  virtual void noneTail();
  virtual void pickFinish();
  virtual void consumeDone(bool ok);
  virtual void consumeLocalWait();
  virtual void consumeSrc();
  virtual void mrtDst();
  virtual void relockHome();
  // Back to the rq the path was called with (switch_rq_lock if another is
  // held), then continue at `resume`.
  virtual void returnHome(Pc resume);
  // process_ddsp_deferred_locals ext.c:4465 (from run_deferred ext.c:4800):
  // one deferred LOCAL_ON insert per step, under the rq lock
  virtual void deferred();
  virtual void deqWait();
  // the core path after its dequeue (Frame::tag: sleep, sched_change, move_queued_task)
  virtual void deqContinue();
  virtual void mqtDst();
  virtual void mqtBegin();
  virtual void ttwuActivate();
  void ttwuQueue(uint8_t t, uint8_t c);  // ttwu_queue's rq lock and ttwu_do_activate
  virtual void dsqMoveWait();
  virtual void dsqMoveBetween();        // move_task_between_dsqs ext.c:2650
  virtual void dsqMoveRemote();         // ... its remote case after the unlock
  virtual void dsqMoveFinish(bool dispatched);
  void setVerdict(Verdict v);
  // do_set_cpus_allowed on a task that is not queued (restTask's
  // SleepingAttr): only the mask and ops.set_cpumask, placement is left to
  // the next wakeup (core.c:3357-3360).
  virtual void sleepingSetCpusAllowed(uint8_t t, uint8_t mask);
  virtual bool prevKeepable(uint8_t prev);
  virtual void changeAndEnqueue();      // sched_change body + sched_change_end
  // switched_from_scx (ext.c:4433-4437): scx_disable_task for a task that
  // leaves ext by __sched_setscheduler (asleep, or runnable with
  // --switch-runnable, after its dequeue_task_scx)
  // (NONE: a task punted by scx_fail_parent, --sub-fail-parent: nothing to
  // disable, ext.c:4438-4446)
  virtual void switchedFromScx(uint8_t t) {
    if (tk(t).scx_state != static_cast<uint8_t>(ScxTaskState::None)) scxDisableTask(t);
  }
  virtual void moveQueuedTask(uint8_t rq, uint8_t t);  // move_queued_task to an allowed CPU

  // ---- scheduler lifecycle (lifecycle.cpp; Config::lifecycle) -------------
  bool isHelper(int actor) const { return actor == cfg_.actors(); }
  bool onExt(uint8_t t) const;  // the task is on the ext class (scx state ENABLED, or punted)
  // --sub-fail-parent: on ext in NONE after scx_punt_task (kTaskPunted)
  bool punted(uint8_t t) const { return cfg_.sub_fail_parent && flagBit(t, kTaskPunted); }
  bool bypassing(uint8_t c) const { return cfg_.lifecycle && (s_->cpu[c].bypassing & kCpuBypassing); }
  virtual void lifeOp(LifeOp op, uint8_t t = kNone, uint8_t arg = kNone);
  void setTaskState(uint8_t t, ScxTaskState to);
  void setEnable(ScxEnable to);
  void lock(LockClass c, uint8_t inst = 0);     // a lock only the lifecycle paths take
  // Is cgroup_mutex held by an actor other than this one between its steps
  // (the helper in scx_cgroup_lock's sections, the cgroup.procs writer)?
  bool cgroupMutexHeldByOther() const;
  void unlock(LockClass c, uint8_t inst = 0);
  virtual bool taskRqLock(uint8_t t);   // task_rq_lock core.c:708: p->pi_lock, wait out a migration, rq lock
  virtual void helperStep();            // one step of scx_enable_helper (root enable, then disable)

  // ---- exit claiming (Config::sub_scheds, model/sub_sched.cpp) -----------
  // The exit claimer: any context that raises an error or an exit on a
  // scheduler (scx_error / scx_bpf_exit / bpf_scx_unreg -> scx_vexit or
  // scx_disable), and the CPUs' hardirq contexts that run the propagation
  // irq_works.  No Frame: State::sub_claim.
  bool isClaimer(int actor) const { return cfg_.sub_scheds && actor == cfg_.actors() + 1; }
  void claimerStep();
  ExitKind exitKind(uint8_t sch);
  void setExitKind(uint8_t sch, ExitKind k);
  // scx_claim_exit's atomic_try_cmpxchg(&sch->exit_kind, NONE, kind)
  // (ext.c:6810): true if this call claimed it.  A variant replaces it.
  virtual bool claimExitKind(uint8_t sch);
  // The stages of a claim in progress after its cmpxchg (ClaimPc): the
  // sweep of ->aborting, the walk to the child, the irq_work queues; run by
  // the claimer, or by the NMI for its own claim (kSubClaimNmi).
  void claimContinue(ClaimPc pc);
  // scx_disable(sch, SCX_EXIT_PARENT) (ext.c:6864-6869) under
  // scx_sched_lock in the propagation irq_work: claim, WRITE_ONCE(aborting)
  // (ext.c:6815), irq_work_queue(disable_irq_work) (ext.c:6868)
  void disableParentClaim(uint8_t sch);
  // scx_propagate_exit_irq_workfn (ext.c:6780-6790) of `sch`
  void propagateExit(uint8_t sch);
  // scx_disable_workfn's exit_kind -> DONE loop (ext.c:6846-6854); false:
  // already DONE, the work returns
  bool disableWorkfn(uint8_t sch);
  // scx_sub_disable (sub.c:1505-1652) of a child that owns no task and no
  // task_group and is not attached, in one step: one that is not linked
  // (the link's back-out: sub.c:1537-1538 goto dump) or, `linked`
  // (--sub-early-fail), one whose ops.init or ops.sub_attach failed; no
  // ops.sub_detach, ops.exit
  void subDisableOwningNothing(bool linked);
  // scx_link_sched's second half: smp_mb, READ_ONCE(parent->aborting)
  // (ext.c:6537-6538), back out or linked (ext.c:6539-6546)
  virtual void subLinkCheck();

  // ---- the hardlockup NMI (Config::nmi, model/nmi.cpp) --------------------
  // scx_hardlockup on some CPU (ext.c:5911-5919), in NMI context: the last
  // actor id, no Frame (its claim's stages, --sub-scheds: State::sub_claim
  // with kSubClaimNmi).
  bool isNmi(int actor) const { return actor == cfg_.nmiActor(); }
  void nmiStep();
  // handle_lockup (ext.c:5794-5816) once it found the root ENABLING or
  // ENABLED: scx_vexit(root, SCX_EXIT_ERROR).  A variant replaces it.
  virtual void handleLockup();
  // scx_vexit (ext.c:7276-7290): guard(preempt), the claim, scx_finish_exit
  // (ext.c:7250-7274); without --sub-scheds the claim is State::scx_error
  void nmiVexit();

  // ---- cgroup migrations between schedulers (Config::sub_migrations,
  // model/sub_migrate.cpp) -------------------------------------------------
  // The cgroup.procs writer: userspace moving one task between the root's
  // cgroup and the child's.  No Frame: State::sub_mig.
  bool isMigrator(int actor) const { return actor == cfg_.migratorActor(); }
  void migratorStep();
  // scx_cgroup_enabled (ext.c:86): set at ext.c:7941 (the EnInitLock step)
  // and cleared at ext.c:6646 (DisLock), both under scx_cgroup_lock
  bool scxCgroupEnabled() const;
  // scx_cgroup_sched(cgrp) (ext.c:4875-4884) of the child's cgroup or the
  // root's: the child from set_cgroup_sched in its enable (sub.c:1848) to
  // the one in its disable (sub.c:1540), both under scx_cgroup_lock
  uint8_t cgroupSched(bool child_cgroup) const;
  // CGROUP_TASK_MIGRATING for p moving to `to`'s cgroup
  // (scx_cgroup_task_migrating sub.c:2036-2058): false if __scx_init_task
  // failed (`fail`: ops.init_task returns an error).  A variant replaces it.
  virtual bool cgroupTaskMigrating(uint8_t t, uint8_t to, bool fail);
  // CGROUP_TASK_MIGRATED (scx_cgroup_task_migrated sub.c:2074-2090), after
  // the commit: re-home p if its scheduler is not its cgroup's
  virtual void cgroupTaskMigrated(uint8_t t);
  // CGROUP_TASK_MIGRATE_CANCELED (sub.c:2101-2117) for p, whose cgroup
  // stayed the source one
  virtual void cgroupTaskMigrateCanceled(uint8_t t);
  void migrateBegin();
  // the attach step; true if the write ends with it (no re-home follows)
  bool migrateAttach(uint8_t t, bool prepared);
  void setMig(MigPc pc, uint8_t t, bool prepared = false);

  // ---- sub-schedulers (Config::sub_scheds, model/sub_sched.cpp) ----------
  // The scheduler an event calls (Event::sch): sch_override_ if set (code
  // that names the scheduler, e.g. scx_enable_task(sch, p)), else the
  // owner of the event's task for task callbacks (scx_task_sched(p)).
  uint8_t sch_override_ = kNone;
  uint8_t eventSched(Ev k, uint8_t t);
  // scx_task_sched(p) (internal.h:2421): read under p's pi_lock or rq lock,
  // which every writer holds, so it is no pause point
  uint8_t taskSched(uint8_t t) { return flagBit(t, kTaskSubOwned) ? kSchedChild0 : kSchedRoot; }
  bool inSubCgroup(uint8_t t) { return flagBit(t, kTaskSubCgroup); }
  // a lifecycle callback of the scheduler the code names
  void lifeOpOn(uint8_t sch, LifeOp op, uint8_t t = kNone, uint8_t arg = kNone);
  // scx_set_task_sched sub.c:101
  virtual void setTaskSched(uint8_t t, uint8_t sch);
  // one helper step at a sub stage (isSubPc), or the child's enable from
  // Enabled: scx_sub_enable_workfn up to its init loop (sub.c:1708-1859)
  void subStep(LifePc pc);
  void subEnableLink();
  // the init loop's visit of one task (sub.c:1871-1931)
  void subEnableInitTask(uint8_t t);
  // the switch loop's visit of one task (sub.c:1934-1967)
  virtual void subEnableSwitchTask(uint8_t t);
  // scx_sub_disable up to its re-home loop (sub.c:1505-1546); `claimed`:
  // the child took the subtree's task_group over (scx_cgroup_claim_subtree
  // succeeded), so scx_cgroup_return_subtree has one to return
  void subDisableLock(bool claimed = true);
  // scx_cgroup_return_subtree (sub.c:1435-1497) of the child's one
  // task_group: the child's ops.cgroup_exit, the parent's ops.cgroup_init,
  // when the task_group is the child's (tg->scx.sched == sch, sub.c:1447);
  // virtual for the variants
  virtual void subReturnSubtree(bool claimed);
  // the parent's ops.sub_detach if the child is attached (sch->sub_attached,
  // sub.c:1640-1650); virtual for the variants
  virtual void subDetach(bool attached);
  // (--sub-early-fail) scx_cgroup_claim_subtree's `err` unwind
  // (sub.c:1398-1409) when the child's ops.cgroup_init of the only
  // task_group failed: that task_group is not SCX_TG_SUB_INIT, so nothing
  // (virtual for the variants)
  virtual void subClaimSubtreeUnwind() {}
  // the re-home loop's visit of one task (sub.c:1548-1613)
  void subDisableTask(uint8_t t);
  // does the re-home loop visit @t (sub.c:1555: every task of the cgroup
  // not on the parent yet)?
  virtual bool subDisableVisits(uint8_t t) { return taskSched(t) != kSchedRoot; }
  // scx_rehome_task sub.c:1250, inside sched_change(SAVE|MOVE)
  virtual void subRehomeTask(uint8_t t, uint8_t to);
  // --sub-fail-parent: scx_fail_parent's start (sub.c:1291-1298): the
  // parent's scx_error, whose claim the helper's next steps go on with
  void subFailParent(uint8_t t);
  // scx_error(child) where the child errors itself (the link's back-out,
  // the enable's abort): scx_vexit -> scx_claim_exit's cmpxchg, then its
  // ->aborting store and scx_finish_exit's irq_work queues (one step: see
  // the definition)
  void subChildErrorClaim();
  // one visit of the enable's abort loop (sub.c:2002-2009): the
  // iterator's locks around subAbortCancelTask, the undo of the child's
  // init of a SUB_INIT task (scx_sub_init_cancel_task; virtual for the
  // variants)
  void subAbortVisit(uint8_t t);
  virtual void subAbortCancelTask(uint8_t t);
  // scx_punt_task sub.c:1279, inside sched_change(SAVE|MOVE): exit from the
  // current owner (scx_disable_and_exit_task: NONE), owner = the parent
  virtual void subPuntTask(uint8_t t);
  // sched_change(DEQUEUE_SAVE|DEQUEUE_MOVE) around a re-home or switch
  // (core.c:11259-11350): begin (dequeue if queued: ops.dequeue from the
  // current owner; put_prev_task if running) and end (enqueue with
  // RESTORE: the new owner's ops.enqueue, or for a running task the local
  // DSQ; set_next_task if running).  false: wait.  (`iter`: inside a
  // scx_task_iter walk, which holds scx_tasks_lock at each visit; a cgroup
  // migration's re-home is not)
  struct SubChange {
    bool queued = false;   // task_on_rq_queued(p) (core.c:11284)
    bool running = false;  // task_current_donor(rq, p) (core.c:11285)
  };
  bool subChangeBegin(uint8_t t, SubChange* c, bool iter = true);
  bool subChangeEnd(uint8_t t, const SubChange& c, bool iter = true);
  // `body` (a re-home, a punt) inside its sched_change(SAVE|MOVE):
  // subChangeBegin, body, subChangeEnd; false if the step waits
  template <class Body>
  bool inSchedChange(uint8_t t, bool iter, Body body) {
    SubChange c;
    if (!subChangeBegin(t, &c, iter)) return false;
    body();
    if (blocked_) return false;
    return subChangeEnd(t, c, iter);
  }
  // scx_rehome_task(to, p) with its sched_change (sub.c:1250-1265)
  bool rehomeInSchedChange(uint8_t t, uint8_t to, bool iter) {
    return inSchedChange(t, iter, [&] { subRehomeTask(t, to); });
  }
  // One step of scx_bypass(sch, bypass) ext.c:6275 (the depth change with
  // the first CPU, then one CPU or one spin's end per step): true once the
  // call has returned, false while it is still in its CPU loop or when the
  // step cannot run now (blocked_).
  virtual bool scxBypass(bool bypass);
  // scx_bypass's body for one CPU (ext.c:6329-6393), or its continuation
  // after a spin in the cycling; true when that CPU is done.
  virtual bool scxBypassCpu(bool bypass);
  // The stage that follows `done` in scx_root_enable_workfn (variants reorder it).
  virtual uint8_t enableNext(uint8_t done);
  // One task of the root-enable init loop (ext.c:7943-8003).
  virtual void enableInitTask(uint8_t t);
  // One task of the root-disable loop (ext.c:6658-6675): to fair, disable, exit_task.
  virtual void disableTask(uint8_t t);
  // scx_disable_task ext.c:4086 (from switched_from_scx, the disable loop
  // and sched_ext_dead): clear_direct_dispatch, ops.disable, READY.
  virtual void scxDisableTask(uint8_t t);
  // scx_bpf_destroy_dsq ext.c:9931 -> destroy_dsq ext.c:5300 (locks only).
  virtual void destroyDsq(uint8_t d);
  // A cgroup migration of p: scx_cgroup_can_attach / move_task / cancel_attach.
  virtual void cgroupAttach(uint8_t t, bool fail);
  // fork of an unborn task: scx_pre_fork, sched_cgroup_fork -> scx_fork
  // (ops.init_task may fail), then scx_post_fork or sched_cancel_fork.
  virtual void forkTask(uint8_t t);
  // sched_ext_dead ext.c:4344 for a task that exited (asleep, switched out).
  virtual void taskExit(uint8_t t);
  // The enable loop's ops.init_task and relock (ext.c:7966-7986), a step of
  // its own after enableInitTask set INIT_BEGIN and dropped every lock.
  virtual void enableInitTaskCall(uint8_t t);
  // The end of sched_ext_dead or of the enable loop's DEAD unwind: the task
  // is gone and its slot free (Unborn).
  void freeTask(uint8_t t);
  // task_dead_and_done ext.c:4329: TASK_DEAD and off its CPU (--task-death);
  // the class-switch callbacks return early for such a task.
  virtual bool taskDeadAndDone(uint8_t t) { return cfg_.task_death && flagBit(t, kTaskDead) && !isCurr(t); }
  // sched_setscheduler between SCHED_EXT and a fair policy: to fair of a
  // sleeping task, to ext of a sleeping or fair-queued one; `policy_only`
  // (--switch-during-walks): a policy change that moves the task to no
  // other class (only kTaskPolicyOther changes).
  virtual void setScheduler(uint8_t t, bool policy_only = false);
  // --switch-during-walks: whether task_should_scx (ext.c:5733-5760) is true
  // now for a task whose policy is SCHED_EXT: scx_enabled() (from the
  // enable's static_branch_enable before its switch loop, ext.c:8012, to the
  // disable's, ext.c:6714) and not DISABLING, or scx_switching_all still set
  // (the disable clears it under scx_enable_mutex, ext.c:6639: the model's
  // DisLock step).  Without the flag: the root is ENABLED.
  bool shouldScxNow() const;
  bool policyOther(uint8_t t) { return cfg_.switch_walks && flagBit(t, kTaskPolicyOther); }
  void setPolicyOther(uint8_t t, bool other);  // p->policy (an Ev::Policy; --switch-during-walks only)
  // The enable's switch loop leaves a READY task on fair: its new class,
  // scx_setscheduler_class(p) (ext.c:8023, 315-321), is not ext because its
  // policy is another class (--switch-during-walks).
  virtual bool enableSwitchSkips(uint8_t t) { return policyOther(t); }

  // ---- class switches into ext (class_switch.cpp; Config::lifecycle) ------
  // A task on another class (fair) wakes up or blocks there: p->on_rq moves,
  // nothing of ext sees it.
  virtual void otherClassWake(uint8_t t);
  virtual void otherClassSleep(uint8_t t);
  // sched_change(SAVE|MOVE|CLASS) of t to ext, its rq locked:
  // sched_change_begin dequeues it from fair, sched_change_end calls
  // switching_to_scx, enqueue_task_scx if it was queued, switched_to_scx.
  virtual void schedChangeToExt(uint8_t t);
  // switching_to_scx ext.c:4415: scx_enable_task (ops.enable), set_cpumask
  virtual void switchingToScx(uint8_t t);
  // switched_to_scx ext.c:4451: empty in 7.3.4
  virtual void switchedToScx(uint8_t t) { site(Site::SwitchedTo); (void)t; }

  const Config cfg_;

 private:
  void resumeVariant(int k);
  struct VariantPause {
    std::string label;
    std::function<void()> resume;
  };
  std::array<VariantPause, kVariantPcs> variant_pauses_{};  // by Pc::Variant0 + k (empty: unused)
};

}  // namespace scxmc
