// What one model step did, as a short log of events.
//
// Events are the model's observable behaviour: kernel sites entered, BPF
// callbacks invoked and kfuncs called (what a BPF scheduler sees), and the
// protocol writes the invariants watch (ops_state edges, custody flag, DSQ
// links).  Invariant monitors, counterexample printing and trace replay all
// read the same events.
#pragma once

#include <array>
#include <cstdint>

#include "sites.hpp"
#include "state.hpp"

namespace scxmc {

// The top-level operation an actor is performing; it is the cause that
// ops.dequeue()'s flags must reflect (invariant deq-flags).
enum class Op : uint8_t {
  None = 0,
  Wakeup,        // try_to_wake_up -> enqueue
  Sleep,         // schedule() deactivating a blocking task
  Nice,          // set_user_nice
  Affinity,      // sched_setaffinity (incl. move_queued_task)
  Tick,          // slice expiry -> schedule()
  Pick,          // schedule() picking the next task: dispatch, consume, switch
  Deferred,      // process_ddsp_deferred_locals
  Lifecycle,     // scheduler enable/disable, bypass, cgroup attach, DSQ destruction (lifecycle.cpp)
  Mutex,         // the running task takes or releases the one modeled mutex (proxy-exec-v2*; never stored)
  Kick,          // kick_cpus_irq_workfn and kick_sync_wait_bal_cb (--kicks, model/kick.cpp)
};

enum class Ev : uint8_t {
  Site,          // a = Site
  // BPF callbacks (struct sched_ext_ops)
  OpsSelectCpu,  // t, a = returned cpu, b = recorded verdict (target) or kNone
  OpsEnqueue,    // t, a = enq flags (kEnq*), b = verdict target or kNone (kept), c = rq
  OpsDequeue,    // t, a = deq flags (kDeq*)
  OpsDispatch,   // c = cpu, t = prev or kNone, b = loop round (0: the first of this dispatch)
  OpsRunnable,   // t
  OpsRunning,    // t
  OpsStopping,   // t, a = runnable
  OpsQuiescent,  // t, a = deq flags
  OpsSetWeight,  // t
  OpsSetCpumask, // t, a = new mask
  // kfuncs from ops.dispatch
  KfInsert,      // t, a = target, b = fresh
  KfMoveToLocal, // a = user dsq, b = result
  KfDsqMove,     // t, a = src dsq, b = target, c = result
  // protocol writes
  OpssWrite,     // t, a = from Opss, b = to Opss
  Claim,         // t, a = buffer entry fresh (finish_dispatch took ownership)
  Custody,       // t, a = 1 set / 0 clear (the kernel's IN_CUSTODY flag)
  DsqLink,       // t, a = model DSQ
  DsqUnlink,     // t, a = model DSQ
  Switch,        // c = cpu, a = prev or kNone, b = next or kNone
  OnRqChange,    // t, a = new OnRq
  SetCpu,        // t, a = new task_cpu
  Error,         // a = ErrorKind
  // locks (model/locks.hpp): a = LockClass, b = instance
  Lock,          // acquired
  Unlock,        // released
  Wait,          // the actor spins (keeping what it holds) until the pseudo-lock is released
  // scheduler lifecycle (lifecycle.cpp)
  OpsLife,       // t (or kNone), a = LifeOp: a lifecycle BPF callback or kfunc
  TaskState,     // t, a = from, b = to ScxTaskState (scx_set_task_state)
  EnableState,   // a = from, b = to ScxEnable
  BypassFlag,    // c = cpu, a = 1 set / 0 clear SCX_SCHED_PCPU_BYPASSING
  // proxy execution (Config::proxy only, model/variants/proxy_exec_v2.hpp)
  Mutex,         // t, a = MutexEv
  ProxyExec,     // c = cpu, t = rq->donor, a = rq->curr (the owner) or kNone (the donor itself)
  // sub-schedulers (Config::sub_scheds only, model/sub_sched.cpp)
  SetSched,      // t, a = new owner (kSchedRoot / kSchedChild0): scx_set_task_sched (sub.c:101)
  // --kicks (model/kick.cpp)
  KfKick,        // c = this cpu, a = target cpu, b = flags (bit 0 SCX_KICK_PREEMPT, bit 1 SCX_KICK_WAIT)
  // --switch-during-walks (lifecycle.cpp)
  Policy,        // t, a = 1: p->policy is another class; 0: SCHED_EXT
};

// Scheduler ids inside the model (Event::sch, the owner bit of a task).
inline constexpr uint8_t kSchedRoot = 0;
inline constexpr uint8_t kSchedChild0 = 1;

// What a task did with the modeled mutex (Ev::Mutex).
enum class MutexEv : uint8_t { Lock = 0, Block, Unlock };

// Lifecycle BPF operations (struct sched_ext_ops members and kfuncs).
enum class LifeOp : uint8_t {
  Init, Exit, CreateDsq, DestroyDsq, CgroupInit, CgroupExit, InitTask, ExitTask, Enable, Disable,
  CgroupPrepMove, CgroupMove, CgroupCancelMove,
  SubAttach, SubDetach,  // the parent's ops.sub_attach / ops.sub_detach (sub.c:1826, 1645)
  Count
};
const char* lifeOpName(uint8_t op);
// Event::b of an ops.exit_task that undoes a completed ops.init_task of a
// scheduler that never became the task's owner (scx_sub_init_cancel_task
// ext.c:4159-4169, args.cancelled; --sub-migrations, and the child's
// enable's abort, --sub-enable-fail): a callback of the would-be owner,
// made while another scheduler owns the task.
inline constexpr uint8_t kExitTaskInitCancel = 1;
// Event::b of an ops.init_task that returned an error (the parent's in
// scx_sub_disable, sub.c:1583-1587, --sub-fail-parent; the destination's in
// scx_cgroup_task_migrating, sub.c:2050-2055, --sub-migrations; the child's
// in scx_sub_enable_workfn, sub.c:1903-1905, --sub-enable-fail): the task is
// not initialized on that scheduler.
inline constexpr uint8_t kInitTaskFailed = 1;
// Event::b of a scheduler's ops.init, ops.cgroup_init or the parent's
// ops.sub_attach (Event::t kNone) that returned an error (--sub-early-fail:
// sub.c:1812-1816, 1369-1371, 1826-1831): nothing was initialized, claimed
// or attached.
inline constexpr uint8_t kLifeOpFailed = 0xfe;
// May the program sleep (bpf_scx_check_member, ext.c:8303-8318; the DSQ
// kfuncs allocate/free from sleepable context, ext.c:9598)?
bool lifeOpSleepable(uint8_t op);

// p->scx task state (include/linux/sched/ext.h:108-127; DEAD not modeled).
// Unborn: the model's task slot holds no task yet (before its fork, or
// after a failed one); the kernel has no such state.
// Dead: SCX_TASK_DEAD set by sched_ext_dead on a task in INIT_BEGIN, until
// the enable loop's relock unwinds it (ext.c:4369-4380, 7980-7986); every
// other dead task is Unborn (dead and its slot free).
enum class ScxTaskState : uint8_t { None = 0, InitBegin, Init, Ready, Enabled, Unborn, Dead };
const char* scxTaskStateName(uint8_t s);
// enum scx_enable_state (int.h:1870-1875).
enum class ScxEnable : uint8_t { Disabled = 0, Enabling, Enabled, Disabling };
const char* scxEnableName(uint8_t s);

// enq_flags / deq_flags bits the model distinguishes (values are the model's
// own; printing maps them to the kernel names).
inline constexpr uint8_t kEnqWakeup = 1 << 0;    // ENQUEUE_WAKEUP
inline constexpr uint8_t kEnqRestore = 1 << 1;   // ENQUEUE_RESTORE
inline constexpr uint8_t kEnqReenq = 1 << 2;     // SCX_ENQ_REENQ
inline constexpr uint8_t kDeqSleep = 1 << 0;         // DEQUEUE_SLEEP == SCX_DEQ_SLEEP
inline constexpr uint8_t kDeqSave = 1 << 1;          // DEQUEUE_SAVE
inline constexpr uint8_t kDeqSchedChange = 1 << 2;   // SCX_DEQ_SCHED_CHANGE
inline constexpr uint8_t kDeqCoreSchedExec = 1 << 3; // SCX_DEQ_CORE_SCHED_EXEC

// scx_error() causes (the BPF scheduler is ejected) and kernel WARN/BUG
// conditions the model reached (Event::b names which one).
// DsqDestroyed (--destroy-dsqs): a dsq_id names a DSQ that scx_bpf_destroy_dsq
// destroyed; Event::b says where the kernel noticed: kDsqGoneLookup
// (find_dsq_for_dispatch ext.c:1875), kDsqGoneInvalidId (scx_dispatch_enqueue
// ext.c:1628), kDsqGoneMoveToLocal (scx_bpf_dsq_move_to_local ext.c:9408).
// Lockup (--nmi): the hardlockup NMI's exit, scx_hardlockup -> handle_lockup
// -> scx_vexit(SCX_EXIT_ERROR) (ext.c:5911, 5794, 7276): an error exit that
// the kernel raises, not a breach of a kfunc's contract by the BPF scheduler.
// (InitTaskFailed: --sub-fail-parent, the parent's ops.init_task failed in
// the child's disable, scx_fail_parent's scx_error(parent), sub.c:1298)
enum class ErrorKind : uint8_t { None = 0, BadTarget, NotAllowed, Warn, DsqDestroyed, Lockup, InitTaskFailed };
inline constexpr uint8_t kDsqGoneLookup = 0;
inline constexpr uint8_t kDsqGoneInvalidId = 1;
inline constexpr uint8_t kDsqGoneMoveToLocal = 2;
enum class Warn : uint8_t {
  None = 0,
  DsqAlreadySet,        // scx_dispatch_enqueue WARN_ON_ONCE(p->scx.dsq) ext.c:1619
  QueueingSeen,         // ops_dequeue BUG() on QUEUEING ext.c:2254
  NotQueuedAtFinish,    // finish_dispatch BUG_ON(!QUEUED) ext.c:2932
  HoldingSet,           // WARN_ON_ONCE(holding_cpu >= 0) ext.c:2430 / 2605
  HoldingWrongRq,       // WARN_ON_ONCE(src_rq != task_rq(p)) ext.c:2613 / 2819
  UnlinkedButListed,    // scx_dispatch_dequeue WARN ext.c:1824
  BadDirectOpss,        // direct_dispatch WARN_ONCE ext.c:1968
  DeqWaitNotNone,       // ops_dequeue BUG_ON(!= NONE) ext.c:2289
  SetNextBlocked,       // set_next_task_scx found p DISPATCHING (model assertion)
  EnqLastWithoutFlag,   // put_prev_task_scx WARN_ON_ONCE(!ENQ_LAST) ext.c:3254
  TwoRqLocks,           // an actor would hold two rq locks (ext never nests them)
  NotAllowedOnDst,      // move_remote WARN_ON_ONCE(!cpumask_test_cpu) ext.c:2478
  MoveTargetsGone,      // scx_dsq_move: no target left for a task still on its DSQ (model assertion)
  DdspPending,          // mark_direct_dispatch WARN_ON_ONCE(ddsp_dsq_id != SCX_DSQ_INVALID) ext.c:1906
  UnlinkNotListed,      // scx_task_unlink_from_dsq WARN_ON_ONCE(list_empty(&p->scx.dsq_list.node)) ext.c:1761
  DeferredAlreadyListed,  // direct_dispatch WARN_ON_ONCE(p->scx.dsq || !list_empty(...)) ext.c:1974
  EnqueueNotQueued,     // scx_do_enqueue_task WARN_ON_ONCE(!(p->scx.flags & SCX_TASK_QUEUED)) ext.c:2010
  EnqueueOpssNotNone,   // scx_do_enqueue_task WARN_ON_ONCE(ops_state != SCX_OPSS_NONE) ext.c:2085
  RemoteRqIsTaskCpu,    // task_can_run_on_remote_rq WARN_ON_ONCE(task_cpu(p) == cpu) ext.c:2522
  CursorRqChanged,      // nldsq_cursor_lost_task WARN_ON_ONCE(rq != task_rq(p)) ext.c:620
  MigrateCpuChanged,    // move_queued_task WARN_ON_ONCE(task_cpu(p) != new_cpu) core.c:2569
  BypassDepthUnderflow, // dec_bypass_depth WARN_ON_ONCE(sch->bypass_depth < 1) ext.c:6140
  EnableInCustody,      // __scx_enable_task WARN_ON_ONCE(p->scx.flags & SCX_TASK_IN_CUSTODY) ext.c:4042
  DisableInCustody,     // scx_disable_task WARN_ON_ONCE(p->scx.flags & SCX_TASK_IN_CUSTODY) ext.c:4122
  SetCpuBlocked,        // set_task_cpu WARN_ON_ONCE(!RUNNING && !WAKING && !p->on_rq) core.c:3361
  BalanceCallbackPinned,  // rq_pin_lock -> assert_balance_callbacks_empty WARN_ON_ONCE sched.h:1920 (--balance-callbacks)
  PuntNotBypassed,      // scx_punt_task WARN_ON_ONCE(!READ_ONCE(to->bypass_depth)) sub.c:1283 (--sub-fail-parent)
};

struct Event {
  Ev kind = Ev::Site;
  Op op = Op::None;   // the actor's operation when the event happened
  uint8_t actor = kNone;
  uint8_t t = kNone;
  uint8_t a = 0;
  uint8_t b = 0;
  uint8_t c = kNone;
  // The scheduler whose ops the event calls (kSchedRoot without
  // --sub-scheds): the owner of e.t where the kernel routes through
  // scx_task_sched(p), else the scheduler the code names (sub_sched.cpp).
  uint8_t sch = kSchedRoot;
};

// Fixed-capacity event log of one step (no allocation on the search path).
struct StepLog {
  static constexpr int kCap = 256;
  std::array<Event, kCap> ev{};
  int n = 0;
  bool overflow = false;
  void push(const Event& e) {
    if (n < kCap) ev[n++] = e; else overflow = true;
  }
  const Event* begin() const { return ev.data(); }
  const Event* end() const { return ev.data() + n; }
};

const char* opName(Op o);
const char* opssName(uint8_t o);

}  // namespace scxmc
