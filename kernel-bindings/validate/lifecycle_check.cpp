#include "lifecycle_check.hpp"

#include <map>
#include <sstream>

#include "events.hpp"

namespace scxmc::validate {

using trace::Kind;

SiteSlice siteSlice(Site s) {
  const int i = static_cast<int>(s);
  if (i >= static_cast<int>(Site::Count)) return SiteSlice::ProxyExec;  // a variant's own site
  // the root's exit claim and ->aborting reads (the consume's was a --sub-scheds site until session 14)
  if (s == Site::RootExitClaim || s == Site::DsqMoveAborting || s == Site::ConsumeAborting) return SiteSlice::Lifecycle;
  if (i >= static_cast<int>(Site::KickCpu)) return SiteSlice::Kicks;
  if (i >= static_cast<int>(Site::HardLockup)) return SiteSlice::Nmi;
  if (i >= static_cast<int>(Site::ScheduleDeferredLocked)) return SiteSlice::BalanceCallbacks;
  if (i >= static_cast<int>(Site::SetTaskSched)) return SiteSlice::SubScheds;
  if (i >= static_cast<int>(Site::ProxyBlock)) return SiteSlice::ProxyExec;
  if (i >= static_cast<int>(Site::DoTaskDead)) return SiteSlice::Lifecycle;
  return SiteSlice::Baseline;
}

const char* sliceName(SiteSlice s) {
  switch (s) {
    case SiteSlice::Baseline: return "baseline";
    case SiteSlice::Lifecycle: return "lifecycle";
    case SiteSlice::ProxyExec: return "proxy-exec";
    case SiteSlice::SubScheds: return "sub-scheds";
    case SiteSlice::BalanceCallbacks: return "balance-callbacks";
    case SiteSlice::Kicks: return "kicks";
    case SiteSlice::Nmi: return "nmi";
  }
  return "?";
}

namespace {

using S = ScxTaskState;

// A recorded kernel task state (SCX_TASK_* >> SCX_TASK_STATE_SHIFT,
// include/linux/sched/ext.h:122-127) as the model's ScxTaskState.  The
// kernel's DEAD is the model's Dead, both for a task that died while
// ops.init_task ran (INIT_BEGIN -> DEAD, ext.c:4369-4380) and after
// scx_disable_and_exit_task (NONE -> DEAD, ext.c:4383-4385; the model's
// taskExit marks it too since finding L1 was fixed, docs/validation.md).
uint8_t modelState(uint64_t kernel) {
  switch (kernel) {
    case 0: return static_cast<uint8_t>(S::None);
    case 1: return static_cast<uint8_t>(S::InitBegin);
    case 2: return static_cast<uint8_t>(S::Init);
    case 3: return static_cast<uint8_t>(S::Ready);
    case 4: return static_cast<uint8_t>(S::Enabled);
    case 5: return static_cast<uint8_t>(S::Dead);
    default: return 0xff;
  }
}

// The edges of the model's task state machine: the same table as
// invariants/lifecycle.cpp's edgeAllowed (the kernel's scx_set_task_state
// warnings, ext.c:649-687), restated here because kernel-bindings depends
// on the model only.
bool modelEdge(uint8_t from, uint8_t to) {
  const auto f = static_cast<S>(from), t = static_cast<S>(to);
  if (f == S::Unborn || t == S::Unborn) return f == S::None || t == S::None || (f == S::Dead && t == S::Unborn);
  switch (t) {
    case S::Dead: return f == S::InitBegin || f == S::None;
    case S::None: return f != S::None && f != S::Dead;
    case S::InitBegin: return f == S::None;
    case S::Init: return f == S::InitBegin;
    case S::Ready: return f == S::Init || f == S::Enabled;
    case S::Enabled: return f == S::Ready;
    default: return false;
  }
}

std::string at(const trace::Record& r) {
  std::ostringstream o;
  o << "seq " << r.seq << " cpu" << r.cpu << " " << trace::kind_name(r.kind);
  if (r.pid) o << " pid " << r.pid;
  return o.str();
}

}  // namespace

LifecycleCheck checkLifecycle(const Projection& p) {
  LifecycleCheck out;
  for (const auto& r : p.recs)
    if (r.kind == Kind::KTaskState) { out.checked = true; break; }
  if (!out.checked) return out;
  auto violate = [&](const std::string& what) {
    ++out.violations;
    if (out.first.size() < 10) out.first.push_back(what);
  };
  auto observe = [&](Site s) { out.observed.set(static_cast<size_t>(s)); };

  // ---- task states and the lifecycle callbacks placed against them
  std::map<uint32_t, uint8_t> st;  // pid -> model state after its last recorded transition
  std::map<uint32_t, uint64_t> post_fork;    // pid -> seq of its scx_post_fork
  struct Pending {
    uint32_t need;     // model states the callback may run in
    std::string what;  // the violation, if the next transition does not start in one
  };
  std::map<uint32_t, Pending> pending;       // pid -> a callback placed against a state not yet confirmed
  // pid -> the transition a confirmed ops.enable / ops.disable implies: the
  // kernel sets the task's state right after either callback, with the rq
  // lock held across both (scx_enable_task, ext.c:4083-4084;
  // scx_disable_task, ext.c:4096-4098).  The probe may miss that
  // scx_set_task_state (an inlined call site), and the task may record no
  // later transition at all (it dies in NONE after a root disable's
  // scx_disable_and_exit_task, whose READY -> NONE at ext.c:4189 the probe
  // also missed): the callback is then the only evidence of the new state.
  struct Implied {
    uint8_t from, to;
  };
  std::map<uint32_t, Implied> implied;
  for (const auto& r : p.recs) {
    const uint32_t pid = r.pid;
    switch (r.kind) {
      case Kind::KTaskState: {
        ++out.transitions;
        const uint8_t from = modelState(r.arg[0]);
        const uint8_t to = modelState(r.arg[1]);
        if (from == 0xff || to == 0xff) {
          violate(at(r) + ": unknown task state " + std::to_string(r.arg[0]) + " -> " + std::to_string(r.arg[1]));
          break;
        }
        if (auto im = implied.find(pid); im != implied.end()) {
          const Implied i = im->second;
          implied.erase(im);
          if (from == i.from && to == i.to) st[pid] = from;  // the implied transition itself, recorded
          else ++out.inferred;                                // it was not recorded
        }
        if (auto pe = pending.find(pid); pe != pending.end()) {
          if ((pe->second.need >> from) & 1) ++out.inferred;
          else violate(pe->second.what);
          pending.erase(pe);
        }
        auto it = st.find(pid);
        if (it != st.end() && it->second != from) {
          // a transition the fentry probe did not see (an inlined call site)
          ++out.inferred;
          if (!modelEdge(it->second, from))
            violate(at(r) + ": the task was " + scxTaskStateName(it->second) + ", the kernel went on from " +
                    scxTaskStateName(from) + ", which is not one edge of the model's task states");
        }
        if (!modelEdge(from, to))
          violate(at(r) + ": " + scxTaskStateName(from) + " -> " + scxTaskStateName(to) +
                  " is not an edge of the model's task states (ext.c:649-687)");
        st[pid] = to;
        if (to == static_cast<uint8_t>(S::Unborn) || to == static_cast<uint8_t>(S::Dead)) {
          // the pid may be reused by a new task: it starts in NONE
          st.erase(pid);
        }
        break;
      }
      case Kind::CbInitTask:
      case Kind::CbEnable:
      case Kind::CbDisable:
      case Kind::CbExitTask: {
        uint32_t need = 0;  // bit set of the model states the callback runs in
        const char* what = "";
        uint8_t then = 0xff;  // the state the kernel sets right after the callback, if it always does
        if (r.kind == Kind::CbInitTask) {
          need = 1u << static_cast<int>(S::InitBegin);
          what = "the model runs ops.init_task in INIT_BEGIN";
          if (!r.arg[0]) { observe(Site::EnableInitLoop); observe(Site::InitTask); }
        } else if (r.kind == Kind::CbEnable) {
          need = 1u << static_cast<int>(S::Ready);
          what = "the model runs ops.enable in READY";
          then = static_cast<uint8_t>(S::Enabled);
          auto pf = post_fork.find(pid);
          if (pf != post_fork.end() && r.seq - pf->second < 8) observe(Site::PostForkEnable);
        } else if (r.kind == Kind::CbDisable) {
          need = 1u << static_cast<int>(S::Enabled);
          what = "the model runs ops.disable in ENABLED";
          then = static_cast<uint8_t>(S::Ready);
        } else {
          need = 1u << static_cast<int>(S::Init) | 1u << static_cast<int>(S::Ready);
          what = "the model runs ops.exit_task in INIT or READY (after ops.disable)";
          observe(Site::DisableAndExit);
        }
        // a transition implied by an earlier callback and not recorded before
        // this one (the rq lock is held from that callback to its transition)
        if (implied.erase(pid)) ++out.inferred;
        auto it = st.find(pid);
        if (it == st.end()) break;  // its state was never recorded (before the probes saw it)
        ++out.callbacks;
        if (!((need >> it->second) & 1)) {
          // The probe may have missed a transition (an inlined call site, or
          // fentry's recursion guard): decide at the task's next recorded
          // transition, whose `from` is the state the task was really in.
          pending[pid] = Pending{need, at(r) + " in task state " + scxTaskStateName(it->second) + ": " + what};
        } else if (then != 0xff) {
          implied[pid] = Implied{it->second, then};
          it->second = then;
        }
        break;
      }
      case Kind::KSwitchingTo: ++out.class_switches_to; observe(Site::SwitchingTo); break;
      case Kind::KSwitchedFrom: ++out.class_switches_from; observe(Site::SwitchedFrom); break;
      case Kind::KSetScheduler: ++out.setscheduler; observe(Site::SetScheduler); break;
      case Kind::KFork: ++out.forks; observe(Site::ScxFork); break;
      case Kind::KPostFork: post_fork[pid] = r.seq; observe(Site::ScxPostFork); break;
      case Kind::KCancelFork: ++out.cancelled_forks; observe(Site::ScxCancelFork); break;
      case Kind::KDead: ++out.deaths; observe(Site::SchedExtDead); break;
      case Kind::CbCgroupPrepMove: observe(Site::CgroupCanAttach); break;
      case Kind::CbCgroupMove: ++out.cgroup_moves; observe(Site::CgroupMoveTask); break;
      case Kind::CbCgroupCancelMove: observe(Site::CgroupCancelAttach); break;
      case Kind::CbCgroupInit: ++out.cgroup_inits; break;
      case Kind::CbCgroupExit: ++out.cgroup_exits; break;
      case Kind::KfCreateDsq: ++out.dsq_creates; observe(Site::CreateDsq); break;
      case Kind::KfDestroyDsq: ++out.dsq_destroys; observe(Site::DestroyDsq); break;
      case Kind::KfError: ++out.error_exits; observe(Site::ScxError); break;
      case Kind::TpSchedSwitch:
        // prev_state TASK_DEAD (0x80): do_task_dead's final __schedule
        if (r.arg[1] & 0x80) { observe(Site::DoTaskDead); observe(Site::FinishTaskSwitchDead); }
        break;
      case Kind::MetaAttach:
        if (r.arg[0] > 0) observe(Site::Reattach);
        break;
      default: break;
    }
  }

  for (const auto& [pid, pe] : pending) violate(pe.what + " (and no later transition shows otherwise)");

  // ---- the helper's stages of each cycle, in the model's order
  // (helperStep: Idle -> EnBypass -> EnInitLock/EnInitTask -> EnSwitchTask
  // -> EnUnbypass -> EnPublish -> Enabled -> DisLock/DisTasks -> DisExit ->
  // DisUnbypass -> Done -> Reattach)
  enum Tok : uint8_t { EnWork, Init, InitRet, BypOn, BypOnRet, BypOff, BypOffRet, EnRet, Dis, Exit, DisRet, Detach };
  static const Tok kOrder[] = {EnWork, Init,  InitRet, BypOn,     BypOnRet, BypOff, BypOffRet, EnRet,
                               Dis,    BypOn, BypOnRet, Exit,     BypOff,   BypOffRet, DisRet, Detach};
  static const char* kTokName[] = {"scx_root_enable_workfn", "ops.init", "ops.init returns", "scx_bypass(true)",
                                   "scx_bypass(true) returns", "scx_bypass(false)", "scx_bypass(false) returns",
                                   "scx_root_enable_workfn returns", "scx_root_disable", "ops.exit",
                                   "scx_root_disable returns", "META_DETACH"};
  size_t pos = 0;
  bool in_cycle = false;
  int depth = 0;              // scx_bypass nesting, counted from its returns
  uint64_t window_from = 0;   // seq of the return of the outermost scx_bypass(true)
  std::map<uint16_t, uint64_t> loop_start;  // cpu -> seq of the first ops.dispatch of its current loop
  uint64_t en_bypass_on = 0, en_bypass_off = UINT64_MAX;  // the enable's window (seqs)
  std::vector<const trace::Record*> init_loop;            // ops.init_task(fork=false) of the cycle
  auto closeCycle = [&] {
    ++out.cycles;
    for (const auto* it : init_loop)
      if (it->seq < en_bypass_on || it->seq > en_bypass_off)
        violate(at(*it) + ": the enable loop's ops.init_task outside the enable's bypass (the model's "
                          "EnInitTask lies between EnBypass and EnUnbypass)");
    init_loop.clear();
  };
  for (const auto& r : p.recs) {
    int tok = -1;
    switch (r.kind) {
      case Kind::KEnableWorkfn: tok = EnWork; observe(Site::RootEnable); break;
      case Kind::CbInit: tok = Init; observe(Site::OpsInitCall); break;
      case Kind::CbInitRet: tok = InitRet; break;
      case Kind::KBypass: tok = r.arg[0] ? BypOn : BypOff; observe(Site::Bypass); break;
      case Kind::KBypassRet: tok = r.arg[0] ? BypOnRet : BypOffRet; break;
      case Kind::KEnableWorkfnRet: tok = EnRet; observe(Site::EnablePublish); break;
      case Kind::KRootDisable: tok = Dis; observe(Site::RootDisable); break;
      case Kind::CbExit: tok = Exit; observe(Site::OpsExitCall); break;
      case Kind::KRootDisableRet: tok = DisRet; break;
      case Kind::MetaDetach: tok = Detach; break;
      case Kind::CbInitTask:
        if (!r.arg[0] && in_cycle) init_loop.push_back(&r);
        if (depth > 0) ++out.bypass_records;
        break;
      case Kind::KSwitchingTo:
        // the enable's switch loop runs inside its bypass (EnSwitchTask)
        if (in_cycle && pos == 5) { observe(Site::EnableSwitchLoop); observe(Site::EnableSwitchTask); }
        if (depth > 0) ++out.bypass_records;
        break;
      case Kind::CbRunnable:
        // enqueue_task_scx while the CPU bypasses: scx_do_enqueue_task puts
        // the task on the bypass DSQ without ops.enqueue (ext.c:2050)
        if (depth > 0) { ++out.bypass_records; observe(Site::BypassEnqueue); }
        break;
      case Kind::CbDispatch:
        // scx_dispatch_sched tests bypass once, at its entry (inl.h:42-48),
        // then calls ops.dispatch again while the previous round inserted
        // something (the do-while, inl.h:95-130): a later round of a loop
        // that began before bypass was on is not gated (the model's
        // invariant `bypass` gates the first round only).  A round belongs
        // to the loop of the CPU's previous ops.dispatch unless the CPU
        // picked, ran or woke something in between.
        if (!loop_start.count(r.cpu)) loop_start[r.cpu] = r.seq;
        if (depth > 0) {
          ++out.bypass_records;
          if (loop_start[r.cpu] < window_from) {
            ++out.bypass_later_rounds;
          } else {
            violate(at(r) + ": ops.dispatch entered while every CPU bypasses (between scx_bypass(true)'s "
                            "return and scx_bypass(false)); the model has none (BypassDispatch)");
          }
        }
        break;
      case Kind::CbSelectCpu:
      case Kind::CbEnqueue:
        loop_start.erase(r.cpu);
        if (depth > 0) {
          ++out.bypass_records;
          violate(at(r) + ": a BPF decision callback while every CPU bypasses (between scx_bypass(true)'s "
                          "return and scx_bypass(false)); the model has none (BypassSelect/BypassEnqueue)");
        }
        break;
      case Kind::TpSchedSwitch:
      case Kind::CbRunning:
      case Kind::CbStopping:
      case Kind::TpSchedWakeup:
        loop_start.erase(r.cpu);
        if (depth > 0) ++out.bypass_records;
        break;
      default:
        if (depth > 0) ++out.bypass_records;
        break;
    }
    if (tok == BypOnRet && depth++ == 0) { ++out.bypass_windows; window_from = r.seq; }
    if (tok == BypOff && depth > 0) --depth;
    if (tok < 0) continue;
    ++out.stages;
    if (tok == EnWork) {
      if (in_cycle) violate(at(r) + ": a new enable before the previous cycle's stages ended");
      in_cycle = true;
      pos = 0;
    }
    if (!in_cycle) {
      if (tok != Detach) violate(at(r) + ": " + kTokName[tok] + " outside an enable..disable cycle");
      continue;
    }
    if (pos < std::size(kOrder) && kOrder[pos] == tok) {
      if (pos == 4) en_bypass_on = r.seq;
      if (pos == 5) en_bypass_off = r.seq;
      ++pos;
    } else {
      violate(at(r) + ": helper stage " + kTokName[tok] + " where the model's helper program has " +
              (pos < std::size(kOrder) ? kTokName[kOrder[pos]] : "nothing"));
    }
    if (tok == Detach) {
      if (pos != std::size(kOrder)) violate(at(r) + ": the cycle ended before its helper stages did");
      closeCycle();
      in_cycle = false;
      en_bypass_on = 0;
      en_bypass_off = UINT64_MAX;
    }
  }
  return out;
}

}  // namespace scxmc::validate
