// The environment: what starts kernel paths.  A CPU at rest may block its
// current task, take a tick that ends the slice, pick on an idle CPU, or run
// deferred work; a task's actor (a syscall or waker context holding the
// task's pi_lock) may wake it, renice it or change its affinity.
#include "access_trace.hpp"
#include "ext_core.hpp"
#include "locks.hpp"

namespace scxmc {

namespace {
enum class CpuEv : uint8_t { Sleep, Tick, Schedule, Deferred, Others, Stopper, DestroyDsq, Kick };
// (lifecycle events last: restTask tests kind >= CgroupMove)
enum class TaskEv : uint8_t { Wake, Nice, Affinity, Change, SleepingAttr, CgroupMove, Fork, Exit, SetScheduler,
                              OtherWake, OtherSleep };
// Frame::y of a sched_change that calls no ext callback in its body.
constexpr uint8_t kChangeOnly = 0xfe;

struct Choice {
  uint8_t kind;
  uint8_t arg;
};
}  // namespace

void ExtCore::restCpu() {
  const uint8_t c = static_cast<uint8_t>(me_);
  CpuState& cs = cpu(c);
  Choice opts[8 + kMaxTasks + kMaxUserDsqs];
  int n = 0;
  // The events the environment may start here (docs/lockless.md, "choice
  // reads"); each event's kernel code follows the choice.
  trace::ChoiceReads choosing;
  if (cs.curr != kNone) {
    // (a proxy owner running for a donor does not sleep in the model)
    if ((cfg_.env & kEnvSleep) && s_->proxy_exec[c] == kNone) opts[n++] = {static_cast<uint8_t>(CpuEv::Sleep), 0};
    // --task-death: the current task exits (do_exit -> do_task_dead)
    if (cfg_.task_death && onExt(cs.curr) && s_->proxy_exec[c] == kNone)
      opts[n++] = {static_cast<uint8_t>(CpuEv::Sleep), 1};
    if ((cfg_.env & kEnvTick) && tk(cs.curr).slice) opts[n++] = {static_cast<uint8_t>(CpuEv::Tick), 0};
    if ((cfg_.env & kEnvOthers) && queued(cs.curr)) {
      opts[n++] = {static_cast<uint8_t>(CpuEv::Others), 1};  // preempted with slice left
      opts[n++] = {static_cast<uint8_t>(CpuEv::Others), 0};  // slice ended, another task runs
    }
    // --kicks: a kick's resched_curr set TIF_NEED_RESCHED: schedule() at
    // the next preemption point, with the slice it has (model/kick.cpp)
    if (cfg_.kicks && (cs.ksync & kSyncResched)) opts[n++] = {static_cast<uint8_t>(CpuEv::Schedule), 0};
  } else {
    bool any = !cfg_.lifecycle;  // with the lifecycle: only once some task is on ext
    for (uint8_t t = 0; t < cfg_.tasks && !any; ++t) any = onExt(t);
    if (any) opts[n++] = {static_cast<uint8_t>(CpuEv::Schedule), 0};
  }
  // The deferred work.  Without --balance-callbacks whenever the list is
  // not empty, over-approximating the irq_work, the balance callback and
  // the wakeup hook (docs/architecture.md).  With it, the irq_work
  // schedule_deferred queued (ext.c:1040), at any rest point of this CPU
  // (the IPI may land after the CPU entered its next irqs-off section).
  // An irq_work whose list another mechanism emptied only takes and drops
  // the rq lock (not offered; liveness.cpp drops its bit), but until it ran
  // it may run the list a wakeup fills again, beside that waker's
  // task_woken_scx: offered while such a run is in progress whether or
  // not an irq_work is pending (an over-approximation, site StaleIrqWork).
  if (cfg_.bal_cb ? cs.dfn && ((cs.rqf & kRqIrqWork) || deferredRunOn(cfg_, *s_, c)) : cs.dfn != 0)
    opts[n++] = {static_cast<uint8_t>(CpuEv::Deferred), 0};
  if (cfg_.env & kEnvOthers) {
    // the stopper (migration_cpu_stop) of a task that ran here when its
    // mask lost this CPU and has since been switched out, still queued here
    for (uint8_t t = 0; t < cfg_.tasks; ++t)
      if (tk(t).cpu == c && queued(t) && !isCurr(t) && !allowed(t, c) &&
          tk(t).on_rq == static_cast<uint8_t>(OnRq::Queued))
        opts[n++] = {static_cast<uint8_t>(CpuEv::Stopper), t};
  }
  // a BPF program (timer, syscall) on this CPU destroys an empty user DSQ
  if (cfg_.lifecycle && (s_->scx_enable == static_cast<uint8_t>(ScxEnable::Enabled) ||
                         s_->scx_enable == static_cast<uint8_t>(ScxEnable::Disabling)))
    for (uint8_t d = 0; d < cfg_.user_dsqs; ++d)
      // (a destroyed one: find_user_dsq misses it, nothing happens)
      if (dq(kDsqUser0 + d).nr == 0 && !dsqInvalid(static_cast<uint8_t>(kDsqUser0 + d)))
        opts[n++] = {static_cast<uint8_t>(CpuEv::DestroyDsq), d};
  // --kicks: kick_cpus_irq_workfn, queued by scx_kick_cpu on this CPU
  // inside the path that just ended (irq_work_queue: a self-IPI,
  // ext.c:9819).  The IPI is pending while irqs are off, so it is the
  // first thing this CPU does when they come back on: nothing else is
  // offered (docs/architecture.md "Kicks" has the argument).
  if (kickPending(c)) {
    n = 0;
    opts[n++] = {static_cast<uint8_t>(CpuEv::Kick), 0};
  }
  const int extra = proxyEnvCount(c);  // 0 unless a proxy-exec variant
  if (n + extra == 0) { blocked_ = true; return; }
  const int pick = ch_->pick(n + extra);
  choosing.done();
  if (pick >= n) {
    proxyEnv(c, pick - n);
    return;
  }
  const Choice ch = opts[pick];

  Frame& f = fr();
  if (static_cast<CpuEv>(ch.kind) == CpuEv::Kick) {
    ctx_ = LockCtx::Hardirq;
    f.op = static_cast<uint8_t>(Op::Kick);
    f.y = kNone;
    site(Site::KickIrqWork);
    goTo(Pc::KickIrq);
    return;
  }
  if (static_cast<CpuEv>(ch.kind) == CpuEv::DestroyDsq) {
    f.op = static_cast<uint8_t>(Op::Lifecycle);
    destroyDsq(static_cast<uint8_t>(kDsqUser0 + ch.arg));
    if (!blocked_) endPath();
    return;
  }
  f.home = c;
  // the tick's rq lock is sched_tick's, in hardirq (core.c:5782-5817: the
  // timer interrupt); the deferred path is deferred_irq_workfn's irq_work
  // (ext.c:1008-1016), hardirq to its end (ExtCore::step)
  if (static_cast<CpuEv>(ch.kind) == CpuEv::Tick || static_cast<CpuEv>(ch.kind) == CpuEv::Deferred)
    ctx_ = LockCtx::Hardirq;
  if (!lockRq(c)) return;
  switch (static_cast<CpuEv>(ch.kind)) {
    case CpuEv::Sleep: {
      // __schedule -> try_to_block_task -> block_task -> deactivate_task
      f.op = static_cast<uint8_t>(Op::Sleep);
      const uint8_t t = cs.curr;
      if (ch.arg) {
        // do_task_dead: TASK_DEAD, then the final __schedule, which blocks
        // the task like any sleep (prev_state != TASK_RUNNING); its
        // sched_ext_dead comes after the switch (restTask)
        site(Site::DoTaskDead);
        setFlagBit(t, kTaskDead, true);
      }
      site(Site::Schedule);
      site(Site::Deactivate);
      setOnRq(t, OnRq::No);
      f.t = t;
      f.x = c;
      f.tag = static_cast<uint8_t>(Ret::DeqThenPick);
      dequeueTask(c, t, kDeqSleep);
      break;
    }
    case CpuEv::Tick:
      // task_tick_scx: update_curr_scx used the slice up; resched_curr
      f.op = static_cast<uint8_t>(Op::Tick);
      site(Site::TaskTick);
      tick(c);
      // (the model keeps the rq lock from sched_tick into the schedule()
      // that resched_curr asks for on the return from the interrupt: that
      // part runs in process context)
      ctx_ = LockCtx::Task;
      goTo(Pc::Pick);
      break;
    case CpuEv::Schedule:
      goTo(Pc::Pick);
      break;
    case CpuEv::Deferred:
      // deferred_irq_workfn / balance callback -> run_deferred; with
      // --balance-callbacks only the irq_work, which the irq_work core
      // claims before it runs the function (ext.c:1008-1016)
      if (cfg_.bal_cb) {
        site(cs.rqf & kRqIrqWork ? Site::DeferredIrqWork : Site::StaleIrqWork);
        cs.rqf &= static_cast<uint8_t>(~kRqIrqWork);
      }
      f.op = static_cast<uint8_t>(Op::Deferred);
      goTo(Pc::Deferred);
      break;
    case CpuEv::Others: {
      // __schedule picks a task the environment holds (a higher sched
      // class, or after task_tick_scx ended the slice another ext task):
      // put_prev_task_scx(rq, prev, next) ext.c:3175, then the switch.
      f.op = static_cast<uint8_t>(Op::Pick);
      const uint8_t prev = cs.curr;
      if (!ch.arg) {
        site(Site::TaskTick);
        tk(prev).slice = 0;
      }
      site(Site::PickTask);
      putPrevTask(c, prev, prev);  // next: some task that is not kNone
      cs.curr = kNone;
      emit(Ev::Switch, kNone, prev, kNone, c);
      endPath();
      break;
    }
    case CpuEv::Stopper: {
      // migration_cpu_stop -> __migrate_task -> move_queued_task
      // (core.c:2556) to an allowed CPU
      f.op = static_cast<uint8_t>(Op::Affinity);
      f.t = ch.arg;
      f.x = c;
      moveQueuedTask(c, ch.arg);
      break;
    }
    case CpuEv::DestroyDsq:
    case CpuEv::Kick:
      break;  // handled above
  }
}

void ExtCore::restTask() {
  const uint8_t t = static_cast<uint8_t>(me_ - cfg_.cpus);
  TaskState& ts = tk(t);
  trace::ChoiceReads choosing;  // the events that may start (docs/lockless.md, "choice reads")
  if (ts.on_rq == static_cast<uint8_t>(OnRq::Migrating)) { blocked_ = true; return; }
  // exited during its ops.init_task: gone, but for the enable loop's unwind
  if (cfg_.lifecycle && ts.scx_state == static_cast<uint8_t>(ScxTaskState::Dead)) { blocked_ = true; return; }
  Choice opts[32];
  int n = 0;
  const bool running = isCurr(t);
  if (cfg_.task_death && flagBit(t, kTaskDead)) {
    // A dead task wakes no more and takes no syscall; once it is switched
    // out for the last time (task_on_cpu false: task_dead_and_done,
    // ext.c:4329-4341) the CPU that switched it runs sched_ext_dead from
    // finish_task_switch (core.c:5418-5427).  Here that step is the task's
    // own, so other actors (that CPU too) may run first: it adds
    // interleavings, it removes none.  (set_user_nice / sched_setaffinity /
    // sched_setscheduler on a dead task are short-circuited by
    // task_dead_and_done for ext, ext.c:3713, 4392, 4419, 4435: they change
    // no ext state and call no ops, and are not offered.)
    if (running || ts.on_rq != static_cast<uint8_t>(OnRq::No)) { blocked_ = true; return; }
    choosing.done();
    Frame& f = fr();
    f.t = t;
    f.op = static_cast<uint8_t>(Op::Lifecycle);
    site(Site::FinishTaskSwitchDead);
    taskExit(t);
    if (!blocked_) endPath();
    return;
  }
  // try_to_wake_up waits for p->on_cpu to clear (core.c), so a task that
  // blocked but has not yet been switched out cannot be woken yet.
  if ((cfg_.env & kEnvWake) && ts.on_rq == static_cast<uint8_t>(OnRq::No) && !running)
    opts[n++] = {static_cast<uint8_t>(TaskEv::Wake), 0};
  if ((cfg_.env & kEnvNice) && ts.on_rq == static_cast<uint8_t>(OnRq::Queued))
    opts[n++] = {static_cast<uint8_t>(TaskEv::Nice), 0};
  // A sleeping task's mask is read by nothing before its next wakeup, so
  // an affinity change while asleep is folded into the wakeup (exact; see
  // docs/architecture.md).  Changes on a queued task remain their own step.
  if ((cfg_.env & kEnvAffinity) && ts.on_rq == static_cast<uint8_t>(OnRq::Queued)) {
    for (uint8_t m = 1; m <= cfg_.allCpusMask(); ++m) {
      if (m == ts.affinity) continue;
      // A running task whose CPU leaves its mask is moved by the stopper
      // (migration_cpu_stop); that path is not modeled, so such masks are
      // not offered while the task runs.
      // (with kEnvOthers the stopper is the environment's: see CpuEv::Others)
      if (running && !((m >> ts.cpu) & 1) && !(cfg_.env & kEnvOthers)) continue;
      opts[n++] = {static_cast<uint8_t>(TaskEv::Affinity), m};
    }
  }
  // sched_move_task (cgroup / autogroup moves) and __sched_setscheduler:
  // a sched_change(DEQUEUE_SAVE|DEQUEUE_MOVE) whose body calls no ext
  // callback (core.c:9545, syscalls.c:682).
  if ((cfg_.env & kEnvOthers) && ts.on_rq == static_cast<uint8_t>(OnRq::Queued))
    opts[n++] = {static_cast<uint8_t>(TaskEv::Change), 0};
  // set_user_nice / sched_setaffinity on a sleeping task (also one that
  // blocked and is still current while its CPU picks): no dequeue or
  // enqueue, and put_prev/set_next skip a task that is not QUEUED, but
  // reweight_task_scx / set_cpus_allowed_scx still call ops.set_weight /
  // ops.set_cpumask (ext.c:4385, 3706).
  if ((cfg_.env & kEnvOthers) && ts.on_rq == static_cast<uint8_t>(OnRq::No)) {
    opts[n++] = {static_cast<uint8_t>(TaskEv::SleepingAttr), 0};
    for (uint8_t m = 1; m <= cfg_.allCpusMask(); ++m)
      if (m != ts.affinity) opts[n++] = {static_cast<uint8_t>(TaskEv::SleepingAttr), m};
  }
  if (!onExt(t)) n = 0;  // on another class: outside the model
  // a write to cgroup.procs moves p (prep_move may fail: cancel_attach)
  if (cfg_.lifecycle && onExt(t) && s_->scx_enable == static_cast<uint8_t>(ScxEnable::Enabled)) {
    opts[n++] = {static_cast<uint8_t>(TaskEv::CgroupMove), 0};
    opts[n++] = {static_cast<uint8_t>(TaskEv::CgroupMove), 1};
  }
  if (cfg_.lifecycle && ts.scx_state == static_cast<uint8_t>(ScxTaskState::Unborn))
    opts[n++] = {static_cast<uint8_t>(TaskEv::Fork), 0};
  // a sleeping task exits (with --fork-tasks: its slot can be forked again)
  // or changes policy between SCHED_EXT and fair (with the scheduler ENABLED)
  const bool asleep = ts.on_rq == static_cast<uint8_t>(OnRq::No) && !running;
  if (cfg_.lifecycle && cfg_.fork_tasks && asleep && ts.scx_state != static_cast<uint8_t>(ScxTaskState::Unborn))
    opts[n++] = {static_cast<uint8_t>(TaskEv::Exit), 0};
  // (to ext also a READY task runnable on fair: class_switch.cpp)
  const bool ready = ts.scx_state == static_cast<uint8_t>(ScxTaskState::Ready);
  const bool enabled = ts.scx_state == static_cast<uint8_t>(ScxTaskState::Enabled);
  // (--sub-fail-parent: a task punted to the failed root in NONE, on ext or
  // on fair, switches as a READY or ENABLED one: while the root is ENABLED,
  // task_should_scx still says SCHED_EXT goes to ext, ext.c:5733-5760)
  const bool punted_none = cfg_.sub_fail_parent && ts.scx_state == static_cast<uint8_t>(ScxTaskState::None);
  if (!cfg_.switch_walks) {
    if (cfg_.lifecycle && s_->scx_enable == static_cast<uint8_t>(ScxEnable::Enabled) &&
        ((asleep && (ready || enabled || punted_none)) ||
         ((ready || (punted_none && !punted(t))) && ts.on_rq == static_cast<uint8_t>(OnRq::Queued))))
      opts[n++] = {static_cast<uint8_t>(TaskEv::SetScheduler), 0};
  } else {
    // --switch-during-walks: __sched_setscheduler routed by task_should_scx
    // (__setscheduler_class, ext.c:5733-5760) under p's pi_lock and rq lock
    // (syscalls.c:682), in any root state.  An ENABLED task that sleeps
    // moves to another policy and leaves ext (task_should_scx is false for
    // it whatever the root does); a READY task (asleep, or runnable on
    // fair) moves to ext when task_should_scx is true now; any other change
    // moves the task to no other class: its policy bit only.  (A task's
    // policy is read by nothing else of ext: the enable's switch loop reads
    // it under the same locks.)
    const bool living = ready || ts.scx_state == static_cast<uint8_t>(ScxTaskState::None) ||
                        ts.scx_state == static_cast<uint8_t>(ScxTaskState::Init);
    if (asleep && enabled && !taskDeadAndDone(t)) opts[n++] = {static_cast<uint8_t>(TaskEv::SetScheduler), 0};
    const bool to_ext = ready && (asleep || ts.on_rq == static_cast<uint8_t>(OnRq::Queued)) && shouldScxNow();
    if (to_ext) opts[n++] = {static_cast<uint8_t>(TaskEv::SetScheduler), 0};
    // (a READY task in SCHED_EXT while task_should_scx holds is one the
    // enable's switch loop has not reached: to another policy, it stays)
    if (living && !(to_ext && policyOther(t))) opts[n++] = {static_cast<uint8_t>(TaskEv::SetScheduler), 1};
  }
  // __sched_setscheduler to a fair policy on a runnable ext task
  // (--switch-runnable; syscalls.c:682): sched_change(DEQUEUE_SAVE|DEQUEUE_MOVE|
  // DEQUEUE_CLASS), whose dequeue_task_scx, put_prev_task_scx (a running
  // task) and switched_from_scx are the ext side (core.c:11295-11301); the
  // path of a Change (below), ending on fair.  A running task only while its
  // CPU is at rest, not inside __schedule (docs/architecture.md).
  // (--switch-during-walks: in any root state, as for a sleeping task)
  const bool cpu_at_rest = running && s_->actor[ts.cpu].pc == static_cast<uint8_t>(Pc::Rest) &&
                           s_->proxy_exec[ts.cpu] == kNone && !(cfg_.task_death && flagBit(t, kTaskDead));
  if (cfg_.switch_runnable && (cfg_.switch_walks || s_->scx_enable == static_cast<uint8_t>(ScxEnable::Enabled)) &&
      enabled && ts.on_rq == static_cast<uint8_t>(OnRq::Queued) && (!running || cpu_at_rest))
    opts[n++] = {static_cast<uint8_t>(TaskEv::Change), 1};
  // a task on fair wakes up or blocks there (not once the last scheduler is
  // gone; between --cycles it does)
  if (cfg_.lifecycle && !onExt(t) && ts.scx_state != static_cast<uint8_t>(ScxTaskState::Unborn) && !running &&
      (s_->life_pc != static_cast<uint8_t>(LifePc::Done) || s_->cycle + 1 < cfg_.cycles))
    opts[n++] = {static_cast<uint8_t>(ts.on_rq == static_cast<uint8_t>(OnRq::No) ? TaskEv::OtherWake : TaskEv::OtherSleep), 0};
  if (n == 0) { blocked_ = true; return; }
  const Choice ch = opts[ch_->pick(n)];
  choosing.done();

  Frame& f = fr();
  f.t = t;
  if (static_cast<TaskEv>(ch.kind) >= TaskEv::CgroupMove) {
    f.op = static_cast<uint8_t>(Op::Lifecycle);
    switch (static_cast<TaskEv>(ch.kind)) {
      case TaskEv::Fork: forkTask(t); break;
      case TaskEv::Exit: taskExit(t); break;
      case TaskEv::SetScheduler: setScheduler(t, ch.arg != 0); break;
      case TaskEv::OtherWake: otherClassWake(t); break;
      case TaskEv::OtherSleep: otherClassSleep(t); break;
      default: cgroupAttach(t, ch.arg != 0); break;
    }
    if (!blocked_) endPath();
    return;
  }
  // try_to_wake_up / task_rq_lock: p->pi_lock first (core.c:566-575)
  lockEvent(Ev::Lock, static_cast<uint8_t>(LockClass::PiLock), t);
  switch (static_cast<TaskEv>(ch.kind)) {
    case TaskEv::Wake: {
      if (cfg_.env & kEnvAffinity) {
        // sched_setaffinity while asleep (do_set_cpus_allowed on a task that
        // is not queued: only the mask moves), folded into the wakeup
        const uint8_t m = static_cast<uint8_t>(1 + ch_->pick(cfg_.allCpusMask()));
        if (m != ts.affinity) {
          f.op = static_cast<uint8_t>(Op::Affinity);
          site(Site::SetCpusAllowed);
          // (the syscall took task_rq_lock, core.c:3212, while p slept;
          // the fold places it at the wakeup, docs/architecture.md, so its
          // lock is not taken here: the SleepingAttr step takes it)
          ts.affinity = m;
          emit(Ev::OpsSetCpumask, t, m);
        }
      }
      f.op = static_cast<uint8_t>(Op::Wakeup);
      site(Site::TryToWakeUp);
      uint8_t c = ts.cpu;
      // p->on_cpu still set: ttwu_queue_wakelist(p, task_cpu(p)) runs the
      // wakeup on task_cpu without select_task_rq (core.c:4402-4404).
      const bool wakelist = (cfg_.env & kEnvWakelist) && allowed(t, c) && ch_->pick(2);
      // select_task_rq calls the class only when more than one CPU is
      // allowed, else cpumask_any(p->cpus_ptr) (core.c:3635-3640).
      const bool selected = !wakelist && (ts.affinity & (ts.affinity - 1));
      if (selected) c = selectTaskRq(t, ts.cpu);
      else if (!wakelist) c = static_cast<uint8_t>(__builtin_ctz(ts.affinity));
      if (!allowed(t, c)) {
        // select_task_rq -> select_fallback_rq: some allowed CPU
        uint8_t cand[kMaxCpus];
        int k = 0;
        for (uint8_t x = 0; x < cfg_.cpus; ++x)
          if (allowed(t, x)) cand[k++] = x;
        c = cand[ch_->pick(k)];
      }
      setTaskCpu(t, c, /*waking=*/true);
      // ttwu_queue(p, cpu) takes the rq lock (core.c:4438, 4098) after
      // select_task_rq_scx read the CPU's bypass flag without it
      // (ext.c:3646): with the lifecycle, scx_bypass (which writes that flag
      // under the rq lock) can run in between, so the wakeup pauses here
      // holding only p->pi_lock (docs/lockless.md V2).  Exact to merge
      // otherwise: without the lifecycle the flag is constant, and without
      // select_task_rq_scx nothing before the rq lock reads shared state
      // (p's mask and CPU are written only under p->pi_lock), so the rq
      // acquisition moves left (Lipton).  (The wakelist path, which skips
      // select_task_rq, stays one step: V2's open half.)
      if (cfg_.lifecycle && selected) {
        f.x = c;
        pause(Pc::TtwuActivate);
        break;
      }
      ttwuQueue(t, c);
      break;
    }
    case TaskEv::SleepingAttr: {
      f.op = static_cast<uint8_t>(ch.arg ? Op::Affinity : Op::Nice);
      site(ch.arg ? Site::SetCpusAllowed : Site::SetUserNice);
      // set_user_nice and __set_cpus_allowed_ptr hold task_rq_lock
      // (syscalls.c:75, core.c:3212) across the callbacks, which
      // reweight_task_scx asserts (ext.c:4390)
      uint8_t rq;
      {
        trace::ValidatedReads validated;  // task_rq(p), checked again under the lock (core.c:708-738)
        rq = ts.cpu;
      }
      if (!lockRq(rq)) return;
      if (ch.arg) {
        sleepingSetCpusAllowed(t, ch.arg);
      } else {
        emit(Ev::OpsSetWeight, t);
      }
      endPath();  // task_rq_unlock
      break;
    }
    case TaskEv::Nice:
    case TaskEv::Change:
    case TaskEv::Affinity: {
      const bool aff = static_cast<TaskEv>(ch.kind) == TaskEv::Affinity;
      const bool only = static_cast<TaskEv>(ch.kind) == TaskEv::Change;
      const bool to_fair = only && ch.arg;
      f.op = static_cast<uint8_t>(aff ? Op::Affinity : Op::Nice);
      site(aff ? Site::SetCpusAllowed : to_fair ? Site::SetScheduler : Site::SetUserNice);
      uint8_t rq;
      {
        // task_rq_lock reads task_rq(p) without a lock and checks it again
        // once the rq is locked (core.c:708-738)
        trace::ValidatedReads validated;
        rq = ts.cpu;
      }
      if (!lockRq(rq)) return;  // task_rq_lock
      f.x = rq;
      f.y = aff ? ch.arg : to_fair ? kChangeToFair : only ? kChangeOnly : kNone;
      // sched_change_begin(DEQUEUE_SAVE): dequeue_task (core.c:11277-11301)
      f.tag = static_cast<uint8_t>(Ret::DeqThenChange);
      dequeueTask(rq, t, kDeqSave);
      break;
    }
    case TaskEv::CgroupMove:
    case TaskEv::Fork:
    case TaskEv::Exit:
    case TaskEv::SetScheduler:
    case TaskEv::OtherWake:
    case TaskEv::OtherSleep:
      break;  // handled above
  }
}

void ExtCore::sleepingSetCpusAllowed(uint8_t t, uint8_t mask) {
  tk(t).affinity = mask;
  emit(Ev::OpsSetCpumask, t, mask);  // set_cpus_allowed_scx
}

// dequeue_task_scx as called by a core path, with its possible spin-wait.
void ExtCore::dequeueTask(uint8_t rq, uint8_t t, uint8_t core_flags) {
  Frame& f = fr();
  const DeqStart r = dequeueTaskBegin(rq, t, core_flags);
  f.d = dequeueFlags(core_flags);
  if (r == DeqStart::Spin) {
    site(Site::OpsDequeueWait);
    spinWaitDispatching(t);
    pause(Pc::DeqWait);
    return;
  }
  if (r == DeqStart::Proceed) dequeueTaskFinish(rq, t, f.d);
  deqContinue();
}

void ExtCore::deqWait() {
  Frame& f = fr();
  // The spin in ops_dequeue (ext.c:2265-2289) ends when ops_state leaves
  // DISPATCHING (or a QUEUED task shows its custody flag again).
  if (!opsDequeueClaim(f.t)) { blocked_ = true; return; }
  if (opss(f.t) != Opss::None) warn(Warn::DeqWaitNotNone, f.t);
  waited_dequeue_ = true;  // (a later dequeue in this step, e.g. move_queued_task's, did not wait)
  dequeueTaskFinish(f.x, f.t, f.d);
  waited_dequeue_ = false;
  deqContinue();
}

void ExtCore::deqContinue() {
  Frame& f = fr();
  switch (static_cast<Ret>(f.tag)) {
    case Ret::DeqThenPick:
      f.tag = 0; f.t = kNone; f.x = kNone; f.d = kNone;
      goTo(Pc::Pick);
      break;
    case Ret::DeqThenChange:
      // sched_change_begin's dequeue is done; its body and end follow
      // under the same rq lock.  If the dequeue dropped a DSQ's lock,
      // other CPUs ran in between (the step ends here: run()).
      f.tag = 0;
      goTo(Pc::ChangeEnqueue);
      break;
    case Ret::DeqThenMigrate: {
      // move_queued_task: set_task_cpu, rq_unlock(src) ... rq_lock(dst)
      f.tag = 0;
      setTaskCpu(f.t, f.y);
      f.x = f.y;
      f.y = kNone;
      f.d = kNone;
      unlockRq();
      pause(Pc::MqtDst);
      break;
    }
    default:
      break;
  }
}

// The body and end of a sched_change (core.c:11259-11346) for set_user_nice
// (syscalls.c:65) and do_set_cpus_allowed (core.c:2803).
void ExtCore::changeAndEnqueue() {
  Frame& f = fr();
  const uint8_t t = f.t, rq = f.x;
  const bool running = cpu(rq).curr == t;
  if (f.y == kChangeToFair) {
    // sched_change_begin's switched_from_scx (core.c:11300-11301 ->
    // ext.c:4433): scx_disable_task, ops.disable, READY.  The body sets
    // the fair class and sched_change_end enqueues there: p->on_rq stays
    // QUEUED with no ext state, the model's "runnable on fair"
    // (class_switch.cpp), from which a later __sched_setscheduler may
    // switch it back.  A running task (its CPU at rest when offered; the
    // rq lock held since the dequeue keeps it so): dequeue_task_scx gave
    // ops.stopping and ops.quiescent, put_prev_task_scx (core.c:11297-11298)
    // finds it not QUEUED (ext.c:3198, 3201), and after switched_from_scx
    // set_next_task and resched_curr run the fair class's code
    // (core.c:11321-11322, 11335-11339): rq->curr is no ext task, the
    // model's curr none, and the task runs on fair, which the model folds
    // into "runnable on fair".
    f.y = kNone;
    if (running) putPrevTask(rq, t, kNone);
    setPolicyOther(t, true);  // its new policy (--switch-during-walks)
    switchedFromScx(t);
    if (running) cpu(rq).curr = kNone;
    endPath();
    return;
  }
  if (running) putPrevTask(rq, t, kNone);
  if (f.y == kChangeOnly) {
    // no callback in the body
  } else if (f.y != kNone) {
    tk(t).affinity = f.y;
    emit(Ev::OpsSetCpumask, t, f.y);  // set_cpus_allowed_scx
  } else {
    emit(Ev::OpsSetWeight, t);  // reweight_task_scx
  }
  f.y = kNone;
  enqueueTask(rq, t, kEnqRestore);
  if (running) setNextTask(rq, t);

  // A running task keeps its CPU until the stopper preempts it
  // (affine_move_task -> migration_cpu_stop, core.c); with kEnvOthers that
  // is the CPU's Others event, which then migrates it.
  if (static_cast<Op>(f.op) == Op::Affinity && !allowed(t, rq) && !running) {
    // affine_move_task -> move_queued_task: the task is queued and not
    // running (running tasks keep their CPU in the model).  If the enqueue
    // dropped a DSQ's lock, other CPUs run before the migration's dequeue.
    goTo(Pc::MqtBegin);
    return;
  }
  endPath();
}

// try_to_wake_up's second half (core.c:4438): ttwu_queue -> rq_lock(x)
// (core.c:4098) -> ttwu_do_activate, task t, p->pi_lock held throughout.
void ExtCore::ttwuActivate() {
  const uint8_t c = fr().x;
  fr().x = kNone;
  ttwuQueue(fr().t, c);
}

void ExtCore::ttwuQueue(uint8_t t, uint8_t c) {
  Frame& f = fr();
  if (!lockRq(c)) return;
  // ttwu_do_activate -> activate_task(ENQUEUE_WAKEUP): enqueue, then on_rq
  site(Site::Activate);
  enqueueTask(c, t, kEnqWakeup);
  setOnRq(t, OnRq::Queued);
  // task_woken_scx -> run_deferred(rq)
  site(Site::TaskWoken);
  f.home = c;
  f.t = kNone;  // (run_deferred works on the rq's list, not on p)
  f.op = static_cast<uint8_t>(Op::Deferred);
  goTo(Pc::Deferred);
}

// affine_move_task -> move_queued_task after the sched_change, rq x held.
void ExtCore::mqtBegin() { moveQueuedTask(fr().x, fr().t); }

// move_queued_task (core.c:2556) of t, queued on rq, to a CPU it allows:
// deactivate (on_rq = MIGRATING, dequeue), then set_task_cpu and the
// second half under the destination rq (DeqThenMigrate, mqtDst).
void ExtCore::moveQueuedTask(uint8_t rq, uint8_t t) {
  Frame& f = fr();
  uint8_t cand[kMaxCpus];
  int k = 0;
  for (uint8_t x = 0; x < cfg_.cpus; ++x)
    if (allowed(t, x)) cand[k++] = x;
  f.y = cand[ch_->pick(k)];
  site(Site::MoveQueuedTask);
  site(Site::Deactivate);
  setOnRq(t, OnRq::Migrating);
  f.tag = static_cast<uint8_t>(Ret::DeqThenMigrate);
  dequeueTask(rq, t, 0);
}

void ExtCore::mqtDst() {
  Frame& f = fr();
  if (!lockRq(f.x)) return;
  if (tk(f.t).cpu != f.x) warn(Warn::MigrateCpuChanged, f.t);  // core.c:2569
  site(Site::Activate);
  enqueueTask(f.x, f.t, 0);
  setOnRq(f.t, OnRq::Queued);
  endPath();
}

}  // namespace scxmc
