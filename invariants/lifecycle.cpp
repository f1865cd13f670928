// The scheduler lifecycle's invariants (meaningful with Config::lifecycle;
// they hold vacuously without it):
//   lifecycle       the scx task state moves only along scx_set_task_state's
//                   edges (ext.c:649-687); ops.init_task before ops.enable
//                   before any scheduling callback; ops.disable before
//                   ops.exit_task; after disable every task is NONE on fair
//   bypass          no ops.select_cpu / ops.enqueue / ops.dispatch on a
//                   bypassing CPU (ext.c:3646, 2050, inl.h:44; for
//                   ops.dispatch the first round of a dispatch) or before
//                   initialization completed (every task switched to ext)
//   sleep-in-atomic no sleeping lock and no sleepable BPF program
//                   (bpf_scx_check_member, ext.c:8303-8318) while holding a
//                   spinlock or a spin-wait pseudo-lock
#include "format.hpp"
#include "invariants_all.hpp"
#include "ext_core.hpp"
#include "locks.hpp"

namespace scxmc {

namespace {

bool isTaskOp(Ev k) {
  switch (k) {
    case Ev::OpsSelectCpu: case Ev::OpsEnqueue: case Ev::OpsDequeue: case Ev::OpsRunnable:
    case Ev::OpsRunning: case Ev::OpsStopping: case Ev::OpsQuiescent: case Ev::OpsSetWeight:
    case Ev::OpsSetCpumask: return true;
    default: return false;
  }
}

bool onCpu(const Config& cfg, const State& s, uint8_t t) {
  for (int c = 0; c < cfg.cpus; ++c)
    if (s.cpu[c].curr == t) return true;
  return false;
}

// --task-death: TASK_DEAD and switched out for the last time
// (task_dead_and_done, ext.c:4329-4341)
bool deadAndDone(const Config& cfg, const State& s, uint8_t t) {
  return (s.task[t].flags & kTaskDead) && !onCpu(cfg, s, t);
}

bool edgeAllowed(uint8_t from, uint8_t to) {
  using S = ScxTaskState;
  const auto f = static_cast<S>(from), t = static_cast<S>(to);
  // created / freed in NONE; a task that died in INIT_BEGIN is freed from DEAD
  if (f == S::Unborn || t == S::Unborn) return f == S::None || t == S::None || (f == S::Dead && t == S::Unborn);
  switch (t) {
    case S::Unborn: return false;
    // sched_ext_dead during ops.init_task (ext.c:4369-4380), or after
    // scx_disable_and_exit_task left the task NONE (ext.c:4383-4385)
    case S::Dead: return f == S::InitBegin || f == S::None;
    case S::None: return f != S::None && f != S::Dead;
    case S::InitBegin: return f == S::None;
    case S::Init: return f == S::InitBegin;
    case S::Ready: return f == S::Init || f == S::Enabled;
    case S::Enabled: return f == S::Ready;
  }
  return false;
}

class Lifecycle final : public Invariant {
 public:
  const char* id() const override { return "lifecycle"; }
  bool applies(const Config& cfg) const override { return cfg.lifecycle; }
  bool exercisedBy(const Event& e) const override { return e.kind == Ev::OpsLife || e.kind == Ev::TaskState; }
  const char* statement() const override {
    return "task states move only along the kernel's edges; init_task before enable before scheduling; "
           "disable before exit_task; no callback for a dead task after its final switch; after disable every "
           "task is back on fair; no task on ext whose policy task_should_scx keeps off it";
  }
  bool onStep(const Config& cfg, const State& prev, const StepLog& log, State&, std::string* why) const override {
    if (!cfg.lifecycle) return true;
    uint8_t st[kMaxTasks];
    for (int t = 0; t < kMaxTasks; ++t) st[t] = prev.task[t].scx_state;
    using S = ScxTaskState;
    auto need = [&](const Event& e, bool ok, const char* what) {
      if (!ok) *why = describeEvent(e) + " with " + taskName(e.t) + " in scx state " + scxTaskStateName(st[e.t]) + ": " + what;
      return ok;
    };
    uint8_t disabled = 0;  // tasks whose ops.disable this step called
    uint8_t owner[kMaxTasks];  // (--sub-scheds) p->scx.sched
    for (int t = 0; t < kMaxTasks; ++t) owner[t] = (prev.task[t].flags & kTaskSubOwned) ? kSchedChild0 : kSchedRoot;
    // (--sub-fail-parent) tasks scx_punt_task handed to the failed root in
    // NONE: the owner set while the task is NONE (sub.c:1287).  7.3.4 lets
    // them "still trigger [the parent's] task ops ... @to is dying anyway"
    // (sub.c:1274-1277): the root's scheduling and cgroup callbacks for
    // them are accepted while they stay NONE; ops.enable is not, nor the
    // scheduling decisions bypass keeps from the parent (ops.select_cpu,
    // ops.enqueue; ops.dequeue needs custody, which only ops.enqueue gives).
    bool punted[kMaxTasks] = {};
    for (int t = 0; t < cfg.tasks; ++t)
      punted[t] = cfg.sub_fail_parent && prev.task[t].scx_state == static_cast<uint8_t>(S::None) &&
                  (prev.task[t].flags & kTaskSubOwned) == 0 && (prev.sub_exit & kSubRootFailBypass);
    auto puntedOp = [&](const Event& e) {
      return punted[e.t] && st[e.t] == static_cast<uint8_t>(S::None) && e.sch == kSchedRoot &&
             e.kind != Ev::OpsSelectCpu && e.kind != Ev::OpsEnqueue && e.kind != Ev::OpsDequeue;
    };
    for (const Event& e : log) {
      if (e.kind == Ev::SetSched) {
        owner[e.t] = e.a;
        if (cfg.sub_fail_parent && st[e.t] == static_cast<uint8_t>(S::None) && e.a == kSchedRoot) punted[e.t] = true;
      }
      if (e.kind == Ev::TaskState) {
        if (e.a != st[e.t] || !edgeAllowed(e.a, e.b)) {
          *why = taskName(e.t) + " scx state " + scxTaskStateName(st[e.t]) + " -> " + scxTaskStateName(e.b) +
                 " is not an edge of scx_set_task_state (ext.c:649-687)";
          return false;
        }
        // ENABLED -> READY only in scx_disable_task, after ops.disable (ext.c:4086-4101)
        if (e.a == static_cast<uint8_t>(S::Enabled) && !(disabled >> e.t & 1)) {
          *why = taskName(e.t) + " scx state ENABLED -> " + scxTaskStateName(e.b) + " without ops.disable";
          return false;
        }
        st[e.t] = e.b;
      } else if (isTaskOp(e.kind) && e.t != kNone) {
        if (!need(e, st[e.t] == static_cast<uint8_t>(S::Enabled) || puntedOp(e),
                  "scheduling callbacks need ops.enable first"))
          return false;
        // --task-death: nothing calls into ext for a task that is dead and
        // switched out (task_dead_and_done, ext.c:4329-4341)
        if (deadAndDone(cfg, prev, e.t)) {
          *why = describeEvent(e) + " for " + taskName(e.t) + " after its final switch (TASK_DEAD)";
          return false;
        }
      } else if (e.kind == Ev::OpsLife && e.t != kNone) {
        const uint8_t s = st[e.t];
        // a dead, switched-out task is still initialized by an enable's
        // loop (scx_tasks holds it until sched_ext_dead) and disabled and
        // exited, but never enabled (switching_to_scx, ext.c:4419)
        const auto op = static_cast<LifeOp>(e.a);
        if (deadAndDone(cfg, prev, e.t) && op != LifeOp::InitTask &&
            op != LifeOp::Disable && op != LifeOp::ExitTask) {
          *why = describeEvent(e) + " for " + taskName(e.t) + " after its final switch (TASK_DEAD)";
          return false;
        }
        switch (static_cast<LifeOp>(e.a)) {
          case LifeOp::InitTask:
            // --sub-scheds: ops.init_task for the task's next owner while
            // it stays READY/ENABLED on its current one (sub.c:1903, 1583);
            // invariant sub-callbacks checks those
            if (cfg.sub_scheds && (s == static_cast<uint8_t>(S::Ready) || s == static_cast<uint8_t>(S::Enabled)))
              break;
            // (or DEAD: sched_ext_dead ran while it did, ext.c:7963-7968)
            if (!need(e, s == static_cast<uint8_t>(S::InitBegin) || s == static_cast<uint8_t>(S::Dead),
                      "ops.init_task runs in INIT_BEGIN"))
              return false;
            break;
          case LifeOp::Enable:
            if (!need(e, s == static_cast<uint8_t>(S::Ready), "ops.enable needs ops.init_task first")) return false;
            break;
          case LifeOp::Disable:
            if (!need(e, s == static_cast<uint8_t>(S::Enabled), "ops.disable only for enabled tasks")) return false;
            disabled |= 1u << e.t;
            break;
          case LifeOp::ExitTask:
            // --sub-migrations: the would-be owner's cancelled exit_task
            // undoes its ops.init_task while the task stays READY/ENABLED on
            // its owner (scx_sub_init_cancel_task ext.c:4159); sub-callbacks
            // checks whose callback it is
            if (cfg.sub_scheds && e.b == kExitTaskInitCancel && e.sch != owner[e.t] &&
                (s == static_cast<uint8_t>(S::Ready) || s == static_cast<uint8_t>(S::Enabled)))
              break;
            // (DEAD: the cancelled exit_task of the enable loop's unwind, ext.c:7980-7986)
            if (!need(e, s == static_cast<uint8_t>(S::Init) || s == static_cast<uint8_t>(S::Ready) ||
                             s == static_cast<uint8_t>(S::Dead),
                      "ops.exit_task needs ops.disable first (and an initialized task)"))
              return false;
            break;
          default:
            // the cgroup move callbacks: for a task with a scheduler
            // (scx_cgroup_task_sched non-NULL, ext.c:5014): READY too, e.g.
            // a move during the enable's switch loop (--sub-migrations)
            if (!need(e, s == static_cast<uint8_t>(S::Enabled) || s == static_cast<uint8_t>(S::Ready) || puntedOp(e),
                      "cgroup callbacks only for initialized tasks"))
              return false;
            break;
        }
      }
    }
    return true;
  }
  bool onState(const Config& cfg, const State& s, std::string* why) const override {
    // --switch-during-walks: the class follows the policy (__setscheduler_class
    // and the enable's switch loop, ext.c:5733-5760, 8023): a task whose
    // policy is another class is never ENABLED
    if (cfg.switch_walks)
      for (uint8_t t = 0; t < cfg.tasks; ++t)
        if (s.task[t].scx_state == static_cast<uint8_t>(ScxTaskState::Enabled) &&
            (s.task[t].flags & kTaskPolicyOther)) {
          *why = taskName(t) + " is on ext (ENABLED) with a policy task_should_scx keeps off ext";
          return false;
        }
    if (!cfg.lifecycle || s.life_pc != static_cast<uint8_t>(LifePc::Done)) return true;
    for (uint8_t t = 0; t < cfg.tasks; ++t) {
      if ((s.task[t].scx_state != 0 && s.task[t].scx_state != static_cast<uint8_t>(ScxTaskState::Unborn)) ||
          onCpu(cfg, s, t)) {
        *why = "after disable " + taskName(t) + " is still on ext (" + scxTaskStateName(s.task[t].scx_state) + ")";
        return false;
      }
    }
    // (--sub-fail-parent: scx_fail_parent's scx_bypass(parent, true) is never
    // undone; the scx_sched it raised is freed, kSubRootFailBypass)
    const int left = (s.sub_exit & kSubRootFailBypass) ? 1 : 0;
    if (s.scx_enable != 0 || s.bypass_depth != left) {
      *why = std::string("after disable: ") + scxEnableName(s.scx_enable) + ", bypass depth " +
             std::to_string(s.bypass_depth);
      return false;
    }
    return true;
  }
};

class Bypass final : public Invariant {
 public:
  const char* id() const override { return "bypass"; }
  bool applies(const Config& cfg) const override { return cfg.lifecycle; }
  bool exercisedBy(const Event& e) const override { return e.kind == Ev::BypassFlag; }
  const char* statement() const override {
    return "no ops.select_cpu/enqueue/dispatch on a bypassing CPU or before initialization completed";
  }
  bool onStep(const Config& cfg, const State& prev, const StepLog& log, State&, std::string* why) const override {
    if (!cfg.lifecycle) return true;
    uint8_t byp[kMaxCpus], st[kMaxTasks];
    for (int c = 0; c < kMaxCpus; ++c) byp[c] = prev.cpu[c].bypassing & kCpuBypassing;
    for (int t = 0; t < kMaxTasks; ++t) st[t] = prev.task[t].scx_state;
    uint8_t en = prev.scx_enable;
    for (const Event& e : log) {
      if (e.kind == Ev::BypassFlag) byp[e.c] = e.a;
      if (e.kind == Ev::TaskState) st[e.t] = e.b;
      if (e.kind == Ev::EnableState) en = e.b;
      uint8_t cpu = kNone;
      if (e.kind == Ev::OpsSelectCpu) cpu = prev.task[e.t].cpu;
      else if (e.kind == Ev::OpsEnqueue || e.kind == Ev::OpsDispatch) cpu = e.c;
      else continue;
      // The bypass gate of scx_dispatch_sched is at its entry (inl.h:42-48);
      // later rounds of its ops.dispatch loop (inl.h:91-130) do not re-check
      // it, and one that dropped the rq lock in a kfunc can find its CPU
      // bypassing by then (docs/lock-order.md, "findings"): only the first
      // round is held to the gate.
      const bool gated = !(e.kind == Ev::OpsDispatch && e.b != 0);
      if (cpu != kNone && byp[cpu] && gated) {
        *why = describeEvent(e) + " while CPU" + std::to_string(cpu) + " is bypassing";
        return false;
      }
      // initialized: ENABLED or DISABLING, or ENABLING once every task is on ext
      bool init = en == static_cast<uint8_t>(ScxEnable::Enabled) || en == static_cast<uint8_t>(ScxEnable::Disabling);
      if (en == static_cast<uint8_t>(ScxEnable::Enabling)) {
        init = true;
        // (a dead task the switch loop found switched out stays READY:
        // lifecycle.cpp, task_dead_and_done; so does, with
        // --switch-during-walks, a task whose policy is another class:
        // scx_setscheduler_class, ext.c:8023)
        for (int t = 0; t < cfg.tasks; ++t)
          init = init && (st[t] == static_cast<uint8_t>(ScxTaskState::Enabled) ||
                          st[t] == static_cast<uint8_t>(ScxTaskState::Unborn) ||
                          deadAndDone(cfg, prev, t) ||
                          (cfg.switch_walks && st[t] == static_cast<uint8_t>(ScxTaskState::Ready) &&
                           (prev.task[t].flags & kTaskPolicyOther)));
      }
      if (!init) {
        *why = describeEvent(e) + " before initialization completed (" + scxEnableName(en) +
               ", not every task switched to ext)";
        return false;
      }
    }
    return true;
  }
};

class SleepInAtomic final : public Invariant {
 public:
  const char* id() const override { return "sleep-in-atomic"; }
  bool applies(const Config& cfg) const override { return cfg.lifecycle; }
  bool exercisedBy(const Event& e) const override { return e.kind == Ev::OpsLife; }
  const char* statement() const override {
    return "no mutex, rwsem or sleepable BPF program while holding a spinlock or spinning";
  }
  bool onStep(const Config& cfg, const State& prev, const StepLog& log, State&, std::string* why) const override {
    const int actor = stepActor(log);
    if (actor < 0) return true;
    HeldLock held[kMaxHeld + 8];
    int n = heldLocks(cfg, prev, actor, held);
    auto atomic = [&](std::string* which) {
      for (int i = 0; i < n; ++i) {
        const LockKind k = lockClassInfo(static_cast<LockClass>(held[i].cls)).kind;
        if (k == LockKind::RawSpin || k == LockKind::Spin || k == LockKind::Pseudo) {
          *which = lockClassName(held[i].cls);
          return true;
        }
      }
      return false;
    };
    for (const Event& e : log) {
      std::string which;
      if (e.kind == Ev::Lock) {
        const LockKind k = lockClassInfo(static_cast<LockClass>(e.a)).kind;
        if (sleepingKind(k) && atomic(&which)) {
          *why = std::string("takes ") + lockClassName(e.a) + " (may sleep) while holding " + which;
          return false;
        }
        if (n < kMaxHeld + 8) held[n++] = HeldLock{e.a, e.b};
      } else if (e.kind == Ev::Unlock) {
        for (int i = n; i-- > 0;)
          if (held[i].cls == e.a && held[i].inst == e.b) {
            for (int j = i; j + 1 < n; ++j) held[j] = held[j + 1];
            --n;
            break;
          }
      } else if (e.kind == Ev::OpsLife && lifeOpSleepable(e.a) && atomic(&which)) {
        *why = "sleepable " + describeEvent(e) + " while holding " + which;
        return false;
      }
    }
    return true;
  }
};

}  // namespace

std::unique_ptr<Invariant> makeLifecycle() { return std::make_unique<Lifecycle>(); }
std::unique_ptr<Invariant> makeBypass() { return std::make_unique<Bypass>(); }
std::unique_ptr<Invariant> makeSleepInAtomic() { return std::make_unique<SleepInAtomic>(); }

}  // namespace scxmc
